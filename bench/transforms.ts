/**
 * The transforms section: the handler against bare sharp on the photo, with originals from a folder and
 * from S3 (kept, and on a first fetch), each default preset and format.
 */
import { spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import { basename } from "node:path";
import sharp from "sharp";
import type { OutputFormat } from "../core/formats";
import type { Keyring } from "../core/keyring";
import { folderOriginals, type OriginalStore, originalsS3Client, s3Originals } from "../image-fn/originals";
import { DEFAULT_PRESETS } from "../core/presets";
import { encodeForPreset } from "../image-fn/transform";
import { benchChildArgs, benchHandler, benchKeyring, callHandler, FIXTURES, functionUrlEvent, median, PHOTO, presetCases, printTable, progress, S3_BUCKET, type Target, type TransformCase } from "./support";

const TARGET_HANDLER_OVER_BARE = 1.15;
const TARGET_S3_HANDLER_OVER_BARE = 1.1;
const ALL_FORMATS: readonly OutputFormat[] = ["jpeg", "webp", "avif", "png"];

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
export interface Placement {
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
export function transformsPlacement(): Placement | undefined {
  if (availableParallelism() < 2) return undefined;
  return spawnSync("taskset", ["-c", "0,1", "true"]).status === 0 ? { handlerCpu: 0, s3Cpu: 1 } : undefined;
}

export function describePlacement(placement: Placement | undefined): string {
  const threads = `libvips threads per image ${sharp.concurrency()}`;
  if (!placement) return `handler and S3 server not pinned (no taskset or one CPU), ${threads}`;
  return `handler's process on CPU ${placement.handlerCpu} (${threads}), S3 server on CPU ${placement.s3Cpu}`;
}

/** Runs the transforms section in a child on the handler's CPU; its tables go to this process's output. */
export async function benchTransformsPinned(placement: Placement, iterations: number, s3Endpoint: string): Promise<Target[]> {
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
export async function reportTransforms(iterations: number, s3Endpoint: string, placement: Placement): Promise<void> {
  const targets = await benchTransforms(benchKeyring(), iterations, s3Endpoint, describePlacement(placement));
  writeFileSync(3, JSON.stringify(targets));
}

export async function benchTransforms(keyring: Keyring, iterations: number, s3Endpoint: string, where: string): Promise<Target[]> {
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
