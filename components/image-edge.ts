import { existsSync } from "node:fs";
import { join } from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { buildEdgeFunctionCode } from "../edge-fn/build";
import { KEY_ID_PATTERN, KEY_VALUE_STORE_PREFIX, KEYRING_PURPOSE, KEYRING_TAG } from "../core/contract";
import { checkCorsOrigins } from "../core/cors";
import { FORMAT_HEADER } from "../core/formats";
import { DEFAULT_PRESETS, type Preset, presetFormats } from "../core/presets";
import { INVOKE_MODES, type InvokeMode } from "../image-fn/response-stream";
import { DEFAULT_MAX_URL_LIFETIME_SECONDS, isValidKeyId } from "../core/url-signing";
import { packageRoot } from "./package-root";
import { stackScopedName } from "./physical-name";
import { policyDocument, serviceTrustPolicy } from "./policy-documents";
import { PrivateBucket, type PrivateBucketArgs, privateBucketTransforms } from "./private-bucket";
import { ChildFactory, type Transforms } from "./transform";

/** Where `npm run build` writes the zipped image Lambda bundle, relative to the package root; the package ships it. */
export const IMAGE_FUNCTION_ZIP = join("dist", "image-fn.zip");

/** The resource arguments each child of an `ImageEdge` is built from, by role. */
export interface ImageEdgeChildren {
  originalsBucket: aws.s3.BucketArgs;
  originalsPublicAccessBlock: aws.s3.BucketPublicAccessBlockArgs;
  originalsOwnership: aws.s3.BucketOwnershipControlsArgs;
  originalsEncryption: aws.s3.BucketServerSideEncryptionConfigurationArgs;
  originalsVersioning: aws.s3.BucketVersioningArgs;
  originalsLifecycle: aws.s3.BucketLifecycleConfigurationArgs;
  originalsPolicy: aws.s3.BucketPolicyArgs;
  logsBucket: aws.s3.BucketArgs;
  logsPublicAccessBlock: aws.s3.BucketPublicAccessBlockArgs;
  logsOwnership: aws.s3.BucketOwnershipControlsArgs;
  logsEncryption: aws.s3.BucketServerSideEncryptionConfigurationArgs;
  logsLifecycle: aws.s3.BucketLifecycleConfigurationArgs;
  logsPolicy: aws.s3.BucketPolicyArgs;
  signingKey: random.RandomBytesArgs;
  keyringSecret: aws.secretsmanager.SecretArgs;
  keyringVersion: aws.secretsmanager.SecretVersionArgs;
  keyValueStore: aws.cloudfront.KeyValueStoreArgs;
  keyValueStoreKey: aws.cloudfront.KeyvaluestoreKeyArgs;
  imageFunctionLogs: aws.cloudwatch.LogGroupArgs;
  imageFunctionRole: aws.iam.RoleArgs;
  imageFunctionPolicy: aws.iam.RolePolicyArgs;
  imageFunction: aws.lambda.FunctionArgs;
  imageFunctionAlias: aws.lambda.AliasArgs;
  imageFunctionUrl: aws.lambda.FunctionUrlArgs;
  originAccessControl: aws.cloudfront.OriginAccessControlArgs;
  edgeFunction: aws.cloudfront.FunctionArgs;
  cachePolicy: aws.cloudfront.CachePolicyArgs;
  originRequestPolicy: aws.cloudfront.OriginRequestPolicyArgs;
  responseHeadersPolicy: aws.cloudfront.ResponseHeadersPolicyArgs;
  certificate: aws.acm.CertificateArgs;
  certificateRecord: aws.route53.RecordArgs;
  certificateValidation: aws.acm.CertificateValidationArgs;
  distribution: aws.cloudfront.DistributionArgs;
  invokeUrlPermission: aws.lambda.PermissionArgs;
  invokeFunctionPermission: aws.lambda.PermissionArgs;
  accessLogSource: aws.cloudwatch.LogDeliverySourceArgs;
  accessLogDestination: aws.cloudwatch.LogDeliveryDestinationArgs;
  accessLogDelivery: aws.cloudwatch.LogDeliveryArgs;
  aliasRecord: aws.route53.RecordArgs;
}

