/**
 * Points the image Lambda's alias back at an earlier published version, also in the middle of a
 * gradual deployment:
 *
 *   npm run rollback -- --stack prod [--to VERSION] [--function NAME --region REGION] [--yes]
 *
 * Dry run unless `--yes`. The function and its alias come from the stack's outputs
 * (`pulumi stack output --json`), or from `--function` with the alias `live`.
 */
import { execFile } from "node:child_process";
import { join } from "node:path";
import { parseArgs, promisify } from "node:util";
import { GetAliasCommand, LambdaClient, ListVersionsByFunctionCommand, UpdateAliasCommand } from "@aws-sdk/client-lambda";
import { runCli } from "../cli/support";

export const LIVE_ALIAS = "live";
const PROJECT_DIR = join(__dirname, "..");

export interface RollbackTarget {
  functionName: string;
  alias: string;
  /** From the alias ARN; undefined leaves the SDK's own region resolution. */
  region?: string;
}

export interface RollbackPlan extends RollbackTarget {
  /** The alias's own version: it takes the traffic that `weights` do not shift elsewhere. */
  primaryVersion: string;
  /** Versions taking a share of traffic during a gradual deployment. */
  weights: Record<string, number>;
  /** The newest version receiving traffic: the release being undone. */
  releaseVersion: string;
  targetVersion: string;
  revisionId?: string;
}

/** `pulumi stack output --json` of a stack of this project. */
export async function readStackOutputs(stack: string, pulumi = "pulumi"): Promise<Record<string, unknown>> {
  const { stdout } = await promisify(execFile)(pulumi, ["stack", "output", "--json", "--stack", stack], { cwd: PROJECT_DIR });
  return JSON.parse(stdout);
}

/** Function, alias and region from the stack outputs `functionName` and `functionAliasArn`. */
export function targetFromOutputs(outputs: Record<string, unknown>, stack: string): RollbackTarget {
  const { functionName, functionAliasArn } = outputs;
  const arn = typeof functionAliasArn === "string" ? /^arn:aws[a-z-]*:lambda:([a-z0-9-]+):\d{12}:function:[^:]+:([^:]+)$/.exec(functionAliasArn) : null;
  if (typeof functionName !== "string" || !arn) {
    throw new Error(`stack ${stack} has no functionName and functionAliasArn outputs; pass --function NAME instead`);
  }
  return { functionName, alias: arn[2], region: arn[1] };
}

function versionNumber(version: string): number {
  return /^[1-9][0-9]*$/.test(version) ? Number(version) : NaN;
}

async function publishedVersions(lambda: LambdaClient, functionName: string): Promise<number[]> {
  const versions: number[] = [];
  let marker: string | undefined;
  do {
    const page = await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: functionName, ...(marker ? { Marker: marker } : {}) }));
    for (const { Version } of page.Versions ?? []) {
      const number = versionNumber(Version ?? "");
      if (!Number.isNaN(number)) versions.push(number);
    }
    marker = page.NextMarker;
  } while (marker);
  return versions.sort((a, b) => a - b);
}

/**
 * Reads the alias and the published versions and decides where the alias goes: `to`, or the
 * highest published version below the newest one that receives traffic.
 */
export async function planRollback(lambda: LambdaClient, target: RollbackTarget, to?: string): Promise<RollbackPlan> {
  const alias = await lambda.send(new GetAliasCommand({ FunctionName: target.functionName, Name: target.alias }));
  const primaryVersion = alias.FunctionVersion ?? "";
  const weights = alias.RoutingConfig?.AdditionalVersionWeights ?? {};
  const serving = [primaryVersion, ...Object.keys(weights)].map(versionNumber);
  if (serving.some(Number.isNaN)) throw new Error(`alias ${target.alias} routes to an unpublished version (${primaryVersion}); roll back with --to VERSION`);
  const releaseVersion = Math.max(...serving);
  const published = await publishedVersions(lambda, target.functionName);

  let targetVersion: number;
  if (to !== undefined) {
    targetVersion = versionNumber(to);
    if (!published.includes(targetVersion)) {
      throw new Error(`version ${to} is not a published version of ${target.functionName}; recent ones: ${published.slice(-5).join(", ")}`);
    }
  } else {
    const older = published.filter((version) => version < releaseVersion);
    if (older.length === 0) throw new Error(`${target.functionName} has no published version older than ${releaseVersion} to roll back to`);
    targetVersion = older[older.length - 1];
  }
  return { ...target, primaryVersion, weights, releaseVersion: String(releaseVersion), targetVersion: String(targetVersion), revisionId: alias.RevisionId };
}

