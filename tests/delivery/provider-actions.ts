/**
 * What the AWS provider calls, per resource type of our stacks: the IAM actions of its create,
 * read (refresh and the read after every write), update, delete and tagging, and the ARNs they act
 * on. Each row cites where the calls are documented: the provider's resource page (the Pulumi AWS
 * provider bridges the Terraform AWS provider, whose pages list the API calls of each operation) and
 * AWS's API reference or Service Authorization Reference for the permission each call needs.
 *
 * `tests/delivery/permissions.test.ts` simulates every action of every row against the deploy and
 * preview roles the bootstrap renders, for every resource of the captured dev and prod graphs. A
 * resource type with no row fails that test: a new resource type in the program needs a row here
 * and a grant in `deploy/bootstrap/permissions.ts`.
 */
import type { CapturedResource } from "../../check/model";

export const PHASES = ["create", "read", "update", "delete", "tag"] as const;
export type Phase = (typeof PHASES)[number];

/** What a row needs from the graph: where the resource lives and the resources its inputs came from. */
export interface Graph {
  accountId: string;
  /** The resource's region: its `region` input, else the stack's. */
  region(resource: CapturedResource): string;
  /** The resource `property` of `resource` was computed from. */
  source(resource: CapturedResource, property: string): CapturedResource;
  /** The physical name: the `name` input, else Pulumi's auto-name (logical name, a dash and 7 hex digits). */
  physicalName(resource: CapturedResource): string;
  /** A stable stand-in for an id AWS generates (distribution id, key id, …). */
  generatedId(resource: CapturedResource): string;
}

export interface ProviderCalls {
  /** Where the calls are documented. */
  docs: string[];
  /** The ARNs the calls act on, by the resource type key of AWS's Service Authorization Reference. */
  arns(resource: CapturedResource, graph: Graph): Record<string, string>;
  /** The resource whose tags the ARNs carry (itself, or the resource it configures). */
  owner?(resource: CapturedResource, graph: Graph): CapturedResource;
  calls(resource: CapturedResource): Partial<Record<Phase, string[]>>;
  /** Request context the calls carry besides tags (each action sees only the keys AWS defines for it). */
  context?(resource: CapturedResource, graph: Graph): Record<string, string>;
}

/** A resource Pulumi handles without calling AWS (components, providers, random values). */
export const NO_AWS_CALLS = new Set(["random:index/randomBytes:RandomBytes"]);

const arn = (graph: Graph, service: string, resource: string, region = "") => `arn:aws:${service}:${region}:${graph.accountId}:${resource}`;
const regional = (graph: Graph, r: CapturedResource, service: string, resource: string) => arn(graph, service, resource, graph.region(r));

const bucketArn = (graph: Graph, bucket: CapturedResource) => `arn:aws:s3:::${String(bucket.inputs.bucket ?? graph.physicalName(bucket))}`;
const keyArn = (graph: Graph, key: CapturedResource) => regional(graph, key, "kms", `key/${graph.generatedId(key)}`);
const functionArn = (graph: Graph, fn: CapturedResource) => regional(graph, fn, "lambda", `function:${graph.physicalName(fn)}`);
const distributionArn = (graph: Graph, d: CapturedResource) => arn(graph, "cloudfront", `distribution/E${graph.generatedId(d).replace(/-/g, "").slice(0, 13).toUpperCase()}`);
const kvsArn = (graph: Graph, store: CapturedResource) => arn(graph, "cloudfront", `key-value-store/${graph.generatedId(store)}`);
const topicArn = (graph: Graph, topic: CapturedResource) => regional(graph, topic, "sns", graph.physicalName(topic));
const secretArn = (graph: Graph, secret: CapturedResource) => regional(graph, secret, "secretsmanager", `secret:${graph.physicalName(secret)}-AbCdEf`);
const roleArn = (graph: Graph, role: CapturedResource) => `arn:aws:iam::${graph.accountId}:role/${graph.physicalName(role)}`;
/** The boundary a role carries, which every IAM call on it is conditioned on. */
const boundaryOf = (role: CapturedResource): Record<string, string> =>
  role.inputs.permissionsBoundary === undefined ? {} : { "iam:PermissionsBoundary": String(role.inputs.permissionsBoundary) };
