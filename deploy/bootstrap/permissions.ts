/**
 * The IAM documents of the delivery roles: who may assume them (one GitHub repository; deploys from
 * one GitHub environment, prod previews from `main` only) and what they may do (the state, and the
 * resources the Rendorix program manages — named `rendorix-…` or tagged as the stack's by the
 * program, see `deploy/ownership.ts` — nothing else), plus the permissions boundary every role the
 * program creates must carry.
 *
 * AWS's Service Authorization Reference decides the shape of each statement: actions with no
 * resource type ("wildcard-only", e.g. every CloudFront create) are granted on `"*"` and narrowed
 * by `aws:RequestTag` where the action takes it; everything else is granted on ARN patterns, and
 * changes to resources whose ARN carries a random id (distributions, key-value stores, KMS keys,
 * log deliveries, certificates) are narrowed by `aws:ResourceTag`.
 * https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudfront.html
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html
 */
import { DELIVERY_PATH, ownershipTags, PROGRAM_PREFIX } from "../ownership";

export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
export const GITHUB_OIDC_AUDIENCE = "sts.amazonaws.com";
/** The one branch that deploys; prod previews run only on it. */
export const DEPLOY_BRANCH = "main";

type Condition = Record<string, Record<string, string | string[] | boolean>>;

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  /** Only in resource policies. */
  Principal?: string;
  Action: string[];
  Resource: string[];
  Condition?: Condition;
}

