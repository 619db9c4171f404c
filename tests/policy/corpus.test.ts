import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CORPUS } from "../policy-corpus/corpus";
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

  it("is what the pack README's corpus tables say (regenerate them with npx tsx tests/policy-corpus/tables.ts)", () => {
    const readme = readFileSync(README, "utf8");
    assert.equal(readme, withTables(readme, corpusTables(results)));
  });
});
