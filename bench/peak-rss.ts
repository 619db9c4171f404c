/** The peak-RSS section: one warm process's peak memory on the photo and on the largest sources, each in a child of its own. */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import sharp, { type Metadata } from "sharp";
import { DEFAULT_MAX_SOURCE_PIXELS } from "../image-fn/handler";
import { folderOriginals } from "../image-fn/originals";
import { DECODE_BYTES_PER_PIXEL, decodeBytes, sourceLimitExceeded } from "../image-fn/transform";
import { benchChildArgs, benchHandler, benchKeyring, callHandler, functionUrlEvent, PHOTO, presetCases, printTable, progress, type Target } from "./support";

const TARGET_PEAK_RSS_50MP_MB = 700;

/**
 * Lambda memory = peak RSS + 25 %: the peak differs by tens of MiB from run to run and creeps up over
 * a container's life (glibc fragmentation), other originals may decode larger than these, and the
 * limit covers the whole sandbox, not just this process.
 */
const LAMBDA_HEADROOM = 1.25;
const LAMBDA_MEMORY_STEP_MB = 128;

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
export async function reportWarmRss(sourcePath: string, calls: number, refusal: string | undefined): Promise<void> {
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

export async function benchPeakRss(warmCalls: number): Promise<Target[]> {
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
