import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import sharp from "sharp";

export const FIXTURES = join(__dirname, "../fixtures/images");

/** A PNG whose IHDR claims `width` x `height`; the pixel data is that of a 1x1 image. */
async function pngClaiming(width: number, height: number): Promise<Buffer> {
  const png = await sharp({ create: { width: 1, height: 1, channels: 3, background: "#fff" } }).png().toBuffer();
  const ihdrData = 16;
  png.writeUInt32BE(width, ihdrData);
  png.writeUInt32BE(height, ihdrData + 4);
  png.writeUInt32BE(crc32(png.subarray(12, ihdrData + 13)), ihdrData + 13);
  return png;
}

/** Each bad original the spec names, by key, with the status and error code it must get. */
export const BAD_ORIGINALS: { key: string; status: number; code: string }[] = [
  { key: "bad/empty.jpg", status: 415, code: "unsupported-source" },
  { key: "bad/random.jpg", status: 415, code: "unsupported-source" },
  { key: "bad/truncated.jpg", status: 422, code: "undecodable-source" },
  { key: "bad/claims-100000x100000.png", status: 422, code: "source-too-large" },
  { key: "bad/external-entity.svg", status: 415, code: "unsupported-source" },
  { key: "bad/60mp.png", status: 422, code: "source-too-large" },
];

/** Writes the bad originals of BAD_ORIGINALS into `dir`. */
export async function writeBadOriginals(dir: string): Promise<void> {
  mkdirSync(join(dir, "bad"), { recursive: true });
  const jpeg = readFileSync(join(FIXTURES, "hubble_deep_field.jpg"));
  const svg = `<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text>&x;</text></svg>`;
  const sixtyMegapixels = await sharp({ create: { width: 10000, height: 6000, channels: 3, background: "#888" } })
    .png({ compressionLevel: 1 })
    .toBuffer();
  writeFileSync(join(dir, "bad/empty.jpg"), Buffer.alloc(0));
  writeFileSync(join(dir, "bad/random.jpg"), randomBytes(4096));
  writeFileSync(join(dir, "bad/truncated.jpg"), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  writeFileSync(join(dir, "bad/claims-100000x100000.png"), await pngClaiming(100_000, 100_000));
  writeFileSync(join(dir, "bad/external-entity.svg"), svg);
  writeFileSync(join(dir, "bad/60mp.png"), sixtyMegapixels);
}
