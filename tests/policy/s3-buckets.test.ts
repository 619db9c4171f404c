import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../check/model";
import { type StackResource, UNKNOWN } from "../../policy/model";
import { IAM, PULUMI, S3 } from "../../policy/resource-types";
import { bucketEncryption, bucketVersioning, explicitPublicAccessBlock, noPublicBuckets } from "../../policy/s3-buckets";
import { patternsOverlap } from "../../policy/s3-public-policy";
import { assertViolatesOnly, evaluate, inBothModes, ProgramBuilder } from "../support/captured";
import { ACCOUNT, addPrivateBucket, PrivateBucket } from "../support/policy-fixtures";
import { reportsOf, stackOf, stackResource } from "../support/rule-check";

function withBucket(mode: "update" | "preview", name = "originals"): { p: ProgramBuilder; bucket: PrivateBucket } {
  const p = new ProgramBuilder(mode);
  return { p, bucket: addPrivateBucket(p, name) };
}

function publicReadStatement(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::originals-7f3a9c1/*", ...extra };
}

const ALL_OFF = { blockPublicAcls: false, blockPublicPolicy: false, ignorePublicAcls: false, restrictPublicBuckets: false };
/** The messages of `no-public-buckets` alone (other policies disabled), with the given config properties. */
function publicFindings(p: ProgramBuilder, properties: Record<string, unknown> = {}): string[] {
  return evaluate(p, { all: "disabled", "no-public-buckets": { enforcementLevel: "mandatory", ...properties } }).map((violation) => violation.message);
}

/** A private bucket whose public access block is all off, with `statement` added to its policy. */
function openBucketWith(mode: "update" | "preview", statement: Record<string, unknown>): { p: ProgramBuilder; bucket: PrivateBucket } {
  const { p, bucket } = withBucket(mode);
  Object.assign(p.get(bucket.publicAccessBlock).inputs, ALL_OFF);
  (p.get(bucket.policy).inputs.policy as { Statement: unknown[] }).Statement.push(statement);
  return { p, bucket };
}

function assertPublic(p: ProgramBuilder, reason: RegExp, properties: Record<string, unknown> = {}): void {
  const messages = publicFindings(p, properties);
  assert.equal(messages.length, 1, messages.join("\n"));
  assert.match(messages[0], reason);
}

describe("patternsOverlap", () => {
  const cases: [string, string, boolean][] = [
    ["s3:GetObject", "s3:Get*", true],
    ["s3:getobject", "s3:Get*", true],
    ["s3:*", "s3:Get*", true],
    ["*", "s3:RestoreObject", true],
    ["s3:G*", "s3:Get*", true],
    ["s3:?etObject", "s3:Get*", true],
    ["s3:ReplicateObject", "s3:Get*", false],
    ["s3:ReplicateObject", "s3:RestoreObject", false],
    ["s3:RestoreObject", "s3:RestoreObject", true],
    ["s3:RestoreObjects", "s3:RestoreObject", false],
    ["s3:Restore", "s3:RestoreObject", false],
    ["sqs:GetQueueUrl", "s3:Get*", false],
    ["s3:Get?", "s3:Get*", true],
    ["s3:Ge", "s3:Get*", false],
    // A wildcard followed by text that the other side cannot end with.
    ["s3:*Acl", "s3:GetObject", false],
    ["s3:**Acl", "s3:GetObject", false],
    ["s3:*Acl", "s3:GetObjectAcl", true],
    ["s3:*", "s3:", true],
    ["", "", true],
    ["", "*", true],
  ];
  for (const [a, b, expected] of cases) {
    it(`${a} ${expected ? "overlaps" : "does not overlap"} ${b}`, () => {
      assert.equal(patternsOverlap(a, b), expected);
      assert.equal(patternsOverlap(b, a), expected);
    });
  }
});

describe("no-public-buckets", () => {
  inBothModes((mode) => {
    describe(`in ${mode}`, () => {
      it("passes a bucket with a full public access block and a TLS-only policy", () => {
        assert.deepEqual(evaluate(withBucket(mode).p), []);
      });

      it("passes a deprecated BucketV2 set up the same way", () => {
        const { p, bucket } = withBucket(mode);
        p.get(bucket.bucket).type = S3.buckets[1];
        assert.deepEqual(evaluate(p), []);
      });

      it("passes a bucket without a public access block when nothing makes it public, with an advisory to declare one", () => {
        const { p, bucket } = withBucket(mode);
        p.remove(bucket.publicAccessBlock);
        const violations = evaluate(p);
        assertViolatesOnly(violations, "s3-explicit-public-access-block", /Bucket 'originals' relies on S3's default Block Public Access\. Fix: add an aws\.s3\.BucketPublicAccessBlock/);
        assert.equal(violations[0].level, "advisory");
      });

      it("passes a public statement on a bucket with no public access block: S3 blocks public policies by default", () => {
        const { p, bucket } = withBucket(mode);
        p.remove(bucket.publicAccessBlock);
        (p.get(bucket.policy).inputs.policy as { Statement: unknown[] }).Statement.push(publicReadStatement());
        assert.deepEqual(publicFindings(p), []);
      });

      it("fails Principal * reading objects when the public access block is off", () => {
        const { p } = openBucketWith(mode, publicReadStatement());
        assertPublic(
          p,
          /^Bucket 'originals' is or may be public: BucketPolicy 'originals-policy': statement 'PublicRead' allows bad actions \(s3:Get\*, s3:List\*, s3:Put\*, s3:Delete\*, …\) to a principal that is not fixed \(a wildcard\) and no fixed .* condition limits it, and nothing turns on blockPublicPolicy or restrictPublicBuckets\. Fix: /,
        );
      });

      it("passes the public statement when only blockPublicPolicy or only restrictPublicBuckets is on", () => {
        for (const flag of ["blockPublicPolicy", "restrictPublicBuckets"]) {
          const { p, bucket } = openBucketWith(mode, publicReadStatement());
          p.get(bucket.publicAccessBlock).inputs[flag] = true;
          assert.deepEqual(publicFindings(p), [], flag);
        }
      });

      it("passes the public statement when ACL settings alone are on", () => {
        const { p, bucket } = openBucketWith(mode, publicReadStatement());
        Object.assign(p.get(bucket.publicAccessBlock).inputs, { blockPublicAcls: true, ignorePublicAcls: true });
        assert.equal(publicFindings(p).length, 1);
      });

      it("applies the account's Block Public Access from an AccountPublicAccessBlock or the pack's config", () => {
        const { p } = openBucketWith(mode, publicReadStatement());
        assertPublic(p, /nothing turns on blockPublicPolicy/, { accountBlockPublicAccess: ["blockPublicAcls", "ignorePublicAcls"] });
        assert.deepEqual(publicFindings(p, { accountBlockPublicAccess: ["restrictPublicBuckets"] }), []);
        const account = p.add(S3.accountPublicAccessBlock, "account", { ...ALL_OFF, blockPublicPolicy: true });
        assert.deepEqual(publicFindings(p), []);
        p.get(account).inputs.blockPublicPolicy = false;
        assert.equal(publicFindings(p).length, 1);
      });

      it("takes the most restrictive of several public access blocks on one bucket only when all agree", () => {
        const { p, bucket } = openBucketWith(mode, publicReadStatement());
        p.add(S3.publicAccessBlock, "second", { bucket: p.computed("originals-7f3a9c1"), blockPublicPolicy: true, restrictPublicBuckets: true }, { from: { bucket: [bucket.bucket] } });
        assert.equal(publicFindings(p).length, 1);
        Object.assign(p.get(bucket.publicAccessBlock).inputs, { blockPublicPolicy: true });
        assert.deepEqual(publicFindings(p), []);
      });

      const fixedConditions: Record<string, unknown>[] = [
        { StringEquals: { "AWS:SourceArn": `arn:aws:cloudfront::${ACCOUNT}:distribution/E2QWRUHAPOMQZL` } },
        { ArnLike: { "aws:SourceArn": [`arn:aws:cloudfront::${ACCOUNT}:distribution/E2QWRUHAPOMQZL`] } },
        { StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } },
        { StringEquals: { "aws:SourceVpc": "vpc-111bbb22" } },
        { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        { StringEquals: { "aws:SourceOwner": ACCOUNT } },
        { StringEqualsIgnoreCase: { "aws:PrincipalOrgID": "o-a1b2c3d4e5" } },
        { IpAddress: { "aws:SourceIp": ["192.0.2.0/24", "203.0.113.0/24"] } },
        { StringLike: { "aws:userid": "AIDAEXAMPLE" } },
        { StringEquals: { "s3:x-amz-server-side-encryption-aws-kms-key-id": `arn:aws:kms:eu-west-1:${ACCOUNT}:key/abc` } },
        { StringEquals: { "s3:DataAccessPointAccount": ACCOUNT } },
        { ArnEquals: { "s3:DataAccessPointArn": `arn:aws:s3:eu-west-1:${ACCOUNT}:accesspoint/ap` } },
        { Bool: { "aws:SecureTransport": "true" }, StringEquals: { "aws:SourceAccount": ACCOUNT } },
      ];
      for (const condition of fixedConditions) {
        it(`passes Principal * limited by ${JSON.stringify(condition)}`, () => {
          assert.deepEqual(publicFindings(openBucketWith(mode, publicReadStatement({ Condition: condition })).p), []);
        });
      }

      const openConditions: Record<string, unknown>[] = [
        { StringLike: { "aws:SourceArn": "arn:aws:cloudfront::*:distribution/*" } },
        { StringEquals: { "aws:SourceArn": "arn:aws:cloudfront::${aws:PrincipalAccount}:distribution/E1" } },
        { StringNotEquals: { "aws:SourceAccount": ACCOUNT } },
        { StringEqualsIfExists: { "aws:SourceAccount": ACCOUNT } },
        { "ForAnyValue:StringEquals": { "aws:SourceAccount": ACCOUNT } },
        { IpAddress: { "aws:SourceIp": "0.0.0.0/0" } },
        { IpAddress: { "aws:SourceIp": ["192.0.2.0/24", "::/0"] } },
        { StringEquals: { "aws:SourceIp": "192.0.2.1" } },
        { IpAddress: { "aws:SourceAccount": ACCOUNT } },
        { StringEquals: { "aws:SourceAccount": [] } },
        { Bool: { "aws:SecureTransport": "true" } },
        { StringEquals: { "aws:Referer": "https://example.com" } },
        { StringLike: { "aws:userid": "AROLEID:*" } },
        { StringEquals: "not a block" },
        { StringEquals: { "aws:SourceAccount": "11112222333?" } },
      ];
      for (const condition of openConditions) {
        it(`fails Principal * under ${JSON.stringify(condition)}`, () => {
          assertPublic(openBucketWith(mode, publicReadStatement({ Condition: condition })).p, /statement 'PublicRead' allows bad actions .* to a principal that is not fixed/);
        });
      }

      const fixedPrincipals: unknown[] = [
        { Service: "cloudfront.amazonaws.com" },
        { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        { AWS: [`arn:aws:iam::${ACCOUNT}:role/a`, ACCOUNT] },
        { CanonicalUser: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be" },
        `arn:aws:iam::${ACCOUNT}:root`,
      ];
      for (const principal of fixedPrincipals) {
        it(`passes a statement granted to the fixed principal ${JSON.stringify(principal)}`, () => {
          assert.deepEqual(publicFindings(openBucketWith(mode, publicReadStatement({ Principal: principal })).p), []);
        });
      }

      for (const principal of [{ AWS: "*" }, { AWS: [`arn:aws:iam::${ACCOUNT}:root`, "*"] }, { AWS: "arn:aws:iam::*:root" }]) {
        it(`fails a statement granted to ${JSON.stringify(principal)}`, () => {
          assertPublic(openBucketWith(mode, publicReadStatement({ Principal: principal })).p, /not fixed \(a wildcard\)/);
        });
      }

      it("fails an Allow statement with NotPrincipal", () => {
        const statement = publicReadStatement({ NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } });
        delete statement.Principal;
        assertPublic(openBucketWith(mode, statement).p, /allows bad actions .* to everyone outside its NotPrincipal/);
      });

      for (const action of ["s3:ListBucket", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload", "s3:RestoreObject", "s3:*", "*", "s3:G*", ["s3:ReplicateObject", "s3:GetObjectVersion"]]) {
        it(`fails Principal * granted ${JSON.stringify(action)}`, () => {
          assertPublic(openBucketWith(mode, publicReadStatement({ Action: action })).p, /allows bad actions/);
        });
      }

      for (const action of ["s3:ReplicateObject", ["s3:ReplicateObject", "s3:ObjectOwnerOverrideToBucketOwner"], "sqs:GetQueueUrl"]) {
        it(`passes Principal * granted only ${JSON.stringify(action)}, no bad action`, () => {
          assert.deepEqual(publicFindings(openBucketWith(mode, publicReadStatement({ Action: action })).p), []);
        });
      }

      it("fails NotAction with Allow unless it excludes every bad action", () => {
        const statement = (notAction: unknown) => {
          const result = publicReadStatement({ NotAction: notAction });
          delete result.Action;
          return result;
        };
        assertPublic(openBucketWith(mode, statement("s3:GetObject")).p, /allows bad actions/);
        assertPublic(openBucketWith(mode, statement(["s3:Get*", "s3:List*", "s3:Put*", "s3:Delete*", "s3:AbortMultipartUpload"])).p, /allows bad actions/);
        assert.deepEqual(publicFindings(openBucketWith(mode, statement(["s3:Get*", "s3:List*", "s3:Put*", "s3:Delete*", "s3:AbortMultipartUpload", "s3:RestoreObject"])).p), []);
        assert.deepEqual(publicFindings(openBucketWith(mode, statement("s3:*")).p), []);
      });

      it("passes an Allow statement without a principal, which grants no one through a bucket policy", () => {
        const statement = publicReadStatement();
        delete statement.Principal;
        assert.deepEqual(publicFindings(openBucketWith(mode, statement).p), []);
      });

      it("reports a policy that is not valid JSON when the block lets public policies through", () => {
        const { p, bucket } = withBucket(mode);
        Object.assign(p.get(bucket.publicAccessBlock).inputs, ALL_OFF);
        p.get(bucket.policy).inputs.policy = "{ not json";
        assertPublic(p, /BucketPolicy 'originals-policy': the policy document is not valid JSON, so it cannot be shown non-public, and nothing turns on blockPublicPolicy/);
      });

      it("fails a public ACL on a bucket outside the stack, whose ownership and block are unknown", () => {
        const p = new ProgramBuilder(mode);
        p.add(S3.acls[0], "external-acl", { bucket: "external-bucket", acl: "public-read" });
        assertPublic(p, /^BucketAcl 'external-acl' is on a bucket outside this stack, whose Block Public Access is unknown, and may make it public: BucketAcl 'external-acl' sets the canned ACL 'public-read', and whether Object Ownership disables ACLs is unknown and whether blockPublicAcls or ignorePublicAcls is on is unknown\. Fix/);
        assert.deepEqual(publicFindings(p, { accountBlockPublicAccess: ["ignorePublicAcls"] }), []);
      });

      it("passes Deny statements with Principal *", () => {
        assert.deepEqual(publicFindings(openBucketWith(mode, publicReadStatement({ Effect: "Deny" })).p), []);
      });

      it("passes a bucket with S3 website hosting when nothing makes it public", () => {
        const { p, bucket } = withBucket(mode);
        p.add(S3.websites[0], "originals-website", { bucket: p.computed("originals-7f3a9c1"), indexDocument: { suffix: "index.html" } }, { from: { bucket: [bucket.bucket] } });
        p.get(bucket.bucket).inputs.website = { indexDocument: "index.html" };
        assert.deepEqual(evaluate(p), []);
      });

      it("fails an inline bucket policy that is public", () => {
        const { p, bucket } = withBucket(mode);
        Object.assign(p.get(bucket.publicAccessBlock).inputs, ALL_OFF);
        p.get(bucket.bucket).inputs.policy = JSON.stringify({ Statement: [publicReadStatement()] });
        assertPublic(p, /the bucket's inline policy: statement 'PublicRead' allows bad actions/);
      });

      it("fails a public policy on a bucket outside the stack unless the account blocks it", () => {
        const p = new ProgramBuilder(mode);
        p.add(S3.policy, "external-policy", { bucket: "external-bucket", policy: { Statement: [publicReadStatement()] } });
        assertPublic(p, /^BucketPolicy 'external-policy' is on a bucket outside this stack, whose Block Public Access is unknown, and may make it public: .*whether blockPublicPolicy or restrictPublicBuckets is on is unknown/);
        assert.deepEqual(publicFindings(p, { accountBlockPublicAccess: ["blockPublicPolicy"] }), []);
        p.add(S3.policy, "external-private", { bucket: "external-bucket", policy: { Statement: [publicReadStatement({ Principal: { AWS: ACCOUNT } })] } });
        assert.equal(publicFindings(p).length, 1);
      });
    });
  });

  describe("ACLs", () => {
    inBothModes((mode) => {
      /** An open bucket whose ACLs are enabled through ownership controls. */
      function aclBucket(objectOwnership = "ObjectWriter") {
        const { p, bucket } = withBucket(mode);
        Object.assign(p.get(bucket.publicAccessBlock).inputs, ALL_OFF);
        p.add(S3.ownershipControls, "originals-ownership", { bucket: p.computed("originals-7f3a9c1"), rule: { objectOwnership } }, { from: { bucket: [bucket.bucket] } });
        return { p, bucket };
      }

      it(`fails the public-read canned ACL when ACLs are enabled and the block is off (${mode})`, () => {
        const { p, bucket } = aclBucket();
        p.get(bucket.bucket).inputs.acl = "public-read";
        assertPublic(p, /the bucket sets the canned ACL 'public-read', and ACLs are enabled \(Object Ownership is not BucketOwnerEnforced\) and nothing turns on blockPublicAcls or ignorePublicAcls/);
      });

      it(`passes a public ACL when ownership controls disable ACLs, or by S3's default without them (${mode})`, () => {
        const { p, bucket } = aclBucket("BucketOwnerEnforced");
        p.get(bucket.bucket).inputs.acl = "public-read";
        assert.deepEqual(publicFindings(p), []);
        p.remove(p.resources.find((resource) => resource.type === S3.ownershipControls)!.urn);
        assert.deepEqual(publicFindings(p), []);
      });

      it(`passes a public ACL when blockPublicAcls or ignorePublicAcls is on (${mode})`, () => {
        for (const flag of ["blockPublicAcls", "ignorePublicAcls"]) {
          const { p, bucket } = aclBucket();
          p.get(bucket.bucket).inputs.acl = "authenticated-read";
          p.get(bucket.publicAccessBlock).inputs[flag] = true;
          assert.deepEqual(publicFindings(p), [], flag);
        }
      });

      it(`fails inline grants to AllUsers and a BucketAclV2 with public-read-write (${mode})`, () => {
        const { p, bucket } = aclBucket("BucketOwnerPreferred");
        p.get(bucket.bucket).inputs.grants = [
          { type: "CanonicalUser", id: "owner", permissions: ["FULL_CONTROL"] },
          { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers", permissions: ["READ"] },
        ];
        p.add(S3.acls[1], "originals-acl", { bucket: p.computed("originals-7f3a9c1"), acl: "public-read-write" }, { from: { bucket: [bucket.bucket] } });
        assertPublic(p, /ACL grant 2 of the bucket grants access to AllUsers; BucketAclV2 'originals-acl' sets the canned ACL 'public-read-write', and ACLs are enabled/);
      });

      it(`fails a BucketAcl granting AuthenticatedUsers and passes one granting a canonical user (${mode})`, () => {
        const { p, bucket } = aclBucket();
        const grant = (grantee: Record<string, unknown>) => ({ grantee, permission: "READ" });
        const acl = p.add(
          S3.acls[0],
          "originals-acl",
          { bucket: p.computed("originals-7f3a9c1"), accessControlPolicy: { owner: { id: "owner" }, grants: [grant({ type: "CanonicalUser", id: "owner" }), grant({ type: "Group", uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" })] } },
          { from: { bucket: [bucket.bucket] } },
        );
        assertPublic(p, /ACL grant 2 of BucketAcl 'originals-acl' grants access to AuthenticatedUsers/);
        (p.get(acl).inputs.accessControlPolicy as { grants: unknown[] }).grants.pop();
        assert.deepEqual(publicFindings(p), []);
        p.get(acl).inputs.acl = "private";
        assert.deepEqual(publicFindings(p), []);
      });
    });
  });

  describe("in preview, where values are unknown", () => {
    it("matches a public access block whose bucket is unknown through its dependencies", () => {
      const { p, bucket } = withBucket("preview");
      assert.equal(p.get(bucket.publicAccessBlock).inputs.bucket, UNKNOWN_VALUE);
      assert.deepEqual(evaluate(p), []);
    });

    it("passes a wholly unknown policy document on a bucket whose Block Public Access refuses public policies", () => {
      const { p, bucket } = withBucket("preview");
      p.get(bucket.policy).inputs.policy = UNKNOWN_VALUE;
      assert.deepEqual(evaluate(p), []);
      p.remove(bucket.publicAccessBlock);
      assert.deepEqual(publicFindings(p), []);
    });

    it("reports a wholly unknown policy document when the bucket's Block Public Access lets public policies through, naming what it depends on", () => {
      const { p, bucket } = withBucket("preview");
      Object.assign(p.get(bucket.publicAccessBlock).inputs, ALL_OFF);
      p.get(bucket.policy).inputs.policy = UNKNOWN_VALUE;
      assertPublic(p, /BucketPolicy 'originals-policy': the policy document is unknown during preview \(it depends on Bucket 'originals'\), and nothing turns on blockPublicPolicy/);
    });

    it("reports an unknown policy when whether the block refuses it is unknown", () => {
      const { p, bucket } = withBucket("preview");
      Object.assign(p.get(bucket.publicAccessBlock).inputs, { ...ALL_OFF, restrictPublicBuckets: UNKNOWN_VALUE });
      p.get(bucket.policy).inputs.policy = UNKNOWN_VALUE;
      assertPublic(p, /and whether blockPublicPolicy or restrictPublicBuckets is on is unknown\. Fix/);
      p.get(bucket.publicAccessBlock).inputs.blockPublicPolicy = true;
      assert.deepEqual(publicFindings(p), []);
    });

    it("passes unknown values that fill only a Resource or a fixed condition value", () => {
      const { p } = openBucketWith("preview", publicReadStatement({ Resource: UNKNOWN_VALUE, Condition: { StringEquals: { "AWS:SourceArn": UNKNOWN_VALUE } } }));
      assert.deepEqual(publicFindings(p), []);
      const { p: listed } = openBucketWith("preview", publicReadStatement({ Condition: { ArnLike: { "aws:SourceArn": [UNKNOWN_VALUE, `arn:aws:cloudfront::${ACCOUNT}:distribution/E1`] } } }));
      assert.deepEqual(publicFindings(listed), []);
    });

    const unknownParts: [string, Record<string, unknown>, RegExp][] = [
      ["Effect", { Effect: UNKNOWN_VALUE }, /the Effect of statement 'PublicRead' is unknown/],
      ["Principal", { Principal: UNKNOWN_VALUE }, /to a principal that is unknown and no fixed/],
      ["AWS principal", { Principal: { AWS: UNKNOWN_VALUE } }, /to a principal that is unknown/],
      ["listed AWS principal", { Principal: { AWS: [UNKNOWN_VALUE] } }, /to a principal that is unknown/],
      ["Action", { Action: UNKNOWN_VALUE }, /allows actions that are unknown to a principal that is not fixed/],
      ["listed Action", { Action: [UNKNOWN_VALUE, "s3:ReplicateObject"] }, /allows actions that are unknown/],
      ["NotAction", { Action: undefined, NotAction: UNKNOWN_VALUE }, /allows actions that are unknown/],
      ["listed NotAction", { Action: undefined, NotAction: ["s3:*", UNKNOWN_VALUE] }, /allows actions that are unknown/],
      ["Condition", { Condition: UNKNOWN_VALUE }, /and its condition is unknown/],
      ["condition block", { Condition: { StringEquals: UNKNOWN_VALUE } }, /and its condition is unknown/],
    ];
    for (const [part, change, reason] of unknownParts) {
      it(`reports a statement whose ${part} is unknown`, () => {
        const { p } = openBucketWith("preview", publicReadStatement(change));
        assertPublic(p, reason);
        assert.match(publicFindings(p)[0], /during preview/);
      });
    }

    it("decides by the known public statement even when another part is unknown", () => {
      const { p } = openBucketWith("preview", publicReadStatement({ Action: [UNKNOWN_VALUE, "s3:GetObject"] }));
      (p.get(p.resources.find((resource) => resource.type === S3.policy)!.urn).inputs.policy as { Statement: unknown[] }).Statement.push(
        publicReadStatement({ Sid: "Other", Principal: UNKNOWN_VALUE }),
      );
      const [message] = publicFindings(p);
      assert.match(message, /statement 'PublicRead' allows bad actions/);
      assert.doesNotMatch(message, /'Other'/);
    });

    it("reports an unknown canned ACL, grants or grantee only when ACLs are let through", () => {
      for (const change of [{ acl: UNKNOWN_VALUE }, { grants: UNKNOWN_VALUE }, { grants: [{ type: "Group", uri: UNKNOWN_VALUE }] }]) {
        const { p, bucket } = withBucket("preview");
        Object.assign(p.get(bucket.bucket).inputs, change);
        assert.deepEqual(publicFindings(p), []);
        Object.assign(p.get(bucket.publicAccessBlock).inputs, ALL_OFF);
        p.add(S3.ownershipControls, "own", { bucket: UNKNOWN_VALUE, rule: { objectOwnership: UNKNOWN_VALUE } }, { from: { bucket: [bucket.bucket] } });
        assertPublic(p, /of the bucket (is|are) unknown during preview, and whether Object Ownership disables ACLs is unknown and nothing turns on blockPublicAcls or ignorePublicAcls/);
      }
    });

    it("treats a public access block whose bucket cannot be traced as possibly this bucket's", () => {
      const { p, bucket } = openBucketWith("preview", publicReadStatement());
      const reference = p.add(PULUMI.stackReference, "shared", { name: "acme/shared/prod" });
      const block = p.get(bucket.publicAccessBlock);
      block.propertyDependencies.bucket = [reference];
      block.dependencies = [reference];
      assertPublic(p, /whether blockPublicPolicy or restrictPublicBuckets is on is unknown/);
      Object.assign(block.inputs, { blockPublicPolicy: true, restrictPublicBuckets: true });
      assert.deepEqual(publicFindings(p), []);
      assertViolatesOnly(evaluate(p), "s3-explicit-public-access-block", /relies on S3's default Block Public Access \(BucketPublicAccessBlock 'originals-public-access': bucket unknown during preview and not traceable/);
    });
  });
});

describe("s3-explicit-public-access-block", () => {
  inBothModes((mode) => {
    it(`reports settings left off or omitted (${mode})`, () => {
      const { p, bucket } = withBucket(mode);
      p.get(bucket.publicAccessBlock).inputs.restrictPublicBuckets = false;
      delete p.get(bucket.publicAccessBlock).inputs.blockPublicPolicy;
      assertViolatesOnly(evaluate(p), "s3-explicit-public-access-block", /^BucketPublicAccessBlock 'originals-public-access' for Bucket 'originals' leaves blockPublicPolicy, restrictPublicBuckets off or unknown\. Fix:/);
    });
  });

  it("reports a setting that is unknown during preview", () => {
    const { p, bucket } = withBucket("preview");
    p.get(bucket.publicAccessBlock).inputs.ignorePublicAcls = UNKNOWN_VALUE;
    assertViolatesOnly(evaluate(p), "s3-explicit-public-access-block", /leaves ignorePublicAcls off or unknown/);
  });
});

describe("s3-bucket-encryption", () => {
  inBothModes((mode) => {
    it(`fails a bucket without server-side encryption (${mode})`, () => {
      const { p } = withBucket(mode);
      p.remove(p.resources.find((resource) => resource.type === S3.encryption[0])!.urn);
      assertViolatesOnly(evaluate(p), "s3-bucket-encryption", /Bucket 'originals' declares no server-side encryption/);
    });
  });

  it("passes inline encryption on a BucketV2", () => {
    const { p, bucket } = withBucket("update");
    p.remove(p.resources.find((resource) => resource.type === S3.encryption[0])!.urn);
    const resource = p.get(bucket.bucket);
    resource.type = S3.buckets[1];
    resource.inputs.serverSideEncryptionConfigurations = [{ rules: [{ applyServerSideEncryptionByDefault: [{ sseAlgorithm: "aws:kms" }] }] }];
    assert.deepEqual(evaluate(p), []);
  });
});

describe("s3-bucket-versioning", () => {
  inBothModes((mode) => {
    it(`fails an originals bucket with versioning suspended (${mode})`, () => {
      const { p } = withBucket(mode);
      p.resources.find((resource) => resource.type === S3.versioning[0])!.inputs.versioningConfiguration = { status: "Suspended" };
      assertViolatesOnly(evaluate(p), "s3-bucket-versioning", /Bucket 'originals' holds originals but versioning is not enabled/);
    });
  });

  it("leaves buckets that do not hold originals alone, unless configured", () => {
    const { p } = withBucket("update", "logs");
    p.remove(p.resources.find((resource) => resource.type === S3.versioning[0])!.urn);
    assert.deepEqual(evaluate(p), []);
    assertViolatesOnly(evaluate(p, { "s3-bucket-versioning": { bucketNamePatterns: ["logs"] } }), "s3-bucket-versioning", /Bucket 'logs' holds originals/);
  });

  it("reports a versioning status that is unknown during preview", () => {
    const { p } = withBucket("preview");
    p.resources.find((resource) => resource.type === S3.versioning[0])!.inputs.versioningConfiguration = { status: UNKNOWN_VALUE };
    assertViolatesOnly(evaluate(p), "s3-bucket-versioning", /its versioning status is unknown during preview/);
  });
});

describe("S3 messages, exactly", () => {
  const FIX =
    "Fix: drop the public statements and grants, or limit each Allow to fixed principals or fixed aws:SourceArn/aws:SourceAccount/aws:SourceVpce values; " +
    "where a value is unknown during preview, build it from values known at preview (the bucket's name rather than its ARN) or keep blockPublicPolicy and restrictPublicBuckets on so S3 refuses a public policy.";
  const OFF = { blockPublicAcls: false, blockPublicPolicy: false, ignorePublicAcls: false, restrictPublicBuckets: false };
  const PUBLIC_READ =
    "allows bad actions (s3:Get*, s3:List*, s3:Put*, s3:Delete*, …) to a principal that is not fixed (a wildcard) and no fixed aws:SourceArn, aws:SourceAccount, aws:SourceVpc(e), aws:SourceIp or aws:PrincipalOrgID condition limits it";
  const EVERYONE = { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::acme-assets/*" };
  const ACLS_ON = "ACLs are enabled (Object Ownership is not BucketOwnerEnforced) and nothing turns on blockPublicAcls or ignorePublicAcls";
  const bucket = stackResource(S3.buckets[0], "assets", { bucket: "acme-assets" });
  const openBlock = stackResource(S3.publicAccessBlock, "assets-pab", { bucket: "acme-assets", ...OFF });
  const aclsOn = stackResource(S3.ownershipControls, "assets-ownership", { bucket: "acme-assets", rule: { objectOwnership: "ObjectWriter" } });
  const acl = (name: string, inputs: Record<string, unknown>) => stackResource(S3.acls[1], name, { bucket: "acme-assets", ...inputs });
  const grants = (...uris: unknown[]) => ({ accessControlPolicy: { grants: uris.map((uri) => ({ grantee: { uri }, permission: "READ" })) } });
  const policy = (name: string, bucketName: string, document: unknown, more: Partial<StackResource> = {}) =>
    stackResource(S3.policy, name, { bucket: bucketName, policy: document }, more);

  it("names each public or unknown ACL grant of a bucket whose ACLs are on", () => {
    const grantees = grants("http://acs.amazonaws.com/groups/global/AllUsers", UNKNOWN, "http://example.com/other");
    assert.deepEqual(reportsOf(noPublicBuckets, stackOf([bucket, openBlock, aclsOn, acl("assets-acl", grantees)])), [
      `Bucket 'assets' is or may be public: ACL grant 1 of BucketAclV2 'assets-acl' grants access to AllUsers, and ${ACLS_ON}; ` +
        `the grantee of ACL grant 2 of BucketAclV2 'assets-acl' is unknown during preview, and ${ACLS_ON}. ${FIX}`,
    ]);
    assert.deepEqual(reportsOf(noPublicBuckets, stackOf([bucket, openBlock, aclsOn, acl("assets-acl", grants("http://example.com/other"))])), []);
    assert.deepEqual(reportsOf(noPublicBuckets, stackOf([bucket, openBlock, aclsOn, acl("assets-acl", { acl: UNKNOWN, ...grants(UNKNOWN) })])), [
      `Bucket 'assets' is or may be public: the canned ACL of BucketAclV2 'assets-acl' is unknown; the grantee of ACL grant 1 of BucketAclV2 'assets-acl' is unknown during preview, and ${ACLS_ON}. ${FIX}`,
    ]);
  });

  it("names every public statement of a policy, and where an unknown one depends on", () => {
    const role = stackResource(IAM.role, "writer");
    const reader = stackResource(IAM.role, "reader");
    const policies = [policy("p1", "acme-assets", { Statement: [EVERYONE, { ...EVERYONE, Sid: "Two" }] }), policy("p2", "acme-assets", UNKNOWN, { propertyDependencies: { policy: [role.urn, reader.urn] } })];
    const refused = "nothing turns on blockPublicPolicy or restrictPublicBuckets";
    assert.deepEqual(reportsOf(noPublicBuckets, stackOf([bucket, openBlock, role, reader, ...policies])), [
      `Bucket 'assets' is or may be public: BucketPolicy 'p1': statement 1 ${PUBLIC_READ}; statement 'Two' ${PUBLIC_READ}, and ${refused}; ` +
        `BucketPolicy 'p2': the policy document is unknown during preview (it depends on Role 'writer', Role 'reader'), and ${refused}. ${FIX}`,
    ]);
    assert.deepEqual(reportsOf(noPublicBuckets, stackOf([bucket, openBlock, policy("p3", "acme-assets", UNKNOWN)])), [
      `Bucket 'assets' is or may be public: BucketPolicy 'p3': the policy document is unknown during preview, and ${refused}. ${FIX}`,
    ]);
  });

  it("reports a policy or ACL on a bucket outside the stack unless the account blocks it", () => {
    const outside = [policy("p", "other-bucket", { Statement: [EVERYONE] }), acl("a", { bucket: "other-bucket", acl: "public-read", ...grants(UNKNOWN) })];
    const preamble = "is on a bucket outside this stack, whose Block Public Access is unknown, and may make it public";
    const ACLS_UNKNOWN = "whether Object Ownership disables ACLs is unknown and whether blockPublicAcls or ignorePublicAcls is on is unknown";
    assert.deepEqual(reportsOf(noPublicBuckets, stackOf(outside)), [
      `BucketPolicy 'p' ${preamble}: BucketPolicy 'p': statement 1 ${PUBLIC_READ}, and whether blockPublicPolicy or restrictPublicBuckets is on is unknown. ${FIX}`,
      `BucketAclV2 'a' ${preamble}: BucketAclV2 'a' sets the canned ACL 'public-read', and ${ACLS_UNKNOWN}; the grantee of ACL grant 1 of BucketAclV2 'a' is unknown during preview, and ${ACLS_UNKNOWN}. ${FIX}`,
    ]);
    assert.deepEqual(reportsOf(noPublicBuckets, stackOf(outside.slice(0, 1)), { accountBlockPublicAccess: ["blockPublicPolicy"] }), []);
  });

  it("names block public access resources whose bucket it cannot trace", () => {
    const stray = stackResource(S3.publicAccessBlock, "stray", { bucket: UNKNOWN });
    const stray2 = stackResource(S3.publicAccessBlock, "stray-2", { bucket: UNKNOWN });
    const elsewhere = stackResource(S3.publicAccessBlock, "elsewhere", { bucket: "other" });
    assert.deepEqual(reportsOf(explicitPublicAccessBlock, stackOf([bucket, stray, elsewhere, stray2])), [
      "Bucket 'assets' relies on S3's default Block Public Access (BucketPublicAccessBlock 'stray', BucketPublicAccessBlock 'stray-2': bucket unknown during preview and not traceable to a bucket of this stack). " +
        "Fix: add an aws.s3.BucketPublicAccessBlock for it with blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets all true.",
    ]);
  });

  it("says when a bucket's inline encryption is unknown", () => {
    assert.deepEqual(reportsOf(bucketEncryption, stackOf([bucket])), [
      "Bucket 'assets' declares no server-side encryption. Fix: add an aws.s3.BucketServerSideEncryptionConfiguration for it.",
    ]);
    assert.deepEqual(reportsOf(bucketEncryption, stackOf([stackResource(S3.buckets[0], "assets", { serverSideEncryptionConfiguration: UNKNOWN })])), [
      "Bucket 'assets' declares no server-side encryption; its inline encryption configuration is unknown during preview. Fix: add an aws.s3.BucketServerSideEncryptionConfiguration for it.",
    ]);
  });

  it("wants versioning on buckets named like originals, inline or attached", () => {
    const named = (name: string, inputs: Record<string, unknown> = {}) => stackResource(S3.buckets[0], name, inputs);
    const versioning = (bucketResource: StackResource, config: Record<string, unknown> = {}) => reportsOf(bucketVersioning, stackOf([bucketResource]), config);
    const off = (name: string) => `Bucket '${name}' holds originals but versioning is not enabled. Fix: add an aws.s3.BucketVersioning with status 'Enabled'.`;
    assert.deepEqual(versioning(named("originals", { versioning: { enabled: true } })), []);
    assert.deepEqual(versioning(named("originals", { versionings: [{ enabled: true }] })), []);
    assert.deepEqual(versioning(named("originals", { versionings: UNKNOWN })), [
      "Bucket 'originals' holds originals but its versioning status is unknown during preview. Fix: add an aws.s3.BucketVersioning with status 'Enabled'.",
    ]);
    assert.deepEqual(versioning(named("originals")), [off("originals")]);
    assert.deepEqual(versioning(named("logs")), []);
    assert.deepEqual(versioning(named("masters"), { bucketNamePatterns: ["Originals", "MASTERS"] }), [off("masters")]);
  });
});
