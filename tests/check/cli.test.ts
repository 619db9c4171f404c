import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { join } from "node:path";
import { promisify } from "node:util";
import { ensureLambdaBundles, PROJECT_DIR } from "../support/program";

async function check(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, ["--import", "tsx", "check/cli.ts", ...args], { cwd: PROJECT_DIR });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("npm run check", function () {
  this.timeout(120_000);
  before(ensureLambdaBundles);

  it("prints the resources of both modes and passes our dev stack", async () => {
    const result = await check("--stack", "dev");
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /rendorix\/dev \(preview\): \d+ resources/);
    assert.match(result.stdout, /rendorix\/dev \(update\): \d+ resources/);
    assert.match(result.stdout, /PASS: 0 mandatory violation\(s\) for stack dev/);
  });

  it("exits 1 with a violation table for another team's program with a mistake", async () => {
    const result = await check("--stack", "dev", "--program", join("tests/fixtures/programs/bucket-public-read-acl/index.ts"));
    assert.equal(result.code, 1);
    assert.match(result.stdout, /policy\s+level\s+resource\s+message/);
    assert.match(result.stdout, /no-public-buckets\s+mandatory\s+aws:s3\/bucket:Bucket::assets/);
  });

  it("answers in JSON and honours a policy pack config that lowers a policy", async () => {
    const result = await check(
      "--stack", "dev", "--json", "--mode", "preview",
      "--program", "tests/fixtures/programs/bucket-public-read-acl/index.ts",
      "--policy-config", "tests/fixtures/policy-config/advisory-public-buckets.json",
    );
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout);
    assert.equal(report.mandatoryViolations, 0);
    assert.deepEqual(report.results.map((mode: { mode: string }) => mode.mode), ["preview"]);
    assert.equal(report.results[0].violations[0].level, "advisory");
  });

  it("names a missing stack file and shows usage", async () => {
    const result = await check("--stack", "staging");
    assert.equal(result.code, 2);
    assert.match(result.stderr, /No stack file .*Pulumi\.staging\.yaml/);
    assert.match(result.stderr, /usage: rendorix-check --stack/);
  });
});
