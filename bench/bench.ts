import { execFile, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { availableParallelism, loadavg, tmpdir } from "node:os";
import { basename, dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs, promisify } from "node:util";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import sharp, { type Metadata, type Sharp } from "sharp";
import { FORMAT_HEADER, type NegotiatedFormat, type OutputFormat, outputFormat } from "../core/formats";
import { createImageHandler, DEFAULT_MAX_SOURCE_PIXELS, type ImageHandler } from "../image-fn/handler";
import type { Keyring } from "../core/keyring";
import { staticKeyring } from "../image-fn/keyring-source";
import { FULL_CREDENTIAL_CHAIN_FILE } from "../image-fn/lambda-credentials";
import { folderOriginals, type OriginalStore, originalsS3Client, s3Originals } from "../image-fn/originals";
import { DEFAULT_PRESETS } from "../core/presets";
import { signUrl } from "../core/sign-url";
import { contentType, DECODE_BYTES_PER_PIXEL, decodeBytes, defaultQuality, encode, encodeForPreset, type LossyFormat, sourceLimitExceeded } from "../image-fn/transform";
import { referencePixels, resizePipeline, ssimAgainst, TARGET_SSIM } from "./quality";
import { startLocalEdge } from "../local/server";
import { BUNDLED_FILE, bundleImageFunction } from "../tools/bundle-image-fn";
import { startLocalS3 } from "../tests/support/s3";
import { startSecretsEndpoint } from "../tests/support/secrets";
import { textTable } from "../cli/support";

const SECTIONS = ["transforms", "cold", "quality", "rss", "edge"] as const;
type Section = (typeof SECTIONS)[number];
const USAGE = `usage: npm run bench -- [--quick] [--iterations N] [--only ${SECTIONS.join(",")}]`;
const FIXTURES = resolve(__dirname, "../tests/fixtures/images");
const PHOTO = join(FIXTURES, "kleiber-6028x3391.jpg");
const SAMPLES = resolve(__dirname, "../samples");
const EDGE_SAMPLE_KEY = "coffee.png";

const TARGET_HANDLER_OVER_BARE = 1.15;
const TARGET_S3_HANDLER_OVER_BARE = 1.1;
const TARGET_COLD_LOAD_MS = 120;
const TARGET_FIRST_OVER_WARM = 1.3;
const COLD_WARM_CALLS = 5;
const COLD_CASE: TransformCase = { preset: "w400", negotiated: "webp", format: "webp" };
const S3_BUCKET = "originals";
const TARGET_HIT_P99_MS = 5;
const TARGET_PEAK_RSS_50MP_MB = 700;

/**
 * Lambda memory = peak RSS + 25 %: the peak differs by tens of MiB from run to run and creeps up over
 * a container's life (glibc fragmentation), other originals may decode larger than these, and the
 * limit covers the whole sandbox, not just this process.
 */
const LAMBDA_HEADROOM = 1.25;
const LAMBDA_MEMORY_STEP_MB = 128;

const ALL_FORMATS: readonly OutputFormat[] = ["jpeg", "webp", "avif", "png"];
const NEGOTIATED_FORMATS: readonly NegotiatedFormat[] = ["jpeg", "webp", "avif"];
const EDGE_CONCURRENCY = 8;

interface BenchSettings {
  iterations: number;
  coldProcesses: number;
  warmCalls: number;
  loadSeconds: number;
}

const FULL: BenchSettings = { iterations: 11, coldProcesses: 7, warmCalls: 40, loadSeconds: 5 };
const QUICK: BenchSettings = { iterations: 3, coldProcesses: 3, warmCalls: 8, loadSeconds: 2 };

/** One request shape: a default preset with the format the edge negotiated for it. */
interface TransformCase {
  preset: string;
  negotiated: NegotiatedFormat;
  format: OutputFormat;
}

interface Target {
  name: string;
  pass: boolean;
  detail: string;
}

function presetCases(sourceHasAlpha: boolean): TransformCase[] {
  return Object.entries(DEFAULT_PRESETS).flatMap(([preset, { format }]) =>
    (format === "auto" ? NEGOTIATED_FORMATS : NEGOTIATED_FORMATS.slice(0, 1)).map((negotiated) => ({
      preset,
      negotiated,
      format: outputFormat(format, negotiated, sourceHasAlpha),
    })),
  );
}

function benchKeyring(): Keyring {
  return { active: "bench", keys: { bench: randomBytes(32).toString("base64") } };
}

function benchHandler(originals: OriginalStore, keyring: Keyring): ImageHandler {
  return createImageHandler({ presets: DEFAULT_PRESETS, keys: staticKeyring(keyring), originals, log: () => {} });
}

function signedPath(keyring: Keyring, preset: string, key: string): string {
  return signUrl({ baseUrl: "", preset, key, ttlSeconds: 3600, keyring });
}

/** The event CloudFront's origin request becomes at the Function URL, as the local edge builds it. */
function functionUrlEvent(keyring: Keyring, testCase: TransformCase, key: string): LambdaFunctionURLEvent {
  const [rawPath, rawQueryString] = signedPath(keyring, testCase.preset, key).split("?");
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers: { [FORMAT_HEADER]: testCase.negotiated },
    requestContext: { http: { method: "GET", path: rawPath }, requestId: "bench" },
    isBase64Encoded: false,
  } as unknown as LambdaFunctionURLEvent;
}

/**
 * Calls the handler and fails the bench unless it answered as expected: the image the case asks for,
 * or, for a source the decode bounds refuse, that refusal's error code.
 */
