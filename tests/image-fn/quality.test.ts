import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { DEFAULT_PRESETS } from "../../core/presets";
import { referencePixels, ssimAgainst, TARGET_SSIM } from "../../bench/quality";
import { defaultQuality, type LossyFormat, MEASURED_QUALITY, transformImage } from "../../image-fn/transform";
import { FIXTURES } from "../support/bad-originals";

const photo = readFileSync(join(FIXTURES, "chelsea.png"));

/**
 * SSIM of each default preset's output on chelsea.png as the encoders in force give it, at the quality
 * measured for that preset and format (MEASURED_QUALITY, picked by `npm run bench -- --only quality`);
 * an encoder upgrade that moves quality either way (worse pictures, or the same setting spending more
 * bytes) fails here until they are picked again.
 */
const MEASURED: Record<string, Partial<Record<keyof typeof TARGET_SSIM, number>>> = {
  thumb: { jpeg: 0.9548, webp: 0.9232, avif: 0.9292 },
  w400: { jpeg: 0.9666, webp: 0.9368, avif: 0.9462 },
  w800: { jpeg: 0.966, webp: 0.9582, avif: 0.9621 },
  w1600: { jpeg: 0.9724, webp: 0.9682, avif: 0.9701 },
  og: { jpeg: 0.9724 },
};
const DRIFT = 0.01;

describe("output quality of the default presets", function () {
  this.timeout(60_000);

  it("gives each default preset its measured quality, and any other that of the smallest default preset at least as large", () => {
    for (const [name, qualities] of Object.entries(MEASURED_QUALITY)) {
      for (const [format, quality] of Object.entries(qualities)) assert.equal(defaultQuality(DEFAULT_PRESETS[name], format as LossyFormat), quality, `${name} ${format}`);
    }
    assert.equal(defaultQuality({ width: 120 }, "webp"), MEASURED_QUALITY.thumb.webp);
    assert.equal(defaultQuality({ width: 300, height: 300 }, "avif"), MEASURED_QUALITY.w400.avif);
    assert.equal(defaultQuality({ height: 1000 }, "webp"), MEASURED_QUALITY.w1600.webp, "no default preset of 1,000 to 1,600 px is measured in WebP but w1600");
    assert.equal(defaultQuality({ width: 1000 }, "jpeg"), MEASURED_QUALITY.og.jpeg);
    assert.equal(defaultQuality({ width: 4096 }, "avif"), MEASURED_QUALITY.w1600.avif, "larger than every default preset");
  });

  for (const [name, preset] of Object.entries(DEFAULT_PRESETS)) {
    const formats = preset.format === "auto" ? (["jpeg", "webp", "avif"] as const) : ([preset.format] as const);
    for (const format of formats) {
      if (format === "png") continue;
      it(`${name} as ${format} reaches SSIM ${TARGET_SSIM[format]} and stays where it was measured`, async () => {
        const result = await transformImage({ source: photo, preset, negotiated: format, maxSourcePixels: 50_000_000 });
        assert.equal(result.format, format);
        const ssim = await ssimAgainst(await referencePixels(photo, preset), result.body);
        assert.ok(ssim >= TARGET_SSIM[format], `SSIM ${ssim.toFixed(4)} below the target ${TARGET_SSIM[format]}`);
        const measured = MEASURED[name]?.[format];
        assert.ok(measured !== undefined, `no measured SSIM for ${name} ${format}: record the one the bench's settings give`);
        assert.ok(Math.abs(ssim - measured) <= DRIFT, `SSIM ${ssim.toFixed(4)}, measured ${measured}`);
      });
    }
  }
});
