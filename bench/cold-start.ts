/** The cold-start section: the built bundle in fresh processes, from loading it to the first call and the warm ones after it. */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import type { Keyring } from "../core/keyring";
import { FULL_CREDENTIAL_CHAIN_FILE } from "../image-fn/lambda-credentials";
import { BUNDLED_FILE, bundleImageFunction } from "../tools/bundle-image-fn";
import { startSecretsEndpoint } from "../tests/support/secrets";
import { functionUrlEvent, median, PHOTO, printTable, progress, S3_BUCKET, type Target, type TransformCase } from "./support";

const TARGET_COLD_LOAD_MS = 120;
const TARGET_FIRST_OVER_WARM = 1.3;
const COLD_WARM_CALLS = 5;
const COLD_CASE: TransformCase = { preset: "w400", negotiated: "webp", format: "webp" };

/**
 * How long a fresh process takes to load sharp and libvips from `dir`, the bundle's folder: part of
 * every cold start, whatever the bundle, and the part that varies most between machines.
 */
async function sharpLoadMs(dir: string): Promise<number> {
  const script = `const started = performance.now(); require("sharp"); process.stdout.write(String(performance.now() - started));`;
  const { stdout } = await promisify(execFile)(process.execPath, ["-e", script], { cwd: dir, encoding: "utf8" });
  return Number(stdout);
}

interface ColdRun {
  loadMs: number;
  warmUpMs: number;
  constructMs: number;
  firstMs: number;
  warmMs: number[];
}

/**
 * Keys the photo is stored under for the cold-start calls: every call reads an original the process
 * has not read before, so the first call and the warm ones do the same work (download included) and
 * their ratio is what a fresh container adds.
 */
export const COLD_KEYS = Array.from({ length: COLD_WARM_CALLS + 1 }, (_, i) => `cold/${i}/${basename(PHOTO)}`);

/**
 * What one fresh process does with the built bundle, as index.mjs does it in Lambda's init phase:
 * load the bundle (sharp and the SDK included) and await its warm-up (or not, to show what it moves);
 * then build the streaming handler from the environment, call it once, then warm.
 */
function coldScript(bundleFile: string, events: LambdaFunctionURLEvent[], warmUp: boolean): string {
  return `const started = performance.now();
    const fn = require(${JSON.stringify(bundleFile)});
    const loaded = performance.now();
    const { Writable } = require("node:stream");
    const events = ${JSON.stringify(events)};
    (async () => {
      ${warmUp ? "await fn.warmUp();" : ""}
      const warmed = performance.now();
      const handler = fn.streamingHandlerFromEnvironment();
      const built = performance.now();
      async function call(event) {
        const chunks = [];
        const stream = new Writable({ write(chunk, _encoding, done) { chunks.push(chunk); done(); } });
        const callStarted = performance.now();
        await handler(event, stream, { awsRequestId: "cold" });
        const ms = performance.now() - callStarted;
        const prelude = Buffer.concat(chunks).subarray(0, 64).toString("latin1");
        if (!prelude.startsWith('{"statusCode":200')) throw new Error("cold call answered " + prelude);
        return ms;
      }
      const firstMs = await call(events[0]);
      const warmMs = [];
      for (const event of events.slice(1)) warmMs.push(await call(event));
      process.stdout.write("COLD " + JSON.stringify({ loadMs: loaded - started, warmUpMs: warmed - loaded, constructMs: built - warmed, firstMs, warmMs }) + "\\n");
    })().catch((error) => { console.error(error); process.exit(1); });`;
}

/**
 * Cold start from the built bundle (host variant, as tests/build/bundle.test.ts builds it) in fresh
 * processes: originals from S3 in another process, the keyring from a local Secrets Manager endpoint.
 */
