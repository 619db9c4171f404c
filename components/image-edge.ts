import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { DEFAULT_PRESETS, type Preset } from "../core/presets";
import { DEFAULT_MAX_URL_LIFETIME_SECONDS } from "../core/url-signing";
import type { InvokeMode } from "../image-fn/response-stream";
import { createAliasRecords, createCertificate, type EdgeDomainChildren } from "./edge-domain";
import { type EdgeScope, US_EAST_1 } from "./edge-scope";
import { createDistribution, createEdgeFunction, deliverAccessLogs, type DistributionChildren } from "./image-distribution";
import { checkInvokeMode, createImageFunction, defaultImageFunctionCode, type ImageFunctionChildren } from "./image-function";
import { PrivateBucket, type PrivateBucketArgs, privateBucketTransforms } from "./private-bucket";
import { checkKeyRotationDays, DEFAULT_KEY_ROTATION_DAYS, defaultKeyRotationFunctionCode } from "./key-rotation";
import { createSigningKeyring, type SigningKeyringChildren, type SigningKeyringOptions } from "./signing-keyring";
import { ChildFactory, type Transforms } from "./transform";

export { defaultImageFunctionCode, IMAGE_FUNCTION_MALLOC_ARENA_MAX, IMAGE_FUNCTION_ZIP, LOCAL_EDGE_MALLOC_ARENA_MAX } from "./image-function";
export { defaultKeyRotationFunctionCode, KEY_ROTATION_FUNCTION_ZIP, KEY_ROTATION_TIMEOUT_SECONDS } from "./key-rotation";

/**
 * The resource arguments each child of an `ImageEdge` is built from, by role: the buckets', and those
 * of its parts (the signing keyring, the image function, the distribution and the domain).
 */
export interface ImageEdgeChildren extends SigningKeyringChildren, ImageFunctionChildren, DistributionChildren, EdgeDomainChildren {
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
  /** Present when keys are rotation-managed (no `signingKeys`). */
  keyRotationFunction?: aws.lambda.Function;
  /** Present when keys are rotation-managed (no `signingKeys`). */
  keyRotationFunctionRole?: aws.iam.Role;
  /** Present when keys are rotation-managed (no `signingKeys`). */
  keyRotation?: aws.secretsmanager.SecretRotation;
  /** Present with `domain`. */
  certificate?: aws.acm.Certificate;
}

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
   * Key ids of a keyring generated in Pulumi state, the first one signing new URLs: 32 random bytes
   * per id, so every key is readable by everyone who can decrypt the stack's state. Leave it unset
   * for keys that are generated and rotated inside AWS by a rotation function (the recommended way,
   * see `keyRotationDays`). With ids: rotate by adding an id in front; remove the old one once the
   * longest URL lifetime has passed.
   * @default none: keys generated and rotated inside AWS, never in state
   * @example ["k2", "k1"]
   */
  signingKeys?: string[];
  /**
   * Days between two rotations of the signing key, when keys are rotation-managed (no `signingKeys`).
   * A rotation Lambda generates the new key inside AWS, copies it to the KeyValueStore before it signs
   * anything, and drops keys whose URLs can no longer be valid. The first rotation runs on creation,
   * and a change of the period starts one too. From 1 to 1000 (Secrets Manager's range).
   * @default 30
   * @example 7
   */
  keyRotationDays?: number;
  /**
   * Code of the key-rotation Lambda, for a build of your own: `index.js` exporting `handler`.
   * @default the bundle shipped in the package (`dist/key-rotation-fn.zip`, written by `npm run build`)
   * @example new pulumi.asset.FileArchive("./build/key-rotation-fn.zip")
   */
  keyRotationFunctionCode?: pulumi.Input<pulumi.asset.Archive>;
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
   * Days the Lambda functions' logs are kept: the image function's, and the key rotation's when keys
   * are rotation-managed.
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
   * Permissions boundary of the Lambda roles (the image function's and the key rotation's), when the
   * account requires one on new roles.
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

/** The component's type token; the plugin package's `ImageEdge` has the same. */
export const IMAGE_EDGE_TYPE = "rendorix:index:ImageEdge";