const certificateArn = (graph: Graph, c: CapturedResource) => regional(graph, c, "acm", `certificate/${graph.generatedId(c)}`);

const TF = "https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/";
const SAR = "https://docs.aws.amazon.com/service-authorization/latest/reference/";

/** A bucket configuration resource: the provider's Put…, Get… and Delete… of one subresource. */
function bucketPart(doc: string, put: string, get: string, remove?: string): ProviderCalls {
  return {
    docs: [`${TF}${doc}`, `${SAR}list_amazons3.html`],
    arns: (r, g) => ({ bucket: bucketArn(g, g.source(r, "bucket")) }),
    owner: (r, g) => g.source(r, "bucket"),
    calls: () => ({ create: [put, get], read: [get], update: [put], delete: [remove ?? put] }),
  };
}

/** A CloudFront policy without tags or names in its ARN. */
function cloudFrontPolicy(doc: string, kind: string, type: string): ProviderCalls {
  return {
    docs: [`${TF}${doc}`, `${SAR}list_amazoncloudfront.html`],
    arns: (r, g) => ({ [type]: arn(g, "cloudfront", `${type}/${g.generatedId(r)}`) }),
    calls: () => ({ create: [`cloudfront:Create${kind}`], read: [`cloudfront:Get${kind}`], update: [`cloudfront:Update${kind}`, `cloudfront:Get${kind}`], delete: [`cloudfront:Delete${kind}`] }),
  };
}

function metricAlarm(doc: string, put: string): ProviderCalls {
  return {
    docs: [`${TF}${doc}`, "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/permissions-reference-cw.html"],
    arns: (r, g) => ({ alarm: regional(g, r, "cloudwatch", `alarm:${String(r.inputs.alarmName ?? g.physicalName(r))}`) }),
    calls: () => ({
      create: [put, "cloudwatch:DescribeAlarms"],
      read: ["cloudwatch:DescribeAlarms", "cloudwatch:ListTagsForResource"],
      update: [put],
      delete: ["cloudwatch:DeleteAlarms"],
      tag: ["cloudwatch:TagResource", "cloudwatch:UntagResource", "cloudwatch:ListTagsForResource"],
    }),
  };
}

const LOG_DELIVERY_DOCS = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-and-resource-policy.html";

