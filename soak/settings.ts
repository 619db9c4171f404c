/** What both soak processes share: the photos and formats they cycle, and the libvips thread setting. */
import type sharpModule from "sharp";

export const SOAK_PHOTOS = ["kleiber-6028x3391.jpg", "hubble_deep_field.jpg", "chelsea.png", "coffee.png"];
export const SOAK_FORMATS = ["avif", "webp", "jpeg"];

/** Sets sharp's threads per image from SOAK_SHARP_CONCURRENCY when given (sharp picks 1 on glibc without jemalloc). */
export function soakSharpConcurrency(sharp: typeof sharpModule): void {
  const threads = process.env.SOAK_SHARP_CONCURRENCY;
  if (threads) sharp.concurrency(Number(threads));
}
