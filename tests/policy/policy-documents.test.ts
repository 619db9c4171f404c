import assert from "node:assert/strict";
import { configStrings, containsUnknown, field, knownString, knownStrings, stackOfUrn, UNKNOWN } from "../../policy/model";
import { listOf, readPolicyDocument, statementLabel } from "../../policy/policy-documents";
import { policyVerdict } from "../../policy/s3-public-policy";

describe("reading values that may be unknown during preview", () => {
  it("reads a field through an unknown or a non-object", () => {
    assert.equal(field({ a: 1 }, "a"), 1);
    assert.equal(field(UNKNOWN, "a"), UNKNOWN);
    for (const value of [undefined, null, "a", 1, ["a"]]) assert.equal(field(value, "0"), undefined, JSON.stringify(value));
  });

  it("knows a string only when it is one and is known", () => {
    assert.equal(knownString("a"), "a");
    for (const value of [UNKNOWN, 1, undefined, ["a"]]) assert.equal(knownString(value), undefined);
  });

  it("finds an unknown at any depth, and only then", () => {
    for (const value of [UNKNOWN, ["a", UNKNOWN], { a: { b: [1, UNKNOWN] } }]) assert.equal(containsUnknown(value), true, JSON.stringify(value));
    for (const value of ["a", ["a", "b"], { a: "b", c: [1] }, null, 1]) assert.equal(containsUnknown(value), false, JSON.stringify(value));
  });

  it("collects every known string at any depth", () => {
    assert.deepEqual(knownStrings({ a: ["x", UNKNOWN, { b: "y" }], c: 1, d: "z" }), ["x", "y", "z"]);
    assert.deepEqual(knownStrings(UNKNOWN), []);
    assert.deepEqual(knownStrings(null), []);
  });

  it("reads the stack from a URN", () => {
    assert.equal(stackOfUrn("urn:pulumi:prod::rendorix::aws:s3/bucket:Bucket::originals"), "prod");
    assert.equal(stackOfUrn("prod::rendorix"), "");
  });

  it("reads a string-list config property, else its fallback", () => {
    assert.deepEqual(configStrings({ names: ["a", 1, "b"] }, "names", ["c"]), ["a", "b"]);
    assert.deepEqual(configStrings({ names: "a" }, "names", ["c"]), ["c"]);
    assert.deepEqual(configStrings({}, "names"), []);
  });
});

describe("reading a policy document", () => {
  it("reads a JSON string or an object, and nothing as no statements", () => {
    const statement = { Effect: "Allow", Action: "s3:GetObject", Principal: "*" };
    assert.deepEqual(readPolicyDocument(JSON.stringify({ Statement: [statement] })), { statements: [statement] });
    assert.deepEqual(readPolicyDocument({ Statement: statement }), { statements: [statement] });
    for (const value of [undefined, null, ""]) assert.deepEqual(readPolicyDocument(value), { statements: [] }, String(value));
    assert.deepEqual(readPolicyDocument({}), { statements: [] });
  });

  it("says why it cannot decide", () => {
    const cases: [unknown, unknown][] = [
      [UNKNOWN, { unknownBecause: "the policy document is unknown" }],
      ["{", { invalidBecause: "the policy document is not valid JSON" }],
      ['["a"]', { invalidBecause: "the policy document is not a JSON object" }],
      [5, { invalidBecause: "the policy document is not a JSON object" }],
      [{ Statement: UNKNOWN }, { unknownBecause: "the policy's Statement list is unknown" }],
      [{ Statement: [UNKNOWN] }, { unknownBecause: "statement 1 of the policy is unknown" }],
      [{ Statement: [{ Effect: "Deny" }, UNKNOWN] }, { unknownBecause: "statement 2 of the policy is unknown" }],
      [{ Statement: [{ Effect: "Deny" }, "Allow"] }, { invalidBecause: "a policy statement is not a JSON object" }],
      [{ Statement: ["Allow", { Effect: "Deny" }] }, { invalidBecause: "a policy statement is not a JSON object" }],
    ];
    for (const [value, read] of cases) assert.deepEqual(readPolicyDocument(value), read, JSON.stringify(value));
  });

  it("takes one value or a list of them", () => {
    assert.deepEqual(listOf("a"), ["a"]);
    assert.deepEqual(listOf(["a", "b"]), ["a", "b"]);
    assert.deepEqual(listOf(null), []);
    assert.deepEqual(listOf(undefined), []);
  });

  it("names a statement by its Sid, else by its position", () => {
    assert.equal(statementLabel({ Sid: "Public" }, 0), "statement 'Public'");
    for (const Sid of [undefined, "", UNKNOWN, 7]) assert.equal(statementLabel({ Sid }, 2), "statement 3", String(Sid));
  });
});