async function callHandler(handler: ImageHandler, event: LambdaFunctionURLEvent, testCase: TransformCase, refusal?: string): Promise<void> {
  const response = await handler(event);
  const status = typeof response === "object" ? response.statusCode : undefined;
  const type = typeof response === "object" ? response.headers?.["content-type"] : undefined;
  const body = String(typeof response === "object" ? response.body : response);
  const expected = refusal === undefined ? status === 200 && type === contentType(testCase.format) : status === 422 && body.includes(`"error":"${refusal}"`);
  if (!expected) {
    throw new Error(`handler answered ${status} ${type} for ${testCase.preset}/${testCase.format}: ${body.slice(0, 200)}`);
  }
}

/** The transform alone: what the handler does to the bytes, with nothing around it. */
function bareSharp(source: Buffer, sourceHasIcc: boolean, testCase: TransformCase): Promise<Buffer> {
  const preset = DEFAULT_PRESETS[testCase.preset];
  let pipeline = sharp(source)
    .rotate()
    .resize({ width: preset.width, height: preset.height, fit: preset.fit, withoutEnlargement: true });
  if (sourceHasIcc) pipeline = pipeline.withIccProfile("srgb");
  return encodeForPreset(pipeline, testCase.format, preset).toBuffer();
}

async function elapsedMs(run: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await run();
  return performance.now() - started;
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)];
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function printTable(title: string, header: string[], rows: string[][]): void {
  console.log(`\n${title}\n${textTable(header, rows)}`);
}

function printTargets(targets: Target[]): void {
  for (const target of targets) console.log(`${target.pass ? "PASS" : "FAIL"}  ${target.name}: ${target.detail}`);
}

/** Other processes on the machine skew every figure here, so the output says how busy it was. */
function loadAverage(): string {
  return `load average ${loadavg()[0].toFixed(2)} over the last minute on ${availableParallelism()} CPUs`;
}

function progress(text: string): void {
  process.stderr.write(`[bench] ${text}\n`);
}

/** The handler's ways to an original the transforms section compares with bare sharp, and their names. */
const VARIANT_LABELS = { folder: "folder", kept: "S3 kept", firstFetch: "S3 first fetch" } as const;
type Variant = keyof typeof VARIANT_LABELS;
const VARIANTS = Object.keys(VARIANT_LABELS) as Variant[];

interface Side {
  run: () => Promise<unknown>;
  samples: number[];
  /** CPU time of this process per call (JS and libvips threads), which other processes' load hardly moves. */
  cpuSamples: number[];
}

/** CPU time this process spent, all threads, in ms. */
function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The production S3 client pointed at the bench's S3 server, as the Lambda builds it from its environment. */
function benchS3Originals(endpoint: string, cacheBytes?: number): OriginalStore {
  const credentials = { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" };
  return s3Originals(originalsS3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials }), S3_BUCKET, { cacheBytes });
}

/** Where the handler's process and the S3 server run in the transforms section. */
interface Placement {
  handlerCpu: number;
  s3Cpu: number;
}

/**
 * One CPU for the handler's process and another for the S3 server, where the machine has two and
 * `taskset`. That is the function's share in AWS: at its default 1,536 MB a Lambda function gets 0.87
 * of a vCPU (one at 1,769 MB, https://docs.aws.amazon.com/lambda/latest/dg/configuration-memory.html),
 * and S3 answers from machines of its own. Unpinned on two cores, s3rver's work and its wake-ups landed
 * on the cores the transform was using, and the kept side paid for S3's CPU as well as its own.
 */
function transformsPlacement(): Placement | undefined {
  if (availableParallelism() < 2) return undefined;
  return spawnSync("taskset", ["-c", "0,1", "true"]).status === 0 ? { handlerCpu: 0, s3Cpu: 1 } : undefined;
}

function describePlacement(placement: Placement | undefined): string {
  const threads = `libvips threads per image ${sharp.concurrency()}`;
  if (!placement) return `handler and S3 server not pinned (no taskset or one CPU), ${threads}`;
  return `handler's process on CPU ${placement.handlerCpu} (${threads}), S3 server on CPU ${placement.s3Cpu}`;
}

/** Runs the transforms section in a child on the handler's CPU; its tables go to this process's output. */
async function benchTransformsPinned(placement: Placement, iterations: number, s3Endpoint: string): Promise<Target[]> {
  const args = benchChildArgs("--transforms-child", "--iterations", String(iterations), "--s3-endpoint", s3Endpoint, "--placement", JSON.stringify(placement));
  const child = spawn("taskset", ["-c", String(placement.handlerCpu), process.execPath, ...args], {
    stdio: ["ignore", "inherit", "inherit", "pipe"],
  });
  const chunks: Buffer[] = [];
  child.stdio[3]!.on("data", (chunk: Buffer) => chunks.push(chunk));
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`the transforms child exited with ${code}`);
  return JSON.parse(Buffer.concat(chunks).toString("utf8")) as Target[];
}

/** Child mode: the transforms section, on the CPU it was started on; its targets go as JSON to file descriptor 3. */
async function reportTransforms(iterations: number, s3Endpoint: string, placement: Placement): Promise<void> {
  const targets = await benchTransforms(benchKeyring(), iterations, s3Endpoint, describePlacement(placement));
  writeFileSync(3, JSON.stringify(targets));
}

