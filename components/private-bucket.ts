import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { denyInsecureTransport, policyDocument } from "./policy-documents";
import { ChildFactory, type Transforms } from "./transform";

/** The resource arguments each child of a `PrivateBucket` is built from, by role. */
export interface PrivateBucketChildren {
  bucket: aws.s3.BucketArgs;
  publicAccessBlock: aws.s3.BucketPublicAccessBlockArgs;
  ownership: aws.s3.BucketOwnershipControlsArgs;
  encryption: aws.s3.BucketServerSideEncryptionConfigurationArgs;
  versioning: aws.s3.BucketVersioningArgs;
  lifecycle: aws.s3.BucketLifecycleConfigurationArgs;
  policy: aws.s3.BucketPolicyArgs;
}

const ROLES: readonly (keyof PrivateBucketChildren)[] = ["bucket", "publicAccessBlock", "ownership", "encryption", "versioning", "lifecycle", "policy"];

/**
 * The transforms of a component's `PrivateBucket` from the component's own transforms, where its
 * roles carry a prefix: `originalsBucket`, `originalsPolicy`, … for the prefix `originals`.
 */
export function privateBucketTransforms(transforms: object | undefined, prefix: string): Transforms<PrivateBucketChildren> {
  const byRole = (transforms ?? {}) as Record<string, unknown>;
  const prefixed = ROLES.map((role) => [role, byRole[prefix + role[0].toUpperCase() + role.slice(1)]] as const);
  return Object.fromEntries(prefixed.filter(([, transform]) => transform !== undefined));
}

export interface PrivateBucketArgs {
  /**
   * Name of the bucket, for buckets other tools find by name (a state backend, for example).
   * @default a unique name Pulumi derives from the component's name
   * @example "rendorix-state-dev-123456789012"
   */
  bucketName?: string;
  /**
   * KMS key for default encryption, with an S3 Bucket Key so that S3 calls KMS rarely.
   * @default S3-managed keys (SSE-S3)
   */
  kmsKeyArn?: pulumi.Input<string>;
  /**
   * Keep every version of every object, so an overwrite or a delete can be undone.
   * @default false
   */
  versioned?: boolean;
  /**
   * Lifecycle rules, e.g. to expire old versions or logs.
   * @default none
   * @example [{ id: "expire-logs", status: "Enabled", filter: {}, expiration: { days: 90 } }]
   */
  lifecycleRules?: aws.types.input.s3.BucketLifecycleConfigurationRule[];
  /**
   * More statements for the bucket policy, after the one that refuses every request not made over
   * TLS. They are given the bucket's ARN, which is built from its name and so is known in a preview.
   * @default none
   * @example (arn) => [{ Sid: "Logs", Effect: "Allow", Principal: { Service: "delivery.logs.amazonaws.com" }, Action: "s3:PutObject", Resource: `${arn}/AWSLogs/*` }]
   */
  policyStatements?: (bucketArn: string) => pulumi.Input<object>[];
  /**
   * Protect the bucket from deletion by Pulumi; `pulumi destroy` then stops at it.
   * @default false
   */
  protect?: boolean;
  /**
   * Let Pulumi delete the bucket with its objects in it.
   * @default false
   */
  forceDestroy?: boolean;
  /**
   * Tags on the bucket.
   * @default none
   */
  tags?: Record<string, string>;
  /**
   * The component whose direct children these resources were before they moved into a
   * `PrivateBucket`. Each child then declares its old URN as an alias, and `pulumi up` keeps the
   * existing bucket and its settings instead of replacing them.
   * @default none: a stack that never had them elsewhere
   */
  movedFrom?: pulumi.Resource;
  /**
   * Adjust any child before it is created, by role.
   * @example { bucket: { objectLockEnabled: true } }
   */
  transform?: Transforms<PrivateBucketChildren>;
}

/**
 * An S3 bucket nobody outside the account can read: all four public-access-block settings on,
 * ACLs disabled (bucket-owner-enforced ownership), default encryption, and a bucket policy that
 * refuses any request not made over TLS. Optionally versioned, with lifecycle rules and more policy
 * statements.
 *
 * @example
 * ```ts
 * const logs = new PrivateBucket("logs", {
 *   lifecycleRules: [{ id: "expire-logs", status: "Enabled", filter: {}, expiration: { days: 90 } }],
 * });
 * export const logsBucket = logs.name;
 * ```
 */
export class PrivateBucket extends pulumi.ComponentResource {
  public readonly name: pulumi.Output<string>;
  public readonly arn: pulumi.Output<string>;
  public readonly bucket: aws.s3.Bucket;
  public readonly publicAccessBlock: aws.s3.BucketPublicAccessBlock;
  public readonly ownership: aws.s3.BucketOwnershipControls;
  public readonly encryption: aws.s3.BucketServerSideEncryptionConfiguration;
  public readonly versioning: aws.s3.BucketVersioning | undefined;
  public readonly lifecycle: aws.s3.BucketLifecycleConfiguration | undefined;
  public readonly policy: aws.s3.BucketPolicy;

  constructor(name: string, args: PrivateBucketArgs = {}, opts?: pulumi.ComponentResourceOptions) {
    super("rendorix:index:PrivateBucket", name, {}, opts);
    const children = new ChildFactory<PrivateBucketChildren>(this, name, args.transform, args.movedFrom);

    this.bucket = children.create(
      aws.s3.Bucket,
      "bucket",
      { bucket: args.bucketName, forceDestroy: args.forceDestroy, tags: args.tags },
      { protect: args.protect ?? false },
    );
    const bucketId = this.bucket.id;
    this.name = this.bucket.bucket;
    // From the name, not `bucket.arn`: the name is known in a preview (given, or auto-named by Pulumi
    // before the bucket exists), the ARN only once S3 has made the bucket, and a policy document with
    // an unknown in it cannot be checked by the policy pack before an update.
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    this.arn = pulumi.interpolate`arn:${partition}:s3:::${this.name}`;

    this.publicAccessBlock = children.create(aws.s3.BucketPublicAccessBlock, "publicAccessBlock", {
      bucket: bucketId,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    this.ownership = children.create(aws.s3.BucketOwnershipControls, "ownership", { bucket: bucketId, rule: { objectOwnership: "BucketOwnerEnforced" } });
    this.encryption = children.create(aws.s3.BucketServerSideEncryptionConfiguration, "encryption", {
      bucket: bucketId,
      rules: [
        args.kmsKeyArn
          ? { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: args.kmsKeyArn }, bucketKeyEnabled: true }
          : { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
      ],
    });
    this.versioning = args.versioned
      ? children.create(aws.s3.BucketVersioning, "versioning", { bucket: bucketId, versioningConfiguration: { status: "Enabled" } })
      : undefined;
    this.lifecycle = args.lifecycleRules
      ? children.create(aws.s3.BucketLifecycleConfiguration, "lifecycle", { bucket: bucketId, rules: args.lifecycleRules })
      : undefined;
    const statements = this.arn.apply((arn) => pulumi.output([denyInsecureTransport(arn), ...(args.policyStatements?.(arn) ?? [])]));
    this.policy = children.create(aws.s3.BucketPolicy, "policy", { bucket: bucketId, policy: statements.apply(policyDocument) });

    this.registerOutputs({ name: this.name, arn: this.arn });
  }
}
