import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../check/model";
import { LAMBDA } from "../../policy/resource-types";
import { assertViolatesOnly, evaluate, inBothModes, ProgramBuilder } from "../support/captured";
import { addAlertTopic, addMonitoredFunction } from "../support/policy-fixtures";

const POLICY = "lambda-function-url-iam-auth";

function withFunctionUrl(mode: "update" | "preview", authorizationType: unknown): ProgramBuilder {
  const p = new ProgramBuilder(mode);
  const image = addMonitoredFunction(p, "image", addAlertTopic(p, "alerts"));
  p.add(LAMBDA.functionUrl, "image-url", { functionName: p.computed("image-5d2e8b0"), qualifier: "live", authorizationType }, { from: { functionName: [image.fn] } });
  return p;
}

describe(POLICY, () => {
  inBothModes((mode) => {
    it(`passes AWS_IAM and fails NONE (${mode})`, () => {
      assert.deepEqual(evaluate(withFunctionUrl(mode, "AWS_IAM")), []);
      assertViolatesOnly(evaluate(withFunctionUrl(mode, "NONE")), POLICY, /FunctionUrl 'image-url': its authorizationType is 'NONE', so anyone on the internet can invoke it/);
    });
  });

  it("reports an authorization type that is unknown during preview", () => {
    assertViolatesOnly(evaluate(withFunctionUrl("preview", UNKNOWN_VALUE)), POLICY, /its authorizationType is unknown during preview/);
  });
});
