import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { judgePreview, PROTECTED_CHANGE_LABEL, protectedChanges } from "../../tools/plan-guard";
import { runProcess, stopProcesses } from "../support/processes";

const ROOT = join(__dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");
const STACK = "urn:pulumi:prod::rendorix::pulumi:pulumi:Stack$rendorix:index:ImageEdge";

function urn(type: string, name: string): string {
  return `${STACK}$${type}::${name}`;
}

/** The shape of `pulumi preview --json`: a step per operation, with the URN and old/new state. */
function preview(...steps: [op: string, type: string, name: string][]) {
  return {
    config: { "aws:region": "eu-west-1" },
    steps: steps.map(([op, type, name]) => ({
      op,
      urn: urn(type, name),
      provider: "urn:pulumi:prod::rendorix::pulumi:providers:aws::default_7_48_0::id",
      ...(op === "create" ? {} : { oldState: { urn: urn(type, name), type, custom: true } }),
      ...(op === "delete" ? {} : { newState: { urn: urn(type, name), type, custom: true } }),
    })),
    changeSummary: {},
  };
}

const DISTRIBUTION = "aws:cloudfront/distribution:Distribution";
const BUCKET = "aws:s3/bucket:Bucket";
const SECRET = "aws:secretsmanager/secret:Secret";
const SIGNING_KEY = "random:index/randomBytes:RandomBytes";

const risky = preview(
  ["same", BUCKET, "rendorix-logs-bucket"],
  ["update", "aws:lambda/function:Function", "rendorix-image-function"],
  ["create-replacement", DISTRIBUTION, "rendorix-distribution"],
  ["replace", DISTRIBUTION, "rendorix-distribution"],
  ["delete-replaced", DISTRIBUTION, "rendorix-distribution"],
  ["delete", SECRET, "rendorix-keyring-secret"],
  ["create", SIGNING_KEY, "rendorix-signing-key-prod-k2"],
  ["delete", SIGNING_KEY, "rendorix-signing-key-prod-k1"],
  ["replace", "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey", "rendorix-key-value-store-key-prod-k1"],
  ["replace", BUCKET, "rendorix-originals-bucket"],
);

describe("preview guard", () => {
  it("finds each replaced or deleted bucket, keyring secret, signing key and distribution once, with all its operations", () => {
    assert.deepEqual(
      protectedChanges(risky).map(({ name, type, ops }) => ({ name, type, ops })),
      [
        { name: "rendorix-distribution", type: DISTRIBUTION, ops: ["create-replacement", "replace", "delete-replaced"] },
        { name: "rendorix-keyring-secret", type: SECRET, ops: ["delete"] },
        { name: "rendorix-signing-key-prod-k1", type: SIGNING_KEY, ops: ["delete"] },
        { name: "rendorix-originals-bucket", type: BUCKET, ops: ["replace"] },
      ],
    );
  });

  it("lets updates, creations and replacements of other resources through", () => {
    const harmless = preview(
      ["update", BUCKET, "rendorix-originals-bucket"],
      ["create", SIGNING_KEY, "rendorix-signing-key-prod-k2"],
      ["replace", "aws:lambda/alias:Alias", "rendorix-image-function-alias"],
    );
    assert.deepEqual(judgePreview(harmless, []), { passed: true, report: "the stack: the plan replaces or deletes no protected resource." });
  });

  it("fails without the label and names the label to add, passes with it", () => {
    const refused = judgePreview(risky, ["documentation"], "prod");
    assert.equal(refused.passed, false);
    assert.match(refused.report, /^prod: the plan replaces or deletes protected resources:/);
    assert.match(refused.report, /delete {2}rendorix-keyring-secret {2}\(aws:secretsmanager\/secret:Secret: keyring secret/);
    assert.match(refused.report, new RegExp(`add the label "${PROTECTED_CHANGE_LABEL}"`));
    const allowed = judgePreview(risky, ["documentation", PROTECTED_CHANGE_LABEL], "prod");
    assert.equal(allowed.passed, true);
    assert.match(allowed.report, /Allowed by the pull request's label/);
  });

  it("reads the type of nested resources and names holding '::' from the URN", () => {
    const [change] = protectedChanges({ steps: [{ op: "delete", urn: `${STACK}$${BUCKET}::odd::name` }] });
    assert.deepEqual([change.type, change.name], [BUCKET, "odd::name"]);
  });

  it("refuses input that is not a preview", () => {
    assert.throws(() => protectedChanges({ resourcePlans: {} }), /no "steps" list/);
  });

  describe("as a command", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "rendorix-guard-"));
      writeFileSync(join(dir, "preview.json"), JSON.stringify(risky));
    });
    afterEach(stopProcesses);
    after(() => rmSync(dir, { recursive: true, force: true }));

    it("exits 1 on a protected change without the label, 0 with it", async () => {
      const run = async (labels: string[]) => {
        const { code, stdout } = await runProcess(TSX, ["tools/plan-guard.ts", join(dir, "preview.json"), "--stack", "prod", "--labels-json", JSON.stringify(labels)], { cwd: ROOT });
        return { code, output: stdout };
      };
      const [refused, allowed] = await Promise.all([run([]), run([PROTECTED_CHANGE_LABEL])]);
      assert.equal(refused.code, 1);
      assert.match(refused.output, /rendorix-originals-bucket/);
      assert.equal(allowed.code, 0);
    });
  });
});