/**
 * A signed-URL image CDN: private buckets, a keyring whose keys are generated and rotated inside AWS,
 * the image Lambda behind a Function URL that only CloudFront can call, a viewer-request function
 * that checks every signature, and optional DNS and TLS.
 *
 * @example
 * ```ts
 * const edge = new ImageEdge("images", {
 *   keyRotationDays: 30,
 *   domain: { name: "img.example.com", hostedZoneId: zone.zoneId },
 * });
 * export const baseUrl = edge.baseUrl;
 * ```
 */
export class ImageEdge extends pulumi.ComponentResource {
  /** Hostname the images are served on: the domain, or the distribution's cloudfront.net name. */
  public readonly hostname: pulumi.Output<string>;
  /** `https://` and the hostname: the base of every signed URL. */
  public readonly baseUrl: pulumi.Output<string>;
  /** Id of the CloudFront distribution. */
  public readonly distributionId: pulumi.Output<string>;
  /** ARN of the CloudFront distribution. */
  public readonly distributionArn: pulumi.Output<string>;
  /** Bucket the originals are read from. */
  public readonly originalsBucketName: pulumi.Output<string>;
  /** ARN of the keyring secret backends read their signing keys from; never a key itself. */
  public readonly keyringSecretArn: pulumi.Output<string>;
  /** Name of the image Lambda. */
  public readonly functionName: pulumi.Output<string>;
  /** Name of the alias CloudFront invokes (`live`). */
  public readonly functionAliasName: pulumi.Output<string>;
  /** ARN of the alias CloudFront invokes. */
  public readonly functionAliasArn: pulumi.Output<string>;
  /** The image Lambda's latest published version, which a gradual rollout moves the alias to. */
  public readonly functionVersion: pulumi.Output<string>;
  /** Name of the viewer-request CloudFront Function. */
  public readonly edgeFunctionName: pulumi.Output<string>;
  /** Name of the key-rotation Lambda, for its alarms; absent when keys are generated in state (`signingKeys`). */
  public readonly keyRotationFunctionName: pulumi.Output<string> | undefined;
  /** Timeout of the image Lambda in seconds, for alarms that compare its duration to it. */
  public readonly timeoutSeconds: number;
  /** Reserved concurrency of the image Lambda, when set. */
  public readonly reservedConcurrency: number | undefined;
  /** The child resources themselves (the signing keys excepted), for what the arguments do not cover. */
  public readonly nodes: ImageEdgeNodes;