/** True when the alias already sends every request to the target version. */
function isNoOp(plan: RollbackPlan): boolean {
  return plan.primaryVersion === plan.targetVersion && Object.keys(plan.weights).length === 0;
}

/** All traffic to the target version; the revision id makes the update fail if the alias moved meanwhile. */
export async function applyRollback(lambda: LambdaClient, plan: RollbackPlan): Promise<void> {
  await lambda.send(
    new UpdateAliasCommand({
      FunctionName: plan.functionName,
      Name: plan.alias,
      FunctionVersion: plan.targetVersion,
      RoutingConfig: { AdditionalVersionWeights: {} },
      RevisionId: plan.revisionId,
    }),
  );
}

function describeRouting(plan: RollbackPlan): string {
  const shifted = Object.entries(plan.weights).map(([version, weight]) => `${Math.round(weight * 100)}% to version ${version}`);
  return shifted.length ? `version ${plan.primaryVersion}, with ${shifted.join(", ")}` : `version ${plan.primaryVersion}`;
}

export function rollbackReport(plan: RollbackPlan, stack: string | undefined, applied: boolean): string {
  const alias = `${plan.functionName}:${plan.alias}`;
  if (isNoOp(plan)) return `${alias} already sends all traffic to version ${plan.targetVersion}; nothing to do.`;
  const lines = [`${alias} routes to ${describeRouting(plan)}.`];
  if (Object.keys(plan.weights).length) {
    lines.push(
      "A gradual deployment is shifting traffic. Stop it in CodeDeploy as well, or its next step shifts traffic again:",
      "  aws deploy list-deployments --application-name APP --deployment-group-name GROUP --include-only-statuses InProgress",
      "  aws deploy stop-deployment --deployment-id ID --auto-rollback-enabled      (APP, GROUP: the stack's deployApplication, deploymentGroup outputs)",
    );
  }
  if (!applied) {
    lines.push(`Dry run: would send all traffic to version ${plan.targetVersion}. Run again with --yes to do it.`);
    return lines.join("\n");
  }
  const stackFlag = stack ? ` --stack ${stack}` : "";
  lines.push(
    `Done: ${alias} sends all traffic to version ${plan.targetVersion}.`,
    `The stack's code still describes version ${plan.releaseVersion}. To make it match:`,
    "  1. revert the change that produced it on main (git revert COMMIT) and let the deploy workflow ship the revert;",
    `  2. until then, hold other merges: a deploy of the current code shifts ${plan.alias} to version ${plan.releaseVersion} again;`,
    `  3. \`pulumi refresh${stackFlag}\` records the alias's version in the stack's state.`,
  );
  return lines.join("\n");
}

export interface RollbackOptions {
  stack?: string;
  functionName?: string;
  region?: string;
  to?: string;
  yes: boolean;
  /** @default a client for the target's region */
  lambda?: (region: string | undefined) => LambdaClient;
  /** @default `pulumi stack output --json --stack STACK` */
  stackOutputs?: (stack: string) => Promise<Record<string, unknown>>;
}

/** Plans, prints and (with `yes`) applies a rollback; returns the printed report. */
export async function rollback(options: RollbackOptions): Promise<string> {
  let target: RollbackTarget;
  if (options.functionName) {
    target = { functionName: options.functionName, alias: LIVE_ALIAS, region: options.region };
  } else if (options.stack) {
    target = targetFromOutputs(await (options.stackOutputs ?? readStackOutputs)(options.stack), options.stack);
  } else {
    throw new Error("give --stack NAME or --function NAME");
  }
  const lambda = (options.lambda ?? ((region) => new LambdaClient({ region })))(target.region);
  const plan = await planRollback(lambda, target, options.to);
  const apply = options.yes && !isNoOp(plan);
  if (apply) await applyRollback(lambda, plan);
  return rollbackReport(plan, options.stack, apply);
}

if (require.main === module) {
  runCli("usage: npm run rollback -- --stack NAME [--to VERSION] [--function NAME --region REGION] [--yes]", async () => {
    const { values } = parseArgs({
      options: {
        stack: { type: "string" },
        function: { type: "string" },
        region: { type: "string" },
        to: { type: "string" },
        yes: { type: "boolean", default: false },
      },
      strict: true,
    });
    console.log(await rollback({ stack: values.stack, functionName: values.function, region: values.region, to: values.to, yes: values.yes! }));
  });
}
