import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../check/model";
import { CLOUDFRONT, PULUMI, S3 } from "../../policy/resource-types";
import { assertViolatesOnly, evaluate, inBothModes, ProgramBuilder } from "../support/captured";
import { ACCOUNT, addPrivateBucket, PrivateBucket } from "../support/policy-fixtures";

function withBucket(mode: "update" | "preview", name = "originals"): { p: ProgramBuilder; bucket: PrivateBucket } {
  const p = new ProgramBuilder(mode);
  return { p, bucket: addPrivateBucket(p, name) };
}

function publicReadStatement(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Sid: "PublicRead", Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3:::originals-7f3a9c1/*", ...extra };
}

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

      it("passes Principal * limited by AWS:SourceArn to a CloudFront distribution", () => {
        const { p, bucket } = withBucket(mode);
        const distribution = p.add(CLOUDFRONT.distribution, "edge", {});
        const policy = p.get(bucket.policy);
        const sourceArn = p.computed(`arn:aws:cloudfront::${ACCOUNT}:distribution/E2QWRUHAPOMQZL`);
        (policy.inputs.policy as { Statement: unknown[] }).Statement.push(publicReadStatement({ Condition: { StringEquals: { "AWS:SourceArn": sourceArn } } }));
        policy.propertyDependencies.policy.push(distribution);
        assert.deepEqual(evaluate(p, { all: "disabled", "no-public-buckets": "mandatory" }), []);
      });

      it("fails a bucket that has no public access block", () => {
        const { p, bucket } = withBucket(mode);
        p.remove(bucket.publicAccessBlock);
        assertViolatesOnly(evaluate(p), "no-public-buckets", /Bucket 'originals' has no public access block/);
      });

      it("fails a public access block that leaves restrictPublicBuckets false", () => {
        const { p, bucket } = withBucket(mode);
        p.get(bucket.publicAccessBlock).inputs.restrictPublicBuckets = false;
        assertViolatesOnly(evaluate(p), "no-public-buckets", /leaves restrictPublicBuckets off/);
      });

      it("fails a public access block that omits blockPublicPolicy", () => {
        const { p, bucket } = withBucket(mode);
        delete p.get(bucket.publicAccessBlock).inputs.blockPublicPolicy;
        assertViolatesOnly(evaluate(p), "no-public-buckets", /leaves blockPublicPolicy off/);
      });

      it("fails the second bucket when the only public access block belongs to the first", () => {
        const p = new ProgramBuilder(mode);
        addPrivateBucket(p, "originals");
        const logs = addPrivateBucket(p, "logs");
        p.remove(logs.publicAccessBlock);
        const violations = evaluate(p);
        assertViolatesOnly(violations, "no-public-buckets", /Bucket 'logs' has no public access block/);
        assert.equal(violations.length, 1);
      });

      it("fails a bucket with the public-read canned ACL", () => {
        const { p, bucket } = withBucket(mode);
        p.get(bucket.bucket).inputs.acl = "public-read";
        assertViolatesOnly(evaluate(p), "no-public-buckets", /canned ACL 'public-read'/);
      });

      it("fails a bucket with an inline grant to AllUsers", () => {
        const { p, bucket } = withBucket(mode);
        p.get(bucket.bucket).inputs.grants = [{ type: "Group", uri: "http://acs.amazonaws.com/groups/global/AllUsers", permissions: ["READ"] }];
        assertViolatesOnly(evaluate(p), "no-public-buckets", /grants access to AllUsers/);
      });

      it("fails a BucketAclV2 with public-read-write", () => {
        const { p, bucket } = withBucket(mode);
        p.add(S3.acls[1], "originals-acl", { bucket: p.computed("originals-7f3a9c1"), acl: "public-read-write" }, { from: { bucket: [bucket.bucket] } });
        assertViolatesOnly(evaluate(p), "no-public-buckets", /BucketAclV2 'originals-acl' may be public: its canned ACL 'public-read-write'/);
      });

      it("fails a BucketAcl granting AuthenticatedUsers", () => {
        const { p, bucket } = withBucket(mode);
        const grant = { grantee: { type: "Group", uri: "http://acs.amazonaws.com/groups/global/AuthenticatedUsers" }, permission: "READ" };
        p.add(S3.acls[0], "originals-acl", { bucket: p.computed("originals-7f3a9c1"), accessControlPolicy: { owner: { id: "owner" }, grants: [grant] } }, { from: { bucket: [bucket.bucket] } });
        assertViolatesOnly(evaluate(p), "no-public-buckets", /grants access to AuthenticatedUsers/);
      });

      it('fails a bucket policy statement that allows Principal "*"', () => {
        const { p, bucket } = withBucket(mode);
        (p.get(bucket.policy).inputs.policy as { Statement: unknown[] }).Statement.push(publicReadStatement());
        assertViolatesOnly(evaluate(p), "no-public-buckets", /statement 'PublicRead' allows Principal "\*" without an AWS:SourceArn condition/);
      });

      it('fails {"AWS": "*"} in a policy given as a JSON string', () => {
        const p = new ProgramBuilder(mode);
        const bucket = p.add(S3.buckets[0], "assets", { bucket: "assets-example" });
        p.add(S3.publicAccessBlock, "assets-pab", { bucket: "assets-example", blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
        p.add(S3.encryption[0], "assets-sse", { bucket: "assets-example", rules: [] });
        const document = { Version: "2012-10-17", Statement: [publicReadStatement({ Principal: { AWS: "*" } })] };
        p.add(S3.policy, "assets-policy", { bucket: "assets-example", policy: JSON.stringify(document) }, { dependsOn: [bucket] });
        assertViolatesOnly(evaluate(p), "no-public-buckets", /BucketPolicy 'assets-policy' may be public: statement 'PublicRead' allows Principal "\*"/);
      });

      it("fails an Allow statement with NotPrincipal", () => {
        const { p, bucket } = withBucket(mode);
        const statement = publicReadStatement({ NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:root` } });
        delete statement.Principal;
        (p.get(bucket.policy).inputs.policy as { Statement: unknown[] }).Statement.push(statement);
        assertViolatesOnly(evaluate(p), "no-public-buckets", /allows everyone outside its NotPrincipal/);
      });

      it("fails Principal * whose AWS:SourceArn is not a CloudFront distribution", () => {
        const { p, bucket } = withBucket(mode);
        const statement = publicReadStatement({ Condition: { ArnLike: { "aws:SourceArn": "arn:aws:s3:::some-other-bucket" } } });
        (p.get(bucket.policy).inputs.policy as { Statement: unknown[] }).Statement.push(statement);
        assertViolatesOnly(evaluate(p), "no-public-buckets", /without an AWS:SourceArn condition limiting it to a CloudFront distribution/);
      });

      it("fails a website configuration resource", () => {
        const { p, bucket } = withBucket(mode);
        p.add(S3.websites[0], "originals-website", { bucket: p.computed("originals-7f3a9c1"), indexDocument: { suffix: "index.html" } }, { from: { bucket: [bucket.bucket] } });
        assertViolatesOnly(evaluate(p), "no-public-buckets", /turns on S3 website hosting/);
      });

      it("fails inline website hosting on the bucket", () => {
        const { p, bucket } = withBucket(mode);
        p.get(bucket.bucket).inputs.website = { indexDocument: "index.html" };
        assertViolatesOnly(evaluate(p), "no-public-buckets", /website hosting configuration/);
      });
    });
  });

  describe("in preview, where values are unknown", () => {
    it("matches a public access block whose bucket is unknown through its dependencies", () => {
      const { p, bucket } = withBucket("preview");
      assert.equal(p.get(bucket.publicAccessBlock).inputs.bucket, UNKNOWN_VALUE);
      assert.deepEqual(evaluate(p), []);
    });

    it("reports a setting of the public access block that is unknown", () => {
      const { p, bucket } = withBucket("preview");
      p.get(bucket.publicAccessBlock).inputs.ignorePublicAcls = UNKNOWN_VALUE;
      assertViolatesOnly(evaluate(p), "no-public-buckets", /ignorePublicAcls unknown during preview, so cannot be shown true/);
    });

    it("reports a bucket policy whose whole document is unknown, naming what it depends on", () => {
      const { p, bucket } = withBucket("preview");
      p.get(bucket.policy).inputs.policy = UNKNOWN_VALUE;
      assertViolatesOnly(evaluate(p), "no-public-buckets", /the policy document is unknown during preview \(it depends on Bucket 'originals'\)/);
    });

    it("reports Principal * whose AWS:SourceArn is unknown and not traceable to a distribution", () => {
      const { p, bucket } = withBucket("preview");
      const statement = publicReadStatement({ Condition: { StringEquals: { "AWS:SourceArn": UNKNOWN_VALUE } } });
      (p.get(bucket.policy).inputs.policy as { Statement: unknown[] }).Statement.push(statement);
      assertViolatesOnly(evaluate(p), "no-public-buckets", /AWS:SourceArn condition is unknown during preview and not traceable/);
    });

    it("reports an unknown canned ACL", () => {
      const { p, bucket } = withBucket("preview");
      p.get(bucket.bucket).inputs.acl = UNKNOWN_VALUE;
      assertViolatesOnly(evaluate(p), "no-public-buckets", /its canned ACL \(`acl`\) is unknown during preview/);
    });

    it("does not credit a public access block whose unknown bucket comes from a stack reference", () => {
      const { p, bucket } = withBucket("preview");
      const reference = p.add(PULUMI.stackReference, "shared", { name: "acme/shared/prod" });
      const block = p.get(bucket.publicAccessBlock);
      block.propertyDependencies.bucket = [reference];
      block.dependencies = [reference];
      assertViolatesOnly(evaluate(p), "no-public-buckets", /has no public access block \(BucketPublicAccessBlock 'originals-public-access': bucket unknown during preview and not traceable/);
    });
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
