import { strict as assert } from "node:assert";
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import sharp from "sharp";
import { FIXTURES } from "../support/bad-originals";
import { rawRequest } from "../support/http";
import { printedSampleUrl, runProcess, startProcess, stopProcesses } from "../support/processes";
import { type LocalS3, startLocalS3 } from "../support/s3";
import { vectors } from "../support/vectors";

const ROOT = join(__dirname, "../..");
const TSX = join(ROOT, "node_modules/.bin/tsx");

/**
 * Starts `npm start`'s command (`node --import tsx`, not the tsx CLI: under load the CLI's signal relay
 * gives up on the child after 30 ms and exits 143 instead of letting the server shut down) and resolves
 * with the sample URL it prints.
 */
async function startCli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ child: ChildProcess; sampleUrl: string }> {
  const child = startProcess(process.execPath, ["--import", "tsx", "local/cli.ts", "--port", "0", ...args], { cwd: ROOT, env: { ...process.env, ...env } });
  return { child, sampleUrl: await printedSampleUrl(child) };
}

describe("command line", function () {
  let dir: string;
  let keyringFile: string;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), "rendorix-cli-"));
    keyringFile = join(dir, "keyring.json");
    writeFileSync(keyringFile, JSON.stringify(vectors.keyring));
  });
  afterEach(stopProcesses);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("npm start serves the printed sample URL and stops cleanly on SIGTERM", async () => {
    const { child, sampleUrl } = await startCli(["--keyring", keyringFile]);
    const url = new URL(sampleUrl);
    const response = await rawRequest(url.origin, url.pathname + url.search);
    assert.equal(response.status, 200);
    assert.equal((await sharp(response.body).metadata()).width, 200);
    child.kill("SIGTERM");
    const [code] = await once(child, "exit");
    assert.equal(code, 0);
  });

  describe("with originals in S3 (s3rver)", () => {
    let s3: LocalS3;
    before(async () => {
      s3 = await startLocalS3(["photos"]);
      await s3.put("photos", "coffee.png", readFileSync(join(FIXTURES, "coffee.png")));
    });
    after(() => s3.close());

    it("npm start -- --originals s3://bucket --s3-endpoint URL serves from the bucket", async () => {
      const { sampleUrl } = await startCli(
        ["--keyring", keyringFile, "--originals", "s3://photos", "--s3-endpoint", s3.endpoint],
        { AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" },
      );
      const url = new URL(sampleUrl);
      const response = await rawRequest(url.origin, url.pathname + url.search, { headers: { accept: "image/avif" } });
      assert.equal(response.status, 200);
      assert.equal(response.headers["content-type"], "image/avif");
      const missing = await rawRequest(url.origin, url.pathname.replace("coffee", "nope") + url.search);
      assert.equal(missing.status, 403, "a different key has a different signature");
    });
  });

  describe("npm start and signals", function () {
    this.timeout(90_000);

    /** `npm start` on `port`; resolves once it serves, with npm's pid and the node server's pid. */
    async function npmStart(port: number): Promise<{ npm: ChildProcess; server: number; output: () => string }> {
      const npm = startProcess("npm", ["start", "--", "--port", String(port), "--keyring", keyringFile], { cwd: ROOT });
      let output = "";
      npm.stdout!.on("data", (chunk) => (output += chunk));
      npm.stderr!.on("data", (chunk) => (output += chunk));
      await new Promise<void>((resolve, reject) => {
        npm.stdout!.on("data", () => /Sample URL/.test(output) && resolve());
        npm.once("exit", (code) => reject(new Error(`npm start exited ${code}: ${output}`)));
      });
      const descendants = (pid: number): number[] => {
        const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
        return children.flatMap((child) => [child, ...descendants(child)]);
      };
      const server = descendants(npm.pid!).find((pid) => readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("local/cli.ts"));
      assert.ok(server, "the node server runs under npm");
      return { npm, server, output: () => output };
    }

    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };

    it("stops on SIGTERM to npm or to node, leaves no server behind and frees the port; SIGHUP is logged", async () => {
      const probe = createServer().listen(0, "127.0.0.1");
      await once(probe, "listening");
      const port = (probe.address() as AddressInfo).port;
      await new Promise((resolve) => probe.close(resolve));

      const first = await npmStart(port);
      first.npm.kill("SIGTERM");
      await once(first.npm, "exit");
      for (let i = 0; i < 100 && alive(first.server); i++) await new Promise((resolve) => setTimeout(resolve, 50));
      assert.equal(alive(first.server), false, "no orphaned server after SIGTERM to npm");

      const second = await npmStart(port);
      process.kill(second.server, "SIGTERM");
      const [code] = await once(second.npm, "exit");
      assert.equal(code, 0);

      const third = await npmStart(port);
      process.kill(third.server, "SIGHUP");
      await once(third.npm, "exit");
      assert.match(third.output(), /SIGHUP received: closing connections/);
      assert.doesNotMatch(first.output() + second.output() + third.output(), /EADDRINUSE/);
    });
  });

  it("refuses a bad flag value naming the flag", async () => {
    const result = await runProcess(TSX, ["local/cli.ts", "--port", "http"], { cwd: ROOT });
    assert.equal(result.code, 2);
    assert.match(result.stderr, /--port must be a whole number from 0 to 65535/);
  });

  it("npm run sign prints a URL that verifies, and refuses a bad --ttl", async () => {
    const signed = await runProcess(
      TSX,
      ["local/sign-cli.ts", "--preset", "thumb", "--key", "a b/c.jpg", "--ttl", "2h", "--keyring", keyringFile, "--base-url", "https://img.example.com"],
      { cwd: ROOT },
    );
    assert.equal(signed.code, 0, signed.stderr);
    const url = new URL(signed.stdout.trim());
    assert.equal(url.origin + url.pathname, "https://img.example.com/thumb/a%20b/c.jpg");
    assert.equal(url.searchParams.get("kid"), "k1");
    const ttl = Number(url.searchParams.get("exp")) - Math.floor(Date.now() / 1000);
    assert.ok(ttl > 7000 && ttl <= 7200, `ttl ${ttl}`);

    const bad = await runProcess(TSX, ["local/sign-cli.ts", "--preset", "thumb", "--key", "a.jpg", "--ttl", "2 hours", "--keyring", keyringFile], { cwd: ROOT });
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--ttl must be a whole number followed by s, m, h or d/);
  });
});
