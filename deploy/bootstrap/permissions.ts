/**
 * The IAM documents of the delivery roles: who may assume them (one GitHub repository, and for
 * deploys one GitHub environment) and what they may do (the state, and the resources the Rendorix
 * program manages — named `rendorix-…` by the program — nothing else).
 */
import { denyInsecureTransport, policyDocument } from "../../components/policy-documents";

/** Prefix of every resource name the Rendorix program gives (`new ImageEdge("rendorix", …)`). */
export const PROGRAM_PREFIX = "rendorix";
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";
/** IAM path of the delivery roles; outside every ARN pattern the roles may change. */
export const DELIVERY_ROLE_PATH = "/delivery/";

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  /** Only in resource policies. */
  Principal?: string;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface DeliveryScope {
  accountId: string;
  /** The stack these roles deliver: `dev` or `prod`. */
  environment: string;
  stateBucketArn: string;
  stateKeyArn: string;
  stateKeyAliasArn: string;
  /** Route 53 zones the program writes its alias and validation records in. */
  hostedZoneIds: string[];
}

/** Only GitHub Actions runs of `repository` whose token subject is one of `subjects` may assume the role. */
export function githubTrustPolicy(oidcProviderArn: string, subjects: string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Federated: oidcProviderArn },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: { [`${GITHUB_OIDC_HOST}:aud`]: GITHUB_OIDC_AUDIENCE, [`${GITHUB_OIDC_HOST}:sub`]: subjects },
        },
      },
    ],
  });
}

/** Token subjects of the deploy jobs: the stack's GitHub environment (required reviewers on `prod`). */
export function deploySubjects(repository: string, environment: string): string[] {
  return [`repo:${repository}:environment:${environment}`];
}

/** Token subjects of the preview jobs: pull requests, and the plan made on `main` before an approval. */
export function previewSubjects(repository: string): string[] {
  return [`repo:${repository}:pull_request`, `repo:${repository}:ref:refs/heads/main`];
}

/** Access to one service the program manages: what a preview reads, and what only an update does. */
interface ServiceAccess {
  sid: string;
  preview: string[];
  update: string[];
  resources(scope: DeliveryScope): string[];
}

