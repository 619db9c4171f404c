import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CORPUS, CORPUS_POLICIES } from "../policy-corpus/corpus";
import { analyzeLikeTheEngine } from "../support/engine-analyzer";
import { corpusTables, type CorpusResult, README, runCorpus, withTables } from "../policy-corpus/tables";

describe("the policy corpus: programs in the AWS and Pulumi docs' styles", function () {
  this.timeout(240_000);
  let results: CorpusResult[] = [];
  before(async () => {
    results = await runCorpus();
  });

  for (const program of CORPUS) {
    it(`${program.name}: rejected by exactly [${program.expected.preview.join(", ")}] in preview and [${program.expected.update.join(", ")}] in update`, () => {
      const result = results.find((candidate) => candidate.program === program);
      assert.ok(result);
      assert.deepEqual(result.reported, program.expected);
      assert.deepEqual(result.unmodelledInvokes, [], "every provider function the corpus calls is modelled");
    });
  }

  it("gets the same mandatory verdicts from the real @pulumi/policy analyzer, in preview and in update", async () => {
    // The SDK takes a pack's config only through its gRPC `configure` call, which it does not export.
    for (const result of results.filter((candidate) => candidate.program.policyConfig === undefined)) {
      for (const mode of ["preview", "update"] as const) {
        const diagnostics = await analyzeLikeTheEngine(result.captures[mode]);
        assert.ok(!diagnostics.some((diagnostic) => diagnostic.message.includes("can't run policy")), `${result.program.name} (${mode})`);
        const mandatory = CORPUS_POLICIES.filter((policy) => diagnostics.some((diagnostic) => diagnostic.policy === policy && diagnostic.level === "mandatory"));
        assert.deepEqual(mandatory, result.reported[mode], `${result.program.name} (${mode})`);
      }
    }
  });

  it("is what the pack README's corpus tables say (regenerate them with npx tsx tests/policy-corpus/tables.ts)", () => {
    const readme = readFileSync(README, "utf8");
    assert.equal(readme, withTables(readme, corpusTables(results)));
  });
});
