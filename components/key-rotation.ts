import { join } from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ROTATION_ENV } from "../key-rotation-fn/environment";
import type { EdgeScope } from "./edge-scope";
import { shippedArchive } from "./package-root";
import { type FunctionBasicsOptions, functionLogGroupArgs, functionRoleArgs, logGroupArn } from "./function-basics";

/** Where `npm run build` writes the zipped key-rotation Lambda bundle, relative to the package root; the package ships it. */
export const KEY_ROTATION_FUNCTION_ZIP = join("dist", "key-rotation-fn.zip");

/** Days between rotations unless `keyRotationDays` says otherwise. */
export const DEFAULT_KEY_ROTATION_DAYS = 30;

/** Secrets Manager's range for `AutomaticallyAfterDays` (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotationRulesType.html). */
export const KEY_ROTATION_DAYS_RANGE = { min: 1, max: 1000 } as const;

/**
 * How long testSecret waits after the KeyValueStore holds a new key, before finishSecret lets anyone
 * sign with it: KeyValueStore changes reach the edge locations within seconds, and a minute leaves a
 * wide margin.
 */
const EDGE_PROPAGATION_SECONDS = 60;

/** The rotation function's timeout: the propagation wait plus the store and secret calls, with room for retries. */
export const KEY_ROTATION_TIMEOUT_SECONDS = 300;

/** The resource arguments each child of an edge's key rotation is built from, by role. */
export interface KeyRotationChildren {
  keyRotationFunctionLogs: aws.cloudwatch.LogGroupArgs;
  keyRotationFunctionRole: aws.iam.RoleArgs;
  keyRotationFunctionPolicy: aws.iam.RolePolicyArgs;
  keyRotationFunction: aws.lambda.FunctionArgs;
  keyRotationPermission: aws.lambda.PermissionArgs;
  keyRotation: aws.secretsmanager.SecretRotationArgs;
}

export interface KeyRotationOptions extends FunctionBasicsOptions {
  secret: aws.secretsmanager.Secret;
  /** The secret's ARN as a pattern known before the secret exists. */
  secretArnPattern: pulumi.Output<string>;
  store: aws.cloudfront.KeyValueStore;
  rotationDays: number;
}

/** The function that generates, rotates and retires the keyring's keys, and the schedule that runs it. */
export interface KeyRotation {
  fn: aws.lambda.Function;
  role: aws.iam.Role;
  logs: aws.cloudwatch.LogGroup;
  rotation: aws.secretsmanager.SecretRotation;
}

/** The key-rotation bundle the package ships (`root` is the package's folder). */
export function defaultKeyRotationFunctionCode(root?: string): pulumi.asset.FileArchive {
  return shippedArchive(KEY_ROTATION_FUNCTION_ZIP, "key-rotation Lambda", root);
}

export function checkKeyRotationDays(days: number): number {
  const { min, max } = KEY_ROTATION_DAYS_RANGE;
  if (!Number.isInteger(days) || days < min || days > max) {
    throw new Error(`keyRotationDays ${days} must be a whole number of days from ${min} to ${max} (Secrets Manager's rotation interval).`);
  }
  return days;
}

/**
 * The key-rotation Lambda, allowed to touch only its own keyring secret, its own KeyValueStore and
 * its own logs, and the rotation schedule that has Secrets Manager invoke it. The schedule rotates
 * once on creation, so a new stack has a key minutes after `pulumi up`, generated inside AWS.
 */
