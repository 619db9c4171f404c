import { PresetFormat } from "./formats";
import { isValidPresetName } from "./url-signing";

/** How the image fits the preset's width and height (sharp's `fit`). */
export const Fit = {
  /** Fill both sides, cropping the overflow. */
  cover: "cover",
  /** Fit inside both sides, letterboxed. */
  contain: "contain",
  /** Fit inside both sides, keeping the aspect ratio; never larger than the source. */
  inside: "inside",
  /** Cover both sides, keeping the aspect ratio. */
  outside: "outside",
  /** Stretch to both sides. */
  fill: "fill",
} as const;
export type Fit = (typeof Fit)[keyof typeof Fit];

/** Every transform parameter of one URL preset; a URL can choose nothing else. */
export interface Preset {
  /** Target width in pixels; absent keeps the aspect ratio from `height`. */
  width?: number;
  /** Target height in pixels; absent keeps the aspect ratio from `width`. */
  height?: number;
  /** How the image fits width and height. @default "inside" */
  fit: Fit;
  /** `auto` negotiates AVIF, WebP or JPEG from the request's Accept header. */
  format: PresetFormat;
  /** Encoder quality 1-100. @default per format (see transform.ts) */
  quality?: number;
  /** The response's Cache-Control header. @default "public, max-age=86400, s-maxage=2592000" */
  cacheControl?: string;
}

export const MAX_PRESET_SIDE = 4096;
export const DEFAULT_CACHE_CONTROL = "public, max-age=86400, s-maxage=2592000";

const FITS: readonly string[] = Object.values(Fit);
const FORMATS: readonly string[] = Object.values(PresetFormat);
const FIELDS = ["width", "height", "fit", "format", "quality", "cacheControl"];

export const DEFAULT_PRESETS: Record<string, Preset> = {
  thumb: { width: 200, height: 200, fit: "cover", format: "auto" },
  w400: { width: 400, fit: "inside", format: "auto" },
  w800: { width: 800, fit: "inside", format: "auto" },
  w1600: { width: 1600, fit: "inside", format: "auto" },
  og: { width: 1200, height: 630, fit: "cover", format: "jpeg" },
};

function wholeNumberIn(value: unknown, min: number, max: number): value is number {
  return typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
}

function parsePreset(name: string, value: unknown, source: string): Preset {
  const where = `${source}: preset "${name}"`;
  if (!isValidPresetName(name)) {
    throw new Error(`${source}: preset name "${name}" must match ^[a-z0-9][a-z0-9-]{0,31}$`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new Error(`${where} must be an object with ${FIELDS.join(", ")}`);
  }
  const fields = value as Record<string, unknown>;
  for (const field of Object.keys(fields)) {
    if (!FIELDS.includes(field)) throw new Error(`${where}: unknown field "${field}"; accepted: ${FIELDS.join(", ")}`);
  }
  for (const side of ["width", "height"] as const) {
    if (fields[side] !== undefined && !wholeNumberIn(fields[side], 1, MAX_PRESET_SIDE)) {
      throw new Error(`${where}: ${side} must be a whole number from 1 to ${MAX_PRESET_SIDE}`);
    }
  }
  if (fields.width === undefined && fields.height === undefined) {
    throw new Error(`${where}: needs width, height or both`);
  }
  const fit = fields.fit ?? "inside";
  if (!FITS.includes(fit as string)) throw new Error(`${where}: fit must be one of ${FITS.join(", ")}`);
  if (!FORMATS.includes(fields.format as string)) {
    throw new Error(`${where}: format must be one of ${FORMATS.join(", ")}`);
  }
  if (fields.quality !== undefined && !wholeNumberIn(fields.quality, 1, 100)) {
    throw new Error(`${where}: quality must be a whole number from 1 to 100`);
  }
  if (fields.cacheControl !== undefined && (typeof fields.cacheControl !== "string" || !/^[\x20-\x7e]+$/.test(fields.cacheControl))) {
    throw new Error(`${where}: cacheControl must be a printable ASCII header value`);
  }
  const preset: Preset = { fit: fit as Fit, format: fields.format as PresetFormat };
  if (fields.width !== undefined) preset.width = fields.width as number;
  if (fields.height !== undefined) preset.height = fields.height as number;
  if (fields.quality !== undefined) preset.quality = fields.quality as number;
  if (fields.cacheControl !== undefined) preset.cacheControl = fields.cacheControl as string;
  return preset;
}

/**
 * Validates a preset map from config or an environment variable.
 * @throws Error naming the preset, the field and the accepted values.
 */
export function parsePresets(value: unknown, source: string): Record<string, Preset> {
  if (typeof value !== "object" || value === null || Array.isArray(value) || Object.keys(value).length === 0) {
    throw new Error(`${source}: presets must be a non-empty object of preset name to preset`);
  }
  const presets: Record<string, Preset> = {};
  for (const [name, preset] of Object.entries(value)) presets[name] = parsePreset(name, preset, source);
  return presets;
}

/** Preset name to output format: all the edge function needs to know of the presets. */
export function presetFormats(presets: Record<string, Preset>): Record<string, PresetFormat> {
  const formats: Record<string, PresetFormat> = {};
  for (const [name, preset] of Object.entries(presets)) formats[name] = preset.format;
  return formats;
}
