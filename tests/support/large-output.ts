import { randomBytes } from "node:crypto";
import sharp from "sharp";
import { MAX_OUTPUT_BYTES } from "../../image-fn/response-stream";
import type { Preset } from "../../core/presets";

const SIDE = 1300;

/** A PNG preset at the side of the noise original, so the output is as large as the original. */
export const LARGE_PNG_PRESET: Preset = { width: SIDE, fit: "inside", format: "png" };

/**
 * An original of random pixels: PNG cannot compress noise, so LARGE_PNG_PRESET makes an output of
 * about 5 MB, more than a buffered response carries and far less than a streamed one does.
 */
export async function noiseOriginal(): Promise<Buffer> {
  const original = await sharp(randomBytes(SIDE * SIDE * 3), { raw: { width: SIDE, height: SIDE, channels: 3 } })
    .png({ compressionLevel: 1 })
    .toBuffer();
  if (original.length <= MAX_OUTPUT_BYTES.BUFFERED) throw new Error(`noise PNG of ${original.length} bytes is not large enough`);
  return original;
}