/** The children of an `ImageEdge` a consumer may build on: their own alarms, policies, DNS or WAF. */
export interface ImageEdgeNodes {
  /** Absent when `originalsBucket` names an existing bucket. */
  originalsBucket?: aws.s3.Bucket;
  logsBucket: aws.s3.Bucket;
  keyringSecret: aws.secretsmanager.Secret;
  keyValueStore: aws.cloudfront.KeyValueStore;
  imageFunction: aws.lambda.Function;
  imageFunctionAlias: aws.lambda.Alias;
  imageFunctionUrl: aws.lambda.FunctionUrl;
  imageFunctionRole: aws.iam.Role;
  imageFunctionLogs: aws.cloudwatch.LogGroup;
  edgeFunction: aws.cloudfront.Function;
  distribution: aws.cloudfront.Distribution;
  /** Present with `domain`. */
  certificate?: aws.acm.Certificate;
}

/** glibc malloc arenas of the image Lambda (and of `npm start`, in package.json): see README, Memory. */
export const IMAGE_FUNCTION_MALLOC_ARENA_MAX = "2";

/** An existing bucket holding the originals. */
export interface ExistingBucket {
  /** The bucket's name. */
  name: pulumi.Input<string>;
  /** The bucket's ARN. */
  arn: pulumi.Input<string>;
}

/** A hostname of your own for the image edge. */
export interface ImageEdgeDomain {
  /** The hostname, e.g. `img.example.com`. */
  name: string;
  /** The Route 53 hosted zone the certificate's validation record and the alias records go to. */
  hostedZoneId: pulumi.Input<string>;
}

/** Which CloudFront edge locations serve the images, by price. */
export const PriceClass = {
  /** North America, Europe and Israel. */
  PriceClass_100: "PriceClass_100",
  /** Also Asia, the Middle East and Africa. */
  PriceClass_200: "PriceClass_200",
  /** Every edge location. */
  PriceClass_All: "PriceClass_All",
} as const;
export type PriceClass = (typeof PriceClass)[keyof typeof PriceClass];

/**
 * What an `ImageEdge` takes from any Pulumi language: everything but `transform`. The plugin package
 * (`provider.ts`) builds its schema from this interface, so each field's first paragraph is the
 * description other languages' SDKs show.
 */
