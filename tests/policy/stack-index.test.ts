import assert from "node:assert/strict";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import { plainValue, stackFromArgs } from "../../policy/engine-adapter";
import { type ProviderView, type StackResource, UNKNOWN } from "../../policy/model";
import { identifiersOf, regionOf, sameRegion, StackIndex } from "../../policy/stack-index";
import { AWS_PROVIDER, stackResource } from "../support/rule-check";

const PROVIDER = AWS_PROVIDER;

/** A bucket-typed resource of the dev stack; `more` changes its type, provider or dependencies. */
function resource(name: string, inputs: Record<string, unknown> = {}, more: Partial<StackResource> = {}): StackResource {
  return stackResource("aws:s3/bucketV2:BucketV2", name, inputs, { provider: undefined, ...more });
}

describe("the stack index", () => {
  const bucket = resource("originals", { bucket: "acme-originals", arn: "arn:aws:s3:::acme-originals" });
  const policy = resource("policy", { bucket: UNKNOWN }, { type: "aws:s3/bucketPolicy:BucketPolicy", dependencies: [bucket.urn], propertyDependencies: { bucket: [bucket.urn, "urn:gone"] } });
  const named = resource("named-policy", { bucket: ["other", "acme-originals"] }, { type: "aws:s3/bucketPolicy:BucketPolicy" });
  const index = new StackIndex({ stack: "dev", resources: [bucket, policy, named], outputs: {} });

  it("finds resources by URN and by type", () => {
    assert.equal(index.resource(bucket.urn), bucket);
    assert.equal(index.resource("urn:gone"), undefined);
    assert.deepEqual(index.ofType(["aws:s3/bucketPolicy:BucketPolicy"], "aws:s3/bucketV2:BucketV2"), [bucket, policy, named]);
    assert.deepEqual(index.ofType("aws:s3/bucketPolicy:BucketPolicy"), [policy, named]);
  });

  it("follows a property's dependencies to the resources still in the stack", () => {
    assert.deepEqual(index.sources(policy, "bucket"), [bucket]);
    assert.deepEqual(index.sources(policy, "policy"), []);
  });

  it("sees a reference through a dependency or through a known identifier, and nothing else", () => {
    const identifiers = identifiersOf(bucket, ["bucket"]);
    assert.equal(index.refersTo(policy, "bucket", bucket, identifiers), true);
    assert.equal(index.refersTo(named, "bucket", bucket, identifiers), true);
    assert.equal(index.refersTo(named, "bucket", bucket, ["acme-logs"]), false);
    assert.equal(index.refersTo(policy, "policy", bucket, identifiers), false);
  });

  it("calls a property untraceable when it is unknown and comes from none of the candidate types", () => {
    assert.equal(index.untraceable(policy, "bucket", ["aws:s3/bucketV2:BucketV2"]), false);
    assert.equal(index.untraceable(policy, "bucket", ["aws:s3/bucket:Bucket"]), true);
    assert.equal(index.untraceable(named, "bucket", ["aws:s3/bucket:Bucket"]), false, "its value is known");
  });

  it("walks dependencies breadth first, each once, to the first match", () => {
    const a = resource("a", {}, { dependencies: ["urn:gone"] });
    const b = resource("b", {}, { dependencies: [a.urn] });
    const c = resource("c", {}, { dependencies: [b.urn, a.urn] });
    const top = resource("top", {}, { dependencies: [c.urn, c.urn, b.urn] });
    const chain = new StackIndex({ stack: "dev", resources: [a, b, c, top], outputs: {} });
    const visited: string[] = [];
    const found = chain.findUpstream(top, (candidate) => {
      visited.push(candidate.name);
      return candidate.name === "a";
    });
    assert.equal(found, a);
    assert.deepEqual(visited, ["c", "b", "a"]);
    assert.equal(chain.findUpstream(top, () => false), undefined);
    const x = resource("x", {}, { dependencies: [resource("y").urn] });
    const y = resource("y", {}, { dependencies: [x.urn] });
    assert.equal(new StackIndex({ stack: "dev", resources: [x, y], outputs: {} }).findUpstream(x, (candidate) => candidate.name === "x"), undefined, "a cycle does not lead back to the start");
  });

  it("names a resource by its known id, ARN and name properties", () => {
    assert.deepEqual(identifiersOf(resource("x", { id: "i", arn: "a", bucket: "b", name: UNKNOWN, other: "o" }), ["bucket", "name"]), ["i", "a", "b"]);
  });
});

