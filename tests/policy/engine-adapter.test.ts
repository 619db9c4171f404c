/**
 * The pack inside the real `@pulumi/policy` analyzer: requests built as the engine sends them (unknowns
 * as the engine's markers, secrets and all), served by the SDK's own analyze functions. A rule that
 * read an unknown through the SDK's proxy would come back as an advisory "can't run policy"; these
 * tests show the pack's mandatory policies stay mandatory and report what was unknown instead.
 */
import assert from "node:assert/strict";
import type { StackValidationPolicy } from "@pulumi/policy";
import { evaluatePolicyPack } from "../../check/evaluate";
import { UNKNOWN_VALUE } from "../../check/model";
import { LAMBDA, S3 } from "../../policy/resource-types";
import { ProgramBuilder } from "../support/captured";
import { analyzeLikeTheEngine } from "../support/engine-analyzer";
import { addCompliantService } from "../support/policy-fixtures";

/** The engine's marker for an unknown boolean, one of the typed markers the adapter must also recognise. */
const ENGINE_UNKNOWN_BOOLEAN = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7";

/** A preview whose logs bucket lets public policies through and whose policy document is unknown as a whole. */
function previewWithOpenBucket(): { p: ProgramBuilder; bucket: string } {
  const p = new ProgramBuilder("preview");
  const service = addCompliantService(p);
  Object.assign(p.get(service.logs.publicAccessBlock).inputs, { blockPublicPolicy: false, restrictPublicBuckets: false });
  p.get(service.logs.policy).inputs.policy = UNKNOWN_VALUE;
  return { p, bucket: service.logs.bucket };
}

describe("the pack in the @pulumi/policy analyzer", () => {
  it("shows the hazard: a policy reading an unknown through the SDK's proxy is downgraded to advisory", async () => {
    const naive: StackValidationPolicy = {
      name: "naive-public-access-block",
      description: "reads the bucket of every public access block",
      enforcementLevel: "mandatory",
      validateStack: (args, report) => {
        for (const resource of args.resources) if (resource.type === S3.publicAccessBlock && resource.props.bucket !== "x") report("unexpected bucket");
      },
    };
    const { p } = previewWithOpenBucket();
    const [diagnostic] = await analyzeLikeTheEngine(p.build(), [naive]);
    assert.equal(diagnostic.level, "advisory");
    assert.match(diagnostic.message, /can't run policy 'naive-public-access-block' .* during preview/);
  });

  it("keeps no-public-buckets mandatory in preview and names the bucket whose name is unknown", async () => {
    const { p, bucket } = previewWithOpenBucket();
    const found = await analyzeLikeTheEngine(p.build());
    assert.ok(found.every((diagnostic) => !diagnostic.message.includes("can't run")), found.map((diagnostic) => diagnostic.message).join("\n"));
    const violation = found.find((diagnostic) => diagnostic.policy === "no-public-buckets");
    assert.deepEqual(violation && { level: violation.level, urn: violation.urn }, { level: "mandatory", urn: bucket });
    assert.match(violation!.message, /Bucket 'logs' is or may be public: BucketPolicy 'logs-policy': the policy document is unknown during preview/);
  });

  it("reports the same policies on the same resources as the offline check, except outputs it cannot trace", async () => {
    const p = new ProgramBuilder("preview");
    const service = addCompliantService(p);
    p.get(service.originals.publicAccessBlock).inputs.blockPublicAcls = ENGINE_UNKNOWN_BOOLEAN;
    // Rotated by a function from outside the stack, as far as a preview can tell.
    p.get(service.keyring.rotation).inputs.rotationLambdaArn = UNKNOWN_VALUE;
    p.get(service.keyring.rotation).propertyDependencies.rotationLambdaArn = [];
    p.remove(service.image.throttlesAlarm);
    p.add(LAMBDA.functionUrl, "debug-url", { functionName: UNKNOWN_VALUE, authorizationType: "NONE" }, { from: { functionName: [service.image.fn] } });

    const engine = await analyzeLikeTheEngine(p.build());
    const untraced = engine.filter((diagnostic) => /Stack output '.*' is unknown during preview and the engine does not say/.test(diagnostic.message));
    // No key is an input or output of any resource when a rotation function generates them, so an
    // output the engine cannot trace has no key material to carry.
    assert.deepEqual(untraced, [], "unknown outputs of a stack without key material pass");

    const key = (violation: { policy: string; level: string; urn: string }) => `${violation.level} ${violation.policy} ${violation.urn}`;
    const offline = evaluatePolicyPack(p.build()).map(key).sort();
    assert.deepEqual(engine.map(key).sort(), offline);
    assert.deepEqual(offline, [
      `advisory lambda-function-url-iam-auth urn:pulumi:dev::rendorix::${LAMBDA.functionUrl}::debug-url`,
      "advisory s3-explicit-public-access-block urn:pulumi:dev::rendorix::aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::originals-public-access",
      "mandatory no-shared-hmac-secrets urn:pulumi:dev::rendorix::aws:secretsmanager/secretRotation:SecretRotation::keyring-rotation",
      "mandatory required-alarms urn:pulumi:dev::rendorix::aws:lambda/function:Function::image",
    ]);
  });
});