export interface ImageEdgeSettings {
  /**
   * Key ids of the URL-signing keyring; the first signs new URLs. Each id gets 32 random bytes
   * generated in this stack. Rotate by adding an id in front; remove the old one once the longest
   * URL lifetime has passed.
   * @example ["k2", "k1"]
   */
  signingKeys: string[];
  /**
   * Name of the keyring secret; it must contain the stack name so stacks never share a keyring.
   * @default `${project}/${stack}/${name}/url-signing-keyring`
   */
  keyringSecretName?: string;
  /**
   * Presets served at `/{preset}/{key}`.
   * @default thumb, w400, w800, w1600 and og
   */
  presets?: Record<string, Preset>;
  /**
   * Longest accepted distance between now and a URL's expiry, in seconds.
   * @default 2592000 (30 days)
   */
  maxUrlLifetimeSeconds?: number;
  /**
   * An existing bucket holding the originals, instead of a new one. Its access controls stay yours.
   * @example { name: "team-photos", arn: "arn:aws:s3:::team-photos" }
   */
  originalsBucket?: ExistingBucket;
  /**
   * KMS key for the new originals bucket and the keyring secret; the image Lambda may decrypt with it.
   * @default S3-managed and Secrets Manager-managed keys
   */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * Days a replaced or deleted original stays recoverable.
   * @default 30
   */
  noncurrentVersionDays?: number;
  /**
   * Days CloudFront access logs are kept.
   * @default 90
   */
  accessLogDays?: number;
  /**
   * Code of the image Lambda, for a build of your own: `index.js` exporting `handler`, with sharp for
   * linux-arm64 beside it.
   * @default the bundle shipped in the package (`dist/image-fn.zip`, written by `npm run build`)
   * @example new pulumi.asset.FileArchive("./build/image-fn.zip")
   */
  imageFunctionCode?: pulumi.Input<pulumi.asset.Archive>;
  /**
   * Memory of the image Lambda in MB; CPU grows with it.
   * @default 1536 — `npm run bench` puts the warm peak RSS of the worst source (50 MP progressive
   * JPEG) at about 560 MiB, so 768 MB would hold it; Lambda's CPU share grows with memory, and 1536 MB
   * (about 0.9 vCPU) keeps a 20 MP AVIF w1600 near one second instead of two.
   */
  memoryMb?: number;
  /**
   * Timeout of the image Lambda in seconds; CloudFront's origin read timeout follows it.
   * @default 30
   */
  timeoutSeconds?: number;
  /**
   * Reserved concurrency of the image Lambda, so a traffic spike cannot starve the account.
   * @default none
   */
  reservedConcurrency?: number;
  /**
   * Largest original in bytes the Lambda transforms.
   * @default 40 MB
   */
  maxSourceBytes?: number;
  /**
   * Largest original in pixels the Lambda transforms.
   * @default 50 million
   */
  maxSourcePixels?: number;
  /**
   * How the Function URL carries the image Lambda's answers to CloudFront. `RESPONSE_STREAM` streams
   * them, so images up to 200 MB are served (beyond 6 MB at a capped rate); `BUFFERED` returns one
   * payload of at most 6 MB, so images over 4.5 MB are answered 422 `output-too-large`.
   * @default "RESPONSE_STREAM"
   * @example "BUFFERED"
   */
  invokeMode?: InvokeMode;
  /**
   * Origins allowed to read the images cross-origin (`<img crossorigin>`, canvas, `fetch`), added as
   * `Access-Control-Allow-Origin` by the response headers policy for GET and HEAD; `["*"]` for any.
   * Images are simple requests, so no preflight is involved. The local edge takes the same list as
   * `npm start -- --cors-origin`.
   * @default [] (no CORS headers: other origins can display the images but not read their pixels)
   * @example ["https://www.example.com", "https://admin.example.com"]
   */
  corsAllowedOrigins?: string[];
  /**
   * Days the image Lambda's logs are kept.
   * @default 30
   */
  logRetentionDays?: number;
  /**
   * Serve on this hostname, with an ACM certificate validated in `hostedZoneId` and alias records.
   * @default the distribution's cloudfront.net hostname
   * @example { name: "img.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" }
   */
  domain?: ImageEdgeDomain;
  /**
   * CloudFront price class.
   * @default "PriceClass_100"
   */
  priceClass?: PriceClass;
  /**
   * Protect the buckets, the keyring and the distribution from deletion by Pulumi.
   * @default false
   */
  protect?: boolean;
  /**
   * Leave the alias `live` to a gradual rollout (see `LambdaCanary`): Pulumi publishes each new
   * version, and a CodeDeploy deployment moves the alias to it, so Pulumi ignores the alias's version.
   * @default false — every `pulumi up` points the alias at the new version at once
   */
  gradualRollout?: boolean;
  /**
   * Permissions boundary of the image Lambda's role, when the account requires one on new roles.
   * @default none
   */
  permissionsBoundary?: pulumi.Input<string>;
  /**
   * Tags on every taggable child.
   * @default {}
   */
  tags?: Record<string, string>;
}

export interface ImageEdgeArgs extends ImageEdgeSettings {
  /**
   * Adjust any child before it is created, by role.
   * @example { imageFunction: { architectures: ["arm64"], memorySize: 3008 } }
   */
  transform?: Transforms<ImageEdgeChildren>;
}

const US_EAST_1 = "us-east-1";

/** The component's type token; the plugin package's `ImageEdge` has the same. */
export const IMAGE_EDGE_TYPE = "rendorix:index:ImageEdge";

/**
 * A signed-URL image CDN: private buckets, an in-stack keyring, the image Lambda behind a Function
 * URL that only CloudFront can call, a viewer-request function that checks every signature, and
 * optional DNS and TLS.
 *
 * @example
 * ```ts
 * const edge = new ImageEdge("images", {
 *   signingKeys: ["k1"],
 *   domain: { name: "img.example.com", hostedZoneId: zone.zoneId },
 * });
 * export const baseUrl = edge.baseUrl;
 * ```
 */
