import sharp, { type Metadata, type Sharp } from "sharp";
import { type NegotiatedFormat, type OutputFormat, outputFormat } from "../core/formats";
import { DEFAULT_PRESETS, type Preset } from "../core/presets";

// The operation cache keeps decoded images between calls; in a warm Lambda container that grows
// RSS call after call toward the memory limit (architecture.md), and a CDN origin rarely repeats work.
sharp.cache(false);

export type SourceFormat = "jpeg" | "png" | "webp" | "avif" | "gif" | "tiff";

export type TransformFailure = "unsupported-source" | "source-too-large" | "undecodable-source";

export class TransformError extends Error {
  constructor(
    readonly code: TransformFailure,
    message: string,
  ) {
    super(message);
  }
}

export interface TransformResult {
  body: Buffer;
  format: OutputFormat;
  sourcePixels: number;
}

const MIME: Record<OutputFormat, string> = {
  jpeg: "image/jpeg",
  webp: "image/webp",
  avif: "image/avif",
  png: "image/png",
};

export function contentType(format: OutputFormat): string {
  return MIME[format];
}

function startsWith(bytes: Buffer, signature: number[], offset = 0): boolean {
  return bytes.length >= offset + signature.length && signature.every((byte, i) => bytes[offset + i] === byte);
}

const ascii = (text: string) => Array.from(text, (c) => c.charCodeAt(0));

/**
 * The raster format named by the file's magic bytes, or null. Decided before sharp sees the bytes so
 * that SVG, PDF and other formats libvips could parse (with their own attack surface) never reach it.
 */
export function sniffSourceFormat(bytes: Buffer): SourceFormat | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "jpeg";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "png";
  if (startsWith(bytes, ascii("GIF87a")) || startsWith(bytes, ascii("GIF89a"))) return "gif";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "webp";
  if (startsWith(bytes, [0x49, 0x49, 0x2a, 0x00]) || startsWith(bytes, [0x4d, 0x4d, 0x00, 0x2a])) return "tiff";
  if (startsWith(bytes, ascii("ftyp"), 4)) {
    const boxSize = bytes.readUInt32BE(0);
    const brands = bytes.subarray(8, Math.min(boxSize, bytes.length, 64)).toString("latin1");
    if (/avif|avis/.test(brands)) return "avif";
  }
  return null;
}

export type LossyFormat = Exclude<OutputFormat, "png">;

/**
 * Quality of each lossy format for each default preset that names none: the lowest at which that
 * preset reaches the format's SSIM target (bench/quality.ts) on every test photo, measured by `npm run
 * bench -- --only quality` with the encoders below (README, "Sizing"). Larger outputs show more of
 * every artifact, so they need more. Efforts keep AVIF of a 20 MP source far inside the timeout.
 */
export const MEASURED_QUALITY: Record<string, Partial<Record<LossyFormat, number>>> = {
  thumb: { jpeg: 76, webp: 40, avif: 45 },
  w400: { jpeg: 76, webp: 40, avif: 45 },
  w800: { jpeg: 77, webp: 63, avif: 54 },
  w1600: { jpeg: 82, webp: 76, avif: 58 },
  og: { jpeg: 82 },
};

const largestSide = (preset: Pick<Preset, "width" | "height">) => Math.max(preset.width ?? 0, preset.height ?? 0);

/**
 * The quality a preset without its own gets in `format`: that of the smallest default preset measured
 * in this format whose largest side is at least the preset's (a default preset gets its own), or of
 * the largest one for presets larger than all of them.
 */
export function defaultQuality(preset: Pick<Preset, "width" | "height">, format: LossyFormat): number {
  const measured = Object.entries(MEASURED_QUALITY)
    .filter(([, qualities]) => qualities[format] !== undefined)
    .map(([name, qualities]) => ({ side: largestSide(DEFAULT_PRESETS[name]), quality: qualities[format]! }))
    .sort((a, b) => a.side - b.side || a.quality - b.quality);
  return (measured.find(({ side }) => side >= largestSide(preset)) ?? measured[measured.length - 1]).quality;
}

/** The encoder settings of a preset in `format`: its own quality, or the measured default. */
export function encodeForPreset(pipeline: Sharp, format: OutputFormat, preset: Preset): Sharp {
  return encode(pipeline, format, format === "png" ? 100 : (preset.quality ?? defaultQuality(preset, format)));
}

/** The encoders and their settings; `quality` is ignored for PNG, which stays lossless. */
export function encode(pipeline: Sharp, format: OutputFormat, quality: number): Sharp {
  switch (format) {
    case "jpeg":
      return pipeline.jpeg({ quality, progressive: true, mozjpeg: true });
    case "webp":
      return pipeline.webp({ quality, effort: 4 });
    case "avif":
      return pipeline.avif({ quality, effort: 2 });
    case "png":
      return pipeline.png({ compressionLevel: 6, adaptiveFiltering: false });
  }
}

