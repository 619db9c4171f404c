import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { EdgeScope } from "./edge-scope";
import { stackScopedName } from "./physical-name";
import { serviceTrustPolicy } from "./policy-documents";

/** What every Lambda of an edge is built with, whatever its job. */
export interface FunctionBasicsOptions {
  code: pulumi.Input<pulumi.asset.Archive>;
  /** The longest a signed URL may live: the image function refuses longer, the rotation keeps keys that long. */
  maxUrlLifetimeSeconds: number;
  logRetentionDays?: number;
  /** The edge's KMS key, which the function's role may use when it is set. */
  kmsKeyArn?: pulumi.Input<string>;
  permissionsBoundary?: pulumi.Input<string>;
}

/**
 * What every Lambda of an edge starts from: a log group under `/<project>/<stack>/`, where the
 * stack's permissions boundary lets the program's roles write, and an execution role that carries
 * the boundary when the account requires one.
 */
export function functionLogGroupArgs(functionChildName: string, retentionInDays: number | undefined, tags: Record<string, string>): aws.cloudwatch.LogGroupArgs {
  return { name: `/${stackScopedName(functionChildName, "/")}`, retentionInDays: retentionInDays ?? 30, tags };
}

export function functionRoleArgs(permissionsBoundary: pulumi.Input<string> | undefined, tags: Record<string, string>): aws.iam.RoleArgs {
  return { assumeRolePolicy: serviceTrustPolicy("lambda.amazonaws.com"), permissionsBoundary, tags };
}

/** The ARN of a function's log group, from its name: known in a preview. */
export function logGroupArn(scope: EdgeScope<unknown>, logs: aws.cloudwatch.LogGroup): pulumi.Output<string> {
  return pulumi.interpolate`arn:${scope.partition}:logs:${scope.region}:${scope.accountId}:log-group:${logs.name}`;
}
