import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import sharp from "sharp";
import { DEFAULT_PRESETS } from "../../core/presets";
import { sniffSourceFormat, transformImage } from "../../image-fn/transform";
import { FIXTURES } from "../support/bad-originals";

const MAX_PIXELS = 50_000_000;
const fixture = (name: string) => readFileSync(join(FIXTURES, name));

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

  it("keeps a colour profile (as sRGB) but strips EXIF", async () => {
    const tagged = await sharp(fixture("chelsea.png"))
      .withIccProfile("p3")
      .withExif({ IFD0: { Copyright: "someone", Software: "camera" } })
      .jpeg()
      .toBuffer();
    assert.ok((await sharp(tagged).metadata()).exif);
    const result = await transformImage({ source: tagged, preset: DEFAULT_PRESETS.w400, negotiated: "jpeg", maxSourcePixels: MAX_PIXELS });
    const metadata = await sharp(result.body).metadata();
    assert.equal(metadata.exif, undefined);
    assert.ok(metadata.icc, "profile kept");
    assert.equal(metadata.space, "srgb");
  });

  it("encodes alpha sources as PNG where auto would pick JPEG, and as WebP/AVIF when negotiated", async () => {
    const alpha = await sharp({ create: { width: 50, height: 50, channels: 4, background: { r: 1, g: 2, b: 3, alpha: 0.2 } } }).png().toBuffer();
    const preset = DEFAULT_PRESETS.thumb;
    assert.equal((await transformImage({ source: alpha, preset, negotiated: "jpeg", maxSourcePixels: MAX_PIXELS })).format, "png");
    assert.equal((await transformImage({ source: alpha, preset, negotiated: "avif", maxSourcePixels: MAX_PIXELS })).format, "avif");
    assert.equal((await transformImage({ source: alpha, preset: DEFAULT_PRESETS.og, negotiated: "webp", maxSourcePixels: MAX_PIXELS })).format, "jpeg");
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
