import assert from "node:assert/strict";
import { renderPolicyDocument } from "../../check/policy-document";
import { mockInvokeResult } from "../../check/mock-state";

describe("aws.iam.getPolicyDocument in the offline check", () => {
  it("writes principals, actions, resources and conditions as the provider does: one value as a string, several as a list", () => {
    const { json, minifiedJson } = renderPolicyDocument({
      policyId: "content",
      statements: [
        {
          sid: "Read",
          principals: [{ type: "Service", identifiers: ["cloudfront.amazonaws.com"] }],
          actions: ["s3:GetObject"],
          resources: ["arn:aws:s3:::content/*", "arn:aws:s3:::content"],
          conditions: [
            { test: "StringEquals", variable: "AWS:SourceArn", values: ["arn:aws:cloudfront::111122223333:distribution/E1"] },
            { test: "StringEquals", variable: "aws:SourceAccount", values: ["111122223333", "444455556666"] },
          ],
        },
        { effect: "Deny", principals: [{ type: "*", identifiers: ["*"] }], notActions: ["s3:GetObject", "s3:ListBucket"], notResources: ["arn:aws:s3:::content/public/*"] },
      ],
    });
    const expected = {
      Version: "2012-10-17",
      Id: "content",
      Statement: [
        {
          Sid: "Read",
          Effect: "Allow",
          Action: "s3:GetObject",
          Resource: ["arn:aws:s3:::content/*", "arn:aws:s3:::content"],
          Principal: { Service: "cloudfront.amazonaws.com" },
          Condition: { StringEquals: { "AWS:SourceArn": "arn:aws:cloudfront::111122223333:distribution/E1", "aws:SourceAccount": ["111122223333", "444455556666"] } },
        },
        { Effect: "Deny", NotAction: ["s3:GetObject", "s3:ListBucket"], NotResource: "arn:aws:s3:::content/public/*", Principal: "*" },
      ],
    };
    assert.equal(json, JSON.stringify(expected, null, 2));
    assert.equal(minifiedJson, JSON.stringify(expected));
  });

  it("merges principal blocks of one type and keeps a wildcard identifier under a typed principal", () => {
    const { minifiedJson } = renderPolicyDocument({
      version: "2008-10-17",
      statements: [
        {
          principals: [
            { type: "AWS", identifiers: ["arn:aws:iam::111122223333:root"] },
            { type: "AWS", identifiers: ["*"] },
          ],
          notPrincipals: [{ type: "AWS", identifiers: ["arn:aws:iam::444455556666:root"] }],
          actions: [],
        },
      ],
    });
    assert.deepEqual(JSON.parse(minifiedJson), {
      Version: "2008-10-17",
      Statement: [{ Effect: "Allow", Principal: { AWS: ["arn:aws:iam::111122223333:root", "*"] }, NotPrincipal: { AWS: "arn:aws:iam::444455556666:root" } }],
    });
  });

  it("merges source documents, the statements and override documents by Sid", () => {
    const source = JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: "A", Effect: "Allow", Action: "s3:GetObject" }, { Effect: "Allow", Action: "s3:ListBucket" }] });
    const override = JSON.stringify({ Statement: { Sid: "B", Effect: "Deny", Action: "s3:*" } });
    const { minifiedJson } = renderPolicyDocument({
      sourcePolicyDocuments: [source],
      overridePolicyDocuments: [override],
      statements: [
        { sid: "A", actions: ["s3:PutObject"] },
        { sid: "B", actions: ["s3:DeleteObject"] },
        { actions: ["s3:GetBucketLocation"] },
      ],
    });
    assert.deepEqual(JSON.parse(minifiedJson).Statement, [
      { Sid: "A", Effect: "Allow", Action: "s3:PutObject" },
      { Effect: "Allow", Action: "s3:ListBucket" },
      { Sid: "B", Effect: "Deny", Action: "s3:*" },
      { Effect: "Allow", Action: "s3:GetBucketLocation" },
    ]);
  });

  it("is what the check answers for the invoke, beside the arguments; functions it does not model answer undefined", () => {
    const args = { statements: [{ actions: ["s3:GetObject"], principals: [{ type: "*", identifiers: ["*"] }] }] };
    const answer = mockInvokeResult("aws:iam/getPolicyDocument:getPolicyDocument", args, "eu-west-1");
    assert.deepEqual(answer, { ...args, ...renderPolicyDocument(args) });
    assert.deepEqual(JSON.parse(String(answer?.json)).Statement, [{ Effect: "Allow", Action: "s3:GetObject", Principal: "*" }]);
    assert.equal(mockInvokeResult("aws:ec2/getVpc:getVpc", {}, "eu-west-1"), undefined);
  });
});