export interface DeliveryScope {
  accountId: string;
  /** The stack these roles deliver: `dev` or `prod`. */
  environment: string;
  stateBucketArn: string;
  stateKeyArn: string;
  stateKeyAliasArn: string;
  /** The managed policy every role the deploy role creates or changes must carry as its boundary. */
  permissionsBoundaryArn: string;
  /** Route 53 zones the program writes its alias and validation records in. */
  hostedZoneIds: string[];
  /** The stack may be destroyed: buckets are emptied (`forceDestroy`) and the keyring deleted without recovery. */
  allowDestroy: boolean;
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

/**
 * Token subjects of the deploy jobs: the stack's GitHub environment. GitHub issues this subject to
 * any job that names the environment, so the environment's deployment-branch rule (main only) and,
 * on prod, its required reviewers are what keep other branches out (README, "Stacks and delivery").
 */
export function deploySubjects(repository: string, environment: string): string[] {
  return [`repo:${repository}:environment:${environment}`];
}

/**
 * Token subjects of the preview jobs. The preview role can decrypt the stack's state, which holds
 * its signing keys: code from a pull request may do that for dev only. Prod is planned on `main`.
 */
export function previewSubjects(repository: string, environment: string): string[] {
  const main = `repo:${repository}:ref:refs/heads/${DEPLOY_BRANCH}`;
  return environment === "prod" ? [main] : [`repo:${repository}:pull_request`, main];
}

/** The deploy role's permissions come in one managed policy per area: one inline policy cannot hold them. */
export const DEPLOY_AREAS = ["data", "edge", "compute"] as const;
export type DeployArea = (typeof DEPLOY_AREAS)[number];

/**
 * Access to one group of the program's resources: what a preview may read (never conditioned), and
 * what only an update does, under `condition`.
 */
interface Grant {
  sid: string;
  /** The deploy role's managed policy the grant lands in (each must stay under IAM's 6,144 characters). */
  area: DeployArea;
  read: string[];
  write: string[];
  resources(scope: DeliveryScope): string[];
  condition?(scope: DeliveryScope): Condition;
  /** Only when the stack may be destroyed. */
  destroyOnly?: boolean;
}

function tagCondition(operator: string, key: "aws:RequestTag" | "aws:ResourceTag", scope: DeliveryScope): Condition {
  return { [operator]: Object.fromEntries(Object.entries(ownershipTags(scope.environment)).map(([tag, value]) => [`${key}/${tag}`, value])) };
}

/** The resource carries the stack's tags. */
const owned = (scope: DeliveryScope) => tagCondition("StringEquals", "aws:ResourceTag", scope);
/**
 * A create: any tags it sets are the stack's. `IfExists`, because providers create some resources
 * untagged and tag them in a second call, which `taggedByUs` then governs.
 */
const createsOwned = (scope: DeliveryScope) => tagCondition("StringEqualsIfExists", "aws:RequestTag", scope);
/** Tagging sets the stack's tags, on a resource that is new or already the stack's. */
const taggedByUs = (scope: DeliveryScope) => ({ ...tagCondition("StringEquals", "aws:RequestTag", scope), ...tagCondition("StringEqualsIfExists", "aws:ResourceTag", scope) });

const arn = (service: string, scope: DeliveryScope, resource: string, region = "*") => `arn:aws:${service}:${region}:${scope.accountId}:${resource}`;
const cloudfront = (scope: DeliveryScope, resource: string) => arn("cloudfront", scope, resource, "");
/** ImageEdge names its buckets `rendorix-<role>-bucket-<suffix>`; the state bucket does not match. */
const programBuckets = `arn:aws:s3:::${PROGRAM_PREFIX}-*-bucket-*`;
/** CloudFront resources whose ARN holds a random id, and that take tags. */
const taggedCloudFront = (scope: DeliveryScope) => [
  cloudfront(scope, "distribution/*"),
  cloudfront(scope, `function/${PROGRAM_PREFIX}-*`),
  cloudfront(scope, "key-value-store/*"),
];
const certificates = (scope: DeliveryScope) => [arn("acm", scope, "certificate/*", "us-east-1")];
const programRoles = (scope: DeliveryScope) => [`arn:aws:iam::${scope.accountId}:role/${PROGRAM_PREFIX}-*`];
/** The key-rotation functions of the program (auto-named from `<edge>-key-rotation-function`). */
const keyRotationFunctions = (scope: DeliveryScope) => arn("lambda", scope, `function:${PROGRAM_PREFIX}-*key-rotation-function-*`);
const boundaryIs = (scope: DeliveryScope): Condition => ({ StringEquals: { "iam:PermissionsBoundary": scope.permissionsBoundaryArn } });

const PROGRAM_GRANTS: Grant[] = [
  {
    sid: "ProgramBuckets", area: "data",
    read: ["s3:GetBucket*", "s3:GetAccelerateConfiguration", "s3:GetEncryptionConfiguration", "s3:GetLifecycleConfiguration", "s3:GetReplicationConfiguration", "s3:ListBucket"],
    write: ["s3:CreateBucket", "s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucket*", "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration"],
    resources: () => [programBuckets],
  },
  {
    // `forceDestroy` empties a versioned bucket version by version before deleting it.
    sid: "EmptyProgramBuckets", area: "data",
    read: ["s3:ListBucketVersions"],
    write: ["s3:DeleteObject", "s3:DeleteObjectVersion"],
    resources: () => [programBuckets, `${programBuckets}/*`],
    destroyOnly: true,
  },
  {
    sid: "SmokeProbe", area: "data",
    read: [],
    write: ["s3:PutObject"],
    resources: () => [`arn:aws:s3:::${PROGRAM_PREFIX}-originals-bucket-*/smoke/*`],
  },
  {
    sid: "KeyringSecret", area: "data",
    read: ["secretsmanager:DescribeSecret", "secretsmanager:GetResourcePolicy", "secretsmanager:ListSecretVersionIds"],
    // Reading the value is an update's business (refreshing versions, the smoke test), never a preview's.
    write: [
      "secretsmanager:CreateSecret",
      "secretsmanager:DeleteSecret",
      "secretsmanager:GetSecretValue",
      "secretsmanager:PutSecretValue",
      "secretsmanager:RestoreSecret",
      "secretsmanager:TagResource",
      "secretsmanager:UntagResource",
      "secretsmanager:UpdateSecret",
      "secretsmanager:UpdateSecretVersionStage",
      // Deleting the keyring's rotation schedule.
      "secretsmanager:CancelRotateSecret",
    ],
    resources: (scope) => [arn("secretsmanager", scope, `secret:${PROGRAM_PREFIX}/${scope.environment}/*`)],
  },
  {
    // The rotation schedule (aws.secretsmanager.SecretRotation): only with one of the program's functions.
    // https://docs.aws.amazon.com/service-authorization/latest/reference/list_awssecretsmanager.html
    sid: "RotateKeyring", area: "data",
    read: [],
    write: ["secretsmanager:RotateSecret"],
    resources: (scope) => [arn("secretsmanager", scope, `secret:${PROGRAM_PREFIX}/${scope.environment}/*`)],
    condition: (scope) => ({ ArnLike: { "secretsmanager:RotationLambdaARN": keyRotationFunctions(scope) } }),
  },
  {
    // RotateSecret needs the caller to be allowed to invoke the rotation function too
    // (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html).
    sid: "InvokeKeyRotation", area: "compute",
    read: [],
    write: ["lambda:InvokeFunction"],
    resources: (scope) => [keyRotationFunctions(scope)],
  },
  {
    sid: "ImageFunction", area: "compute",
    read: ["lambda:Get*", "lambda:List*"],
    write: [
      "lambda:CreateAlias",
      "lambda:CreateFunction",
      "lambda:CreateFunctionUrlConfig",
      "lambda:DeleteAlias",
      "lambda:DeleteFunction",
      "lambda:DeleteFunctionConcurrency",
      "lambda:DeleteFunctionUrlConfig",
      "lambda:PublishVersion",
      "lambda:PutFunctionConcurrency",
      "lambda:TagResource",
      "lambda:UntagResource",
      "lambda:UpdateAlias",
      "lambda:UpdateFunctionCode",
      "lambda:UpdateFunctionConfiguration",
      "lambda:UpdateFunctionUrlConfig",
    ],
    resources: (scope) => [arn("lambda", scope, `function:${PROGRAM_PREFIX}-*`)],
  },
  {
    // The only resource policies the program writes on its functions: CloudFront invokes the image
    // function, Secrets Manager the key-rotation function.
    sid: "FunctionInvokers", area: "compute",
    read: [],
    write: ["lambda:AddPermission", "lambda:RemovePermission"],
    resources: (scope) => [arn("lambda", scope, `function:${PROGRAM_PREFIX}-*`)],
    condition: () => ({ StringEquals: { "lambda:Principal": ["cloudfront.amazonaws.com", "secretsmanager.amazonaws.com"] } }),
  },
  {
    // Every role the deploy role creates or changes carries the boundary, so no policy it writes
    // can grant more than the boundary does: the way to keep it from making itself administrator.
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
    sid: "ProgramRoles", area: "compute",
    read: ["iam:GetRole", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies", "iam:ListInstanceProfilesForRole", "iam:ListRolePolicies", "iam:ListRoleTags"],
    write: [
      "iam:CreateRole",
      "iam:DeleteRole",
      "iam:DeleteRolePolicy",
      "iam:PutRolePermissionsBoundary",
      "iam:PutRolePolicy",
      "iam:UpdateAssumeRolePolicy",
      "iam:UpdateRole",
      "iam:UpdateRoleDescription",
    ],
    resources: programRoles,
    condition: boundaryIs,
  },
  {
    sid: "ProgramRoleManagedPolicies", area: "compute",
    read: [],
    write: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
    resources: programRoles,
    condition: (scope) => ({
      StringEquals: { "iam:PermissionsBoundary": scope.permissionsBoundaryArn },
      ArnLike: { "iam:PolicyARN": "arn:aws:iam::aws:policy/service-role/AWSCodeDeployRoleForLambda*" },
    }),
  },
  { sid: "TagProgramRoles", area: "compute", read: [], write: ["iam:TagRole"], resources: programRoles, condition: (scope) => tagCondition("StringEquals", "aws:RequestTag", scope) },
  { sid: "UntagProgramRoles", area: "compute", read: [], write: ["iam:UntagRole"], resources: programRoles, condition: owned },
  {
    sid: "PassProgramRoles", area: "compute",
    read: [],
    write: ["iam:PassRole"],
    resources: programRoles,
    condition: () => ({ StringEquals: { "iam:PassedToService": ["lambda.amazonaws.com", "codedeploy.amazonaws.com"] } }),
  },
  {
    sid: "CloudFrontRead", area: "edge",
    read: ["cloudfront:Describe*", "cloudfront:Get*", "cloudfront:ListTagsForResource", "cloudfront-keyvaluestore:DescribeKeyValueStore", "cloudfront-keyvaluestore:GetKey", "cloudfront-keyvaluestore:ListKeys"],
    write: [],
    resources: (scope) => [cloudfront(scope, "*")],
  },
  {
    sid: "CloudFrontCreateTagged", area: "edge",
    read: [],
    write: ["cloudfront:CreateDistribution", "cloudfront:CreateFunction", "cloudfront:CreateKeyValueStore"],
    resources: () => ["*"],
    condition: createsOwned,
  },
  {
    // No resource type and no tags: AWS authorizes these on "*" only. The monitoring subscription's
    // delete is wildcard-only too, so it reaches every distribution's subscription in the account.
    sid: "CloudFrontCreateUntaggable", area: "edge",
    read: ["cloudfront:GetMonitoringSubscription"],
    write: [
      "cloudfront:CreateCachePolicy",
      "cloudfront:CreateMonitoringSubscription",
      "cloudfront:CreateOriginAccessControl",
      "cloudfront:CreateOriginRequestPolicy",
      "cloudfront:CreateResponseHeadersPolicy",
      "cloudfront:DeleteMonitoringSubscription",
    ],
    resources: () => ["*"],
  },
  {
    sid: "CloudFrontOwned", area: "edge",
    read: [],
    write: [
      "cloudfront:AllowVendedLogDeliveryForResource",
      "cloudfront:CreateInvalidation",
      "cloudfront:DeleteDistribution",
      "cloudfront:DeleteFunction",
      "cloudfront:DeleteKeyValueStore",
      "cloudfront:PublishFunction",
      "cloudfront:UntagResource",
      "cloudfront:UpdateDistribution",
      "cloudfront:UpdateFunction",
      "cloudfront:UpdateKeyValueStore",
      "cloudfront-keyvaluestore:DeleteKey",
      "cloudfront-keyvaluestore:PutKey",
      "cloudfront-keyvaluestore:UpdateKeys",
    ],
    resources: taggedCloudFront,
    condition: owned,
  },
  { sid: "CloudFrontTag", area: "edge", read: [], write: ["cloudfront:TagResource"], resources: taggedCloudFront, condition: taggedByUs },
  {
    // Cache, origin-request and response-headers policies and origin access controls take neither
    // tags nor names in their ARN: the one grant here that reaches other teams' resources of a kind.
    sid: "CloudFrontPolicies", area: "edge",
    read: [],
    write: [
      "cloudfront:DeleteCachePolicy",
      "cloudfront:DeleteOriginAccessControl",
      "cloudfront:DeleteOriginRequestPolicy",
      "cloudfront:DeleteResponseHeadersPolicy",
      "cloudfront:UpdateCachePolicy",
      "cloudfront:UpdateOriginAccessControl",
      "cloudfront:UpdateOriginRequestPolicy",
      "cloudfront:UpdateResponseHeadersPolicy",
    ],
    resources: (scope) => ["cache-policy/*", "origin-request-policy/*", "response-headers-policy/*", "origin-access-control/*"].map((kind) => cloudfront(scope, kind)),
  },
  {
    // The provider reads log groups only through DescribeLogGroups, which has no resource type.
    sid: "AccountWideReads", area: "edge",
    read: ["logs:DescribeLogGroups", "kms:ListAliases"],
    write: [],
    resources: () => ["*"],
  },
  {
    sid: "LogGroups", area: "compute",
    read: ["logs:ListTagsForResource", "logs:ListTagsLogGroup"],
    write: [
      "logs:CreateLogGroup",
      "logs:DeleteLogGroup",
      "logs:DeleteRetentionPolicy",
      "logs:PutRetentionPolicy",
      "logs:TagLogGroup",
      "logs:TagResource",
      "logs:UntagLogGroup",
      "logs:UntagResource",
    ],
    resources: (scope) => [arn("logs", scope, `log-group:/${PROGRAM_PREFIX}/*`)],
  },
  {
    sid: "LogDeliveryEnds", area: "edge",
    read: ["logs:GetDeliveryDestination", "logs:GetDeliveryDestinationPolicy", "logs:GetDeliverySource", "logs:ListTagsForResource"],
    write: [
      "logs:CreateDelivery",
      "logs:DeleteDeliveryDestination",
      "logs:DeleteDeliveryDestinationPolicy",
      "logs:DeleteDeliverySource",
      "logs:PutDeliveryDestination",
      "logs:PutDeliveryDestinationPolicy",
      "logs:PutDeliverySource",
      "logs:TagResource",
      "logs:UntagResource",
      "logs:UpdateDeliveryConfiguration",
    ],
    resources: (scope) => [arn("logs", scope, `delivery-source:${PROGRAM_PREFIX}-*`), arn("logs", scope, `delivery-destination:${PROGRAM_PREFIX}-*`)],
  },
  { sid: "LogDeliveryCreate", area: "edge", read: ["logs:GetDelivery", "logs:ListTagsForResource"], write: ["logs:CreateDelivery"], resources: (scope) => [arn("logs", scope, "delivery:*")], condition: createsOwned },
  {
    sid: "LogDeliveryOwned", area: "edge",
    read: [],
    write: ["logs:DeleteDelivery", "logs:UntagResource", "logs:UpdateDeliveryConfiguration"],
    resources: (scope) => [arn("logs", scope, "delivery:*")],
    condition: owned,
  },
  { sid: "LogDeliveryTag", area: "edge", read: [], write: ["logs:TagResource"], resources: (scope) => [arn("logs", scope, "delivery:*")], condition: taggedByUs },
  { sid: "CertificateCreate", area: "edge", read: [], write: ["acm:RequestCertificate"], resources: () => ["*"], condition: createsOwned },
  {
    sid: "Certificates", area: "edge",
    read: ["acm:DescribeCertificate", "acm:GetCertificate", "acm:ListTagsForCertificate"],
    write: ["acm:DeleteCertificate", "acm:RemoveTagsFromCertificate"],
    // CloudFront takes certificates from us-east-1 only.
    resources: certificates,
    condition: owned,
  },
  { sid: "CertificateTag", area: "edge", read: [], write: ["acm:AddTagsToCertificate"], resources: certificates, condition: taggedByUs },
  {
    sid: "DnsRecords", area: "compute",
    read: ["route53:GetHostedZone", "route53:ListResourceRecordSets", "route53:ListTagsForResource"],
    write: ["route53:ChangeResourceRecordSets"],
    resources: (scope) => scope.hostedZoneIds.map((id) => `arn:aws:route53:::hostedzone/${id}`),
  },
  {
    sid: "DnsChanges", area: "compute",
    read: ["route53:GetChange"],
    write: [],
    resources: (scope) => (scope.hostedZoneIds.length ? ["arn:aws:route53:::change/*"] : []),
  },
  {
    sid: "Alarms", area: "compute",
    read: ["cloudwatch:DescribeAlarms", "cloudwatch:GetDashboard", "cloudwatch:ListTagsForResource"],
    write: ["cloudwatch:DeleteAlarms", "cloudwatch:DeleteDashboards", "cloudwatch:PutCompositeAlarm", "cloudwatch:PutDashboard", "cloudwatch:PutMetricAlarm", "cloudwatch:TagResource", "cloudwatch:UntagResource"],
    resources: (scope) => [arn("cloudwatch", scope, `alarm:${PROGRAM_PREFIX}-*`), `arn:aws:cloudwatch::${scope.accountId}:dashboard/${PROGRAM_PREFIX}-*`],
  },
  {
    sid: "AlarmTopics", area: "compute",
    read: ["sns:GetSubscriptionAttributes", "sns:GetTopicAttributes", "sns:ListSubscriptionsByTopic", "sns:ListTagsForResource"],
    write: ["sns:CreateTopic", "sns:DeleteTopic", "sns:SetSubscriptionAttributes", "sns:SetTopicAttributes", "sns:Subscribe", "sns:TagResource", "sns:Unsubscribe", "sns:UntagResource"],
    resources: (scope) => [arn("sns", scope, `${PROGRAM_PREFIX}-*`)],
  },
  { sid: "KeyCreate", area: "data", read: [], write: ["kms:CreateKey"], resources: () => ["*"], condition: (scope) => tagCondition("StringEquals", "aws:RequestTag", scope) },
  {
    sid: "Keys", area: "data",
    read: ["kms:DescribeKey", "kms:GetKeyPolicy", "kms:GetKeyRotationStatus", "kms:ListResourceTags"],
    write: [
      "kms:CreateAlias",
      "kms:DeleteAlias",
      "kms:DisableKeyRotation",
      "kms:EnableKeyRotation",
      "kms:PutKeyPolicy",
      "kms:ScheduleKeyDeletion",
      "kms:UntagResource",
      "kms:UpdateAlias",
      "kms:UpdateKeyDescription",
    ],
    resources: (scope) => [arn("kms", scope, "key/*")],
    condition: owned,
  },
  { sid: "KeyTag", area: "data", read: [], write: ["kms:TagResource"], resources: (scope) => [arn("kms", scope, "key/*")], condition: taggedByUs },
  { sid: "KeyAliases", area: "data", read: [], write: ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"], resources: (scope) => [arn("kms", scope, `alias/${PROGRAM_PREFIX}-*`)] },
  {
    sid: "GradualDeployment", area: "compute",
    read: ["codedeploy:Get*", "codedeploy:List*"],
    write: [
      "codedeploy:CreateApplication",
      "codedeploy:CreateDeployment",
      "codedeploy:CreateDeploymentGroup",
      "codedeploy:DeleteApplication",
      "codedeploy:DeleteDeploymentGroup",
      "codedeploy:RegisterApplicationRevision",
      "codedeploy:StopDeployment",
      "codedeploy:TagResource",
      "codedeploy:UntagResource",
      "codedeploy:UpdateApplication",
      "codedeploy:UpdateDeploymentGroup",
    ],
    resources: (scope) => [arn("codedeploy", scope, `application:${PROGRAM_PREFIX}-*`), arn("codedeploy", scope, `deploymentgroup:${PROGRAM_PREFIX}-*`)],
  },
  {
    // The program uses AWS's built-in canary configurations and creates none of its own.
    sid: "DeploymentConfigs", area: "compute",
    read: ["codedeploy:GetDeploymentConfig"],
    write: [],
    resources: (scope) => [arn("codedeploy", scope, "deploymentconfig:CodeDeployDefault.Lambda*")],
  },
];

function allow(Sid: string, Action: string[], Resource: string[], Condition?: Condition): PolicyStatement {
  return Condition ? { Sid, Effect: "Allow", Action, Resource, Condition } : { Sid, Effect: "Allow", Action, Resource };
}

function deny(Sid: string, Action: string[], Resource: string[], Condition?: Condition): PolicyStatement {
  return { ...allow(Sid, Action, Resource, Condition), Effect: "Deny" };
}

function grantsFor(scope: DeliveryScope): Grant[] {
  return PROGRAM_GRANTS.filter((grant) => (!grant.destroyOnly || scope.allowDestroy) && grant.resources(scope).length > 0);
}

/** Drops statements left without actions. */
function nonEmpty(statements: PolicyStatement[]): PolicyStatement[] {
  return statements.filter((statement) => statement.Action.length > 0);
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
  return [...stateAccess(scope, "locks/*"), ...nonEmpty(grantsFor(scope).map((grant) => allow(grant.sid, grant.read, grant.resources(scope))))];
}

/** What keeps the deploy role off the delivery foundation, whatever the grants say. */
function guards(scope: DeliveryScope): PolicyStatement[] {
  const delivery = [`arn:aws:iam::${scope.accountId}:role${DELIVERY_PATH}*`, `arn:aws:iam::${scope.accountId}:policy${DELIVERY_PATH}*`];
  return [
    deny("KeepDeliveryBucket", ["s3:DeleteBucket", "s3:DeleteBucketPolicy", "s3:PutBucket*", "s3:PutEncryptionConfiguration", "s3:PutLifecycleConfiguration"], [scope.stateBucketArn]),
    deny("KeepDeliveryKey", ["kms:CreateAlias", "kms:DeleteAlias", "kms:DisableKey", "kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:UpdateAlias"], [scope.stateKeyArn, scope.stateKeyAliasArn]),
    deny("KeepDeliveryRolesAndBoundary", ["iam:*"], delivery),
    deny("KeepBoundaries", ["iam:DeleteRolePermissionsBoundary"], ["*"]),
    ...(scope.allowDestroy
      ? []
      : [deny("KeepKeyringRecoverable", ["secretsmanager:DeleteSecret"], ["*"], { Bool: { "secretsmanager:ForceDeleteWithoutRecovery": "true" } })]),
  ];
}

/**
 * An update of the stack, the smoke probe upload, and never a change to the delivery foundation
 * itself, by area. A grant's reads and writes share a statement unless its writes are conditioned.
 */
export function deployPolicies(scope: DeliveryScope): Record<DeployArea, PolicyStatement[]> {
  const policies: Record<DeployArea, PolicyStatement[]> = { data: [...stateAccess(scope, "*"), ...guards(scope)], edge: [], compute: [] };
  for (const grant of grantsFor(scope)) {
    const resources = grant.resources(scope);
    const condition = grant.condition?.(scope);
    const statements = condition
      ? [allow(`${grant.sid}Read`, grant.read, resources), allow(grant.sid, grant.write, resources, condition)]
      : [allow(grant.sid, [...grant.read, ...grant.write], resources)];
    policies[grant.area].push(...nonEmpty(statements));
  }
  return policies;
}

/** Every statement of the deploy role, all areas together. */
export function deployStatements(scope: DeliveryScope): PolicyStatement[] {
  return DEPLOY_AREAS.flatMap((area) => deployPolicies(scope)[area]);
}

/**
 * The permissions boundary of every role the program creates: at most what the image Lambda
 * (originals, its keyring, its logs, keys tagged as the stack's), the key-rotation Lambda (its
 * keyring's four rotation calls, its KeyValueStore's data plane) and CodeDeploy's alias shifting
 * need, whatever policy the deploy role writes on the role.
 */
export function boundaryStatements(scope: DeliveryScope): PolicyStatement[] {
  const functions = arn("lambda", scope, `function:${PROGRAM_PREFIX}-*`);
  return [
    allow("ReadOriginals", ["s3:GetObject"], [`${programBuckets}/*`]),
    allow("ListOriginals", ["s3:ListBucket"], [programBuckets]),
    allow("ReadKeyring", ["secretsmanager:GetSecretValue"], [arn("secretsmanager", scope, `secret:${PROGRAM_PREFIX}/${scope.environment}/*`)]),
    allow(
      "RotateKeyring",
      ["secretsmanager:DescribeSecret", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
      [arn("secretsmanager", scope, `secret:${PROGRAM_PREFIX}/${scope.environment}/*`)],
    ),
    // KeyValueStore ARNs carry an id, not a name, and the data plane takes no tag condition: the
    // rotation role's own policy names its one store.
    allow("WriteEdgeKeys", ["cloudfront-keyvaluestore:DescribeKeyValueStore", "cloudfront-keyvaluestore:ListKeys", "cloudfront-keyvaluestore:UpdateKeys"], [`arn:aws:cloudfront::${scope.accountId}:key-value-store/*`]),
    allow("WriteLogs", ["logs:CreateLogStream", "logs:PutLogEvents"], [arn("logs", scope, `log-group:/${PROGRAM_PREFIX}/${scope.environment}/*`)]),
    allow("DecryptWithStackKeys", ["kms:Decrypt"], [arn("kms", scope, "key/*")], owned(scope)),
    allow("ShiftAlias", ["lambda:GetAlias", "lambda:GetProvisionedConcurrencyConfig", "lambda:UpdateAlias"], [functions, `${functions}:*`]),
    allow("ReadAlarms", ["cloudwatch:DescribeAlarms"], [arn("cloudwatch", scope, "alarm:*")]),
  ];
}