export class ImageEdge extends pulumi.ComponentResource {
  public readonly hostname: pulumi.Output<string>;
  public readonly baseUrl: pulumi.Output<string>;
  public readonly distributionId: pulumi.Output<string>;
  public readonly distributionArn: pulumi.Output<string>;
  public readonly originalsBucketName: pulumi.Output<string>;
  public readonly keyringSecretArn: pulumi.Output<string>;
  public readonly functionName: pulumi.Output<string>;
  public readonly functionAliasName: pulumi.Output<string>;
  public readonly functionAliasArn: pulumi.Output<string>;
  /** The latest published version, which a gradual rollout moves the alias to. */
  public readonly functionVersion: pulumi.Output<string>;
  public readonly edgeFunctionName: pulumi.Output<string>;
  /** Timeout of the image Lambda, for alarms that compare its duration to it. */
  public readonly timeoutSeconds: number;
  public readonly reservedConcurrency: number | undefined;
  /** The child resources themselves (the signing keys excepted), for what the arguments do not cover. */
  public readonly nodes: ImageEdgeNodes;

  private readonly children: ChildFactory<ImageEdgeChildren>;
  private readonly tags: Record<string, string>;
  private readonly protect: boolean;
  /** Where this stack deploys; policies are built from these so they are known during preview. */
  private readonly partition: pulumi.Output<string>;
  private readonly accountId: pulumi.Output<string>;
  private readonly region: pulumi.Output<string>;

  constructor(name: string, args: ImageEdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super(IMAGE_EDGE_TYPE, name, {}, opts);
    this.children = new ChildFactory(this, name, args.transform);
    this.tags = args.tags ?? {};
    this.protect = args.protect ?? false;
    this.timeoutSeconds = args.timeoutSeconds ?? 30;
    this.reservedConcurrency = args.reservedConcurrency;
    this.partition = aws.getPartitionOutput({}, { parent: this }).partition;
    this.accountId = aws.getCallerIdentityOutput({}, { parent: this }).accountId;
    this.region = aws.getRegionOutput({}, { parent: this }).region;
    const presets = args.presets ?? DEFAULT_PRESETS;
    const maxUrlLifetimeSeconds = args.maxUrlLifetimeSeconds ?? DEFAULT_MAX_URL_LIFETIME_SECONDS;
    const code = args.imageFunctionCode ?? defaultImageFunctionCode();
    checkSigningKeys(args.signingKeys);
    const invokeMode = checkInvokeMode(args.invokeMode ?? "RESPONSE_STREAM");

    const ownOriginals = args.originalsBucket ? undefined : this.createOriginalsBucket(name, args);
    const originals = args.originalsBucket ?? ownOriginals!;
    const logsBucket = this.createLogsBucket(name, args);
    const keyring = this.createKeyring(args);
    const imageFunction = this.createImageFunction(args, code, originals, keyring, presets, maxUrlLifetimeSeconds, invokeMode);
    const edgeFunction = this.createEdgeFunction(presets, maxUrlLifetimeSeconds, keyring.store);
    const certificate = args.domain ? this.createCertificate(args.domain) : undefined;
    const distribution = this.createDistribution(args, imageFunction.url, edgeFunction, certificate?.arn);
    this.allowCloudFrontToInvoke(imageFunction.fn, imageFunction.alias, distribution);
    this.deliverAccessLogs(distribution, logsBucket);
    if (args.domain) this.createAliasRecords(args.domain, distribution);

    this.hostname = args.domain ? pulumi.output(args.domain.name) : distribution.domainName;
    this.baseUrl = pulumi.interpolate`https://${this.hostname}`;
    this.distributionId = distribution.id;
    this.distributionArn = distribution.arn;
    this.originalsBucketName = pulumi.output(originals.name);
    this.keyringSecretArn = keyring.secret.arn;
    this.functionName = imageFunction.fn.name;
    this.functionAliasName = imageFunction.alias.name;
    this.functionAliasArn = imageFunction.alias.arn;
    this.functionVersion = imageFunction.fn.version;
    this.edgeFunctionName = edgeFunction.name;
    this.nodes = {
      originalsBucket: ownOriginals?.bucket,
      logsBucket: logsBucket.bucket,
      keyringSecret: keyring.secret,
      keyValueStore: keyring.store,
      imageFunction: imageFunction.fn,
      imageFunctionAlias: imageFunction.alias,
      imageFunctionUrl: imageFunction.url,
      imageFunctionRole: imageFunction.role,
      imageFunctionLogs: imageFunction.logs,
      edgeFunction,
      distribution,
      certificate: certificate?.certificate,
    };
    this.registerOutputs({
      hostname: this.hostname,
      baseUrl: this.baseUrl,
      distributionId: this.distributionId,
      distributionArn: this.distributionArn,
      originalsBucketName: this.originalsBucketName,
      keyringSecretArn: this.keyringSecretArn,
      functionName: this.functionName,
      functionAliasArn: this.functionAliasArn,
      functionVersion: this.functionVersion,
    });
  }

