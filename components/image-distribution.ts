import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { buildEdgeFunctionCode } from "../edge-fn/build";
import { checkCorsOrigins } from "../core/cors";
import { FORMAT_HEADER } from "../core/formats";
import { type Preset, presetFormats } from "../core/presets";
import { type EdgeScope, US_EAST_1 } from "./edge-scope";
import type { PriceClass } from "./image-edge";
import type { ImageFunction } from "./image-function";
import type { PrivateBucket } from "./private-bucket";

/** The resource arguments each child of an edge's distribution is built from, by role. */
export interface DistributionChildren {
  originAccessControl: aws.cloudfront.OriginAccessControlArgs;
  edgeFunction: aws.cloudfront.FunctionArgs;
  cachePolicy: aws.cloudfront.CachePolicyArgs;
  originRequestPolicy: aws.cloudfront.OriginRequestPolicyArgs;
  responseHeadersPolicy: aws.cloudfront.ResponseHeadersPolicyArgs;
  distribution: aws.cloudfront.DistributionArgs;
  invokeUrlPermission: aws.lambda.PermissionArgs;
  invokeFunctionPermission: aws.lambda.PermissionArgs;
  accessLogSource: aws.cloudwatch.LogDeliverySourceArgs;
  accessLogDestination: aws.cloudwatch.LogDeliveryDestinationArgs;
  accessLogDelivery: aws.cloudwatch.LogDeliveryArgs;
}

/** The viewer-request function: checks every URL's signature against the KeyValueStore's keys, normalizes the format. */
export function createEdgeFunction(
  scope: EdgeScope<DistributionChildren>,
  presets: Record<string, Preset>,
  maxUrlLifetimeSeconds: number,
  store: aws.cloudfront.KeyValueStore,
): aws.cloudfront.Function {
  return scope.children.create(aws.cloudfront.Function, "edgeFunction", {
    runtime: "cloudfront-js-2.0",
    comment: "Rendorix viewer-request: checks the URL signature, normalizes the format",
    code: buildEdgeFunctionCode({ presets: presetFormats(presets), maxUrlLifetimeSeconds }),
    keyValueStoreAssociations: [store.arn],
    publish: true,
    tags: scope.tags,
  });
}

export interface DistributionOptions {
  imageFunction: ImageFunction;
  edgeFunction: aws.cloudfront.Function;
  /** The timeout of the image Lambda; the origin read timeout follows it. */
  timeoutSeconds: number;
  /** The hostname and its validated certificate, when the edge has a domain of its own. */
  domain?: { name: string; certificateArn: pulumi.Output<string> };
  priceClass?: PriceClass;
  corsAllowedOrigins?: string[];
}