async function benchTransforms(keyring: Keyring, iterations: number, s3Endpoint: string, where: string): Promise<Target[]> {
  const source = readFileSync(PHOTO);
  const { hasAlpha, icc, width, height } = await sharp(source).metadata();
  const folderHandler = benchHandler(folderOriginals(FIXTURES), keyring);
  // First fetch: no original kept, so every call downloads the whole object, as the first miss for an
  // original in a container does. Kept: the container's default store, which after the warm-up round
  // holds the photo and asks S3 for it with its ETag (304), transforming the kept bytes meanwhile.
  const firstFetchHandler = benchHandler(benchS3Originals(s3Endpoint, 0), keyring);
  const s3Handler = benchHandler(benchS3Originals(s3Endpoint), keyring);
  const runs = presetCases(hasAlpha === true).map((testCase) => {
    const event = functionUrlEvent(keyring, testCase, basename(PHOTO));
    const side = (run: () => Promise<unknown>): Side => ({ run, samples: [], cpuSamples: [] });
    const bare = () => bareSharp(source, icc !== undefined, testCase);
    // Each handler variant is measured against a bare side of its own, in rounds of its own: a first
    // fetch or a folder read leaves 4.4 MB of garbage behind that the next call pays to collect, and a
    // first fetch takes its time from the download, neither of which another variant should meet.
    const pairs: Record<Variant, [Side, Side]> = {
      folder: [side(bare), side(() => callHandler(folderHandler, event, testCase))],
      kept: [side(bare), side(() => callHandler(s3Handler, event, testCase))],
      firstFetch: [side(bare), side(() => callHandler(firstFetchHandler, event, testCase))],
    };
    return { testCase, pairs };
  });
  const warmupRounds = 1;
  for (const variant of VARIANTS) {
    for (let round = -warmupRounds; round < iterations; round++) {
      progress(`transforms, ${VARIANT_LABELS[variant]}: ${round < 0 ? "warm-up round" : `round ${round + 1} of ${iterations}`}`);
      for (const { pairs } of runs) {
        // Which side goes first alternates, so each pays equally for what the call before it left.
        const sides = round % 2 === 0 ? pairs[variant] : [...pairs[variant]].reverse();
        for (const side of sides) {
          const cpuBefore = cpuMs();
          const ms = await elapsedMs(side.run);
          if (round >= 0) {
            side.samples.push(ms);
            side.cpuSamples.push(cpuMs() - cpuBefore);
          }
        }
      }
    }
  }

  // The two sides of a round ran back to back, so a round's ratio cancels load that varies between rounds.
  const ratio = ([bare, handler]: [Side, Side]) => median(handler.samples.map((ms, round) => ms / bare.samples[round]));
  const cpuRatio = ([bare, handler]: [Side, Side]) => median(handler.cpuSamples.map((ms, round) => ms / bare.cpuSamples[round]));
  const rows = runs.map(({ testCase, pairs }) => ({
    testCase,
    pairs,
    firstFetchRatio: ratio(pairs.firstFetch),
    folderRatio: ratio(pairs.folder),
    s3Ratio: ratio(pairs.kept),
  }));
  const verdict = (value: number, target: number) => (value <= target ? "PASS" : "FAIL");
  const ms = (side: Side) => median(side.samples).toFixed(1);
  printTable(
    `Handler (originals from a folder, and from S3 in another process) vs bare sharp on ${basename(PHOTO)} (${width}x${height}, ${(statSync(PHOTO).size / 1e6).toFixed(1)} MB), medians of ${iterations} rotated rounds after ${warmupRounds} warm-up; ratio = median of the rounds' handler/bare, each variant in rounds of its own beside a bare side of its own.\n` +
      `${where}.\n` +
      "S3 first fetch: nothing kept, every call downloads the whole object (the first miss for an original in a container).\n" +
      "S3 kept: the default store holding the original from an earlier call; each call asks S3 with its ETag (304 Not Modified) while the kept bytes are transformed (the other variants of an original, which CloudFront misses for together).",
    ["preset", "format", "bare ms", "folder ms", "ratio", `<= ${TARGET_HANDLER_OVER_BARE}`, "bare ms", "S3 first fetch ms", "ratio", "bare ms", "S3 kept ms", "ratio", `<= ${TARGET_S3_HANDLER_OVER_BARE}`],
    rows.map(({ testCase, pairs, folderRatio, firstFetchRatio, s3Ratio }) => [
      testCase.preset,
      testCase.format,
      ...pairs.folder.map(ms),
      folderRatio.toFixed(3),
      verdict(folderRatio, TARGET_HANDLER_OVER_BARE),
      ...pairs.firstFetch.map(ms),
      firstFetchRatio.toFixed(3),
      ...pairs.kept.map(ms),
      s3Ratio.toFixed(3),
      verdict(s3Ratio, TARGET_S3_HANDLER_OVER_BARE),
    ]),
  );
  printTable(
    "CPU time per call in this process (JS and libvips threads; s3rver works in its own process, as S3 does), medians; ratio = median of the rounds' handler/bare. " +
      "Load on the machine stretches wall times but hardly CPU time, so these show the handler's own extra work when wall times are noise.",
    ["preset", "format", "bare CPU ms", "folder", "S3 first fetch", "S3 kept"],
    runs.map(({ testCase, pairs }) => [
      testCase.preset,
      testCase.format,
      median(pairs.kept[0].cpuSamples).toFixed(1),
      cpuRatio(pairs.folder).toFixed(3),
      cpuRatio(pairs.firstFetch).toFixed(3),
      cpuRatio(pairs.kept).toFixed(3),
    ]),
  );
  const produced = new Set(rows.map((row) => row.testCase.format));
  const unreachable = ALL_FORMATS.filter((format) => !produced.has(format));
  if (unreachable.length > 0) {
    console.log(`not produced by any default preset for this source: ${unreachable.join(", ")} (auto gives PNG only to sources with alpha)`);
  }
  const worstFolder = rows.reduce((a, b) => (b.folderRatio > a.folderRatio ? b : a));
  const worstS3 = rows.reduce((a, b) => (b.s3Ratio > a.s3Ratio ? b : a));
  const worstFirst = rows.reduce((a, b) => (b.firstFetchRatio > a.firstFetchRatio ? b : a));
  const download = median(rows.map(({ pairs }) => median(pairs.firstFetch[1].samples) - median(pairs.kept[1].samples)));
  console.log(
    `S3 first fetch (reported, not held to the target): worst ${worstFirst.firstFetchRatio.toFixed(3)} (${worstFirst.testCase.preset} ${worstFirst.testCase.format}); ` +
      `the download costs a median ${download.toFixed(1)} ms more than the conditional GET, once per original per container`,
  );
  return [
    {
      name: `handler (folder originals)/bare sharp <= ${TARGET_HANDLER_OVER_BARE} for every preset and format`,
      pass: worstFolder.folderRatio <= TARGET_HANDLER_OVER_BARE,
      detail: `worst ${worstFolder.folderRatio.toFixed(3)} (${worstFolder.testCase.preset} ${worstFolder.testCase.format})`,
    },
    {
      name: `handler (S3 originals kept, revalidated by ETag)/bare sharp <= ${TARGET_S3_HANDLER_OVER_BARE} for every preset and format`,
      pass: worstS3.s3Ratio <= TARGET_S3_HANDLER_OVER_BARE,
      detail: `worst ${worstS3.s3Ratio.toFixed(3)} (${worstS3.testCase.preset} ${worstS3.testCase.format})`,
    },
  ];
}

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
const COLD_KEYS = Array.from({ length: COLD_WARM_CALLS + 1 }, (_, i) => `cold/${i}/${basename(PHOTO)}`);

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
async function benchColdStart(keyring: Keyring, processes: number, s3Endpoint: string): Promise<Target[]> {
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

const LOSSY_FORMATS = Object.keys(TARGET_SSIM) as LossyFormat[];
const QUALITY_PHOTOS = ["kleiber-6028x3391.jpg", "hubble_deep_field.jpg", "chelsea.png", "coffee.png"];
/** The search's range for our settings: below 40 artifacts show whatever SSIM says. */
const LOWEST_QUALITY = 40;
const HIGHEST_QUALITY = 95;

/** sharp's default encoder for each format (libjpeg-turbo baseline, WebP and AVIF at effort 4), at `quality`. */
function sharpDefaultEncoder(pipeline: Sharp, format: LossyFormat, quality: number): Sharp {
  return format === "jpeg" ? pipeline.jpeg({ quality }) : format === "webp" ? pipeline.webp({ quality }) : pipeline.avif({ quality });
}

interface QualityCase {
  preset: string;
  format: LossyFormat;
  photo: string;
  /** The resize as raw pixels, encoded once per candidate setting. */
  resized: { raw: Buffer; width: number; height: number };
  reference: Awaited<ReturnType<typeof referencePixels>>;
}

function encodeResized(resized: QualityCase["resized"], encodeWith: (pipeline: Sharp) => Sharp): Promise<Buffer> {
  const pipeline = sharp(resized.raw, { raw: { width: resized.width, height: resized.height, channels: 3 } }).withIccProfile("srgb");
  return encodeWith(pipeline).toBuffer();
}

/**
 * The lowest quality from `low` to `high` whose SSIM reaches `target` with `encoder` (SSIM grows with
 * quality, so a bisection finds it), or `high` when none does.
 */
async function lowestQualityReaching(
  testCase: QualityCase,
  target: number,
  encoder: (pipeline: Sharp, quality: number) => Sharp,
  low: number,
  high: number,
): Promise<number> {
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    const encoded = await encodeResized(testCase.resized, (pipeline) => encoder(pipeline, middle));
    if ((await ssimAgainst(testCase.reference, encoded)) >= target) high = middle;
    else low = middle + 1;
  }
  return low;
}

