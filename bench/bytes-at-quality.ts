/** The quality section: bytes at equal SSIM, our encoder settings against sharp's defaults, and whether each preset's quality in force is the lowest that reaches its target. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import sharp, { type Sharp } from "sharp";
import { DEFAULT_PRESETS } from "../core/presets";
import { defaultQuality, encode, type LossyFormat } from "../image-fn/transform";
import { referencePixels, resizePipeline, ssimAgainst, TARGET_SSIM } from "./quality";
import { FIXTURES, printTable, progress, type Target } from "./support";

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
export async function benchQuality(): Promise<Target[]> {
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