  /** The buckets were direct children of the edge before they had a component of their own; `movedFrom` keeps their URNs. */
  private privateBucket(name: string, role: "originals" | "logs", args: ImageEdgeArgs, bucketArgs: PrivateBucketArgs): PrivateBucket {
    return new PrivateBucket(
      `${name}-${role}`,
      { ...bucketArgs, protect: this.protect, forceDestroy: !this.protect, tags: this.tags, movedFrom: this, transform: privateBucketTransforms(args.transform, role) },
      { parent: this },
    );
  }

  private createOriginalsBucket(name: string, args: ImageEdgeArgs) {
    const bucket = this.privateBucket(name, "originals", args, {
      kmsKeyArn: args.kmsKeyArn,
      versioned: true,
      lifecycleRules: [
        {
          id: "expire-replaced-originals",
          status: "Enabled",
          filter: {},
          noncurrentVersionExpiration: { noncurrentDays: args.noncurrentVersionDays ?? 30 },
          abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
        },
      ],
    });
    return { name: bucket.name, arn: bucket.arn, bucket: bucket.bucket };
  }

  /** Standard logging v2 writes as CloudWatch Logs' delivery service, so the bucket keeps ACLs disabled. */
  private createLogsBucket(name: string, args: ImageEdgeArgs): PrivateBucket {
    const deliverySources = pulumi.interpolate`arn:${this.partition}:logs:${US_EAST_1}:${this.accountId}:delivery-source:*`;
    return this.privateBucket(name, "logs", args, {
      lifecycleRules: [{ id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days: args.accessLogDays ?? 90 } }],
      policyStatements: (arn) => [
        {
          Sid: "AllowCloudFrontLogDelivery",
          Effect: "Allow",
          Principal: { Service: "delivery.logs.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: `${arn}/AWSLogs/*`,
          Condition: {
            StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": this.accountId },
            ArnLike: { "aws:SourceArn": deliverySources },
          },
        },
      ],
    });
  }

  private createKeyring(args: ImageEdgeArgs) {
    const protect = { protect: this.protect };
    const secretName = args.keyringSecretName ?? stackScopedName(`${this.children.parentName}/url-signing-keyring`, "/");
    const keys = args.signingKeys.map((kid) => ({
      kid,
      bytes: this.children.create(random.RandomBytes, "signingKey", { length: 32 }, protect, kid),
    }));
    const secret = this.children.create(
      aws.secretsmanager.Secret,
      "keyringSecret",
      {
        name: secretName,
        description: "URL-signing keyring (url-signing-v1); keys generated in this stack",
        kmsKeyId: args.kmsKeyArn,
        // Unprotected stacks are destroyed and created again (dev): without a recovery window the
        // name is free at once, so the next `pulumi up` can create the keyring under it.
        recoveryWindowInDays: this.protect ? 30 : 0,
        tags: { ...this.tags, [KEYRING_TAG]: KEYRING_PURPOSE },
      },
      protect,
    );
    const keyringJson = pulumi
      .all(keys.map(({ bytes }) => bytes.base64))
      .apply((texts) => JSON.stringify({ active: args.signingKeys[0], keys: Object.fromEntries(args.signingKeys.map((kid, i) => [kid, texts[i]])) }));
    this.children.create(aws.secretsmanager.SecretVersion, "keyringVersion", { secretId: secret.id, secretString: pulumi.secret(keyringJson) });

    const store = this.children.create(aws.cloudfront.KeyValueStore, "keyValueStore", { comment: "Edge copy of the URL-signing keyring", tags: this.tags }, protect);
    for (const { kid, bytes } of keys) {
      this.children.create(
        aws.cloudfront.KeyvaluestoreKey,
        "keyValueStoreKey",
        { keyValueStoreArn: store.arn, key: KEY_VALUE_STORE_PREFIX + kid, value: bytes.base64 },
        {},
        kid,
      );
    }
    // Secrets Manager appends six random characters to a secret's ARN.
    const arnPattern = pulumi.interpolate`arn:${this.partition}:secretsmanager:${this.region}:${this.accountId}:secret:${secretName}-??????`;
    return { secret, arnPattern, store };
  }

