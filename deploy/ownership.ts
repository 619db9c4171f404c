/**
 * What marks a resource as the Rendorix program's, in one place: the prefix of every physical name
 * the program gives, the tags on every taggable resource, and the permissions boundary every role it
 * creates carries. The program applies them (`index.ts`); the delivery roles' IAM policies grant on
 * nothing else (`deploy/bootstrap/permissions.ts`).
 */

/** Prefix of every physical name in the program (`new ImageEdge("rendorix", …)` auto-names `rendorix-…`). */
export const PROGRAM_PREFIX = "rendorix";

/** IAM path of what the bootstrap creates for delivery (roles, the boundary); outside every pattern the deploy role may change. */
export const DELIVERY_PATH = "/delivery/";

/** The tags on every taggable resource of the `environment` stack; IAM conditions match all of them. */
export function ownershipTags(environment: string): Record<string, string> {
  return { service: PROGRAM_PREFIX, environment };
}

/** Name of the managed policy every role of the `environment` stack must carry as its permissions boundary. */
export function permissionsBoundaryName(environment: string): string {
  return `${PROGRAM_PREFIX}-${environment}-boundary`;
}

/** ARN of that policy; the bootstrap creates it, the program's roles name it. */
export function permissionsBoundaryArn(partition: string, accountId: string, environment: string): string {
  return `arn:${partition}:iam::${accountId}:policy${DELIVERY_PATH}${permissionsBoundaryName(environment)}`;
}
