import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createDeflate, crc32 } from "node:zlib";
import sharp from "sharp";

function pngChunk(type: string, data: Buffer): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, "latin1");
  data.copy(chunk, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

/**
 * A valid 8-bit RGB PNG of `width` x `height` white-as-zero pixels, deflated as it is generated so
 * that a 50,000,000 x 1 image (143 KB) never needs its 150 MB of rows in memory here.
 */
export async function blankPng(width: number, height: number): Promise<Buffer> {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  const deflate = createDeflate({ level: 9 });
  const compressed: Buffer[] = [];
  deflate.on("data", (chunk: Buffer) => compressed.push(chunk));
  const ended = new Promise((resolve) => deflate.on("end", resolve));
  const zeros = Buffer.alloc(1 << 20);
  const total = (1 + width * 3) * height;
  for (let written = 0; written < total; written += zeros.length) {
    if (!deflate.write(zeros.subarray(0, Math.min(zeros.length, total - written)))) {
      await new Promise((resolve) => deflate.once("drain", resolve));
    }
  }
  deflate.end();
  await ended;
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  return Buffer.concat([signature, pngChunk("IHDR", header), pngChunk("IDAT", Buffer.concat(compressed)), pngChunk("IEND", Buffer.alloc(0))]);
}

const small = (channels: 3 | 4 = 3) => sharp({ create: { width: 16, height: 16, channels, background: "#8a3" } });

/** A 16 x 16 JPEG whose frame header (SOF0 or SOF2) claims `width` x `height`. */
async function jpegClaiming(width: number, height: number, progressive: boolean, chromaSubsampling = "4:4:4"): Promise<Buffer> {
  const jpeg = await small().jpeg({ progressive, chromaSubsampling }).toBuffer();
  const sof = jpeg.indexOf(Buffer.from([0xff, progressive ? 0xc2 : 0xc0]));
  jpeg.writeUInt16BE(height, sof + 5);
  jpeg.writeUInt16BE(width, sof + 7);
  return jpeg;
}

/** A 16 x 16 GIF whose logical screen and frame claim `width` x `height`. */
async function gifClaiming(width: number, height: number): Promise<Buffer> {
  const gif = await small().gif().toBuffer();
  gif.writeUInt16LE(width, 6);
  gif.writeUInt16LE(height, 8);
  const frame = gif.indexOf(0x2c, 13);
  gif.writeUInt16LE(width, frame + 5);
  gif.writeUInt16LE(height, frame + 7);
  return gif;
}

/** A 16 x 16 lossless WebP whose VP8L header claims `width` x `height` (14 bits each). */
async function webpClaiming(width: number, height: number): Promise<Buffer> {
  const webp = await small().webp({ lossless: true }).toBuffer();
  const bits = webp.readUInt32LE(21);
  const dims = ((width - 1) & 0x3fff) | (((height - 1) & 0x3fff) << 14);
  webp.writeUInt32LE((bits & ~0x0fffffff) | dims, 21);
  return webp;
}

/** A 16 x 16 AVIF whose image spatial extent (`ispe`) claims `width` x `height`. */
async function avifClaiming(width: number, height: number): Promise<Buffer> {
  const avif = await small().avif({ effort: 0 }).toBuffer();
  const ispe = avif.indexOf("ispe", 0, "latin1");
  avif.writeUInt32BE(width, ispe + 8);
  avif.writeUInt32BE(height, ispe + 12);
  return avif;
}

export interface ExtremeOriginal {
  key: string;
  status: number;
  code: string | null;
  /** Peak RSS the child may reach above its idle level while answering, in MB. */
  maxPeakMB: number;
}

/**
 * Extreme shapes in each format, all small files: very wide, very tall, huge declared dimensions
 * with a few bytes of data, and a progressive JPEG whose coefficients would not fit the budget.
 */
export const EXTREME_ORIGINALS: ExtremeOriginal[] = [
  { key: "png-50000000x1.png", status: 422, code: "source-too-large", maxPeakMB: 20 },
  { key: "png-1x50000000.png", status: 422, code: "source-too-large", maxPeakMB: 20 },
  { key: "png-32768x1.png", status: 200, code: null, maxPeakMB: 60 },
  { key: "png-7000x7000.png", status: 200, code: null, maxPeakMB: 150 },
  { key: "jpeg-claims-65000x65000.jpg", status: 422, code: "source-too-large", maxPeakMB: 20 },
  { key: "jpeg-claims-40000x1000.jpg", status: 422, code: "source-too-large", maxPeakMB: 20 },
  { key: "jpeg-progressive-444-claims-7000x7000.jpg", status: 422, code: "source-too-large", maxPeakMB: 20 },
  // Within the budget: 49 MP of 4:2:0 coefficients (147 MB); libjpeg pads the missing scan data grey.
  { key: "jpeg-progressive-420-claims-7000x7000.jpg", status: 200, code: null, maxPeakMB: 250 },
  { key: "jpeg-claims-7000x7000.jpg", status: 200, code: null, maxPeakMB: 150 },
  { key: "gif-claims-65535x65535.gif", status: 422, code: "source-too-large", maxPeakMB: 20 },
  { key: "gif-claims-65535x1.gif", status: 422, code: "source-too-large", maxPeakMB: 20 },
  { key: "webp-claims-12000x12000.webp", status: 422, code: "source-too-large", maxPeakMB: 20 },
  { key: "avif-claims-100000x100000.avif", status: 422, code: "source-too-large", maxPeakMB: 20 },
  { key: "tiff-40000x1.tif", status: 422, code: "source-too-large", maxPeakMB: 20 },
];

/** Writes every EXTREME_ORIGINALS file into `dir`. */
export async function writeExtremeOriginals(dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const files: Record<string, Promise<Buffer>> = {
    "png-50000000x1.png": blankPng(50_000_000, 1),
    "png-1x50000000.png": blankPng(1, 50_000_000),
    "png-32768x1.png": blankPng(32_768, 1),
    "png-7000x7000.png": blankPng(7000, 7000),
    "jpeg-claims-65000x65000.jpg": jpegClaiming(65_000, 65_000, false),
    "jpeg-claims-40000x1000.jpg": jpegClaiming(40_000, 1000, false),
    "jpeg-progressive-444-claims-7000x7000.jpg": jpegClaiming(7000, 7000, true),
    "jpeg-progressive-420-claims-7000x7000.jpg": jpegClaiming(7000, 7000, true, "4:2:0"),
    "jpeg-claims-7000x7000.jpg": jpegClaiming(7000, 7000, false),
    "gif-claims-65535x65535.gif": gifClaiming(65_535, 65_535),
    "gif-claims-65535x1.gif": gifClaiming(65_535, 1),
    "webp-claims-12000x12000.webp": webpClaiming(12_000, 12_000),
    "avif-claims-100000x100000.avif": avifClaiming(100_000, 100_000),
    "tiff-40000x1.tif": sharp({ create: { width: 40_000, height: 1, channels: 3, background: "#8a3" } }).tiff().toBuffer(),
  };
  for (const [key, bytes] of Object.entries(files)) writeFileSync(join(dir, key), await bytes);
}
