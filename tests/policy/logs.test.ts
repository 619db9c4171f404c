import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../check/model";
import { logGroupRetention } from "../../policy/logs";
import { UNKNOWN } from "../../policy/model";
import { CLOUDWATCH } from "../../policy/resource-types";
import { assertViolatesOnly, evaluate, ProgramBuilder } from "../support/captured";
import { reportsOf, stackResource } from "../support/rule-check";

const POLICY = "log-group-retention";

function withLogGroup(mode: "update" | "preview", inputs: Record<string, unknown>): ProgramBuilder {
  const p = new ProgramBuilder(mode);
  p.add(CLOUDWATCH.logGroup, "image-logs", { name: "/aws/lambda/image", ...inputs });
  return p;
}

describe(POLICY, () => {
  it("passes a log group with a retention period", () => {
    assert.deepEqual(evaluate(withLogGroup("update", { retentionInDays: 30 })), []);
  });

  it("fails a log group without retention, or with 0 (never expire)", () => {
    assertViolatesOnly(evaluate(withLogGroup("update", {})), POLICY, /LogGroup 'image-logs': it sets no retentionInDays, so its events are kept forever/);
    assertViolatesOnly(evaluate(withLogGroup("update", { retentionInDays: 0 })), POLICY, /kept forever/);
  });

  it("reports a retention that is unknown during preview", () => {
    assertViolatesOnly(evaluate(withLogGroup("preview", { retentionInDays: UNKNOWN_VALUE })), POLICY, /its retentionInDays is unknown during preview/);
  });
});

describe(`${POLICY} messages, exactly`, () => {
  const logGroup = (retentionInDays: unknown) => reportsOf(logGroupRetention, stackResource(CLOUDWATCH.logGroup, "logs", { retentionInDays }));

  it("asks for a positive number of days, and says when it is unknown", () => {
    assert.deepEqual(logGroup(1), []);
    for (const retention of [undefined, 0, "30"]) {
      assert.deepEqual(logGroup(retention), ["LogGroup 'logs': it sets no retentionInDays, so its events are kept forever. Fix: set retentionInDays."], String(retention));
    }
    assert.deepEqual(logGroup(UNKNOWN), ["LogGroup 'logs': its retentionInDays is unknown during preview. Fix: set retentionInDays."]);
  });
});