async function qualityCases(): Promise<QualityCase[]> {
  const cases: QualityCase[] = [];
  for (const photo of QUALITY_PHOTOS) {
    const source = readFileSync(join(FIXTURES, photo));
    for (const [preset, settings] of Object.entries(DEFAULT_PRESETS)) {
      const { data, info } = await resizePipeline(source, settings).removeAlpha().raw().toBuffer({ resolveWithObject: true });
      const resized = { raw: data, width: info.width, height: info.height };
      const reference = await referencePixels(source, settings);
      const formats = settings.format === "auto" ? LOSSY_FORMATS : LOSSY_FORMATS.filter((format) => format === settings.format);
      for (const format of formats) cases.push({ preset, format, photo, resized, reference });
    }
  }
  return cases;
}

interface Encoded {
  bytes: number;
  ssim: number;
  ms: number;
  quality: number;
}

async function encodeAndScore(testCase: QualityCase, encodeWith: (pipeline: Sharp) => Sharp, quality: number): Promise<Encoded> {
  const started = performance.now();
  const encoded = await encodeResized(testCase.resized, encodeWith);
  const ms = performance.now() - started;
  return { bytes: encoded.length, ssim: await ssimAgainst(testCase.reference, encoded), ms, quality };
}

/**
 * Bytes at equal quality, per default preset and format: the lowest quality reaching the format's
 * SSIM target on each test photo (the most any photo needs is what the preset should have in force),
 * then, per photo, ours at the quality in force against sharp's default encoder at the lowest quality
 * that reaches at least the SSIM ours reached there. Equal SSIM, so the byte difference is the gain.
 */