  private createImageFunction(
    args: ImageEdgeArgs,
    code: pulumi.Input<pulumi.asset.Archive>,
    originals: { name: pulumi.Input<string>; arn: pulumi.Input<string> },
    keyring: { secret: aws.secretsmanager.Secret; arnPattern: pulumi.Output<string> },
    presets: Record<string, Preset>,
    maxUrlLifetimeSeconds: number,
    invokeMode: InvokeMode,
  ) {
    const logs = this.children.create(aws.cloudwatch.LogGroup, "imageFunctionLogs", {
      name: `/${stackScopedName(this.children.name("imageFunction"), "/")}`,
      retentionInDays: args.logRetentionDays ?? 30,
      tags: this.tags,
    });
    const role = this.children.create(aws.iam.Role, "imageFunctionRole", {
      assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com"),
      permissionsBoundary: args.permissionsBoundary,
      tags: this.tags,
    });
    this.children.create(aws.iam.RolePolicy, "imageFunctionPolicy", {
      role: role.id,
      policy: imageFunctionPolicy(
        originals.arn,
        keyring.arnPattern,
        pulumi.interpolate`arn:${this.partition}:logs:${this.region}:${this.accountId}:log-group:${logs.name}`,
        args.kmsKeyArn,
      ),
    });
    const fn = this.children.create(
      aws.lambda.Function,
      "imageFunction",
      {
        description: "Rendorix image function: signed URL to resized image",
        runtime: aws.lambda.Runtime.NodeJS22dX,
        architectures: ["arm64"],
        // The runtime streams only from a handler streamifyResponse marked; the bundle exports both.
        handler: invokeMode === "RESPONSE_STREAM" ? "index.streamingHandler" : "index.handler",
        code,
        role: role.arn,
        memorySize: args.memoryMb ?? 1536,
        timeout: this.timeoutSeconds,
        reservedConcurrentExecutions: args.reservedConcurrency,
        publish: true,
        loggingConfig: { logFormat: "Text", logGroup: logs.name },
        environment: {
          variables: {
            RENDORIX_ORIGINALS_BUCKET: originals.name,
            RENDORIX_KEYRING_SECRET_ARN: keyring.secret.arn,
            RENDORIX_PRESETS: JSON.stringify(presets),
            RENDORIX_MAX_URL_LIFETIME_SECONDS: String(maxUrlLifetimeSeconds),
            // glibc otherwise keeps up to 8 arenas per core that libvips' threads fragment; measured by
            // `npm run soak` (README, Memory), the same setting `npm start` runs with.
            MALLOC_ARENA_MAX: IMAGE_FUNCTION_MALLOC_ARENA_MAX,
            ...(args.maxSourceBytes ? { RENDORIX_MAX_SOURCE_BYTES: String(args.maxSourceBytes) } : {}),
            ...(args.maxSourcePixels ? { RENDORIX_MAX_SOURCE_PIXELS: String(args.maxSourcePixels) } : {}),
          },
        },
        tags: this.tags,
      },
      { dependsOn: [logs] },
    );
    const alias = this.children.create(
      aws.lambda.Alias,
      "imageFunctionAlias",
      { name: "live", functionName: fn.name, functionVersion: fn.version },
      { ignoreChanges: args.gradualRollout ? ["functionVersion", "routingConfig"] : [] },
    );
    const url = this.children.create(aws.lambda.FunctionUrl, "imageFunctionUrl", {
      functionName: fn.name,
      qualifier: alias.name,
      authorizationType: "AWS_IAM",
      invokeMode,
    });
    return { fn, alias, url, role, logs };
  }

  private createEdgeFunction(presets: Record<string, Preset>, maxUrlLifetimeSeconds: number, store: aws.cloudfront.KeyValueStore) {
    return this.children.create(aws.cloudfront.Function, "edgeFunction", {
      runtime: "cloudfront-js-2.0",
      comment: "Rendorix viewer-request: checks the URL signature, normalizes the format",
      code: buildEdgeFunctionCode({ presets: presetFormats(presets), maxUrlLifetimeSeconds }),
      keyValueStoreAssociations: [store.arn],
      publish: true,
      tags: this.tags,
    });
  }

