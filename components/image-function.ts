import { join } from "node:path";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { Preset } from "../core/presets";
import { INVOKE_MODES, type InvokeMode } from "../image-fn/response-stream";
import type { EdgeScope } from "./edge-scope";
import { shippedArchive } from "./package-root";
import { type FunctionBasicsOptions, functionLogGroupArgs, functionRoleArgs, logGroupArn } from "./function-basics";
import { policyDocument } from "./policy-documents";

/** Where `npm run build` writes the zipped image Lambda bundle, relative to the package root; the package ships it. */
export const IMAGE_FUNCTION_ZIP = join("dist", "image-fn.zip");

/**
 * glibc malloc arenas of the image Lambda: one, since a Lambda instance serves one request at a time,
 * so its threads hardly contend for it, and one arena held the least memory over thousands of
 * sequential transforms (`npm run soak -- --sequential 2000`; README, Memory).
 */
export const IMAGE_FUNCTION_MALLOC_ARENA_MAX = "1";

/**
 * glibc malloc arenas of `npm start` (package.json), which transforms many requests at once in one
 * process: two, measured by `npm run soak` (README, Memory).
 */
export const LOCAL_EDGE_MALLOC_ARENA_MAX = "2";

/** The resource arguments each child of an edge's image function is built from, by role. */
export interface ImageFunctionChildren {
  imageFunctionLogs: aws.cloudwatch.LogGroupArgs;
  imageFunctionRole: aws.iam.RoleArgs;
  imageFunctionPolicy: aws.iam.RolePolicyArgs;
  imageFunction: aws.lambda.FunctionArgs;
  imageFunctionAlias: aws.lambda.AliasArgs;
  imageFunctionUrl: aws.lambda.FunctionUrlArgs;
}

export interface ImageFunctionOptions extends FunctionBasicsOptions {
  originals: { name: pulumi.Input<string>; arn: pulumi.Input<string> };
  keyring: { secret: aws.secretsmanager.Secret; arnPattern: pulumi.Output<string> };
  presets: Record<string, Preset>;
  invokeMode: InvokeMode;
  timeoutSeconds: number;
  memoryMb?: number;
  reservedConcurrency?: number;
  maxSourceBytes?: number;
  maxSourcePixels?: number;
  gradualRollout?: boolean;
}

/** The image Lambda, reached through its alias `live` and that alias's Function URL. */
export interface ImageFunction {
  fn: aws.lambda.Function;
  alias: aws.lambda.Alias;
  url: aws.lambda.FunctionUrl;
  role: aws.iam.Role;
  logs: aws.cloudwatch.LogGroup;
}

/** The bundle the package ships (`root` is the package's folder). */
export function defaultImageFunctionCode(root?: string): pulumi.asset.FileArchive {
  return shippedArchive(IMAGE_FUNCTION_ZIP, "image Lambda", root);
}

export function checkInvokeMode(mode: string): InvokeMode {
  if (!INVOKE_MODES.includes(mode as InvokeMode)) throw new Error(`invokeMode "${mode}" must be one of ${INVOKE_MODES.join(", ")}.`);
  return mode as InvokeMode;
}

/** The image Lambda with its log group, a role that reads the originals and the keyring, its alias and Function URL. */
export function createImageFunction(scope: EdgeScope<ImageFunctionChildren>, options: ImageFunctionOptions): ImageFunction {
  const { children, tags } = scope;
  const logs = children.create(aws.cloudwatch.LogGroup, "imageFunctionLogs", functionLogGroupArgs(children.name("imageFunction"), options.logRetentionDays, tags));
  const role = children.create(aws.iam.Role, "imageFunctionRole", functionRoleArgs(options.permissionsBoundary, tags));
  children.create(aws.iam.RolePolicy, "imageFunctionPolicy", {
    role: role.id,
    policy: imageFunctionPolicy(
      options.originals.arn,
      options.keyring.arnPattern,
      logGroupArn(scope, logs),
      options.kmsKeyArn,
    ),
  });
  const fn = children.create(
    aws.lambda.Function,
    "imageFunction",
    {
      description: "Rendorix image function: signed URL to resized image",
      runtime: aws.lambda.Runtime.NodeJS22dX,
      architectures: ["arm64"],
      // The runtime streams only from a handler streamifyResponse marked; the bundle exports both.
      handler: options.invokeMode === "RESPONSE_STREAM" ? "index.streamingHandler" : "index.handler",
      code: options.code,
      role: role.arn,
      memorySize: options.memoryMb ?? 1536,
      timeout: options.timeoutSeconds,
      reservedConcurrentExecutions: options.reservedConcurrency,
      publish: true,
      loggingConfig: { logFormat: "Text", logGroup: logs.name },
      environment: {
        variables: {
          RENDORIX_ORIGINALS_BUCKET: options.originals.name,
          RENDORIX_KEYRING_SECRET_ARN: options.keyring.secret.arn,
          RENDORIX_PRESETS: JSON.stringify(options.presets),
          RENDORIX_MAX_URL_LIFETIME_SECONDS: String(options.maxUrlLifetimeSeconds),
          // glibc otherwise keeps up to 8 arenas per core that libvips' threads fragment; measured by
          // `npm run soak -- --sequential` (README, Memory).
          MALLOC_ARENA_MAX: IMAGE_FUNCTION_MALLOC_ARENA_MAX,
          ...(options.maxSourceBytes ? { RENDORIX_MAX_SOURCE_BYTES: String(options.maxSourceBytes) } : {}),
          ...(options.maxSourcePixels ? { RENDORIX_MAX_SOURCE_PIXELS: String(options.maxSourcePixels) } : {}),
        },
      },
      tags,
    },
    { dependsOn: [logs] },
  );
  const alias = children.create(
    aws.lambda.Alias,
    "imageFunctionAlias",
    { name: "live", functionName: fn.name, functionVersion: fn.version },
    { ignoreChanges: options.gradualRollout ? ["functionVersion", "routingConfig"] : [] },
  );
  const url = children.create(aws.lambda.FunctionUrl, "imageFunctionUrl", {
    functionName: fn.name,
    qualifier: alias.name,
    authorizationType: "AWS_IAM",
    invokeMode: options.invokeMode,
  });
  return { fn, alias, url, role, logs };
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