describe("regions", () => {
  const on = (inputs: Record<string, unknown>, provider: ProviderView = PROVIDER) => resource("r", inputs, { provider });
  const withoutProvider = resource("r");

  it("takes a resource's own region, else its provider's, and says why it cannot", () => {
    assert.deepEqual(regionOf(on({ region: "us-east-1" })), { region: "us-east-1" });
    assert.deepEqual(regionOf(on({})), { region: "eu-west-1" });
    assert.deepEqual(regionOf(on({ region: UNKNOWN })), { unknownBecause: "the region of BucketV2 'r' is unknown" });
    assert.deepEqual(regionOf(withoutProvider), { unknownBecause: "BucketV2 'r' has no provider, so its region is unknown" });
    assert.deepEqual(regionOf(on({}, { ...PROVIDER, inputs: { region: UNKNOWN } })), { unknownBecause: "the region of BucketV2 'r''s provider is unknown" });
    assert.deepEqual(regionOf(on({}, { ...PROVIDER, inputs: {} })), {
      unknownBecause: "the region of BucketV2 'r''s provider is not set (it comes from the environment, such as AWS_REGION)",
    });
  });

  it("puts two resources on one provider in one region even when nobody knows which", () => {
    const unknownProvider = { ...PROVIDER, inputs: { region: UNKNOWN } };
    assert.deepEqual(sameRegion(on({}, unknownProvider), on({}, unknownProvider)), { same: true });
    assert.deepEqual(sameRegion(on({}, unknownProvider), on({}, { ...unknownProvider, urn: "other" })), { unknownBecause: "the region of BucketV2 'r''s provider is unknown" });
    assert.deepEqual(sameRegion(on({ region: "us-east-1" }, unknownProvider), on({}, unknownProvider)), { unknownBecause: "the region of BucketV2 'r''s provider is unknown" });
    assert.deepEqual(sameRegion(withoutProvider, withoutProvider), { unknownBecause: "BucketV2 'r' has no provider, so its region is unknown" });
    assert.deepEqual(sameRegion(on({ region: "us-east-1" }), on({})), { same: false });
    assert.deepEqual(sameRegion(on({ region: "eu-west-1" }), on({})), { same: true });
    assert.deepEqual(sameRegion(on({}), on({ region: UNKNOWN })), { unknownBecause: "the region of BucketV2 'r' is unknown" });
    assert.deepEqual(sameRegion(on({}), withoutProvider), { unknownBecause: "BucketV2 'r' has no provider, so its region is unknown" });
  });
});

describe("the engine's view as the model's", () => {
  it("copies values, turning the engine's unknown markers into UNKNOWN and class instances into {}", () => {
    class Asset {
      readonly path = "a.zip";
    }
    const bare = Object.assign(Object.create(null), { a: 1 });
    const value = { s: "x", n: 1, b: false, none: null, list: ["1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", , 2], nested: { asset: new Asset(), bare } };
    assert.deepEqual(plainValue(value), { s: "x", n: 1, b: false, none: null, list: [UNKNOWN, undefined, 2], nested: { asset: {}, bare: { a: 1 } } });
    assert.equal(plainValue(undefined), undefined);
  });

  it("reads the stack, its resources' dependencies and the root's outputs", () => {
    const root = { urn: "urn:pulumi:prod::rendorix::pulumi:pulumi:Stack::rendorix-prod", type: "pulumi:pulumi:Stack", name: "rendorix-prod", props: { url: "https://img" } };
    const bucket = { urn: "urn:pulumi:prod::rendorix::aws:s3/bucketV2:BucketV2::b", type: "aws:s3/bucketV2:BucketV2", name: "b", props: {} };
    const resources = [
      { ...bucket, dependencies: [], propertyDependencies: {} },
      { ...root, parent: undefined, dependencies: [bucket], propertyDependencies: { url: [bucket] } },
    ] as unknown as PolicyResource[];
    const view = stackFromArgs({ resources } as unknown as StackValidationArgs);
    assert.equal(view.stack, "prod");
    assert.deepEqual(view.outputs, { url: "https://img" });
    assert.deepEqual(view.resources[1].dependencies, [bucket.urn]);
    assert.deepEqual(view.resources[1].propertyDependencies, { url: [bucket.urn] });
    assert.deepEqual(stackFromArgs({ resources: [] } as unknown as StackValidationArgs), { stack: "", resources: [], outputs: {} });
    assert.deepEqual(stackFromArgs({ resources: resources.slice(0, 1) } as unknown as StackValidationArgs).outputs, {});
  });
});