/**
 * Longest side of a source, in pixels. libvips holds a few rows per worker thread, so a row's length
 * multiplies into memory: a 50,000,000 x 1 PNG (143 KB) peaked at 1.4 GB, a 200,000 x 250 one at
 * 450 MB, while no source with both sides within this limit went past 160 MB more than idle.
 */
export const MAX_SOURCE_SIDE = 32_768;

/** Decode budget per allowed pixel: 8-bit RGBA, so the budget is 200 MB at the default 50 MP. */
export const DECODE_BYTES_PER_PIXEL = 4;

const BYTES_PER_SAMPLE: Record<string, number> = { uchar: 1, char: 1, ushort: 2, short: 2, uint: 4, int: 4, float: 4, complex: 8, double: 8, dpcomplex: 16 };

/** Samples per pixel a JPEG decoder stores for each chroma subsampling sharp reports. */
const JPEG_SAMPLES: Record<string, number> = { "4:2:0": 1.5, "4:2:2": 2, "4:4:0": 2, "4:4:4": 3, "4:2:0:4": 2.5, "4:4:4:4": 4 };

/**
 * The most memory decoding this source may take, in bytes, read from its header alone. Decoders that
 * cannot stream hold a whole frame: a progressive JPEG keeps 16-bit coefficients for every sample, a
 * GIF frame is RGBA whatever its palette, an interlaced PNG or a TIFF keeps its samples as stored.
 */
export function decodeBytes(metadata: Metadata): number {
  const pixels = (metadata.width ?? 0) * (metadata.height ?? 0);
  const channels = metadata.channels ?? 4;
  if (metadata.format === "jpeg" && metadata.isProgressive) return pixels * 2 * (JPEG_SAMPLES[metadata.chromaSubsampling ?? ""] ?? channels);
  if (metadata.format === "gif") return pixels * 4;
  return pixels * channels * (BYTES_PER_SAMPLE[metadata.depth] ?? 8);
}

/** Why a source's header puts it beyond what this service decodes, or null when it is within limits. */
export function sourceLimitExceeded(metadata: Metadata, maxSourcePixels: number): string | null {
  const width = metadata.width ?? 0;
  const height = metadata.height ?? 0;
  if (width * height > maxSourcePixels) return "The original has more pixels than this service transforms.";
  if (width > MAX_SOURCE_SIDE || height > MAX_SOURCE_SIDE) return `The original is wider or taller than ${MAX_SOURCE_SIDE} pixels.`;
  if (decodeBytes(metadata) > maxSourcePixels * DECODE_BYTES_PER_PIXEL) {
    return "The original would take more memory to decode than this service allows (high bit depth, many channels or progressive).";
  }
  return null;
}

/**
 * Runs every output format's encoder once on a tiny image: libvips loads and sets up each codec on
 * its first use, which would otherwise land on a container's first request.
 */
export async function warmEncoders(): Promise<void> {
  const source = await sharp({ create: { width: 16, height: 16, channels: 3, background: "#808080" } }).jpeg().toBuffer();
  for (const format of ["jpeg", "webp", "avif", "png"] as const) {
    await transformImage({ source, preset: { width: 8, fit: "inside", format }, negotiated: "jpeg", maxSourcePixels: 256 });
  }
}

export interface TransformInput {
  source: Buffer;
  preset: Preset;
  negotiated: NegotiatedFormat;
  maxSourcePixels: number;
}

/**
 * Applies a preset: auto-orients by EXIF, resizes without enlarging, converts to sRGB, keeps only
 * the colour profile (as sRGB) and encodes in the preset's or the negotiated format.
 * @throws TransformError for sources that are not supported, too large or undecodable.
 */
export async function transformImage(input: TransformInput): Promise<TransformResult> {
  if (sniffSourceFormat(input.source) === null) {
    throw new TransformError("unsupported-source", "The original is not a JPEG, PNG, WebP, AVIF, GIF or TIFF image.");
  }
  let metadata: Metadata;
  try {
    metadata = await sharp(input.source, { limitInputPixels: false }).metadata();
  } catch {
    throw new TransformError("undecodable-source", "The original could not be decoded.");
  }
  const sourcePixels = (metadata.width ?? 0) * (metadata.height ?? 0);
  const tooLarge = sourceLimitExceeded(metadata, input.maxSourcePixels);
  if (tooLarge) throw new TransformError("source-too-large", tooLarge);
  const format = outputFormat(input.preset.format, input.negotiated, metadata.hasAlpha === true);
  let pipeline = sharp(input.source, { limitInputPixels: input.maxSourcePixels, failOn: "truncated" })
    .rotate()
    .resize({
      width: input.preset.width,
      height: input.preset.height,
      fit: input.preset.fit,
      withoutEnlargement: true,
    });
  if (metadata.icc) pipeline = pipeline.withIccProfile("srgb");
  try {
    const body = await encodeForPreset(pipeline, format, input.preset).toBuffer();
    return { body, format, sourcePixels };
  } catch {
    throw new TransformError("undecodable-source", "The original is truncated or corrupt.");
  }
}