async function benchQuality(): Promise<Target[]> {
  progress("quality: resizing the test photos");
  const cases = await qualityCases();
  const groups = new Map<string, QualityCase[]>();
  for (const testCase of cases) {
    const key = `${testCase.preset} ${testCase.format}`;
    groups.set(key, [...(groups.get(key) ?? []), testCase]);
  }
  const rows: string[][] = [];
  const targets: Target[] = [];
  const mismatches: string[] = [];
  let done = 0;
  for (const [key, group] of groups) {
    progress(`quality: ${key} (${++done} of ${groups.size})`);
    const { preset, format } = group[0];
    const inForce = defaultQuality(DEFAULT_PRESETS[preset], format);
    let needed = 0;
    const ours: Encoded[] = [];
    const theirs: Encoded[] = [];
    for (const testCase of group) {
      const ourEncoder = (pipeline: Sharp, quality: number) => encode(pipeline, format, quality);
      needed = Math.max(needed, await lowestQualityReaching(testCase, TARGET_SSIM[format], ourEncoder, LOWEST_QUALITY, HIGHEST_QUALITY));
      const mine = await encodeAndScore(testCase, (pipeline) => ourEncoder(pipeline, inForce), inForce);
      const theirQuality = await lowestQualityReaching(testCase, mine.ssim, (pipeline, quality) => sharpDefaultEncoder(pipeline, format, quality), 1, 100);
      ours.push(mine);
      theirs.push(await encodeAndScore(testCase, (pipeline) => sharpDefaultEncoder(pipeline, format, theirQuality), theirQuality));
    }
    if (needed !== inForce) mismatches.push(`${key}: measured ${needed}, in force ${inForce}`);
    const sum = (list: Encoded[], field: "bytes" | "ms") => list.reduce((total, item) => total + item[field], 0);
    const worst = (list: Encoded[]) => Math.min(...list.map((item) => item.ssim));
    const qualities = (list: Encoded[]) => {
      const values = list.map((item) => item.quality);
      return Math.min(...values) === Math.max(...values) ? String(values[0]) : `${Math.min(...values)}-${Math.max(...values)}`;
    };
    rows.push([
      preset,
      format,
      String(needed),
      String(inForce),
      String(sum(ours, "bytes")),
      worst(ours).toFixed(4),
      (sum(ours, "ms") / group.length).toFixed(1),
      qualities(theirs),
      String(sum(theirs, "bytes")),
      worst(theirs).toFixed(4),
      (sum(theirs, "ms") / group.length).toFixed(1),
      `${((1 - sum(ours, "bytes") / sum(theirs, "bytes")) * 100).toFixed(1)} %`,
    ]);
  }
  printTable(
    `Bytes at equal quality on ${QUALITY_PHOTOS.join(", ")}: SSIM (ssim.js, luma, full resolution) against the lossless resize; targets ${LOSSY_FORMATS.map((f) => `${f} ${TARGET_SSIM[f]}`).join(", ")}.\n` +
      "q needed: the lowest quality (40-95) reaching the target on every photo; ours: our encoders (mozjpeg progressive, WebP effort 4, AVIF effort 2) at the quality in force.\n" +
      "sharp: sharp's default encoders (libjpeg-turbo baseline, WebP effort 4, AVIF effort 4) at the lowest quality reaching, on each photo, at least the SSIM ours reached there.\n" +
      "Bytes summed over the photos, SSIM the worst of them, encode ms the mean; gain = bytes sharp would need for the same SSIM, saved.",
    ["preset", "format", "q needed", "q in force", "bytes", "SSIM", "encode ms", "sharp q", "sharp bytes", "SSIM", "encode ms", "gain"],
    rows,
  );
  targets.push({
    name: `every default preset's quality in force is the lowest reaching its format's SSIM target on every photo`,
    pass: mismatches.length === 0,
    detail: mismatches.length === 0 ? `${groups.size} presets and formats` : mismatches.join("; "),
  });
  return targets;
}

/**
 * This process's peak RSS in KiB. Linux carries ru_maxrss (process.resourceUsage().maxRSS) across
 * exec, so a child of this bench would report at least the parent's RSS at spawn; VmHWM counts only
 * the child's own memory. Elsewhere maxRSS is the best there is.
 */
function peakRssKiB(): number {
  const status = "/proc/self/status";
  if (!existsSync(status)) return process.resourceUsage().maxRSS;
  const highWaterMark = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(status, "utf8"));
  if (!highWaterMark) throw new Error(`no VmHWM line in ${status}`);
  return Number(highWaterMark[1]);
}

interface WarmRss {
  /** Peak RSS in KiB once the modules are loaded, before the first call. */
  loadedKiB: number;
  afterFirstCallKiB: number;
  afterAllCallsKiB: number;
}

/**
 * Child mode: one warm container's life, the handler called `calls` times over every preset and format;
 * a source the decode bounds refuse is expected to be answered with `refusal` every time.
 */