const PROGRAM_SERVICES: ServiceAccess[] = [
  {
    sid: "ProgramBuckets",
    preview: ["s3:GetBucket*", "s3:GetAccelerateConfiguration", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:ListBucket"],
    update: ["s3:CreateBucket", "s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucket*", "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration"],
    // ImageEdge names its buckets rendorix-<role>-bucket-<suffix>; the state bucket does not match.
    resources: () => [`arn:aws:s3:::${PROGRAM_PREFIX}-*-bucket-*`],
  },
  {
    sid: "KeyringSecret",
    preview: ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecretVersionIds"],
    // Reading the value is an update's business (refreshing versions, the smoke test), never a preview's.
    update: [
      "secretsmanager:CreateSecret",
      "secretsmanager:DeleteSecret",
      "secretsmanager:GetSecretValue",
      "secretsmanager:PutSecretValue",
      "secretsmanager:RestoreSecret",
      "secretsmanager:TagResource",
      "secretsmanager:UntagResource",
      "secretsmanager:UpdateSecret",
      "secretsmanager:UpdateSecretVersionStage",
    ],
    resources: (scope) => [`arn:aws:secretsmanager:*:${scope.accountId}:secret:${PROGRAM_PREFIX}/${scope.environment}/*`],
  },
  {
    sid: "ImageFunction",
    preview: ["lambda:Get*", "lambda:List*"],
    update: [
      "lambda:AddPermission",
      "lambda:CreateAlias",
      "lambda:CreateFunction",
      "lambda:CreateFunctionUrlConfig",
      "lambda:DeleteAlias",
      "lambda:DeleteFunction",
      "lambda:DeleteFunctionConcurrency",
      "lambda:DeleteFunctionUrlConfig",
      "lambda:PublishVersion",
      "lambda:PutFunctionConcurrency",
      "lambda:RemovePermission",
      "lambda:TagResource",
      "lambda:UntagResource",
      "lambda:UpdateAlias",
      "lambda:UpdateFunctionCode",
      "lambda:UpdateFunctionConfiguration",
      "lambda:UpdateFunctionUrlConfig",
    ],
    resources: (scope) => [`arn:aws:lambda:*:${scope.accountId}:function:${PROGRAM_PREFIX}-*`],
  },
  {
    sid: "ProgramRoles",
    preview: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies", "iam:ListRoleTags"],
    update: ["iam:CreateRole", "iam:DeleteRole", "iam:DeleteRolePolicy", "iam:PutRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole"],
    resources: (scope) => [`arn:aws:iam::${scope.accountId}:role/${PROGRAM_PREFIX}-*`],
  },
  {
    sid: "Distribution",
    preview: ["cloudfront:Describe*", "cloudfront:Get*", "cloudfront-keyvaluestore:DescribeKeyValueStore"],
    update: [
      "cloudfront:AllowVendedLogDeliveryForResource",
      "cloudfront:Create*",
      "cloudfront:Delete*",
      "cloudfront:PublishFunction",
      "cloudfront:TagResource",
      "cloudfront:UntagResource",
      "cloudfront:Update*",
      "cloudfront-keyvaluestore:DeleteKey",
      "cloudfront-keyvaluestore:GetKey",
      "cloudfront-keyvaluestore:ListKeys",
      "cloudfront-keyvaluestore:PutKey",
      "cloudfront-keyvaluestore:UpdateKeys",
    ],
    resources: (scope) => [`arn:aws:cloudfront::${scope.accountId}:*`],
  },
  {
    sid: "Logs",
    preview: ["logs:Describe*", "logs:Get*", "logs:ListTagsForResource", "logs:ListTagsLogGroup"],
    update: [
      "logs:CreateDelivery",
      "logs:CreateLogGroup",
      "logs:DeleteDelivery",
      "logs:DeleteDeliveryDestination",
      "logs:DeleteDeliveryDestinationPolicy",
      "logs:DeleteDeliverySource",
      "logs:DeleteLogGroup",
      "logs:DeleteRetentionPolicy",
      "logs:PutDeliveryDestination",
      "logs:PutDeliveryDestinationPolicy",
      "logs:PutDeliverySource",
      "logs:PutRetentionPolicy",
      "logs:TagLogGroup",
      "logs:TagResource",
      "logs:UntagLogGroup",
      "logs:UntagResource",
      "logs:UpdateDeliveryConfiguration",
    ],
    resources: (scope) => [
      `arn:aws:logs:*:${scope.accountId}:log-group:/${PROGRAM_PREFIX}/*`,
      `arn:aws:logs:*:${scope.accountId}:delivery-source:*`,
      `arn:aws:logs:*:${scope.accountId}:delivery-destination:*`,
      `arn:aws:logs:*:${scope.accountId}:delivery:*`,
    ],
  },
  {
    sid: "Certificate",
    preview: ["acm:DescribeCertificate", "acm:GetCertificate", "acm:ListTagsForCertificate"],
    update: ["acm:AddTagsToCertificate", "acm:DeleteCertificate", "acm:RemoveTagsFromCertificate", "acm:RequestCertificate"],
    // CloudFront takes certificates from us-east-1 only.
    resources: (scope) => [`arn:aws:acm:us-east-1:${scope.accountId}:certificate/*`],
  },
  {
    sid: "DnsRecords",
    preview: ["route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource"],
    update: ["route53:ChangeResourceRecordSets"],
    resources: (scope) => scope.hostedZoneIds.map((id) => `arn:aws:route53:::hostedzone/${id}`),
  },
  {
    sid: "DnsChanges",
    preview: [],
    update: ["route53:GetChange"],
    resources: (scope) => (scope.hostedZoneIds.length ? ["arn:aws:route53:::change/*"] : []),
  },
  {
    sid: "Alarms",
    preview: ["cloudwatch:DescribeAlarms", "cloudwatch:GetDashboard", "cloudwatch:ListTagsForResource"],
    update: ["cloudwatch:DeleteAlarms", "cloudwatch:DeleteDashboards", "cloudwatch:PutCompositeAlarm", "cloudwatch:PutDashboard", "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "cloudwatch:UntagResource"],
    resources: (scope) => [`arn:aws:cloudwatch:*:${scope.accountId}:alarm:${PROGRAM_PREFIX}-*`, `arn:aws:cloudwatch::${scope.accountId}:dashboard/${PROGRAM_PREFIX}-*`],
  },
  {
    sid: "AlarmTopics",
    preview: ["sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:ListTagsForResource"],
    update: ["sns:CreateTopic", "sns:DeleteTopic", "sns:SetSubscriptionAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:TagResource", "sns:Unsubscribe", "sns:UntagResource"],
    resources: (scope) => [`arn:aws:sns:*:${scope.accountId}:${PROGRAM_PREFIX}-*`],
  },
  {
    sid: "AlarmTopicKeys",
    preview: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
    update: ["kms:CreateAlias", "kms:DeleteAlias", "kms:EnableKeyRotation", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:TagResource", "kms:UntagResource", "kms:UpdateAlias"],
    resources: (scope) => [`arn:aws:kms:*:${scope.accountId}:key/*`, `arn:aws:kms:*:${scope.accountId}:alias/${PROGRAM_PREFIX}-*`],
  },
  {
    sid: "GradualDeployment",
    preview: ["codedeploy:Get*", "codedeploy:List*"],
    update: [
      "codedeploy:CreateApplication",
      "codedeploy:CreateDeployment",
      "codedeploy:CreateDeploymentConfig",
      "codedeploy:CreateDeploymentGroup",
      "codedeploy:DeleteApplication",
      "codedeploy:DeleteDeploymentConfig",
      "codedeploy:DeleteDeploymentGroup",
      "codedeploy:RegisterApplicationRevision",
      "codedeploy:StopDeployment",
      "codedeploy:TagResource",
      "codedeploy:UntagResource",
      "codedeploy:UpdateApplication",
      "codedeploy:UpdateDeploymentGroup",
    ],
    resources: (scope) => [
      `arn:aws:codedeploy:*:${scope.accountId}:application:${PROGRAM_PREFIX}*`,
      `arn:aws:codedeploy:*:${scope.accountId}:deploymentgroup:${PROGRAM_PREFIX}*`,
      `arn:aws:codedeploy:*:${scope.accountId}:deploymentconfig:*`,
    ],
  },
];

function allow(Sid: string, Action: string[], Resource: string[], Condition?: PolicyStatement["Condition"]): PolicyStatement {
  return Condition ? { Sid, Effect: "Allow", Action, Resource, Condition } : { Sid, Effect: "Allow", Action, Resource };
}

function programAccess(scope: DeliveryScope, withUpdates: boolean): PolicyStatement[] {
  return PROGRAM_SERVICES.map((service) => allow(service.sid, withUpdates ? [...service.preview, ...service.update] : service.preview, service.resources(scope))).filter(
    (statement) => statement.Action.length > 0 && statement.Resource.length > 0,
  );
}

/** Read the state and take its lock; objects written under the bucket's KMS key need GenerateDataKey. */
function stateAccess(scope: DeliveryScope, writes: string): PolicyStatement[] {
  const objects = `${scope.stateBucketArn}/.pulumi`;
  return [
    allow("StateBucket", ["s3:GetBucketLocation", "s3:GetBucketVersioning", "s3:ListBucket"], [scope.stateBucketArn]),
    allow("StateRead", ["s3:GetObject"], [`${objects}/*`]),
    allow("StateWrite", ["s3:PutObject"], [`${objects}/${writes}`]),
    allow("StateUnlock", ["s3:DeleteObject"], [`${objects}/locks/*`]),
    allow("StateKey", ["kms:Decrypt", "kms:DescribeKey", "kms:GenerateDataKey"], [scope.stateKeyArn]),
  ];
}

/** A preview: the state (lock included) and the program's resources read-only. */
export function previewStatements(scope: DeliveryScope): PolicyStatement[] {
  return [...stateAccess(scope, "locks/*"), ...programAccess(scope, false)];
}

/** An update of the stack, the smoke probe upload, and never a change to the delivery foundation itself. */
export function deployStatements(scope: DeliveryScope): PolicyStatement[] {
  const programRoles = `arn:aws:iam::${scope.accountId}:role/${PROGRAM_PREFIX}-*`;
  return [
    ...stateAccess(scope, "*"),
    ...programAccess(scope, true),
    allow("PassProgramRoles", ["iam:PassRole"], [programRoles], {
      StringEquals: { "iam:PassedToService": ["lambda.amazonaws.com", "codedeploy.amazonaws.com"] },
    }),
    allow("AttachDeploymentRolePolicy", ["iam:AttachRolePolicy", "iam:DetachRolePolicy"], [programRoles], {
      ArnLike: { "iam:PolicyARN": "arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda*" },
    }),
    // These two cannot be scoped to a resource; creating a key grants nothing by itself.
    allow("CreateAlarmTopicKeys", ["kms:CreateKey", "kms:ListAliases"], ["*"]),
    allow("SmokeProbe", ["s3:PutObject"], [`arn:aws:s3:::${PROGRAM_PREFIX}-originals-bucket-*/smoke/*`]),
    {
      Sid: "KeepDeliveryFoundation",
      Effect: "Deny",
      Action: ["s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucket*", "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration"],
      Resource: [scope.stateBucketArn],
    },
    {
      Sid: "KeepDeliveryKey",
      Effect: "Deny",
      Action: ["kms:CreateAlias", "kms:DeleteAlias", "kms:DisableKey", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:UpdateAlias"],
      Resource: [scope.stateKeyArn, scope.stateKeyAliasArn],
    },
    {
      Sid: "KeepDeliveryRoles",
      Effect: "Deny",
      Action: ["iam:*"],
      Resource: [`arn:aws:iam::${scope.accountId}:role${DELIVERY_ROLE_PATH}*`],
    },
  ];
}

/** The bucket policy of the state bucket: TLS only. */
export function tlsOnlyBucketPolicy(bucketArn: string): string {
  return policyDocument([denyInsecureTransport(bucketArn)]);
}