describe("whether a bucket policy is public", () => {
  const EVERYONE = { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::b/*" };
  const verdict = (...statements: Record<string, unknown>[]) => policyVerdict(readPolicyDocument({ Statement: statements }));
  const PUBLIC_READ = "allows bad actions (s3:Get*, s3:List*, s3:Put*, s3:Delete*, …) to a principal that is not fixed (a wildcard) and no fixed aws:SourceArn, aws:SourceAccount, aws:SourceVpc(e), aws:SourceIp or aws:PrincipalOrgID condition limits it";

  it("calls a statement that lets everyone read public, naming it", () => {
    assert.deepEqual(verdict({ Sid: "Read", ...EVERYONE }), { verdict: "public", reasons: [`statement 'Read' ${PUBLIC_READ}`] });
    assert.deepEqual(verdict({ ...EVERYONE, Principal: { AWS: ["arn:aws:iam::111122223333:root", "*"] } }), { verdict: "public", reasons: [`statement 1 ${PUBLIC_READ}`] });
  });

  it("clears statements that deny, allow no bad action, or name fixed principals", () => {
    const cleared = [
      { ...EVERYONE, Effect: "Deny" },
      { ...EVERYONE, Action: "s3:ReplicateObject" },
      { ...EVERYONE, NotAction: ["s3:*"] },
      { ...EVERYONE, Action: undefined, NotAction: ["s3:?et*", "s3:List*", "s3:Put*", "s3:Delete*", "s3:AbortMultipartUpload", "s3:RestoreObject"] },
      { ...EVERYONE, Principal: { AWS: "arn:aws:iam::111122223333:root" } },
      { ...EVERYONE, Principal: "arn:aws:iam::111122223333:root" },
      { Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
    ];
    for (const statement of cleared) assert.deepEqual(verdict(statement), { verdict: "not-public" }, JSON.stringify(statement));
  });

  it("clears a statement limited by a fixed value of a documented condition key, and only then", () => {
    const limiting = [
      { StringEquals: { "aws:SourceAccount": "111122223333" } },
      { ArnLike: { "AWS:SourceArn": ["arn:aws:cloudfront::111122223333:distribution/E1"] } },
      { IpAddress: { "aws:SourceIp": "192.0.2.0/24" } },
      { StringEquals: { "aws:SourceVpce": UNKNOWN } },
    ];
    for (const Condition of limiting) assert.deepEqual(verdict({ ...EVERYONE, Condition }), { verdict: "not-public" }, JSON.stringify(Condition));
    const notLimiting = [
      { StringNotEquals: { "aws:SourceAccount": "111122223333" } },
      { StringEquals: { "aws:SourceAccount": "1111*" } },
      { StringEquals: { "aws:UserAgent": "curl" } },
      { StringEquals: { "aws:SourceIp": "192.0.2.1" } },
      { IpAddress: { "aws:SourceIp": ["0.0.0.0/0"] } },
      { StringEquals: { "aws:SourceAccount": [] } },
      { StringEquals: { "aws:SourceAccount": "${aws:PrincipalAccount}" } },
      { StringEquals: "aws:SourceAccount" },
      "aws:SourceAccount",
    ];
    for (const Condition of notLimiting) assert.deepEqual(verdict({ ...EVERYONE, Condition }), { verdict: "public", reasons: [`statement 1 ${PUBLIC_READ}`] }, JSON.stringify(Condition));
  });

  it("says why it may be public when part of a statement is unknown during preview", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ ...EVERYONE, Effect: UNKNOWN }, "the Effect of statement 1 is unknown"],
      [{ ...EVERYONE, Action: UNKNOWN }, "statement 1 allows actions that are unknown to a principal that is not fixed (a wildcard) and no fixed aws:SourceArn, aws:SourceAccount, aws:SourceVpc(e), aws:SourceIp or aws:PrincipalOrgID condition limits it"],
      [{ ...EVERYONE, Action: ["s3:ReplicateObject", UNKNOWN] }, "statement 1 allows actions that are unknown to a principal that is not fixed (a wildcard) and no fixed aws:SourceArn, aws:SourceAccount, aws:SourceVpc(e), aws:SourceIp or aws:PrincipalOrgID condition limits it"],
      [{ ...EVERYONE, Action: undefined, NotAction: UNKNOWN }, "statement 1 allows actions that are unknown to a principal that is not fixed (a wildcard) and no fixed aws:SourceArn, aws:SourceAccount, aws:SourceVpc(e), aws:SourceIp or aws:PrincipalOrgID condition limits it"],
      [{ ...EVERYONE, Action: undefined, NotAction: ["s3:Get*", UNKNOWN] }, "statement 1 allows actions that are unknown to a principal that is not fixed (a wildcard) and no fixed aws:SourceArn, aws:SourceAccount, aws:SourceVpc(e), aws:SourceIp or aws:PrincipalOrgID condition limits it"],
      [{ ...EVERYONE, Principal: UNKNOWN }, `statement 1 allows bad actions (s3:Get*, s3:List*, s3:Put*, s3:Delete*, …) to a principal that is unknown and no fixed aws:SourceArn, aws:SourceAccount, aws:SourceVpc(e), aws:SourceIp or aws:PrincipalOrgID condition limits it`],
      [{ ...EVERYONE, Principal: { AWS: [UNKNOWN, "arn:aws:iam::111122223333:root"] } }, `statement 1 allows bad actions (s3:Get*, s3:List*, s3:Put*, s3:Delete*, …) to a principal that is unknown and no fixed aws:SourceArn, aws:SourceAccount, aws:SourceVpc(e), aws:SourceIp or aws:PrincipalOrgID condition limits it`],
      [{ ...EVERYONE, Principal: { AWS: [UNKNOWN] } }, `statement 1 allows bad actions (s3:Get*, s3:List*, s3:Put*, s3:Delete*, …) to a principal that is unknown and no fixed aws:SourceArn, aws:SourceAccount, aws:SourceVpc(e), aws:SourceIp or aws:PrincipalOrgID condition limits it`],
      [{ ...EVERYONE, Condition: UNKNOWN }, `statement 1 allows bad actions (s3:Get*, s3:List*, s3:Put*, s3:Delete*, …) to a principal that is not fixed (a wildcard) and its condition is unknown`],
      [{ ...EVERYONE, Condition: { StringEquals: UNKNOWN } }, `statement 1 allows bad actions (s3:Get*, s3:List*, s3:Put*, s3:Delete*, …) to a principal that is not fixed (a wildcard) and its condition is unknown`],
    ];
    for (const [statement, reason] of cases) assert.deepEqual(verdict(statement), { verdict: "unknown", reasons: [reason] }, JSON.stringify(statement));
    assert.deepEqual(policyVerdict(readPolicyDocument(UNKNOWN)), { verdict: "unknown", reasons: ["the policy document is unknown"] });
    assert.deepEqual(policyVerdict(readPolicyDocument("{")), { verdict: "unknown", reasons: ["the policy document is not valid JSON"] });
  });

  it("reads NotAction patterns as IAM patterns, where only * and ? are wildcards", () => {
    const notAction = ["s3:Get.*", "s3:List*", "s3:Put*", "s3:Delete*", "s3:AbortMultipartUpload", "s3:RestoreObject"];
    assert.deepEqual(verdict({ ...EVERYONE, Action: undefined, NotAction: notAction }), { verdict: "public", reasons: [`statement 1 ${PUBLIC_READ}`] });
  });

  it("does not count a principal with a policy variable as fixed", () => {
    const Principal = { AWS: "arn:aws:iam::111122223333:user/${aws:username}" };
    assert.deepEqual(verdict({ ...EVERYONE, Principal }), { verdict: "public", reasons: [`statement 1 ${PUBLIC_READ}`] });
    assert.deepEqual(verdict({ ...EVERYONE, Principal: "arn:aws:iam::111122223333:user/${aws:username}" }), { verdict: "public", reasons: [`statement 1 ${PUBLIC_READ}`] });
  });

  it("counts a NotPrincipal as everyone else, and a NotAction that leaves a bad action as allowing it", () => {
    const statement = { Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111122223333:root" }, NotAction: ["s3:Get*", "s3:List*"], Resource: "*" };
    assert.deepEqual(verdict(statement), {
      verdict: "public",
      reasons: [
        "statement 1 allows bad actions (s3:Get*, s3:List*, s3:Put*, s3:Delete*, …) to everyone outside its NotPrincipal and no fixed aws:SourceArn, aws:SourceAccount, aws:SourceVpc(e), aws:SourceIp or aws:PrincipalOrgID condition limits it",
      ],
    });
  });

  it("reports public statements over ones it cannot decide", () => {
    assert.deepEqual(verdict({ ...EVERYONE, Principal: UNKNOWN }, EVERYONE), { verdict: "public", reasons: [`statement 2 ${PUBLIC_READ}`] });
  });
});
