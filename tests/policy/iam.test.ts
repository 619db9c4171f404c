import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../check/model";
import { noWildcardActions } from "../../policy/iam";
import { UNKNOWN } from "../../policy/model";
import { IAM } from "../../policy/resource-types";
import { assertViolatesOnly, evaluate, ProgramBuilder } from "../support/captured";
import { reportsOf, stackResource } from "../support/rule-check";

const POLICY = "iam-no-wildcard-actions";

function statement(action: unknown, effect = "Allow"): Record<string, unknown> {
  return { Effect: effect, Action: action, Resource: "*" };
}

function withRolePolicy(...statements: Record<string, unknown>[]): ProgramBuilder {
  const p = new ProgramBuilder("update");
  const role = p.add(IAM.role, "image-role", { assumeRolePolicy: JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }] }) });
  p.add(IAM.rolePolicy, "image-role-policy", { role: "image-role", policy: JSON.stringify({ Version: "2012-10-17", Statement: statements }) }, { from: { role: [role] } });
  return p;
}

describe(POLICY, () => {
  it("passes named actions, and a Deny of everything", () => {
    assert.deepEqual(evaluate(withRolePolicy(statement(["s3:GetObject", "secretsmanager:GetSecretValue"]), statement("*", "Deny"))), []);
  });

  it("fails an Allow of every action", () => {
    assertViolatesOnly(evaluate(withRolePolicy(statement("*"))), POLICY, /RolePolicy 'image-role-policy': its policy, statement 1 allows '\*'/);
  });

  it("fails an Allow of every action of a service", () => {
    assertViolatesOnly(evaluate(withRolePolicy(statement(["logs:CreateLogStream", "s3:*"]))), POLICY, /allows 's3:\*'/);
  });

  it("fails a wildcard in a role's inline policy and in a managed policy given as an object", () => {
    const p = new ProgramBuilder("update");
    p.add(IAM.role, "ops-role", { inlinePolicies: [{ name: "ops", policy: JSON.stringify({ Statement: [statement("ec2:*")] }) }] });
    p.add(IAM.policy, "ops-policy", { policy: { Version: "2012-10-17", Statement: [{ Sid: "Everything", ...statement("*") }] } });
    const violations = evaluate(p);
    assertViolatesOnly(violations, POLICY, /Role 'ops-role': inline policy ops, statement 1 allows 'ec2:\*'/);
    assertViolatesOnly(violations, POLICY, /Policy 'ops-policy': its policy, statement 'Everything' allows '\*'/);
  });

  it("reports a policy document that is unknown during preview", () => {
    const p = new ProgramBuilder("preview");
    p.add(IAM.rolePolicy, "image-role-policy", { role: "image-role", policy: UNKNOWN_VALUE });
    assertViolatesOnly(evaluate(p), POLICY, /the policy document is unknown during preview/);
  });
});

describe(`${POLICY} messages, exactly`, () => {
  const FIX = "Fix: name the actions it needs.";
  const role = (inputs: Record<string, unknown>) => reportsOf(noWildcardActions, stackResource(IAM.role, "ops-role", inputs));
  const policy = (document: unknown) => reportsOf(noWildcardActions, stackResource(IAM.policy, "ops-policy", { policy: document }));

  it("names every wildcard and every unknown, joined", () => {
    assert.deepEqual(policy({ Statement: [statement(["s3:*", UNKNOWN, "*"]), statement(UNKNOWN)] }), [
      `Policy 'ops-policy': its policy, statement 1 allows 's3:*'; its policy, statement 1: an action is unknown during preview; its policy, statement 1 allows '*'; its policy, statement 2: its Action is unknown during preview. ${FIX}`,
    ]);
  });

  it("says why it cannot read a document", () => {
    assert.deepEqual(policy(UNKNOWN), [`Policy 'ops-policy': its policy: the policy document is unknown during preview. ${FIX}`]);
    assert.deepEqual(policy("{"), [`Policy 'ops-policy': its policy: the policy document is not valid JSON. ${FIX}`]);
    assert.deepEqual(role({ inlinePolicies: UNKNOWN }), [`Role 'ops-role': its inline policies: the policy document is unknown during preview. ${FIX}`]);
  });

  it("names an inline policy by its name, else by its position", () => {
    const wildcard = JSON.stringify({ Statement: [statement("ec2:*")] });
    assert.deepEqual(role({ inlinePolicies: [{ name: "ops", policy: JSON.stringify({ Statement: [] }) }, { policy: wildcard }] }), [
      `Role 'ops-role': inline policy 2, statement 1 allows 'ec2:*'. ${FIX}`,
    ]);
  });

  it("reads only strings as actions", () => {
    assert.deepEqual(policy({ Statement: [statement([["*"], 5])] }), []);
  });
});
