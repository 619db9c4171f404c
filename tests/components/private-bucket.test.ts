import { strict as assert } from "node:assert";
import { join } from "node:path";
import type { CapturedProgram, CapturedResource } from "../../check/model";
import { UNKNOWN_VALUE } from "../../check/model";
import { captureStack, dependsThrough, resourcesOfType } from "../support/program";

const PROGRAM = join(__dirname, "../fixtures/programs/private-buckets/index.ts");

/** The children of the bucket named `name`, by type. */
function childrenOf(program: CapturedProgram, name: string): Record<string, CapturedResource[]> {
  const [bucket] = resourcesOfType(program, "aws:s3/bucket:Bucket").filter((resource) => resource.name === `${name}-bucket`);
  const byType: Record<string, CapturedResource[]> = {};
  for (const resource of program.resources.filter((candidate) => dependsThrough(candidate, "bucket", bucket))) {
    (byType[resource.type.split(":").pop()!] ??= []).push(resource);
  }
  return { Bucket: [bucket], ...byType };
}

describe("PrivateBucket", function () {
  this.timeout(120_000);
  let preview: CapturedProgram;
  before(async () => {
    preview = await captureStack("dev", "preview", PROGRAM);
  });

  it("by default: all four public-access blocks, ACLs disabled, SSE-S3, TLS only, no versioning or lifecycle", () => {
    const plain = childrenOf(preview, "plain");
    assert.deepEqual(Object.keys(plain).sort(), ["Bucket", "BucketOwnershipControls", "BucketPolicy", "BucketPublicAccessBlock", "BucketServerSideEncryptionConfiguration"]);
    const block = plain.BucketPublicAccessBlock[0].inputs;
    assert.deepEqual([block.blockPublicAcls, block.blockPublicPolicy, block.ignorePublicAcls, block.restrictPublicBuckets], [true, true, true, true]);
    assert.deepEqual(plain.BucketOwnershipControls[0].inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
    assert.deepEqual(plain.BucketServerSideEncryptionConfiguration[0].inputs.rules, [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    const statements = JSON.parse(String(plain.BucketPolicy[0].inputs.policy)).Statement;
    assert.deepEqual(statements.map((statement: { Sid: string }) => statement.Sid), ["DenyInsecureTransport"]);
    assert.equal(plain.Bucket[0].inputs.forceDestroy, undefined);
  });

  it("builds its policy from the bucket's name, so the document is known in a preview", () => {
    const [policy] = childrenOf(preview, "archive").BucketPolicy;
    assert.ok(!String(policy.inputs.policy).includes(UNKNOWN_VALUE));
    const [deny, extra] = JSON.parse(String(policy.inputs.policy)).Statement;
    assert.deepEqual(deny.Resource, ["arn:aws:s3:::team-archive-123", "arn:aws:s3:::team-archive-123/*"]);
    assert.deepEqual(extra, { Sid: "ReadFromOrg", Effect: "Allow", Principal: { AWS: "arn:aws:iam::123456789012:root" }, Action: "s3:GetObject", Resource: "arn:aws:s3:::team-archive-123/*" });
  });

  it("applies every argument: name, KMS key with a bucket key, versioning, lifecycle, tags and transforms", () => {
    const archive = childrenOf(preview, "archive");
    const [bucket] = archive.Bucket;
    assert.equal(bucket.inputs.bucket, "team-archive-123");
    assert.deepEqual(bucket.inputs.tags, { team: "archive" });
    assert.equal(bucket.inputs.objectLockEnabled, true, "a transform given as properties");
    const [encryption] = archive.BucketServerSideEncryptionConfiguration;
    const [rule] = encryption.inputs.rules as { applyServerSideEncryptionByDefault: Record<string, unknown>; bucketKeyEnabled: boolean }[];
    assert.equal(rule.applyServerSideEncryptionByDefault.sseAlgorithm, "aws:kms");
    assert.equal(rule.bucketKeyEnabled, true);
    assert.ok(dependsThrough(encryption, "rules", resourcesOfType(preview, "aws:kms/key:Key")[0]));
    assert.deepEqual(archive.BucketVersioning[0].inputs.versioningConfiguration, { status: "Enabled" });
    const [lifecycle] = archive.BucketLifecycleConfiguration;
    assert.deepEqual((lifecycle.inputs.rules as { id: string }[]).map((rule) => rule.id), ["expire-old"]);
    assert.deepEqual(lifecycle.ignoreChanges, ["rules"], "a transform given as a function");
  });
});