async function reportWarmRss(sourcePath: string, calls: number, refusal: string | undefined): Promise<void> {
  const keyring = benchKeyring();
  const handler = benchHandler(folderOriginals(dirname(sourcePath)), keyring);
  const { hasAlpha } = await sharp(sourcePath).metadata();
  const cases = presetCases(hasAlpha === true);
  const events = cases.map((testCase) => functionUrlEvent(keyring, testCase, basename(sourcePath)));
  const report: WarmRss = { loadedKiB: peakRssKiB(), afterFirstCallKiB: 0, afterAllCallsKiB: 0 };
  for (let call = 0; call < calls; call++) {
    await callHandler(handler, events[call % cases.length], cases[call % cases.length], refusal);
    if (call === 0) report.afterFirstCallKiB = peakRssKiB();
  }
  report.afterAllCallsKiB = peakRssKiB();
  process.stdout.write(JSON.stringify(report));
}

/** Node arguments that run this file again, in the child mode `args` selects. */
function benchChildArgs(...args: string[]): string[] {
  return [...process.execArgv, __filename, ...args];
}

/** Runs reportWarmRss in a fresh process, so that nothing this process did counts towards its peak. */
async function measureWarmRss(source: RssSource, calls: number): Promise<WarmRss> {
  const refusal = source.refusal === undefined ? [] : ["--refusal", source.refusal];
  const { stdout } = await promisify(execFile)(process.execPath, benchChildArgs("--rss-child", source.path, "--calls", String(calls), ...refusal));
  return JSON.parse(stdout) as WarmRss;
}

/** A source of the peak-RSS section and, when the decode bounds refuse it, the error code expected. */
interface RssSource {
  path: string;
  refusal?: string;
}

/** A 3:2 JPEG of `pixels` made from the photo, so it has a photo's content. */
async function writeJpeg(path: string, pixels: number, options: { progressive: boolean; chromaSubsampling: string }): Promise<RssSource> {
  const width = Math.floor(Math.sqrt(pixels * 1.5));
  const height = Math.floor(pixels / width);
  await sharp(PHOTO).resize(width, height, { fit: "fill" }).jpeg({ quality: 90, ...options }).toFile(path);
  // The same header check as the handler's decides whether this source is expected to be refused.
  const refused = sourceLimitExceeded(await sharp(path).metadata(), DEFAULT_MAX_SOURCE_PIXELS) !== null;
  return { path, refusal: refused ? "source-too-large" : undefined };
}

/**
 * The largest originals the handler accepts, and the one the decode bounds refuse: a baseline 4:2:0
 * JPEG of DEFAULT_MAX_SOURCE_PIXELS as cameras write it; the progressive 4:4:4 JPEG (every 16-bit
 * coefficient kept, the JPEG that needs the most memory to decode) at the largest size whose decode
 * fits DECODE_BYTES_PER_PIXEL per allowed pixel; and the same at 50 MP, which is refused from its
 * header, so its row shows what a refusal costs.
 */
async function writeLargestSources(dir: string): Promise<RssSource[]> {
  const progressive444 = { progressive: true, chromaSubsampling: "4:4:4" };
  const coefficientBytesPerPixel = decodeBytes({ format: "jpeg", isProgressive: true, chromaSubsampling: "4:4:4", width: 1, height: 1 } as Metadata);
  const largestProgressive = Math.floor((DEFAULT_MAX_SOURCE_PIXELS * DECODE_BYTES_PER_PIXEL) / coefficientBytesPerPixel);
  const megapixels = (pixels: number) => `${Math.floor(pixels / 1e6)}mp`;
  return [
    await writeJpeg(join(dir, `${megapixels(DEFAULT_MAX_SOURCE_PIXELS)}-baseline.jpg`), DEFAULT_MAX_SOURCE_PIXELS, { progressive: false, chromaSubsampling: "4:2:0" }),
    await writeJpeg(join(dir, `${megapixels(largestProgressive)}-progressive-444.jpg`), largestProgressive, progressive444),
    await writeJpeg(join(dir, `${megapixels(DEFAULT_MAX_SOURCE_PIXELS)}-progressive-444.jpg`), DEFAULT_MAX_SOURCE_PIXELS, progressive444),
  ];
}

async function describeJpeg(source: RssSource): Promise<string> {
  const { width = 0, height = 0, isProgressive, chromaSubsampling } = await sharp(source.path).metadata();
  const kind = `${((width * height) / 1e6).toFixed(2)} MP ${isProgressive ? "progressive" : "baseline"} ${chromaSubsampling ?? ""}`;
  return source.refusal === undefined ? kind : `${kind}, answered 422 ${source.refusal}`;
}

function mebibytes(kib: number): number {
  return kib / 1024;
}

function impliedLambdaMemoryMB(peakMiB: number): number {
  return Math.ceil((peakMiB * LAMBDA_HEADROOM) / LAMBDA_MEMORY_STEP_MB) * LAMBDA_MEMORY_STEP_MB;
}

