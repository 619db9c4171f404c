import { strict as assert } from "node:assert";
import * as aws from "@pulumi/aws";
import type { CapturedProgram, CapturedResource } from "../../check/model";
import { captureInline } from "../support/program";

function named(program: CapturedProgram, name: string): CapturedResource {
  const found = program.resources.find((resource) => resource.name === name);
  if (!found) throw new Error(`no resource ${name}`);
  return found;
}

describe("the capture's resource options", () => {
  let program: CapturedProgram;
  before(async () => {
    program = await captureInline(() => {
      const usEast1 = new aws.Provider("us-east-1", { region: "us-east-1" });
      const kept = new aws.s3.Bucket("kept", {}, { protect: true, retainOnDelete: true });
      new aws.s3.BucketPolicy(
        "policy",
        { bucket: kept.id, policy: "{}" },
        { deleteBeforeReplace: true, replaceOnChanges: ["policy"], ignoreChanges: ["bucket"], deletedWith: kept, aliases: [{ name: "old-policy" }] },
      );
      new aws.sns.Topic("plain", {}, { provider: usEast1 });
    });
  });

  it("records each option a program sets, as the engine receives it", () => {
    const kept = named(program, "kept");
    assert.deepEqual([kept.protect, kept.retainOnDelete], [true, true]);
    const policy = named(program, "policy");
    assert.equal(policy.deleteBeforeReplace, true);
    assert.deepEqual(policy.replaceOnChanges, ["policy"]);
    assert.deepEqual(policy.ignoreChanges, ["bucket"]);
    assert.equal(policy.deletedWith, kept.urn);
    const stack = program.resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
    assert.deepEqual(policy.aliases, [{ name: "old-policy", parentUrn: stack?.urn }], "the SDK fills in the unchanged parent");
  });

  it("records unset options as the engine's defaults, and the provider a resource was given", () => {
    const plain = named(program, "plain");
    assert.deepEqual([plain.protect, plain.retainOnDelete, plain.deleteBeforeReplace, plain.replaceOnChanges, plain.deletedWith], [false, false, undefined, [], undefined]);
    assert.ok(plain.provider?.startsWith(`${named(program, "us-east-1").urn}::`));
  });
});
