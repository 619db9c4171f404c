/**
 * Output quality measured as SSIM (ssim.js, on luma at full resolution) of an encoded output against
 * the same resize kept lossless. `npm run bench -- --only quality` picks the encoder settings with it;
 * tests/image-fn/quality.test.ts guards them with it.
 */
import sharp, { type Sharp } from "sharp";
import { ssim } from "ssim.js";
import type { OutputFormat } from "../core/formats";
import type { Preset } from "../core/presets";

/** Lossy formats and the SSIM their default settings must reach on every default preset and test photo. */
export const TARGET_SSIM: Record<Exclude<OutputFormat, "png">, number> = { jpeg: 0.9, webp: 0.9, avif: 0.9 };

/** What the handler does to a source before encoding: auto-orient, resize as the preset says, sRGB. */
export function resizePipeline(source: Buffer, preset: Preset): Sharp {
  return sharp(source)
    .rotate()
    .resize({ width: preset.width, height: preset.height, fit: preset.fit, withoutEnlargement: true })
    .withIccProfile("srgb");
}

interface Pixels {
  data: Uint8ClampedArray;
  width: number;
  height: number;
}

async function rgba(image: Sharp): Promise<Pixels> {
  const { data, info } = await image.ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** The resize's own pixels: the reference every encoding of it is compared with. */
export function referencePixels(source: Buffer, preset: Preset): Promise<Pixels> {
  return rgba(resizePipeline(source, preset));
}

/** SSIM of an encoded image against the reference, at full resolution (no downsampling hides artifacts). */
export async function ssimAgainst(reference: Pixels, encoded: Buffer): Promise<number> {
  const decoded = await rgba(sharp(encoded));
  return ssim(reference, decoded, { downsample: false }).mssim;
}
