/**
 * The policy pack over the bootstrap program, as `npm run check` and `pulumi preview --policy-pack`
 * run it: an administrator previews the bootstrap before the first `pulumi up`, so it has to pass in
 * preview, when ids and ARNs are not known yet, as well as in an update.
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { UNKNOWN_VALUE } from "../../check/model";
import { runCheck } from "../../check/run";
import { onlyResourceOfType } from "../support/program";

const BOOTSTRAP = join(__dirname, "../../deploy/bootstrap/index.ts");
const STACKS = { dev: "111111111111", prod: "222222222222" } as const;

describe("the policy pack on the bootstrap program", function () {
  this.timeout(60_000);

  for (const [stack, accountId] of Object.entries(STACKS)) {
    it(`passes the ${stack} bootstrap in preview and in update, with a state bucket policy known before the bucket exists`, async () => {
      const report = await runCheck({ stack, program: BOOTSTRAP });
      assert.deepEqual(
        report.results.map(({ program }) => program.mode),
        ["preview", "update"],
      );
      for (const { program, violations } of report.results) {
        const mandatory = violations.filter((violation) => violation.level === "mandatory");
        assert.deepEqual(mandatory, [], `${program.mode}: ${mandatory.map((violation) => violation.message).join("\n")}`);

        const policy = String(onlyResourceOfType(program, "aws:s3/bucketPolicy:BucketPolicy").inputs.policy);
        assert.ok(!policy.includes(UNKNOWN_VALUE), `${program.mode}: the state bucket policy is known`);
        const bucketArn = `arn:aws:s3:::rendorix-state-${stack}-${accountId}`;
        const statements = JSON.parse(policy).Statement;
        assert.equal(statements.length, 1);
        assert.deepEqual(
          [statements[0].Effect, statements[0].Principal, statements[0].Resource, statements[0].Condition],
          ["Deny", "*", [bucketArn, `${bucketArn}/*`], { Bool: { "aws:SecureTransport": "false" } }],
        );
      }
      // A preview may still note the delivery roles' policies as advisory: they name the state key by
      // its ARN, which AWS assigns when it creates the key.
      const [, update] = report.results;
      assert.deepEqual(update.violations, [], "an update meets every policy, advisory ones included");
    });
  }
});