/** The distribution in front of the image Function URL, with its policies and the two grants that let it call the Lambda. */
export function createDistribution(scope: EdgeScope<DistributionChildren>, options: DistributionOptions): aws.cloudfront.Distribution {
  const { children, tags } = scope;
  const originAccess = children.create(aws.cloudfront.OriginAccessControl, "originAccessControl", {
    originAccessControlOriginType: "lambda",
    signingBehavior: "always",
    signingProtocol: "sigv4",
    description: "CloudFront signs every request to the image Function URL",
  });
  const cachePolicy = children.create(aws.cloudfront.CachePolicy, "cachePolicy", {
    comment: "Preset path and the normalized format only: re-signed URLs share one object",
    minTtl: 0,
    defaultTtl: 86400,
    maxTtl: 31536000,
    parametersInCacheKeyAndForwardedToOrigin: {
      enableAcceptEncodingGzip: false,
      enableAcceptEncodingBrotli: false,
      headersConfig: { headerBehavior: "whitelist", headers: { items: [FORMAT_HEADER] } },
      queryStringsConfig: { queryStringBehavior: "none" },
      cookiesConfig: { cookieBehavior: "none" },
    },
  });
  const originRequestPolicy = children.create(aws.cloudfront.OriginRequestPolicy, "originRequestPolicy", {
    comment: "The signature for the Lambda's own check, never the viewer's Host",
    headersConfig: { headerBehavior: "whitelist", headers: { items: [FORMAT_HEADER] } },
    queryStringsConfig: { queryStringBehavior: "whitelist", queryStrings: { items: ["exp", "kid", "sig"] } },
    cookiesConfig: { cookieBehavior: "none" },
  });
  const responseHeadersPolicy = createResponseHeadersPolicy(scope, options.corsAllowedOrigins ?? []);
  const originId = "image-function";
  const distribution = children.create(
    aws.cloudfront.Distribution,
    "distribution",
    {
      enabled: true,
      comment: "Rendorix image edge",
      aliases: options.domain ? [options.domain.name] : [],
      httpVersion: "http2and3",
      isIpv6Enabled: true,
      priceClass: options.priceClass ?? "PriceClass_100",
      origins: [
        {
          originId,
          domainName: options.imageFunction.url.functionUrl.apply(functionUrlHost),
          originAccessControlId: originAccess.id,
          customOriginConfig: {
            httpPort: 80,
            httpsPort: 443,
            originProtocolPolicy: "https-only",
            originSslProtocols: ["TLSv1.2"],
            originReadTimeout: Math.min(options.timeoutSeconds + 1, 60),
          },
        },
      ],
      defaultCacheBehavior: {
        targetOriginId: originId,
        viewerProtocolPolicy: "redirect-to-https",
        allowedMethods: ["GET", "HEAD"],
        cachedMethods: ["GET", "HEAD"],
        compress: false,
        cachePolicyId: cachePolicy.id,
        originRequestPolicyId: originRequestPolicy.id,
        responseHeadersPolicyId: responseHeadersPolicy.id,
        functionAssociations: [{ eventType: "viewer-request", functionArn: options.edgeFunction.arn }],
      },
      restrictions: { geoRestriction: { restrictionType: "none" } },
      viewerCertificate: options.domain
        ? { acmCertificateArn: options.domain.certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" }
        : { cloudfrontDefaultCertificate: true, minimumProtocolVersion: "TLSv1.2_2021" },
      tags,
    },
    { protect: scope.protect },
  );
  allowCloudFrontToInvoke(scope, options.imageFunction, distribution);
  return distribution;
}

function createResponseHeadersPolicy(scope: EdgeScope<DistributionChildren>, allowedOrigins: string[]) {
  const corsOrigins = checkCorsOrigins(allowedOrigins, "corsAllowedOrigins");
  return scope.children.create(aws.cloudfront.ResponseHeadersPolicy, "responseHeadersPolicy", {
    comment: corsOrigins.length > 0 ? "nosniff, HSTS and CORS on every image" : "nosniff and HSTS on every image",
    securityHeadersConfig: {
      contentTypeOptions: { override: true },
      strictTransportSecurity: { accessControlMaxAgeSec: 63072000, includeSubdomains: true, override: true },
    },
    // CloudFront answers Access-Control-Allow-Origin with the request's Origin when it is listed:
    // https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/understanding-response-headers-policies.html
    ...(corsOrigins.length > 0
      ? {
          corsConfig: {
            accessControlAllowOrigins: { items: corsOrigins },
            accessControlAllowMethods: { items: ["GET", "HEAD"] },
            accessControlAllowHeaders: { items: ["*"] },
            accessControlAllowCredentials: false,
            originOverride: true,
          },
        }
      : {}),
  });
}

/**
 * CloudFront reaches a Function URL through OAC only with both grants, each scoped to this
 * distribution and placed on the alias the URL is qualified with.
 */
function allowCloudFrontToInvoke(scope: EdgeScope<DistributionChildren>, imageFunction: ImageFunction, distribution: aws.cloudfront.Distribution) {
  const grant = { function: imageFunction.fn.name, qualifier: imageFunction.alias.name, principal: "cloudfront.amazonaws.com", sourceArn: distribution.arn };
  scope.children.create(aws.lambda.Permission, "invokeUrlPermission", {
    ...grant,
    action: "lambda:InvokeFunctionUrl",
    functionUrlAuthType: "AWS_IAM",
  });
  scope.children.create(aws.lambda.Permission, "invokeFunctionPermission", {
    ...grant,
    action: "lambda:InvokeFunction",
    invokedViaFunctionUrl: true,
  });
}

/** Standard logging v2: delivered by CloudWatch Logs into the logs bucket, whose policy lets it. */
export function deliverAccessLogs(scope: EdgeScope<DistributionChildren>, distribution: aws.cloudfront.Distribution, logs: PrivateBucket): void {
  const { children, tags } = scope;
  const source = children.create(aws.cloudwatch.LogDeliverySource, "accessLogSource", {
    region: US_EAST_1,
    logType: "ACCESS_LOGS",
    resourceArn: distribution.arn,
    tags,
  });
  const destination = children.create(aws.cloudwatch.LogDeliveryDestination, "accessLogDestination", {
    region: US_EAST_1,
    outputFormat: "parquet",
    deliveryDestinationConfiguration: { destinationResourceArn: logs.bucket.arn },
    tags,
  });
  children.create(
    aws.cloudwatch.LogDelivery,
    "accessLogDelivery",
    { region: US_EAST_1, deliverySourceName: source.name, deliveryDestinationArn: destination.arn, tags },
    { dependsOn: [logs.policy] },
  );
}

function functionUrlHost(functionUrl: string): string {
  return new URL(functionUrl).host;
}
