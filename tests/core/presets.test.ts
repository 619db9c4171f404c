import { strict as assert } from "node:assert";
import { DEFAULT_PRESETS, parsePresets, presetFormats } from "../../core/presets";

describe("presets", () => {
  it("accepts the defaults and gives the edge their formats", () => {
    assert.deepEqual(parsePresets(DEFAULT_PRESETS, "test"), DEFAULT_PRESETS);
    assert.deepEqual(presetFormats(DEFAULT_PRESETS), { thumb: "auto", w400: "auto", w800: "auto", w1600: "auto", og: "jpeg" });
  });

  const cases: [string, unknown, RegExp][] = [
    ["a side over 4096 px", { big: { width: 5000, format: "auto" } }, /preset "big": width must be a whole number from 1 to 4096/],
    ["an unknown fit", { a: { width: 10, fit: "stretch", format: "auto" } }, /preset "a": fit must be one of cover, contain, inside, outside, fill/],
    ["an unknown format", { a: { width: 10, format: "gif" } }, /preset "a": format must be one of auto, jpeg, webp, avif, png/],
    ["no size", { a: { format: "auto" } }, /preset "a": needs width, height or both/],
    ["quality out of range", { a: { width: 1, format: "jpeg", quality: 0 } }, /preset "a": quality must be a whole number from 1 to 100/],
    ["an unknown field", { a: { width: 1, format: "jpeg", sharpen: true } }, /preset "a": unknown field "sharpen"; accepted: width, height/],
    ["a bad name", { Thumb: { width: 1, format: "jpeg" } }, /preset name "Thumb" must match/],
    ["an empty map", {}, /presets must be a non-empty object/],
  ];
  for (const [what, value, message] of cases) {
    it(`refuses ${what}, naming preset, field and accepted values`, () => {
      assert.throws(() => parsePresets(value, "config rendorix:presets"), message);
    });
  }
});