export async function benchColdStart(keyring: Keyring, processes: number, s3Endpoint: string): Promise<Target[]> {
  const work = mkdtempSync(join(tmpdir(), "rendorix-cold-"));
  const secrets = await startSecretsEndpoint(keyring);
  try {
    progress("cold start: building the bundle for this host");
    const bundle = await bundleImageFunction(join(work, "image-fn"), { os: process.platform, cpu: process.arch, libc: "glibc" });
    const bundleFile = join(work, "image-fn", BUNDLED_FILE);
    const kib = (file: string) => `${(statSync(join(work, "image-fn", file)).size / 1024).toFixed(0)} KiB`;
    const bundleSize = `${BUNDLED_FILE} ${kib(BUNDLED_FILE)} (and ${FULL_CREDENTIAL_CHAIN_FILE} ${kib(FULL_CREDENTIAL_CHAIN_FILE)}, not loaded with keys in the environment), zip ${(bundle.zipBytes / 1e6).toFixed(1)} MB`;
    const events = COLD_KEYS.map((key) => functionUrlEvent(keyring, COLD_CASE, key));
    const env = {
      PATH: process.env.PATH,
      AWS_REGION: "us-east-1",
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
      AWS_ENDPOINT_URL_S3: s3Endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      AWS_LAMBDA_FUNCTION_NAME: "rendorix-bench",
      RENDORIX_ORIGINALS_BUCKET: S3_BUCKET,
      RENDORIX_KEYRING_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:1:secret:k",
    };
    const runs: (ColdRun & { warmUp: boolean })[] = [];
    const sharpAloneMs: number[] = [];
    for (let i = 0; i < processes * 2; i++) {
      // Alternating, so both kinds of process meet the same load on a shared machine.
      const warmUp = i % 2 === 0;
      progress(`cold start: fresh process ${i + 1} of ${processes * 2} (${warmUp ? "with" : "without"} warm-up)`);
      // Asynchronous: the Secrets Manager endpoint answers from this process's event loop.
      const { stdout } = await promisify(execFile)(process.execPath, ["-e", coldScript(bundleFile, events, warmUp)], { cwd: work, env, encoding: "utf8" });
      runs.push({ ...(JSON.parse(/^COLD (.*)$/m.exec(stdout)![1]) as ColdRun), warmUp });
      if (!warmUp) sharpAloneMs.push(await sharpLoadMs(dirname(bundleFile)));
    }
    const rows = runs.map((run) => {
      const warm = median(run.warmMs);
      const init = run.loadMs + run.warmUpMs + run.constructMs;
      return { loadAndBuild: run.loadMs + run.constructMs, init, initAndFirst: init + run.firstMs, ratio: run.firstMs / warm, run, warm };
    });
    printTable(
      `Cold start from the built bundle (${bundleSize}), ${processes * 2} fresh processes alternating with and without the warm-up that index.mjs awaits in Lambda's init phase; ` +
        `call = ${COLD_CASE.preset} ${COLD_CASE.format} of ${basename(PHOTO)} from S3, streamed, each call a different key (every call downloads); warm = median of the ${COLD_WARM_CALLS} calls after the first`,
      ["process", "warm-up", "load ms", "warm-up ms", "construct ms", "first call ms", "warm ms", "first/warm", "init+first ms"],
      rows.map((row, i) => [
        String(i + 1),
        row.run.warmUp ? "yes" : "no",
        row.run.loadMs.toFixed(1),
        row.run.warmUpMs.toFixed(1),
        row.run.constructMs.toFixed(1),
        row.run.firstMs.toFixed(1),
        row.warm.toFixed(1),
        row.ratio.toFixed(3),
        row.initAndFirst.toFixed(1),
      ]),
    );
    const warmed = rows.filter((row) => row.run.warmUp);
    const unwarmed = rows.filter((row) => !row.run.warmUp);
    const loadAndBuild = median(warmed.map((row) => row.loadAndBuild));
    const ratio = median(warmed.map((row) => row.ratio));
    console.log(
      `medians with warm-up: load+construct ${loadAndBuild.toFixed(1)} ms, warm-up ${median(warmed.map((row) => row.run.warmUpMs)).toFixed(1)} ms, first/warm ${ratio.toFixed(3)}, init+first ${median(warmed.map((row) => row.initAndFirst)).toFixed(1)} ms; ` +
        `without: load+construct ${median(unwarmed.map((row) => row.loadAndBuild)).toFixed(1)} ms, first/warm ${median(unwarmed.map((row) => row.ratio)).toFixed(3)}, init+first ${median(unwarmed.map((row) => row.initAndFirst)).toFixed(1)} ms; ` +
        `sharp alone (the floor of any bundle that loads it): ${median(sharpAloneMs).toFixed(1)} ms, median of ${sharpAloneMs.length} more fresh processes`,
    );
    return [
      {
        name: `cold start: module load + handler construction <= ${TARGET_COLD_LOAD_MS} ms (median of ${processes} processes; the warm-up is reported beside it)`,
        pass: loadAndBuild <= TARGET_COLD_LOAD_MS,
        detail: `${loadAndBuild.toFixed(1)} ms (loading sharp alone: ${median(sharpAloneMs).toFixed(1)} ms); bundle ${bundleSize}`,
      },
      {
        name: `cold start: first call <= ${TARGET_FIRST_OVER_WARM}x warm median, with the init-phase warm-up (median of ${processes} processes)`,
        pass: ratio <= TARGET_FIRST_OVER_WARM,
        detail: `${ratio.toFixed(3)}`,
      },
    ];
  } finally {
    secrets.server.close();
    rmSync(work, { recursive: true, force: true });
  }
}