async function benchPeakRss(warmCalls: number): Promise<Target[]> {
  const dir = mkdtempSync(join(tmpdir(), "rendorix-bench-"));
  try {
    progress("peak RSS: generating the 50 MP sources");
    const largest = await writeLargestSources(dir);
    const rows: string[][] = [];
    let largestPeakMiB = 0;
    for (const source of [{ path: PHOTO }, ...largest]) {
      progress(`peak RSS: ${warmCalls} warm calls on ${basename(source.path)}`);
      const rss = await measureWarmRss(source, warmCalls);
      const peakMiB = mebibytes(rss.afterAllCallsKiB);
      if (largest.includes(source)) largestPeakMiB = Math.max(largestPeakMiB, peakMiB);
      rows.push([
        basename(source.path),
        await describeJpeg(source),
        (statSync(source.path).size / 1e6).toFixed(1),
        mebibytes(rss.loadedKiB).toFixed(0),
        mebibytes(rss.afterFirstCallKiB).toFixed(0),
        peakMiB.toFixed(0),
        String(impliedLambdaMemoryMB(peakMiB)),
      ]);
    }
    printTable(
      `Peak RSS of one warm process, ${warmCalls} handler calls cycling every preset and format (MiB; Lambda memory = peak +${Math.round((LAMBDA_HEADROOM - 1) * 100)} %, next ${LAMBDA_MEMORY_STEP_MB} MB step); a refused source is answered from its header, before decoding`,
      ["source", "kind", "file MB", "loaded", "after 1 call", `after ${warmCalls}`, "Lambda MB"],
      rows,
    );
    return [
      {
        name: `peak RSS on the largest sources accepted or refused < ${TARGET_PEAK_RSS_50MP_MB} MB`,
        pass: largestPeakMiB < TARGET_PEAK_RSS_50MP_MB,
        detail: `${largestPeakMiB.toFixed(0)} MiB, implies Lambda memory ${impliedLambdaMemoryMB(largestPeakMiB)} MB`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface EdgeRequest {
  path: string;
  accept: string;
}

function getThroughEdge(agent: Agent, baseUrl: string, edgeRequest: EdgeRequest): Promise<{ status: number; cache: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = request(`${baseUrl}${edgeRequest.path}`, { agent, headers: { accept: edgeRequest.accept } }, (res) => {
      res.resume();
      res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, cache: String(res.headers["x-cache"]) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

interface LoadResult {
  requests: number;
  seconds: number;
  sortedLatenciesMs: number[];
}

/**
 * Keeps EDGE_CONCURRENCY keep-alive requests in flight for `seconds`. Latencies are taken at the
 * client, so they include its own HTTP parsing and the loopback hop.
 */
async function loadEdge(baseUrl: string, requests: EdgeRequest[], expectedCache: string, seconds: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: EDGE_CONCURRENCY });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  async function worker(): Promise<void> {
    while (performance.now() < deadline) {
      const edgeRequest = requests[next++ % requests.length];
      const requestStarted = performance.now();
      const { status, cache } = await getThroughEdge(agent, baseUrl, edgeRequest);
      latencies.push(performance.now() - requestStarted);
      if (status !== 200 || cache !== expectedCache) {
        throw new Error(`edge answered ${status} X-Cache ${cache} for ${edgeRequest.path}, expected 200 ${expectedCache}`);
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: EDGE_CONCURRENCY }, worker));
  } finally {
    agent.destroy();
  }
  return { requests: latencies.length, seconds: (performance.now() - started) / 1000, sortedLatenciesMs: latencies.sort((a, b) => a - b) };
}

/** What the edge child serves: a miss-only edge, a caching edge, and signed requests for both. */
interface ServedEdges {
  missUrl: string;
  hitUrl: string;
  missRequests: EdgeRequest[];
  hitRequest: EdgeRequest;
}

/** Child mode: serves the local edges until stdin closes. */
async function serveEdges(): Promise<void> {
  const keyring = benchKeyring();
  const originals = folderOriginals(SAMPLES);
  // A cache smaller than any response stores nothing, so every request to this edge reaches the handler.
  const missEdge = await startLocalEdge({ port: 0, originals, keyring, cacheBytes: 1 });
  const hitEdge = await startLocalEdge({ port: 0, originals, keyring });
  const served: ServedEdges = {
    missUrl: missEdge.url,
    hitUrl: hitEdge.url,
    missRequests: presetCases(false).map((testCase) => ({
      path: signedPath(keyring, testCase.preset, EDGE_SAMPLE_KEY),
      accept: `image/${testCase.negotiated}`,
    })),
    hitRequest: { path: signedPath(keyring, "thumb", EDGE_SAMPLE_KEY), accept: "image/webp" },
  };
  process.stdout.write(`${JSON.stringify(served)}\n`);
  process.stdin.resume();
  await once(process.stdin, "end");
  await Promise.all([missEdge.close(), hitEdge.close()]);
}

/**
 * Starts this file in a child `mode` and reads the JSON it prints first; stop() closes its stdin, which
 * ends it. Servers run in their own process so that their work neither slows nor flatters the side
 * measured here (with the load generator in the edge's event loop, the hit p99 came out two to three
 * times higher on 2 cores).
 */
async function startChild<T>(mode: string, cpu?: number): Promise<{ served: T; stop: () => Promise<void> }> {
  const command = [process.execPath, ...benchChildArgs(mode)];
  const [file, ...args] = cpu === undefined ? command : ["taskset", "-c", String(cpu), ...command];
  const child = spawn(file, args, { stdio: ["pipe", "pipe", "inherit"] });
  const exited = once(child, "exit");
  const firstLine = new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout }).once("line", resolveLine);
    exited.then(([code]) => reject(new Error(`the ${mode} child exited (${code}) before serving`)), reject);
  });
  const served = JSON.parse(await firstLine) as T;
  return {
    served,
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

/** Child mode: an S3 server holding the photo until stdin closes. */
async function serveS3(): Promise<void> {
  const s3 = await startLocalS3([S3_BUCKET]);
  for (const key of [basename(PHOTO), ...COLD_KEYS]) await s3.put(S3_BUCKET, key, readFileSync(PHOTO));
  process.stdout.write(`${JSON.stringify({ endpoint: s3.endpoint })}\n`);
  process.stdin.resume();
  await once(process.stdin, "end");
  await s3.close();
}

async function benchLocalEdge(seconds: number): Promise<Target[]> {
  const { served, stop } = await startChild<ServedEdges>("--edge-child");
  try {
    progress(`local edge: ${seconds} s of misses`);
    await loadEdge(served.missUrl, served.missRequests, "Miss", 1);
    const misses = await loadEdge(served.missUrl, served.missRequests, "Miss", seconds);
    progress(`local edge: ${seconds} s of hits`);
    const primed = await getThroughEdge(new Agent(), served.hitUrl, served.hitRequest);
    if (primed.status !== 200 || primed.cache !== "Miss") throw new Error(`priming the cache got ${primed.status} X-Cache ${primed.cache}`);
    await loadEdge(served.hitUrl, [served.hitRequest], "Hit", 1);
    const hits = await loadEdge(served.hitUrl, [served.hitRequest], "Hit", seconds);

    const row = (label: string, result: LoadResult) => [
      label,
      String(result.requests),
      (result.requests / result.seconds).toFixed(0),
      percentile(result.sortedLatenciesMs, 0.5).toFixed(2),
      percentile(result.sortedLatenciesMs, 0.99).toFixed(2),
      result.sortedLatenciesMs[result.sortedLatenciesMs.length - 1].toFixed(2),
    ];
    printTable(
      `Local edge (own process) on ${EDGE_SAMPLE_KEY}, ${EDGE_CONCURRENCY} concurrent keep-alive clients for ${seconds} s after 1 s warm-up (misses cycle every preset and format)`,
      ["requests", "count", "req/s", "p50 ms", "p99 ms", "max ms"],
      [row("miss", misses), row("hit", hits)],
    );
    const hitP99 = percentile(hits.sortedLatenciesMs, 0.99);
    return [{ name: `hit p99 < ${TARGET_HIT_P99_MS} ms`, pass: hitP99 < TARGET_HIT_P99_MS, detail: `${hitP99.toFixed(2)} ms` }];
  } finally {
    await stop();
  }
}

function positiveWholeNumber(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`${flag} must be a whole number of at least 1`);
  return number;
}

function onlySections(list: string): Section[] {
  const names = list.split(",").map((name) => name.trim());
  for (const name of names) {
    if (!SECTIONS.includes(name as Section)) throw new Error(`--only takes a comma-separated list of ${SECTIONS.join(", ")}; got "${name}"`);
  }
  return SECTIONS.filter((section) => names.includes(section));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      iterations: { type: "string" },
      only: { type: "string", default: SECTIONS.join(",") },
      "rss-child": { type: "string" },
      refusal: { type: "string" },
      "edge-child": { type: "boolean", default: false },
      "s3-child": { type: "boolean", default: false },
      "transforms-child": { type: "boolean", default: false },
      "s3-endpoint": { type: "string" },
      placement: { type: "string" },
      calls: { type: "string", default: String(FULL.warmCalls) },
    },
    strict: true,
  });
  if (values["rss-child"] !== undefined) {
    await reportWarmRss(values["rss-child"], positiveWholeNumber("--calls", values.calls!), values.refusal);
    return;
  }
  if (values["edge-child"]) {
    await serveEdges();
    return;
  }
  if (values["s3-child"]) {
    await serveS3();
    return;
  }
  const settings = values.quick ? QUICK : FULL;
  const iterations = values.iterations === undefined ? settings.iterations : positiveWholeNumber("--iterations", values.iterations);
  if (values["transforms-child"]) {
    await reportTransforms(iterations, values["s3-endpoint"]!, JSON.parse(values.placement!) as Placement);
    return;
  }

  console.log(
    `Rendorix bench${values.quick ? " (quick)" : ""}: node ${process.version}, sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}, ` +
      `libvips threads per image ${sharp.concurrency()}, sharp operation cache off; at start: ${loadAverage()}`,
  );
  const keyring = benchKeyring();
  const sections: Record<Section, () => Promise<Target[]>> = {
    transforms: async () => {
      const placement = transformsPlacement();
      const s3 = await startChild<{ endpoint: string }>("--s3-child", placement?.s3Cpu);
      const measured = placement
        ? benchTransformsPinned(placement, iterations, s3.served.endpoint)
        : benchTransforms(keyring, iterations, s3.served.endpoint, describePlacement(placement));
      return measured.finally(s3.stop);
    },
    cold: async () => {
      const s3 = await startChild<{ endpoint: string }>("--s3-child");
      return benchColdStart(keyring, settings.coldProcesses, s3.served.endpoint).finally(s3.stop);
    },
    quality: () => benchQuality(),
    rss: () => benchPeakRss(settings.warmCalls),
    edge: () => benchLocalEdge(settings.loadSeconds),
  };
  const targets: Target[] = [];
  for (const section of onlySections(values.only!)) targets.push(...(await sections[section]()));
  console.log(`\nTargets (reported, not enforced; at end: ${loadAverage()})`);
  printTargets(targets);
}

main().catch((error: Error) => {
  console.error(`bench failed: ${error.message}\n${USAGE}`);
  process.exit(1);
});
