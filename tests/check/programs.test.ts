import { strict as assert } from "node:assert";
import { join } from "node:path";
import { runCheck } from "../../check/run";
import { ensureLambdaBundles, PROJECT_DIR } from "../support/program";

const FIXTURES = join(PROJECT_DIR, "tests/fixtures/programs");

/** Each fixture program holds one mistake; `check` must reject it with exactly this mandatory policy. */
const BAD_PROGRAMS: Record<string, string> = {
  "bucket-public-read-acl": "no-public-buckets",
  "bucket-acl-grant-all-users": "no-public-buckets",
  "bucket-policy-principal-star": "no-public-buckets",
  "keyring-from-literal": "no-shared-hmac-secrets",
  "keyring-from-config": "no-shared-hmac-secrets",
  "keyring-from-stack-reference": "no-shared-hmac-secrets",
  "keyring-shared-name": "no-shared-hmac-secrets",
  "keyring-untagged-hmac-name": "no-shared-hmac-secrets",
  "key-in-lambda-environment": "no-shared-hmac-secrets",
  "key-in-stack-output": "no-shared-hmac-secrets",
  "key-value-store-from-literal": "no-shared-hmac-secrets",
  "lambda-without-errors-alarm": "required-alarms",
  "alarm-without-actions": "required-alarms",
  "alarm-topic-without-subscription": "required-alarms",
  "cloudfront-alarms-wrong-region": "required-alarms",
  "cloudfront-without-403-alarm": "required-alarms",
  "edge-without-alarms": "required-alarms",
};

const GOOD_PROGRAMS = ["lambda-alarmed", "cloudfront-alarmed"];

function check(name: string) {
  return runCheck({ stack: "dev", program: join(FIXTURES, name, "index.ts") });
}

describe("check on whole programs", function () {
  this.timeout(120_000);
  before(ensureLambdaBundles);

  for (const [name, policy] of Object.entries(BAD_PROGRAMS)) {
    it(`rejects ${name} with ${policy}, in preview and in update`, async () => {
      const report = await check(name);
      assert.ok(report.mandatoryViolations > 0);
      for (const { program, violations } of report.results) {
        const mandatory = new Set(violations.filter((violation) => violation.level === "mandatory").map((violation) => violation.policy));
        assert.deepEqual([...mandatory], [policy], `${program.mode}: ${JSON.stringify(violations, null, 1)}`);
      }
    });
  }

  for (const name of GOOD_PROGRAMS) {
    it(`passes ${name}`, async () => {
      const report = await check(name);
      assert.equal(report.mandatoryViolations, 0, JSON.stringify(report.results.map((result) => result.violations), null, 1));
    });
  }

  for (const stack of ["dev", "prod"]) {
    it(`passes the bootstrap program for ${stack} with no mandatory violation, in preview and in update`, async () => {
      const report = await runCheck({ stack, program: join(PROJECT_DIR, "deploy/bootstrap/index.ts") });
      assert.deepEqual(report.results.map((result) => result.program.mode), ["preview", "update"]);
      assert.equal(report.mandatoryViolations, 0, JSON.stringify(report.results.map((result) => result.violations), null, 1));
    });

    it(`passes our own program for ${stack} with no violation at all`, async () => {
      const report = await runCheck({ stack, program: join(PROJECT_DIR, "index.ts") });
      assert.deepEqual(report.results.map((result) => result.program.mode), ["preview", "update"]);
      for (const result of report.results) assert.deepEqual(result.violations, []);
    });
  }
});
