/**
 * The delivery foundation of one Rendorix stack, run once per AWS account by an administrator
 * (README, "Stacks and delivery"). The stack name is the environment it serves: `dev` or `prod`.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROGRAM_PREFIX } from "../ownership";
import { DeliveryFoundation } from "./delivery-foundation";

const REPOSITORY = /^[A-Za-z0-9-]+\/[A-Za-z0-9._-]+$/;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;
const ACCOUNT_ID = /^\d{12}$/;

const config = new pulumi.Config();
const awsConfig = new pulumi.Config("aws");

const githubRepository = config.require("githubRepository");
if (!REPOSITORY.test(githubRepository)) throw new pulumi.RunError("Config rendorix-bootstrap:githubRepository must be OWNER/NAME.");
const hostedZoneIds = config.getObject<string[]>("hostedZoneIds") ?? [];
if (!hostedZoneIds.every((id) => HOSTED_ZONE_ID.test(id))) throw new pulumi.RunError("Config rendorix-bootstrap:hostedZoneIds must list Route 53 zone ids (Z…).");
// The provider refuses any other account, so the account id below is the one the resources land in.
const allowedAccountIds = awsConfig.requireObject<string[]>("allowedAccountIds");
if (allowedAccountIds.length !== 1 || !ACCOUNT_ID.test(allowedAccountIds[0])) {
  throw new pulumi.RunError("Config aws:allowedAccountIds must hold exactly the one 12-digit account id of this stack.");
}

const environment = pulumi.getStack();
const region = awsConfig.require("region");
const foundation = new DeliveryFoundation(`rendorix-${environment}-delivery`, {
  githubRepository,
  environment,
  accountId: allowedAccountIds[0],
  region,
  createGithubOidcProvider: config.getBoolean("createGithubOidcProvider") ?? true,
  hostedZoneIds,
  allowDestroy: config.getBoolean("allowDestroy") ?? false,
  // Not the program's tags: the deploy role's tag-scoped grants must not reach these.
  tags: { service: `${PROGRAM_PREFIX}-delivery`, environment },
});

export const stateBucketName = foundation.stateBucketName;
export const loginCommand = pulumi.interpolate`pulumi login '${foundation.backendUrl}'`;
export const stackInitCommand = pulumi.interpolate`pulumi stack init ${environment} --secrets-provider '${foundation.secretsProvider}'`;
export const previewRoleArn = foundation.previewRoleArn;
export const deployRoleArn = foundation.deployRoleArn;
export const permissionsBoundaryArn = foundation.permissionsBoundaryArn;
const prefix = `RENDORIX_${environment.toUpperCase()}`;
/** The repository variables the workflows read: `gh variable set NAME --body VALUE` for each. */
export const githubVariables = pulumi.all([foundation.backendUrl, foundation.previewRoleArn, foundation.deployRoleArn]).apply(([backendUrl, previewRole, deployRole]) => ({
  [`${prefix}_AWS_REGION`]: region,
  [`${prefix}_BACKEND_URL`]: backendUrl,
  [`${prefix}_PREVIEW_ROLE_ARN`]: previewRole,
  [`${prefix}_DEPLOY_ROLE_ARN`]: deployRole,
}));
