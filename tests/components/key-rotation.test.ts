import { strict as assert } from "node:assert";
import { join } from "node:path";
import type { CapturedProgram } from "../../check/model";
import { defaultKeyRotationFunctionCode } from "../../components/key-rotation";
import { captureStack, dependsThrough, onlyResourceOfType, PROJECT_DIR, resourcesOfType } from "../support/program";

const PROGRAM = join(PROJECT_DIR, "tests/fixtures/programs/edge-with-key-rotation/index.ts");
const KMS_KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

function capture(config: Record<string, string> = {}, mode: "preview" | "update" = "update"): Promise<CapturedProgram> {
  return captureStack("dev", mode, PROGRAM, config);
}

describe("ImageEdge with rotation-managed keys", function () {
  this.timeout(120_000);
  let program: CapturedProgram;

  before(async () => {
    program = await capture({ "fixture:keyRotationDays": "7" });
  });

  it("rotates every keyRotationDays, and once at creation, with the team's own rotation function", () => {
    const rotation = onlyResourceOfType(program, "aws:secretsmanager/secretRotation:SecretRotation");
    assert.deepEqual(rotation.inputs.rotationRules, { automaticallyAfterDays: 7 });
    assert.equal(rotation.inputs.rotateImmediately, true);
    const fn = resourcesOfType(program, "aws:lambda/function:Function").find((candidate) => candidate.name === "team-images-key-rotation-function")!;
    assert.ok(dependsThrough(rotation, "rotationLambdaArn", fn));
    assert.equal(fn.inputs.memorySize, 512, "the transform reaches the rotation function");
    // The team's archive (built inline here), not the bundle the package ships.
    assert.match(JSON.stringify(fn.inputs.code), /\(inline\)/);
    assert.doesNotMatch(JSON.stringify(fn.inputs.code), /key-rotation-fn\.zip/);
  });

  it("rotates every 30 days when keyRotationDays is not given", async () => {
    const rotation = onlyResourceOfType(await capture(), "aws:secretsmanager/secretRotation:SecretRotation");
    assert.deepEqual(rotation.inputs.rotationRules, { automaticallyAfterDays: 30 });
  });

  it("lets the rotation role decrypt and encrypt with the edge's KMS key, which encrypts the keyring", () => {
    const policy = resourcesOfType(program, "aws:iam/rolePolicy:RolePolicy").find((candidate) => candidate.name === "team-images-key-rotation-function-policy")!;
    const statements = (policy.inputs.policy as { Statement: { Sid: string; Action: string[]; Resource: string }[] }).Statement;
    assert.deepEqual(statements.find((statement) => statement.Sid === "EncryptWithStackKey"), {
      Sid: "EncryptWithStackKey",
      Effect: "Allow",
      Action: ["kms:Decrypt", "kms:GenerateDataKey"],
      Resource: KMS_KEY,
    });
    assert.equal(onlyResourceOfType(program, "aws:secretsmanager/secret:Secret").inputs.kmsKeyId, KMS_KEY);
  });

  it("creates no key, no secret value and no KeyValueStore entry: the rotation function writes them inside AWS", () => {
    for (const type of ["random:index/randomBytes:RandomBytes", "aws:secretsmanager/secretVersion:SecretVersion", "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey"]) {
      assert.deepEqual(resourcesOfType(program, type), [], type);
    }
  });

  it("keeps keys in state, with no rotation, when signingKeys are given", async () => {
    const inState = await capture({ "fixture:signingKeys": '["t1"]' });
    assert.deepEqual(resourcesOfType(inState, "aws:secretsmanager/secretRotation:SecretRotation"), []);
    assert.equal(resourcesOfType(inState, "random:index/randomBytes:RandomBytes").length, 1);
  });

  const wrong: [string, Record<string, string>, RegExp][] = [
    ["zero days", { "fixture:keyRotationDays": "0" }, /keyRotationDays 0 must be a whole number of days from 1 to 1000 \(Secrets Manager's rotation interval\)/],
    ["more days than Secrets Manager accepts", { "fixture:keyRotationDays": "1001" }, /keyRotationDays 1001 must be a whole number of days from 1 to 1000/],
    ["a fraction of a day", { "fixture:keyRotationDays": "2.5" }, /keyRotationDays 2\.5 must be a whole number of days from 1 to 1000/],
    ["a period with keys in state", { "fixture:keyRotationDays": "7", "fixture:signingKeys": '["t1"]' }, /keyRotationDays applies to rotation-managed keys only: leave signingKeys unset/],
  ];
  for (const [what, config, message] of wrong) {
    it(`names keyRotationDays and the accepted values for ${what}`, async () => {
      await assert.rejects(capture(config, "preview"), message);
    });
  }

  it("says to run npm run build when the rotation bundle is missing", () => {
    assert.throws(() => defaultKeyRotationFunctionCode(join(PROJECT_DIR, "no-such-package")), /key-rotation-fn\.zip is missing: run `npm run build` first/);
  });
});
