import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { evaluatePolicyPack, loadPolicyPackConfig, parsePolicyPackConfig } from "../../check/evaluate";
import { UNKNOWN_VALUE } from "../../check/model";
import { UNKNOWN } from "../../policy/model";
import { rules } from "../../policy/rules";
import { S3 } from "../../policy/resource-types";
import { evaluate, inBothModes, ProgramBuilder } from "../support/captured";
import { addCompliantService, addPrivateBucket } from "../support/policy-fixtures";

/** A stack with one mandatory violation (a public policy on a bucket outside the stack) and one advisory one (no SSE). */
function oneOfEach(): ProgramBuilder {
  const p = new ProgramBuilder("update");
  addPrivateBucket(p, "logs");
  p.remove(p.resources.find((resource) => resource.type === S3.encryption[0])!.urn);
  const statement = { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::shared-assets/*" };
  p.add(S3.policy, "shared-policy", { bucket: "shared-assets", policy: { Version: "2012-10-17", Statement: [statement] } });
  return p;
}

function levels(p: ProgramBuilder, config: unknown = {}): Record<string, string> {
  return Object.fromEntries(evaluate(p, config).map((violation) => [violation.policy, violation.level]));
}

describe("evaluating the pack like the engine", () => {
  inBothModes((mode) => {
    it(`passes the whole compliant service without a single violation (${mode})`, () => {
      const p = new ProgramBuilder(mode);
      addCompliantService(p);
      assert.deepEqual(evaluate(p), []);
    });
  });

  it("uses the pack's marker for unknowns, the one the capture writes", () => {
    assert.equal(UNKNOWN, UNKNOWN_VALUE);
  });

  it("names three mandatory policies and makes the rest advisory", () => {
    assert.deepEqual(rules.filter((rule) => rule.enforcementLevel === "mandatory").map((rule) => rule.name), ["no-public-buckets", "no-shared-hmac-secrets", "required-alarms"]);
    assert.equal(new Set(rules.map((rule) => rule.name)).size, rules.length);
  });

  it("reports each violation with its level and the resource it is about", () => {
    const [mandatory, advisory] = [...evaluate(oneOfEach())].sort((a, b) => a.policy.localeCompare(b.policy));
    assert.deepEqual(
      { policy: mandatory.policy, level: mandatory.level, resourceName: mandatory.resourceName, resourceType: mandatory.resourceType },
      { policy: "no-public-buckets", level: "mandatory", resourceName: "shared-policy", resourceType: S3.policy },
    );
    assert.equal(mandatory.urn, "urn:pulumi:dev::rendorix::aws:s3/bucketPolicy:BucketPolicy::shared-policy");
    assert.deepEqual({ policy: advisory.policy, level: advisory.level }, { policy: "s3-bucket-encryption", level: "advisory" });
  });

  it("attributes a stack violation without a resource to the root stack", () => {
    const p = new ProgramBuilder("update");
    const keyText = "a-literal-key-text-long-enough-to-be-one";
    p.add("aws:secretsmanager/secret:Secret", "keyring", { name: "rendorix/dev/url-signing-keyring", tags: { "rendorix:purpose": "url-signing-keyring" } });
    p.add("aws:secretsmanager/secretVersion:SecretVersion", "keyring-version", { secretId: "rendorix/dev/url-signing-keyring", secretString: keyText });
    p.output("leak", `prefix ${keyText}`, []);
    const output = evaluate(p).find((violation) => violation.message.startsWith("Stack output 'leak'"));
    assert.ok(output);
    assert.deepEqual([output.urn, output.resourceName, output.resourceType], ["urn:pulumi:dev::rendorix::pulumi:pulumi:Stack::rendorix-dev", "rendorix-dev", "pulumi:pulumi:Stack"]);
  });

  describe("enforcement levels from --policy-pack-config", () => {
    it("keeps the defaults without config", () => {
      assert.deepEqual(levels(oneOfEach()), { "no-public-buckets": "mandatory", "s3-bucket-encryption": "advisory" });
    });

    it('raises every policy with { "all": "mandatory" }', () => {
      assert.deepEqual(levels(oneOfEach(), { all: "mandatory" }), { "no-public-buckets": "mandatory", "s3-bucket-encryption": "mandatory" });
    });

    it("lets a policy's own entry win over all, as a level or as an object", () => {
      assert.deepEqual(levels(oneOfEach(), { all: "mandatory", "s3-bucket-encryption": "advisory" }), { "no-public-buckets": "mandatory", "s3-bucket-encryption": "advisory" });
      assert.deepEqual(levels(oneOfEach(), { "s3-bucket-encryption": { enforcementLevel: "mandatory" } }), { "no-public-buckets": "mandatory", "s3-bucket-encryption": "mandatory" });
    });

    it("skips disabled policies and reports remediate as mandatory", () => {
      assert.deepEqual(levels(oneOfEach(), { "no-public-buckets": "disabled", "s3-bucket-encryption": "remediate" }), { "s3-bucket-encryption": "mandatory" });
    });

    it("rejects an unknown level, a malformed entry and config that breaks a policy's schema", () => {
      assert.throws(() => parsePolicyPackConfig({ all: "strict" }), /"strict" for "all" is not an enforcement level/);
      assert.throws(() => parsePolicyPackConfig({ "required-tags": 3 }), /must be an enforcement level or an object/);
      assert.throws(
        () => evaluatePolicyPack(oneOfEach().build(), parsePolicyPackConfig({ "no-shared-hmac-secrets": { deniedKeyFingerprints: ["not-a-sha256"] } })),
        /Invalid policy pack config: no-shared-hmac-secrets: \/deniedKeyFingerprints\/0 must match pattern/,
      );
    });

    it("loads the config from a file", () => {
      const file = join(mkdtempSync(join(tmpdir(), "rendorix-policy-")), "policy-config.json");
      writeFileSync(file, JSON.stringify({ all: "mandatory", "required-alarms": { enforcementLevel: "advisory", trustedTopicArns: ["arn:aws:sns:eu-west-1:111122223333:x"] } }));
      assert.deepEqual(loadPolicyPackConfig(file), {
        all: { enforcementLevel: "mandatory", properties: {} },
        "required-alarms": { enforcementLevel: "advisory", properties: { trustedTopicArns: ["arn:aws:sns:eu-west-1:111122223333:x"] } },
      });
      writeFileSync(file, "{ not json");
      assert.throws(() => loadPolicyPackConfig(file), new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: .*JSON`));
    });
  });
});