  private createCertificate(domain: NonNullable<ImageEdgeArgs["domain"]>) {
    const certificate = this.children.create(
      aws.acm.Certificate,
      "certificate",
      { domainName: domain.name, validationMethod: "DNS", region: US_EAST_1, tags: this.tags },
    );
    const option = certificate.domainValidationOptions[0];
    const record = this.children.create(aws.route53.Record, "certificateRecord", {
      zoneId: domain.hostedZoneId,
      name: option.resourceRecordName,
      type: option.resourceRecordType,
      records: [option.resourceRecordValue],
      ttl: 300,
      allowOverwrite: true,
    });
    const validation = this.children.create(aws.acm.CertificateValidation, "certificateValidation", {
      certificateArn: certificate.arn,
      validationRecordFqdns: [record.fqdn],
      region: US_EAST_1,
    });
    return { certificate, arn: validation.certificateArn };
  }

  private createDistribution(
    args: ImageEdgeArgs,
    url: aws.lambda.FunctionUrl,
    edgeFunction: aws.cloudfront.Function,
    certificateArn: pulumi.Output<string> | undefined,
  ) {
    const originAccess = this.children.create(aws.cloudfront.OriginAccessControl, "originAccessControl", {
      originAccessControlOriginType: "lambda",
      signingBehavior: "always",
      signingProtocol: "sigv4",
      description: "CloudFront signs every request to the image Function URL",
    });
    const cachePolicy = this.children.create(aws.cloudfront.CachePolicy, "cachePolicy", {
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
    const originRequestPolicy = this.children.create(aws.cloudfront.OriginRequestPolicy, "originRequestPolicy", {
      comment: "The signature for the Lambda's own check, never the viewer's Host",
      headersConfig: { headerBehavior: "whitelist", headers: { items: [FORMAT_HEADER] } },
      queryStringsConfig: { queryStringBehavior: "whitelist", queryStrings: { items: ["exp", "kid", "sig"] } },
      cookiesConfig: { cookieBehavior: "none" },
    });
    const corsOrigins = checkCorsOrigins(args.corsAllowedOrigins ?? [], "corsAllowedOrigins");
    const responseHeadersPolicy = this.children.create(aws.cloudfront.ResponseHeadersPolicy, "responseHeadersPolicy", {
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
    const originId = "image-function";
    return this.children.create(
      aws.cloudfront.Distribution,
      "distribution",
      {
        enabled: true,
        comment: "Rendorix image edge",
        aliases: args.domain ? [args.domain.name] : [],
        httpVersion: "http2and3",
        isIpv6Enabled: true,
        priceClass: args.priceClass ?? "PriceClass_100",
        origins: [
          {
            originId,
            domainName: url.functionUrl.apply(functionUrlHost),
            originAccessControlId: originAccess.id,
            customOriginConfig: {
              httpPort: 80,
              httpsPort: 443,
              originProtocolPolicy: "https-only",
              originSslProtocols: ["TLSv1.2"],
              originReadTimeout: Math.min(this.timeoutSeconds + 1, 60),
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
          functionAssociations: [{ eventType: "viewer-request", functionArn: edgeFunction.arn }],
        },
        restrictions: { geoRestriction: { restrictionType: "none" } },
        viewerCertificate: certificateArn
          ? { acmCertificateArn: certificateArn, sslSupportMethod: "sni-only", minimumProtocolVersion: "TLSv1.2_2021" }
          : { cloudfrontDefaultCertificate: true, minimumProtocolVersion: "TLSv1.2_2021" },
        tags: this.tags,
      },
      { protect: this.protect },
    );
  }

  /**
   * CloudFront reaches a Function URL through OAC only with both grants, each scoped to this
   * distribution and placed on the alias the URL is qualified with.
   */
  private allowCloudFrontToInvoke(fn: aws.lambda.Function, alias: aws.lambda.Alias, distribution: aws.cloudfront.Distribution) {
    const grant = { function: fn.name, qualifier: alias.name, principal: "cloudfront.amazonaws.com", sourceArn: distribution.arn };
    this.children.create(aws.lambda.Permission, "invokeUrlPermission", {
      ...grant,
      action: "lambda:InvokeFunctionUrl",
      functionUrlAuthType: "AWS_IAM",
    });
    this.children.create(aws.lambda.Permission, "invokeFunctionPermission", {
      ...grant,
      action: "lambda:InvokeFunction",
      invokedViaFunctionUrl: true,
    });
  }

  /** Standard logging v2: delivered by CloudWatch Logs into the logs bucket, whose policy lets it. */
  private deliverAccessLogs(distribution: aws.cloudfront.Distribution, logs: PrivateBucket) {
    const source = this.children.create(aws.cloudwatch.LogDeliverySource, "accessLogSource", {
      region: US_EAST_1,
      logType: "ACCESS_LOGS",
      resourceArn: distribution.arn,
      tags: this.tags,
    });
    const destination = this.children.create(aws.cloudwatch.LogDeliveryDestination, "accessLogDestination", {
      region: US_EAST_1,
      outputFormat: "parquet",
      deliveryDestinationConfiguration: { destinationResourceArn: logs.bucket.arn },
      tags: this.tags,
    });
    this.children.create(
      aws.cloudwatch.LogDelivery,
      "accessLogDelivery",
      { region: US_EAST_1, deliverySourceName: source.name, deliveryDestinationArn: destination.arn, tags: this.tags },
      { dependsOn: [logs.policy] },
    );
  }

  private createAliasRecords(domain: NonNullable<ImageEdgeArgs["domain"]>, distribution: aws.cloudfront.Distribution) {
    for (const type of ["A", "AAAA"]) {
      this.children.create(
        aws.route53.Record,
        "aliasRecord",
        {
          zoneId: domain.hostedZoneId,
          name: domain.name,
          type,
          aliases: [{ name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false }],
        },
        {},
        type.toLowerCase(),
      );
    }
  }
}

/** The bundle the package ships (`root` is the package's folder). */
export function defaultImageFunctionCode(root: string = packageRoot()): pulumi.asset.FileArchive {
  const zip = join(root, IMAGE_FUNCTION_ZIP);
  if (!existsSync(zip)) throw new Error(`The image Lambda bundle ${zip} is missing: run \`npm run build\` first.`);
  return new pulumi.asset.FileArchive(zip);
}

function checkInvokeMode(mode: string): InvokeMode {
  if (!INVOKE_MODES.includes(mode as InvokeMode)) throw new Error(`invokeMode "${mode}" must be one of ${INVOKE_MODES.join(", ")}.`);
  return mode as InvokeMode;
}

function checkSigningKeys(kids: string[]): void {
  if (kids.length === 0) throw new Error("signingKeys needs at least one key id; the first one signs new URLs.");
  const invalid = kids.filter((kid) => !isValidKeyId(kid));
  if (invalid.length > 0) throw new Error(`signingKeys: ${JSON.stringify(invalid)} must match ${KEY_ID_PATTERN.source}.`);
  if (new Set(kids).size !== kids.length) throw new Error("signingKeys: every key id must appear once.");
}

function functionUrlHost(functionUrl: string): string {
  return new URL(functionUrl).host;
}

function imageFunctionPolicy(
  originalsArn: pulumi.Input<string>,
  keyringArn: pulumi.Input<string>,
  logGroupArn: pulumi.Input<string>,
  kmsKeyArn: pulumi.Input<string> | undefined,
): pulumi.Output<string> {
  return pulumi.all([originalsArn, keyringArn, logGroupArn, kmsKeyArn]).apply(([originals, keyring, logGroup, kms]) =>
    policyDocument([
      { Sid: "ReadOriginals", Effect: "Allow", Action: "s3:GetObject", Resource: `${originals}/*` },
      // Without ListBucket, S3 answers a missing key with 403 instead of 404.
      { Sid: "TellMissingOriginals", Effect: "Allow", Action: "s3:ListBucket", Resource: originals },
      { Sid: "ReadKeyring", Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: keyring },
      { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: `${logGroup}:*` },
      ...(kms ? [{ Sid: "DecryptWithStackKey", Effect: "Allow", Action: "kms:Decrypt", Resource: kms }] : []),
    ]),
  );
}
