import { strict as assert } from "node:assert";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Keyring } from "../../core/keyring";
import { folderOriginals } from "../../image-fn/originals";
import { type LocalEdge, type LocalEdgeOptions, startLocalEdge } from "../../local/server";
import { type CheckResult, DEFAULT_PROBE_KEY, runSmokeChecks } from "../../tools/smoke";
import { FIXTURES } from "../support/bad-originals";
import { type Finished, runProcess, stopProcesses } from "../support/processes";
import { vectors } from "../support/vectors";

const ROOT = join(__dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");
const KEYRING_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rendorix/dev/url-signing-keyring-AbCdEf";
const CHECKS = ["signed URL", "repeat is a cache hit", "missing signature", "expired", "unknown preset", "wrong key id"];

/** Answers Secrets Manager's GetSecretValue (JSON 1.1) with `keyring`, recording each request. */
async function startSecretsManager(keyring: Keyring): Promise<{ endpoint: string; requests: { target: string; secretId: string }[]; server: Server }> {
  const requests: { target: string; secretId: string }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      requests.push({ target: String(req.headers["x-amz-target"]), secretId: JSON.parse(body).SecretId });
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify({ ARN: KEYRING_ARN, Name: "rendorix/dev/url-signing-keyring", SecretString: JSON.stringify(keyring) }));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, server };
}

/** `npm run smoke` as the deploy runs it, against an edge served from this process. */
function runSmokeCommand(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Finished> {
  return runProcess(TSX, ["tools/smoke.ts", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
}

function failedChecks(results: CheckResult[]): string[] {
  return results.filter((result) => !result.passed).map((result) => result.check);
}

describe("smoke test against the local edge", function () {
  const keyring: Keyring = vectors.keyring;
  let dir: string;
  let keyringFile: string;
  const edges: LocalEdge[] = [];

  async function edge(options: Partial<LocalEdgeOptions> = {}): Promise<LocalEdge> {
    const started = await startLocalEdge({ port: 0, originals: folderOriginals(dir), keyring, ...options });
    edges.push(started);
    return started;
  }

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "rendorix-smoke-"));
    mkdirSync(join(dir, "smoke"));
    // What the deploy uploads before the smoke test: samples/coffee.png as smoke/probe.png.
    copyFileSync(join(FIXTURES, "coffee.png"), join(dir, DEFAULT_PROBE_KEY));
    keyringFile = join(dir, "keyring.json");
    writeFileSync(keyringFile, JSON.stringify(keyring));
  });

  afterEach(stopProcesses);
  after(async () => {
    await Promise.all(edges.map((started) => started.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it("passes every check against a healthy edge", async () => {
    const { url } = await edge();
    const results = await runSmokeChecks({ baseUrl: url, keyring, key: DEFAULT_PROBE_KEY });
    assert.deepEqual(results.map((result) => result.check), CHECKS);
    assert.deepEqual(failedChecks(results), [], JSON.stringify(results, null, 2));
    assert.match(results[0].actual, /^200 image\/webp Miss \d+ B$/);
  });

  it("as a command: reads the keyring from the stack's secret, prints the table and exits 0", async () => {
    const { url } = await edge();
    const secrets = await startSecretsManager(keyring);
    try {
      const { code, stdout, stderr } = await runSmokeCommand(["--base-url", url, "--keyring-secret", KEYRING_ARN], {
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
        AWS_ACCESS_KEY_ID: "test",
        AWS_SECRET_ACCESS_KEY: "test",
      });
      assert.equal(code, 0, stdout + stderr);
      assert.deepEqual(secrets.requests, [{ target: "secretsmanager.GetSecretValue", secretId: KEYRING_ARN }]);
      for (const check of CHECKS) assert.match(stdout, new RegExp(`^${check} .* PASS$`, "m"));
      assert.match(stdout, /all 6 checks passed/);
    } finally {
      secrets.server.close();
    }
  });

  it("fails the signed URL when the edge holds another keyring, and the command exits 1", async () => {
    const foreign: Keyring = { active: "k9", keys: { k9: randomBytes(32).toString("base64") } };
    const { url } = await edge({ keyring: foreign });
    const results = await runSmokeChecks({ baseUrl: url, keyring, key: DEFAULT_PROBE_KEY });
    assert.deepEqual(failedChecks(results), ["signed URL", "repeat is a cache hit", "expired"]);
    assert.equal(results[0].actual, "403 unknown-key-id");

    const { code, stdout } = await runSmokeCommand(["--base-url", url, "--keyring", keyringFile]);
    assert.equal(code, 1);
    assert.match(stdout, /^signed URL .* FAIL$/m);
    assert.match(stdout, /3 of 6 checks failed/);
  });

  it("fails the repeat when the edge's cache never keeps an object", async () => {
    const { url } = await edge({ cacheBytes: 0 });
    const results = await runSmokeChecks({ baseUrl: url, keyring, key: DEFAULT_PROBE_KEY });
    assert.deepEqual(failedChecks(results), ["repeat is a cache hit"]);
    assert.equal(results[1].actual, "200 X-Cache: Miss");
  });

  it("fails the expired check when the edge's clock lags a day behind", async () => {
    const { url } = await edge({ nowSeconds: () => Math.floor(Date.now() / 1000) - 86400 });
    const results = await runSmokeChecks({ baseUrl: url, keyring, key: DEFAULT_PROBE_KEY });
    assert.deepEqual(failedChecks(results), ["expired"]);
  });

  it("fails the signed URL when the probe original is missing", async () => {
    const { url } = await edge();
    const results = await runSmokeChecks({ baseUrl: url, keyring, key: "smoke/absent.png" });
    assert.deepEqual(failedChecks(results), ["signed URL", "repeat is a cache hit"]);
    assert.equal(results[0].actual, "404 not-found Miss");
  });

  it("fails every check, without throwing, when nothing answers", async () => {
    const { url, close } = await edge();
    await close();
    edges.pop();
    const results = await runSmokeChecks({ baseUrl: url, keyring, key: DEFAULT_PROBE_KEY });
    assert.deepEqual(failedChecks(results), CHECKS);
    assert.match(results[0].actual, /^request failed: /);
  });

  it("as a command: refuses both keyring sources at once", async () => {
    const { code, stderr } = await runSmokeCommand(["--base-url", "http://127.0.0.1:9", "--keyring", keyringFile, "--keyring-secret", KEYRING_ARN]);
    assert.equal(code, 2);
    assert.match(stderr, /give either --keyring or --keyring-secret/);
  });
});
