/**
 * Type tokens the rules match, as `@pulumi/aws` 7.48 and `@pulumi/random` 4.21 register them. Where
 * 7.x still ships a deprecated V2 alias with its own token, both are listed.
 */
export const S3 = {
  buckets: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  publicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  accountPublicAccessBlock: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
  ownershipControls: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  acls: ["aws:s3/bucketAcl:BucketAcl", "aws:s3/bucketAclV2:BucketAclV2"],
  policy: "aws:s3/bucketPolicy:BucketPolicy",
  websites: ["aws:s3/bucketWebsiteConfiguration:BucketWebsiteConfiguration", "aws:s3/bucketWebsiteConfigurationV2:BucketWebsiteConfigurationV2"],
  encryption: [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  ],
  versioning: ["aws:s3/bucketVersioning:BucketVersioning", "aws:s3/bucketVersioningV2:BucketVersioningV2"],
} as const;

export const SECRETS_MANAGER = {
  secret: "aws:secretsmanager/secret:Secret",
  secretVersion: "aws:secretsmanager/secretVersion:SecretVersion",
  secretRotation: "aws:secretsmanager/secretRotation:SecretRotation",
} as const;

export const CLOUDFRONT = {
  distribution: "aws:cloudfront/distribution:Distribution",
  function: "aws:cloudfront/function:Function",
  keyValueStore: "aws:cloudfront/keyValueStore:KeyValueStore",
  keyValueStoreKey: "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey",
  keyValueStoreKeysExclusive: "aws:cloudfront/keyvaluestoreKeysExclusive:KeyvaluestoreKeysExclusive",
  originAccessControl: "aws:cloudfront/originAccessControl:OriginAccessControl",
} as const;

export const LAMBDA = {
  function: "aws:lambda/function:Function",
  alias: "aws:lambda/alias:Alias",
  functionUrl: "aws:lambda/functionUrl:FunctionUrl",
} as const;

export const CLOUDWATCH = {
  metricAlarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  compositeAlarm: "aws:cloudwatch/compositeAlarm:CompositeAlarm",
  logGroup: "aws:cloudwatch/logGroup:LogGroup",
} as const;

export const SNS = {
  topic: "aws:sns/topic:Topic",
  subscription: "aws:sns/topicSubscription:TopicSubscription",
} as const;

export const IAM = {
  policy: "aws:iam/policy:Policy",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  userPolicy: "aws:iam/userPolicy:UserPolicy",
  groupPolicy: "aws:iam/groupPolicy:GroupPolicy",
  role: "aws:iam/role:Role",
} as const;

export const RANDOM_KEY_SOURCES = ["random:index/randomBytes:RandomBytes", "random:index/randomPassword:RandomPassword"] as const;

export const PULUMI = {
  stack: "pulumi:pulumi:Stack",
  stackReference: "pulumi:pulumi:StackReference",
} as const;