export function createKeyRotation(scope: EdgeScope<KeyRotationChildren>, options: KeyRotationOptions): KeyRotation {
  const { children, tags } = scope;
  const logs = children.create(aws.cloudwatch.LogGroup, "keyRotationFunctionLogs", functionLogGroupArgs(children.name("keyRotationFunction"), options.logRetentionDays, tags));
  const role = children.create(aws.iam.Role, "keyRotationFunctionRole", functionRoleArgs(options.permissionsBoundary, tags));
  const policy = children.create(aws.iam.RolePolicy, "keyRotationFunctionPolicy", {
    role: role.id,
    policy: keyRotationPolicy(scope, options, logs),
  });
  const fn = children.create(
    aws.lambda.Function,
    "keyRotationFunction",
    {
      description: "Rendorix key rotation: generates URL-signing keys inside AWS and copies them to the edge",
      runtime: aws.lambda.Runtime.NodeJS22dX,
      architectures: ["arm64"],
      handler: "index.handler",
      code: options.code,
      role: role.arn,
      memorySize: 256,
      timeout: KEY_ROTATION_TIMEOUT_SECONDS,
      loggingConfig: { logFormat: "Text", logGroup: logs.name },
      environment: {
        variables: {
          [ROTATION_ENV.maxUrlLifetimeSeconds]: String(options.maxUrlLifetimeSeconds),
          [ROTATION_ENV.keyIdPrefix]: pulumi.getStack(),
          [ROTATION_ENV.propagationSeconds]: String(EDGE_PROPAGATION_SECONDS),
        },
      },
      tags,
    },
    { dependsOn: [logs] },
  );
  // Scoped by both keys AWS names for a rotation function's resource policy: the account, and the one
  // secret this function rotates (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets-required-permissions-function.html).
  const permission = children.create(aws.lambda.Permission, "keyRotationPermission", {
    function: fn.name,
    action: "lambda:InvokeFunction",
    principal: "secretsmanager.amazonaws.com",
    sourceAccount: scope.accountId,
    sourceArn: options.secret.arn,
  });
  // rotateImmediately: the first rotation runs when the schedule is created and gives the secret,
  // created without a value, its first keyring. Secrets Manager invokes the function asynchronously
  // (https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html), so the
  // grant and the role's policy must exist first.
  const rotation = children.create(
    aws.secretsmanager.SecretRotation,
    "keyRotation",
    {
      secretId: options.secret.id,
      rotationLambdaArn: fn.arn,
      rotationRules: { automaticallyAfterDays: options.rotationDays },
      rotateImmediately: true,
    },
    { dependsOn: [permission, policy] },
  );
  return { fn, role, logs, rotation };
}

/**
 * The rotation steps' calls and nothing more: Secrets Manager's four on the one secret, the
 * KeyValueStore's data-plane reads and its all-or-nothing UpdateKeys on the one store
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazoncloudfrontkeyvaluestore.html),
 * the KMS key that encrypts the secret when there is one, and its own log group.
 *
 * An object rather than JSON text: the store's ARN is unknown until it exists, and as an object only
 * that leaf is unknown in a preview, so the actions can still be checked before an update.
 */
function keyRotationPolicy(scope: EdgeScope<KeyRotationChildren>, options: KeyRotationOptions, logs: aws.cloudwatch.LogGroup) {
  const statements: pulumi.Input<aws.iam.PolicyStatement>[] = [
    {
      Sid: "RotateKeyring",
      Effect: "Allow",
      Action: ["secretsmanager:DescribeSecret", "secretsmanager:GetSecretValue", "secretsmanager:PutSecretValue", "secretsmanager:UpdateSecretVersionStage"],
      Resource: options.secretArnPattern,
    },
    {
      Sid: "WriteEdgeKeys",
      Effect: "Allow",
      Action: ["cloudfront-keyvaluestore:DescribeKeyValueStore", "cloudfront-keyvaluestore:ListKeys", "cloudfront-keyvaluestore:UpdateKeys"],
      Resource: options.store.arn,
    },
    { Sid: "WriteLogs", Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: pulumi.interpolate`${logGroupArn(scope, logs)}:*` },
  ];
  if (options.kmsKeyArn) {
    // Reading a version needs Decrypt, writing one GenerateDataKey (the KMS statement of the page above).
    statements.push({ Sid: "EncryptWithStackKey", Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: options.kmsKeyArn });
  }
  return { Version: "2012-10-17", Statement: statements } as aws.iam.PolicyDocument;
}