  constructor(name: string, args: ImageEdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super(IMAGE_EDGE_TYPE, name, {}, opts);
    const scope: EdgeScope<ImageEdgeChildren> = {
      children: new ChildFactory(this, name, args.transform),
      tags: args.tags ?? {},
      protect: args.protect ?? false,
      partition: aws.getPartitionOutput({}, { parent: this }).partition,
      accountId: aws.getCallerIdentityOutput({}, { parent: this }).accountId,
      region: aws.getRegionOutput({}, { parent: this }).region,
    };
    this.timeoutSeconds = args.timeoutSeconds ?? 30;
    this.reservedConcurrency = args.reservedConcurrency;
    const presets = args.presets ?? DEFAULT_PRESETS;
    const maxUrlLifetimeSeconds = args.maxUrlLifetimeSeconds ?? DEFAULT_MAX_URL_LIFETIME_SECONDS;
    const invokeMode = checkInvokeMode(args.invokeMode ?? "RESPONSE_STREAM");

    const ownOriginals = args.originalsBucket ? undefined : this.createOriginalsBucket(name, args, scope);
    const originals = args.originalsBucket ?? { name: ownOriginals!.name, arn: ownOriginals!.arn };
    const logsBucket = this.createLogsBucket(name, args, scope);
    const keyring = createSigningKeyring(scope, { ...keyringOptions(args, maxUrlLifetimeSeconds), secretName: args.keyringSecretName, kmsKeyArn: args.kmsKeyArn });
    const imageFunction = createImageFunction(scope, {
      ...args,
      code: args.imageFunctionCode ?? defaultImageFunctionCode(),
      originals,
      keyring,
      presets,
      maxUrlLifetimeSeconds,
      invokeMode,
      timeoutSeconds: this.timeoutSeconds,
    });
    const edgeFunction = createEdgeFunction(scope, presets, maxUrlLifetimeSeconds, keyring.store);
    const certificate = args.domain ? createCertificate(scope, args.domain) : undefined;
    const distribution = createDistribution(scope, {
      imageFunction,
      edgeFunction,
      timeoutSeconds: this.timeoutSeconds,
      domain: args.domain && certificate ? { name: args.domain.name, certificateArn: certificate.arn } : undefined,
      priceClass: args.priceClass,
      corsAllowedOrigins: args.corsAllowedOrigins,
    });
    deliverAccessLogs(scope, distribution, logsBucket);
    if (args.domain) createAliasRecords(scope, args.domain, distribution);

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
    this.keyRotationFunctionName = keyring.rotation?.fn.name;
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
      keyRotationFunction: keyring.rotation?.fn,
      keyRotationFunctionRole: keyring.rotation?.role,
      keyRotation: keyring.rotation?.rotation,
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
      keyRotationFunctionName: this.keyRotationFunctionName,
    });
  }

  /** The buckets were direct children of the edge before they had a component of their own; `movedFrom` keeps their URNs. */
  private privateBucket(name: string, role: "originals" | "logs", args: ImageEdgeArgs, scope: EdgeScope<ImageEdgeChildren>, bucketArgs: PrivateBucketArgs): PrivateBucket {
    return new PrivateBucket(
      `${name}-${role}`,
      { ...bucketArgs, protect: scope.protect, forceDestroy: !scope.protect, tags: scope.tags, movedFrom: this, transform: privateBucketTransforms(args.transform, role) },
      { parent: this },
    );
  }

  private createOriginalsBucket(name: string, args: ImageEdgeArgs, scope: EdgeScope<ImageEdgeChildren>): PrivateBucket {
    return this.privateBucket(name, "originals", args, scope, {
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
  }

  /** Standard logging v2 writes as CloudWatch Logs' delivery service, so the bucket keeps ACLs disabled. */
  private createLogsBucket(name: string, args: ImageEdgeArgs, scope: EdgeScope<ImageEdgeChildren>): PrivateBucket {
    const deliverySources = pulumi.interpolate`arn:${scope.partition}:logs:${US_EAST_1}:${scope.accountId}:delivery-source:*`;
    return this.privateBucket(name, "logs", args, scope, {
      lifecycleRules: [{ id: "expire-access-logs", status: "Enabled", filter: {}, expiration: { days: args.accessLogDays ?? 90 } }],
      policyStatements: (arn) => [
        {
          Sid: "AllowCloudFrontLogDelivery",
          Effect: "Allow",
          Principal: { Service: "delivery.logs.amazonaws.com" },
          Action: "s3:PutObject",
          Resource: `${arn}/AWSLogs/*`,
          Condition: {
            StringEquals: { "s3:x-amz-acl": "bucket-owner-full-control", "aws:SourceAccount": scope.accountId },
            ArnLike: { "aws:SourceArn": deliverySources },
          },
        },
      ],
    });
  }
}

/** Keys generated in state with `signingKeys`, else rotated inside AWS on `keyRotationDays`' schedule. */
function keyringOptions(args: ImageEdgeArgs, maxUrlLifetimeSeconds: number): SigningKeyringOptions {
  if (args.signingKeys) {
    if (args.keyRotationDays !== undefined) {
      throw new Error("keyRotationDays applies to rotation-managed keys only: leave signingKeys unset to have keys generated and rotated inside AWS, or drop keyRotationDays.");
    }
    return { signingKeys: args.signingKeys };
  }
  return {
    rotation: {
      rotationDays: checkKeyRotationDays(args.keyRotationDays ?? DEFAULT_KEY_ROTATION_DAYS),
      code: args.keyRotationFunctionCode ?? defaultKeyRotationFunctionCode(),
      maxUrlLifetimeSeconds,
      permissionsBoundary: args.permissionsBoundary,
      logRetentionDays: args.logRetentionDays,
    },
  };
}
