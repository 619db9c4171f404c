/**
 * Output format negotiation. Pure logic: the edge function reduces `Accept` with it and the Lambda
 * decides the final format with it, so both agree on every request.
 */

export type OutputFormat = "jpeg" | "webp" | "avif" | "png";
/** A preset's output format. */
export const PresetFormat = {
  /** AVIF, WebP or JPEG, whichever the request's Accept header takes first in that order. */
  auto: "auto",
  jpeg: "jpeg",
  webp: "webp",
  avif: "avif",
  png: "png",
} as const;
export type PresetFormat = (typeof PresetFormat)[keyof typeof PresetFormat];
/** The one value the edge puts in the cache key for `auto` presets. */
export type NegotiatedFormat = "avif" | "webp" | "jpeg";

/** Header the edge sets to the normalized format; part of the cache key and forwarded to the origin. */
export const FORMAT_HEADER = "x-rendorix-format";

const NEGOTIATED: readonly string[] = ["avif", "webp", "jpeg"];
const OUTPUT: readonly string[] = ["jpeg", "webp", "avif", "png"];

function acceptsType(accept: string, mediaType: string): boolean {
  const ranges = accept.toLowerCase().split(",");
  for (let i = 0; i < ranges.length; i++) {
    const parts = ranges[i].split(";");
    if (parts[0].trim() !== mediaType) continue;
    let refused = false;
    for (let j = 1; j < parts.length; j++) {
      const param = parts[j].trim();
      if (/^q=0(\.0{0,3})?$/.test(param)) refused = true;
    }
    if (!refused) return true;
  }
  return false;
}

/** Reduces an `Accept` header to avif, webp or jpeg, in that order of preference. */
export function negotiateFormat(accept: string | undefined): NegotiatedFormat {
  if (!accept) return "jpeg";
  if (acceptsType(accept, "image/avif")) return "avif";
  if (acceptsType(accept, "image/webp")) return "webp";
  return "jpeg";
}

export function isNegotiatedFormat(value: string | undefined): value is NegotiatedFormat {
  return value !== undefined && NEGOTIATED.indexOf(value) >= 0;
}

export function isOutputFormat(value: string | undefined): value is OutputFormat {
  return value !== undefined && OUTPUT.indexOf(value) >= 0;
}

/** The format value that goes into the cache key for a preset: fixed formats need no negotiation. */
export function cacheFormat(presetFormat: PresetFormat, accept: string | undefined): OutputFormat {
  return presetFormat === "auto" ? negotiateFormat(accept) : presetFormat;
}

/**
 * The format the image is encoded in: the preset's fixed format, or the negotiated one, where a
 * source with alpha turns JPEG into PNG so transparency is kept.
 */
export function outputFormat(presetFormat: PresetFormat, negotiated: NegotiatedFormat, sourceHasAlpha: boolean): OutputFormat {
  if (presetFormat !== "auto") return presetFormat;
  if (negotiated === "jpeg" && sourceHasAlpha) return "png";
  return negotiated;
}
