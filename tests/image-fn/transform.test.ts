import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse as parseIcc } from "icc";
import sharp from "sharp";
import { DEFAULT_PRESETS } from "../../core/presets";
import { sniffSourceFormat, transformImage } from "../../image-fn/transform";
import { FIXTURES } from "../support/bad-originals";

const MAX_PIXELS = 50_000_000;
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

/** The description (`desc` tag) of an embedded ICC profile. */
function profileDescription(icc: Buffer | undefined): string | undefined {
  return icc && parseIcc(icc).description;
}

/** The first pixel's channel values as the file stores them, with no colour management applied. */
async function storedPixel(image: Buffer): Promise<number[]> {
  return [...(await sharp(image, { ignoreIcc: true }).raw().toBuffer()).subarray(0, 3)];
}

/** Within 3 levels per channel: JPEG's rounding, far below the 13 levels P3 and sRGB differ by here. */
function assertPixelNear(actual: number[], expected: number[], message: string): void {
  assert.ok(actual.every((value, i) => Math.abs(value - expected[i]) <= 3), `${message}: ${actual} is not near ${expected}`);
}

describe("transform", () => {
  it("resizes each default preset from a fixture photo without enlarging it", async () => {
    const source = fixture("hubble_deep_field.jpg");
    const expected: Record<string, [number, number]> = {
      thumb: [200, 200],
      w400: [400, 349],
      w800: [800, 698],
      w1600: [1000, 872],
      og: [1000, 630], // cover crops to the aspect ratio but never enlarges the 1000 px wide source
    };
    for (const [name, [width, height]] of Object.entries(expected)) {
      const result = await transformImage({ source, preset: DEFAULT_PRESETS[name], negotiated: "webp", maxSourcePixels: MAX_PIXELS });
      const metadata = await sharp(result.body).metadata();
      assert.deepEqual([metadata.width, metadata.height], [width, height], name);
      assert.equal(metadata.format, name === "og" ? "jpeg" : "webp", name);
    }
  });

  it("turns an EXIF-rotated photo upright and drops the orientation tag", async () => {
    const landscape = await sharp({ create: { width: 300, height: 100, channels: 3, background: "#c00" } }).jpeg().toBuffer();
    const rotated = await sharp(landscape).withMetadata({ orientation: 6 }).jpeg().toBuffer();
    const result = await transformImage({ source: rotated, preset: DEFAULT_PRESETS.w400, negotiated: "jpeg", maxSourcePixels: MAX_PIXELS });
    const metadata = await sharp(result.body).metadata();
    assert.deepEqual([metadata.width, metadata.height], [100, 300]);
    assert.equal(metadata.orientation, undefined);
  });

  it("converts a Display P3 photo to sRGB, embeds the sRGB profile and strips EXIF", async () => {
    const tagged = await sharp(fixture("chelsea.png"))
      .withIccProfile("p3")
      .withExif({ IFD0: { Copyright: "someone", Software: "camera" } })
      .jpeg()
      .toBuffer();
    const source = await sharp(tagged).metadata();
    assert.ok(source.exif);
    assert.match(String(profileDescription(source.icc)), /P3/);
    const result = await transformImage({ source: tagged, preset: DEFAULT_PRESETS.w400, negotiated: "jpeg", maxSourcePixels: MAX_PIXELS });
    const metadata = await sharp(result.body).metadata();
    assert.equal(metadata.exif, undefined);
    assert.equal(profileDescription(metadata.icc), "sRGB");
  });

  it("changes a P3 photo's stored pixel values to the sRGB values of the same colour, in every output format", async () => {
    // One flat colour, stored as Display P3 values. Their sRGB values, from the two colour spaces'
    // published primaries and transfer curve (IEC 61966-2-1, SMPTE EG 432-1), are (199.9, 99.6, 50.1).
    const p3Pixel = [187, 105, 62];
    const srgbPixel = [200, 100, 50];
    const flat = (channels: 3 | 4) =>
      sharp({ create: { width: 64, height: 64, channels, background: { r: 200, g: 100, b: 50, alpha: 0.5 } } })
        .withIccProfile("p3")
        .png()
        .toBuffer();
    const cases = [
      { source: await flat(3), negotiated: "jpeg" as const },
      { source: await flat(3), negotiated: "webp" as const },
      { source: await flat(3), negotiated: "avif" as const },
      { source: await flat(4), negotiated: "jpeg" as const },
    ];
    // At the highest quality, so that what moves the values is colour management, not the encoder.
    const preset = { ...DEFAULT_PRESETS.w400, quality: 100 };
    for (const { source, negotiated } of cases) {
      assertPixelNear(await storedPixel(source), p3Pixel, "the source holds P3 values");
      const result = await transformImage({ source, preset, negotiated, maxSourcePixels: MAX_PIXELS });
      const output = `${result.format} output`;
      assertPixelNear(await storedPixel(result.body), srgbPixel, `${output} holds sRGB values`);
      assert.equal(profileDescription((await sharp(result.body).metadata()).icc), "sRGB", output);
    }
  });

  it("encodes alpha sources as PNG where auto would pick JPEG, and as WebP/AVIF when negotiated", async () => {
    const alpha = await sharp({ create: { width: 50, height: 50, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 0.2 } } }).png().toBuffer();
    const preset = DEFAULT_PRESETS.thumb;
    assert.equal((await transformImage({ source: alpha, preset, negotiated: "jpeg", maxSourcePixels: MAX_PIXELS })).format, "png");
    assert.equal((await transformImage({ source: alpha, preset, negotiated: "avif", maxSourcePixels: MAX_PIXELS })).format, "avif");
    assert.equal((await transformImage({ source: alpha, preset: DEFAULT_PRESETS.og, negotiated: "webp", maxSourcePixels: MAX_PIXELS })).format, "jpeg");
  });

  it("refuses a JPEG cut short anywhere, baseline or progressive, as undecodable (422), never a grey-filled image", async () => {
    // libjpeg fills the missing rows with grey and only warns; the contract (check 13) says a truncated
    // original is 422 undecodable-source, which failOn: "truncated" makes it.
    const photo = sharp(join(FIXTURES, "kleiber-6028x3391.jpg")).resize(1200);
    for (const progressive of [false, true]) {
      const jpeg = await photo.clone().jpeg({ progressive }).toBuffer();
      for (const kept of [0.3, 0.9, 0.999]) {
        const source = jpeg.subarray(0, Math.floor(jpeg.length * kept));
        await assert.rejects(
          transformImage({ source, preset: DEFAULT_PRESETS.w400, negotiated: "jpeg", maxSourcePixels: 50_000_000 }),
          { code: "undecodable-source" },
          `${progressive ? "progressive" : "baseline"} JPEG cut at ${kept * 100} %`,
        );
        assert.ok((await sharp(source, { failOn: "none" }).jpeg().toBuffer()).length > 0, "without failOn the cut JPEG decodes");
      }
    }
  });

  it("recognises the six supported raster formats by their magic bytes, and nothing else", async () => {
    const base = sharp({ create: { width: 8, height: 8, channels: 3, background: "#0a0" } });
    const samples = {
      jpeg: await base.clone().jpeg().toBuffer(),
      png: await base.clone().png().toBuffer(),
      webp: await base.clone().webp().toBuffer(),
      avif: await base.clone().avif().toBuffer(),
      gif: await base.clone().gif().toBuffer(),
      tiff: await base.clone().tiff().toBuffer(),
    };
    for (const [format, bytes] of Object.entries(samples)) assert.equal(sniffSourceFormat(bytes), format);
    assert.equal(sniffSourceFormat(Buffer.from("<svg xmlns='http://www.w3.org/2000/svg'/>")), null);
    assert.equal(sniffSourceFormat(Buffer.from("%PDF-1.7")), null);
    assert.equal(sniffSourceFormat(Buffer.alloc(0)), null);
  });
});