export const PROVIDER_CALLS: Record<string, ProviderCalls> = {
  "aws:s3/bucket:Bucket": {
    docs: [`${TF}s3_bucket`, "https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateBucket.html", `${SAR}list_amazons3.html`],
    arns: (r, g) => ({ bucket: bucketArn(g, r), object: `${bucketArn(g, r)}/photo.jpg` }),
    calls: (r) => {
      // The provider's read fetches every bucket subresource it can describe.
      const read = [
        "s3:ListBucket",
        "s3:GetBucketAcl",
        "s3:GetBucketCORS",
        "s3:GetBucketWebsite",
        "s3:GetBucketVersioning",
        "s3:GetAccelerateConfiguration",
        "s3:GetBucketRequestPayment",
        "s3:GetBucketLogging",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:GetEncryptionConfiguration",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetBucketPolicy",
        "s3:GetBucketTagging",
      ];
      // forceDestroy: the delete first removes every object version and delete marker.
      const empty = r.inputs.forceDestroy === true ? ["s3:ListBucketVersions", "s3:DeleteObjectVersion"] : [];
      return { create: ["s3:CreateBucket", ...read], read, update: ["s3:PutBucketTagging"], delete: [...empty, "s3:DeleteBucket"], tag: ["s3:PutBucketTagging", "s3:GetBucketTagging"] };
    },
  },
  "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock": bucketPart("s3_bucket_public_access_block", "s3:PutBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"),
  "aws:s3/bucketOwnershipControls:BucketOwnershipControls": bucketPart("s3_bucket_ownership_controls", "s3:PutBucketOwnershipControls", "s3:GetBucketOwnershipControls"),
  "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration": bucketPart(
    "s3_bucket_server_side_encryption_configuration",
    "s3:PutEncryptionConfiguration",
    "s3:GetEncryptionConfiguration",
  ),
  "aws:s3/bucketVersioning:BucketVersioning": bucketPart("s3_bucket_versioning", "s3:PutBucketVersioning", "s3:GetBucketVersioning"),
  "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration": bucketPart("s3_bucket_lifecycle_configuration", "s3:PutLifecycleConfiguration", "s3:GetLifecycleConfiguration"),
  "aws:s3/bucketPolicy:BucketPolicy": bucketPart("s3_bucket_policy", "s3:PutBucketPolicy", "s3:GetBucketPolicy", "s3:DeleteBucketPolicy"),

  "aws:secretsmanager/secret:Secret": {
    docs: [`${TF}secretsmanager_secret`, "https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html"],
    arns: (r, g) => ({ Secret: secretArn(g, r) }),
    context: (r) => ({ "secretsmanager:ForceDeleteWithoutRecovery": String(r.inputs.recoveryWindowInDays === 0) }),
    calls: () => ({
      create: ["secretsmanager:CreateSecret", "secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"],
      read: ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy"],
      update: ["secretsmanager:UpdateSecret"],
      delete: ["secretsmanager:DeleteSecret"],
      tag: ["secretsmanager:TagResource", "secretsmanager:UntagResource"],
    }),
  },
  "aws:secretsmanager/secretVersion:SecretVersion": {
    docs: [`${TF}secretsmanager_secret_version`, "https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_iam-permissions.html"],
    arns: (r, g) => ({ Secret: secretArn(g, g.source(r, "secretId")) }),
    owner: (r, g) => g.source(r, "secretId"),
    calls: () => ({
      create: ["secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue"],
      read: ["secretsmanager:GetSecretValue"],
      update: ["secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
      delete: ["secretsmanager:UpdateSecretVersionStage", "secretsmanager:ListSecretVersionIds"],
    }),
  },

  "aws:kms/key:Key": {
    docs: [`${TF}kms_key`, "https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html"],
    arns: (r, g) => ({ key: keyArn(g, r) }),
    calls: () => ({
      create: ["kms:CreateKey", "kms:EnableKeyRotation", "kms:DescribeKey"],
      read: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
      update: ["kms:EnableKeyRotation", "kms:DisableKeyRotation", "kms:UpdateKeyDescription"],
      delete: ["kms:ScheduleKeyDeletion"],
      tag: ["kms:TagResource", "kms:UntagResource", "kms:ListResourceTags"],
    }),
  },
  "aws:kms/keyPolicy:KeyPolicy": {
    docs: [`${TF}kms_key_policy`, "https://docs.aws.amazon.com/kms/latest/APIReference/API_PutKeyPolicy.html"],
    arns: (r, g) => ({ key: keyArn(g, g.source(r, "keyId")) }),
    owner: (r, g) => g.source(r, "keyId"),
    calls: () => ({ create: ["kms:PutKeyPolicy", "kms:GetKeyPolicy"], read: ["kms:GetKeyPolicy"], update: ["kms:PutKeyPolicy"], delete: ["kms:PutKeyPolicy"] }),
  },
  "aws:kms/alias:Alias": {
    docs: [`${TF}kms_alias`, "https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html"],
    arns: (r, g) => ({ alias: regional(g, r, "kms", `${String(r.inputs.name ?? r.inputs.namePrefix)}0a1b2c3`), key: keyArn(g, g.source(r, "targetKeyId")) }),
    owner: (r, g) => g.source(r, "targetKeyId"),
    calls: () => ({ create: ["kms:CreateAlias"], read: ["kms:ListAliases"], update: ["kms:UpdateAlias"], delete: ["kms:DeleteAlias"] }),
  },

  "aws:iam/role:Role": {
    docs: [`${TF}iam_role`, "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_permissions-required.html"],
    arns: (r, g) => ({ role: roleArn(g, r) }),
    context: (r) => boundaryOf(r),
    calls: () => ({
      create: ["iam:CreateRole", "iam:GetRole"],
      read: ["iam:GetRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies"],
      update: ["iam:UpdateRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRoleDescription", "iam:PutRolePermissionsBoundary"],
      delete: ["iam:ListInstanceProfilesForRole", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies", "iam:DeleteRole"],
      tag: ["iam:TagRole", "iam:UntagRole", "iam:ListRoleTags"],
    }),
  },
  "aws:iam/rolePolicy:RolePolicy": {
    docs: [`${TF}iam_role_policy`, "https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html"],
    arns: (r, g) => ({ role: roleArn(g, g.source(r, "role")) }),
    owner: (r, g) => g.source(r, "role"),
    context: (r, g) => boundaryOf(g.source(r, "role")),
    calls: () => ({ create: ["iam:PutRolePolicy"], read: ["iam:GetRolePolicy"], update: ["iam:PutRolePolicy"], delete: ["iam:DeleteRolePolicy"] }),
  },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
    docs: [`${TF}iam_role_policy_attachment`, "https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachRolePolicy.html"],
    arns: (r, g) => ({ role: roleArn(g, g.source(r, "role")) }),
    owner: (r, g) => g.source(r, "role"),
    context: (r, g) => ({ ...boundaryOf(g.source(r, "role")), "iam:PolicyARN": String(r.inputs.policyArn) }),
    calls: () => ({ create: ["iam:AttachRolePolicy"], read: ["iam:ListAttachedRolePolicies"], delete: ["iam:DetachRolePolicy"] }),
  },

  "aws:lambda/function:Function": {
    docs: [`${TF}lambda_function`, "https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html"],
    arns: (r, g) => ({ function: functionArn(g, r), role: roleArn(g, g.source(r, "role")) }),
    context: () => ({ "iam:PassedToService": "lambda.amazonaws.com" }),
    calls: (r) => {
      const concurrency = r.inputs.reservedConcurrentExecutions === undefined ? [] : ["lambda:PutFunctionConcurrency"];
      const read = ["lambda:GetFunction", "lambda:GetFunctionCodeSigningConfig", "lambda:GetFunctionConcurrency", "lambda:ListVersionsByFunction", "lambda:GetRuntimeManagementConfig"];
      return {
        create: ["lambda:CreateFunction", "iam:PassRole", ...concurrency, ...read],
        read,
        update: ["lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:PublishVersion", "lambda:PutFunctionConcurrency", "lambda:DeleteFunctionConcurrency", "iam:PassRole"],
        delete: ["lambda:DeleteFunction"],
        tag: ["lambda:TagResource", "lambda:UntagResource", "lambda:ListTags"],
      };
    },
  },
  "aws:lambda/alias:Alias": {
    docs: [`${TF}lambda_alias`, "https://docs.aws.amazon.com/lambda/latest/dg/lambda-api-permissions-ref.html"],
    arns: (r, g) => ({ function: functionArn(g, g.source(r, "functionName")) }),
    owner: (r, g) => g.source(r, "functionName"),
    calls: () => ({ create: ["lambda:CreateAlias", "lambda:GetAlias"], read: ["lambda:GetAlias"], update: ["lambda:UpdateAlias"], delete: ["lambda:DeleteAlias"] }),
  },
  "aws:lambda/functionUrl:FunctionUrl": {
    docs: [`${TF}lambda_function_url`, "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html"],
    arns: (r, g) => ({ function: functionArn(g, g.source(r, "functionName")) }),
    owner: (r, g) => g.source(r, "functionName"),
    calls: () => ({
      create: ["lambda:CreateFunctionUrlConfig", "lambda:GetFunctionUrlConfig"],
      read: ["lambda:GetFunctionUrlConfig"],
      update: ["lambda:UpdateFunctionUrlConfig"],
      delete: ["lambda:DeleteFunctionUrlConfig"],
    }),
  },
  "aws:secretsmanager/secretRotation:SecretRotation": {
    docs: [
      `${TF}secretsmanager_secret_rotation`,
      "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html",
      "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CancelRotateSecret.html",
    ],
    arns: (r, g) => ({ Secret: secretArn(g, g.source(r, "secretId")), function: functionArn(g, g.source(r, "rotationLambdaArn")) }),
    owner: (r, g) => g.source(r, "secretId"),
    context: (r, g) => ({ "secretsmanager:RotationLambdaARN": functionArn(g, g.source(r, "rotationLambdaArn")), "secretsmanager:RotateImmediately": String(r.inputs.rotateImmediately ?? true) }),
    // RotateSecret also needs lambda:InvokeFunction on the rotation function (API_RotateSecret, "Required permissions").
    calls: () => ({
      create: ["secretsmanager:RotateSecret", "lambda:InvokeFunction", "secretsmanager:DescribeSecret"],
      read: ["secretsmanager:DescribeSecret"],
      update: ["secretsmanager:RotateSecret", "lambda:InvokeFunction"],
      delete: ["secretsmanager:CancelRotateSecret"],
    }),
  },
  "aws:lambda/permission:Permission": {
    docs: [`${TF}lambda_permission`, "https://docs.aws.amazon.com/lambda/latest/api/API_AddPermission.html"],
    arns: (r, g) => ({ function: functionArn(g, g.source(r, "function")) }),
    owner: (r, g) => g.source(r, "function"),
    context: (r) => ({ "lambda:Principal": String(r.inputs.principal) }),
    calls: () => ({ create: ["lambda:AddPermission", "lambda:GetPolicy"], read: ["lambda:GetPolicy"], delete: ["lambda:RemovePermission"] }),
  },

  "aws:cloudwatch/logGroup:LogGroup": {
    docs: [`${TF}cloudwatch_log_group`, "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/permissions-reference-cwl.html"],
    arns: (r, g) => ({ "log-group": regional(g, r, "logs", `log-group:${g.physicalName(r)}`) }),
    calls: () => ({
      create: ["logs:CreateLogGroup", "logs:PutRetentionPolicy", "logs:DescribeLogGroups"],
      // The provider finds a log group only by listing: DescribeLogGroups has no resource type.
      read: ["logs:DescribeLogGroups", "logs:ListTagsForResource"],
      update: ["logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy"],
      delete: ["logs:DeleteLogGroup"],
      tag: ["logs:TagResource", "logs:UntagResource", "logs:ListTagsForResource"],
    }),
  },
  "aws:cloudwatch/logDeliverySource:LogDeliverySource": {
    docs: [`${TF}cloudwatch_log_delivery_source`, LOG_DELIVERY_DOCS, `${SAR}list_amazoncloudwatchlogs.html`],
    // The Service Authorization Reference lists DeleteDeliverySource under the delivery-destination
    // resource type; the source's name in that ARN form is what the grant must then match.
    arns: (r, g) => ({
      "delivery-source": regional(g, r, "logs", `delivery-source:${g.physicalName(r)}`),
      "delivery-destination": regional(g, r, "logs", `delivery-destination:${g.physicalName(r)}`),
      distribution: distributionArn(g, g.source(r, "resourceArn")),
    }),
    calls: () => ({
      create: ["logs:PutDeliverySource", "logs:GetDeliverySource", "cloudfront:AllowVendedLogDeliveryForResource"],
      read: ["logs:GetDeliverySource", "logs:ListTagsForResource"],
      update: ["logs:PutDeliverySource"],
      delete: ["logs:DeleteDeliverySource"],
      tag: ["logs:TagResource", "logs:UntagResource"],
    }),
  },
  "aws:cloudwatch/logDeliveryDestination:LogDeliveryDestination": {
    docs: [`${TF}cloudwatch_log_delivery_destination`, LOG_DELIVERY_DOCS, `${SAR}list_amazoncloudwatchlogs.html`],
    arns: (r, g) => ({ "delivery-destination": regional(g, r, "logs", `delivery-destination:${g.physicalName(r)}`) }),
    calls: () => ({
      create: ["logs:PutDeliveryDestination", "logs:GetDeliveryDestination"],
      read: ["logs:GetDeliveryDestination", "logs:ListTagsForResource"],
      update: ["logs:PutDeliveryDestination"],
      delete: ["logs:DeleteDeliveryDestination"],
      tag: ["logs:TagResource", "logs:UntagResource"],
    }),
  },
  "aws:cloudwatch/logDelivery:LogDelivery": {
    docs: [`${TF}cloudwatch_log_delivery`, LOG_DELIVERY_DOCS, "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_CreateDelivery.html"],
    // CreateDelivery is authorized on the new delivery, its source and its destination.
    arns: (r, g) => {
      const source = g.source(r, "deliverySourceName");
      const destination = g.source(r, "deliveryDestinationArn");
      return {
        delivery: regional(g, r, "logs", `delivery:${g.generatedId(r)}`),
        "delivery-source": regional(g, source, "logs", `delivery-source:${g.physicalName(source)}`),
        "delivery-destination": regional(g, destination, "logs", `delivery-destination:${g.physicalName(destination)}`),
      };
    },
    calls: () => ({
      create: ["logs:CreateDelivery", "logs:GetDelivery"],
      read: ["logs:GetDelivery", "logs:ListTagsForResource"],
      update: ["logs:UpdateDeliveryConfiguration"],
      delete: ["logs:DeleteDelivery"],
      tag: ["logs:TagResource", "logs:UntagResource"],
    }),
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": metricAlarm("cloudwatch_metric_alarm", "cloudwatch:PutMetricAlarm"),
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": metricAlarm("cloudwatch_composite_alarm", "cloudwatch:PutCompositeAlarm"),
  "aws:cloudwatch/dashboard:Dashboard": {
    docs: [`${TF}cloudwatch_dashboard`, "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/permissions-reference-cw.html"],
    arns: (r, g) => ({ dashboard: arn(g, "cloudwatch", `dashboard/${String(r.inputs.dashboardName ?? g.physicalName(r))}`) }),
    calls: () => ({ create: ["cloudwatch:PutDashboard", "cloudwatch:GetDashboard"], read: ["cloudwatch:GetDashboard"], update: ["cloudwatch:PutDashboard"], delete: ["cloudwatch:DeleteDashboards"] }),
  },

  "aws:sns/topic:Topic": {
    docs: [`${TF}sns_topic`, "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html"],
    arns: (r, g) => ({ topic: topicArn(g, r) }),
    calls: () => ({
      create: ["sns:CreateTopic", "sns:SetTopicAttributes", "sns:GetTopicAttributes"],
      read: ["sns:GetTopicAttributes", "sns:ListTagsForResource"],
      update: ["sns:SetTopicAttributes"],
      delete: ["sns:DeleteTopic"],
      tag: ["sns:TagResource", "sns:UntagResource", "sns:ListTagsForResource"],
    }),
  },
  "aws:sns/topicPolicy:TopicPolicy": {
    docs: [`${TF}sns_topic_policy`, "https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html"],
    arns: (r, g) => ({ topic: topicArn(g, g.source(r, "arn")) }),
    owner: (r, g) => g.source(r, "arn"),
    calls: () => ({ create: ["sns:SetTopicAttributes", "sns:GetTopicAttributes"], read: ["sns:GetTopicAttributes"], update: ["sns:SetTopicAttributes"], delete: ["sns:SetTopicAttributes"] }),
  },
  "aws:sns/topicSubscription:TopicSubscription": {
    docs: [`${TF}sns_topic_subscription`, "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-language-api-permissions-reference.html"],
    arns: (r, g) => ({ topic: topicArn(g, g.source(r, "topic")) }),
    owner: (r, g) => g.source(r, "topic"),
    calls: () => ({
      create: ["sns:Subscribe", "sns:GetSubscriptionAttributes"],
      read: ["sns:GetSubscriptionAttributes"],
      update: ["sns:SetSubscriptionAttributes"],
      delete: ["sns:Unsubscribe"],
    }),
  },

  "aws:cloudfront/distribution:Distribution": {
    docs: [`${TF}cloudfront_distribution`, "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cf-api-permissions-ref.html"],
    arns: (r, g) => ({ distribution: distributionArn(g, r) }),
    calls: () => ({
      // With tags, the provider calls CreateDistributionWithTags, which needs both actions.
      create: ["cloudfront:CreateDistribution", "cloudfront:TagResource", "cloudfront:GetDistribution"],
      read: ["cloudfront:GetDistribution", "cloudfront:ListTagsForResource"],
      update: ["cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution"],
      // A distribution is disabled (an update) and then deleted.
      delete: ["cloudfront:GetDistributionConfig", "cloudfront:UpdateDistribution", "cloudfront:DeleteDistribution"],
      tag: ["cloudfront:TagResource", "cloudfront:UntagResource", "cloudfront:ListTagsForResource"],
    }),
  },
  "aws:cloudfront/function:Function": {
    docs: [`${TF}cloudfront_function`, "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cf-api-permissions-ref.html"],
    arns: (r, g) => ({ function: arn(g, "cloudfront", `function/${g.physicalName(r)}`) }),
    calls: () => ({
      create: ["cloudfront:CreateFunction", "cloudfront:PublishFunction", "cloudfront:DescribeFunction", "cloudfront:GetFunction"],
      read: ["cloudfront:DescribeFunction", "cloudfront:GetFunction", "cloudfront:ListTagsForResource"],
      update: ["cloudfront:UpdateFunction", "cloudfront:PublishFunction"],
      delete: ["cloudfront:DeleteFunction"],
      tag: ["cloudfront:TagResource", "cloudfront:UntagResource", "cloudfront:ListTagsForResource"],
    }),
  },
  "aws:cloudfront/keyValueStore:KeyValueStore": {
    docs: [`${TF}cloudfront_key_value_store`, "https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/cf-api-permissions-ref.html"],
    arns: (r, g) => ({ "key-value-store": kvsArn(g, r) }),
    calls: () => ({
      create: ["cloudfront:CreateKeyValueStore", "cloudfront:DescribeKeyValueStore"],
      read: ["cloudfront:DescribeKeyValueStore", "cloudfront:ListTagsForResource"],
      update: ["cloudfront:UpdateKeyValueStore"],
      delete: ["cloudfront:DeleteKeyValueStore"],
      tag: ["cloudfront:TagResource", "cloudfront:UntagResource", "cloudfront:ListTagsForResource"],
    }),
  },
  "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey": {
    docs: [`${TF}cloudfrontkeyvaluestore_key`, `${SAR}list_amazoncloudfrontkeyvaluestore.html`],
    arns: (r, g) => ({ "key-value-store": kvsArn(g, g.source(r, "keyValueStoreArn")) }),
    owner: (r, g) => g.source(r, "keyValueStoreArn"),
    calls: () => ({
      create: ["cloudfront-keyvaluestore:DescribeKeyValueStore", "cloudfront-keyvaluestore:PutKey"],
      read: ["cloudfront-keyvaluestore:GetKey"],
      update: ["cloudfront-keyvaluestore:DescribeKeyValueStore", "cloudfront-keyvaluestore:PutKey"],
      delete: ["cloudfront-keyvaluestore:DescribeKeyValueStore", "cloudfront-keyvaluestore:DeleteKey"],
    }),
  },
  "aws:cloudfront/monitoringSubscription:MonitoringSubscription": {
    docs: [`${TF}cloudfront_monitoring_subscription`, `${SAR}list_amazoncloudfront.html`],
    arns: (r, g) => ({ distribution: distributionArn(g, g.source(r, "distributionId")) }),
    calls: () => ({
      create: ["cloudfront:CreateMonitoringSubscription", "cloudfront:GetMonitoringSubscription"],
      read: ["cloudfront:GetMonitoringSubscription"],
      update: ["cloudfront:CreateMonitoringSubscription"],
      delete: ["cloudfront:DeleteMonitoringSubscription"],
    }),
  },
  "aws:cloudfront/originAccessControl:OriginAccessControl": cloudFrontPolicy("cloudfront_origin_access_control", "OriginAccessControl", "origin-access-control"),
  "aws:cloudfront/cachePolicy:CachePolicy": cloudFrontPolicy("cloudfront_cache_policy", "CachePolicy", "cache-policy"),
  "aws:cloudfront/originRequestPolicy:OriginRequestPolicy": cloudFrontPolicy("cloudfront_origin_request_policy", "OriginRequestPolicy", "origin-request-policy"),
  "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy": cloudFrontPolicy("cloudfront_response_headers_policy", "ResponseHeadersPolicy", "response-headers-policy"),

  "aws:acm/certificate:Certificate": {
    docs: [`${TF}acm_certificate`, "https://docs.aws.amazon.com/acm/latest/userguide/authen-apipermissions.html"],
    arns: (r, g) => ({ certificate: certificateArn(g, r) }),
    calls: () => ({
      create: ["acm:RequestCertificate", "acm:DescribeCertificate"],
      read: ["acm:DescribeCertificate", "acm:ListTagsForCertificate"],
      delete: ["acm:DeleteCertificate"],
      tag: ["acm:AddTagsToCertificate", "acm:RemoveTagsFromCertificate", "acm:ListTagsForCertificate"],
    }),
  },
  "aws:acm/certificateValidation:CertificateValidation": {
    docs: [`${TF}acm_certificate_validation`, "https://docs.aws.amazon.com/acm/latest/userguide/authen-apipermissions.html"],
    arns: (r, g) => ({ certificate: certificateArn(g, g.source(r, "certificateArn")) }),
    owner: (r, g) => g.source(r, "certificateArn"),
    calls: () => ({ create: ["acm:DescribeCertificate"], read: ["acm:DescribeCertificate"] }),
  },
  "aws:route53/record:Record": {
    docs: [`${TF}route53_record`, "https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/r53-api-permissions-ref.html"],
    arns: (r) => ({ hostedzone: `arn:aws:route53:::hostedzone/${String(r.inputs.zoneId)}`, change: "arn:aws:route53:::change/C0A1B2C3D4E5F6" }),
    calls: () => ({
      // Every change is waited for with GetChange.
      create: ["route53:ChangeResourceRecordSets", "route53:GetChange", "route53:ListResourceRecordSets"],
      read: ["route53:ListResourceRecordSets"],
      update: ["route53:ChangeResourceRecordSets", "route53:GetChange"],
      delete: ["route53:ChangeResourceRecordSets", "route53:GetChange"],
    }),
  },

  "aws:codedeploy/application:Application": {
    docs: [`${TF}codedeploy_app`, "https://docs.aws.amazon.com/codedeploy/latest/userguide/auth-and-access-control-permissions-reference.html"],
    arns: (r, g) => ({ application: regional(g, r, "codedeploy", `application:${g.physicalName(r)}`) }),
    calls: () => ({
      create: ["codedeploy:CreateApplication", "codedeploy:GetApplication"],
      read: ["codedeploy:GetApplication", "codedeploy:ListTagsForResource"],
      update: ["codedeploy:UpdateApplication"],
      delete: ["codedeploy:DeleteApplication"],
      tag: ["codedeploy:TagResource", "codedeploy:UntagResource", "codedeploy:ListTagsForResource"],
    }),
  },
  "aws:codedeploy/deploymentGroup:DeploymentGroup": {
    docs: [`${TF}codedeploy_deployment_group`, "https://docs.aws.amazon.com/codedeploy/latest/userguide/auth-and-access-control-permissions-reference.html"],
    arns: (r, g) => ({
      deploymentgroup: regional(g, r, "codedeploy", `deploymentgroup:${g.physicalName(g.source(r, "appName"))}/${String(r.inputs.deploymentGroupName)}`),
      deploymentconfig: regional(g, r, "codedeploy", `deploymentconfig:${String(r.inputs.deploymentConfigName)}`),
      role: roleArn(g, g.source(r, "serviceRoleArn")),
    }),
    context: () => ({ "iam:PassedToService": "codedeploy.amazonaws.com" }),
    calls: () => ({
      create: ["codedeploy:CreateDeploymentGroup", "iam:PassRole", "codedeploy:GetDeploymentGroup", "codedeploy:GetDeploymentConfig"],
      read: ["codedeploy:GetDeploymentGroup", "codedeploy:ListTagsForResource"],
      update: ["codedeploy:UpdateDeploymentGroup", "iam:PassRole"],
      delete: ["codedeploy:DeleteDeploymentGroup"],
      tag: ["codedeploy:TagResource", "codedeploy:UntagResource", "codedeploy:ListTagsForResource"],
    }),
  },
};
