import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { packageRoot } from "../components/package-root";
import { isOutputFormat } from "../core/formats";
import { isValidPresetName } from "../core/url-signing";
import type { EdgeSettings } from "./viewer-request";

/** CloudFront's limit on a function's code. */
export const MAX_FUNCTION_CODE_BYTES = 10240;

/** The only module imports `cloudfront-js-2.0` offers; the function code starts with exactly these lines. */
export const RUNTIME_IMPORTS = "import cf from 'cloudfront';\nimport crypto from 'crypto';\n";

/**
 * What the runtime documents beyond ES5.1. esbuild lowers or refuses everything else, so for example
 * shorthand properties and `??` never appear in the output.
 */
const RUNTIME_SYNTAX = {
  arrow: true,
  "const-and-let": true,
  "template-literal": true,
  "async-await": true,
  "exponent-operator": true,
  "rest-argument": true,
};

const TRAILING_EXPORT = /export\s*\{[^}]*\};?\s*$/;

function checkSettings(settings: EdgeSettings): void {
  const names = Object.keys(settings.presets);
  if (names.length === 0) throw new Error("Edge function settings: at least one preset is needed");
  for (const name of names) {
    // Names become keys of an object literal in the code, where "__proto__" would not be a plain key.
    if (!isValidPresetName(name)) throw new Error(`Edge function settings: preset name "${name}" must match ^[a-z0-9][a-z0-9-]{0,31}$`);
    const format = settings.presets[name];
    if (format !== "auto" && !isOutputFormat(format)) {
      throw new Error(`Edge function settings: preset "${name}" has format "${format}"; expected auto, jpeg, webp, avif or png`);
    }
  }
  if (!Number.isSafeInteger(settings.maxUrlLifetimeSeconds) || settings.maxUrlLifetimeSeconds <= 0) {
    throw new Error("Edge function settings: maxUrlLifetimeSeconds must be a positive whole number");
  }
}

/** Where `npm pack` puts the prebuilt template, relative to the package root. */
export const EDGE_FUNCTION_TEMPLATE_FILE = join("dist", "edge-fn", "viewer-request.js");

/** The one identifier of the template that stands for the stack's settings. */
export const SETTINGS_PLACEHOLDER = "RENDORIX_EDGE_SETTINGS";

/**
 * The bundled function with its settings still a free identifier. Built by esbuild, which only the
 * repository has: the published package ships this text, built when it is packed.
 * @param entry the function's source; other entries let the tests show what the build refuses
 */
export function buildEdgeFunctionTemplate(entry = join(__dirname, "cloudfront-function.ts")): string {
  const { buildSync } = require("esbuild") as typeof import("esbuild");
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    write: false,
    // ESM keeps every function at the top level of the script: the runtime refuses async closures.
    format: "esm",
    platform: "neutral",
    target: "es5",
    supported: RUNTIME_SYNTAX,
    // Identifiers stay readable, and `handler` keeps the name the runtime calls.
    minifyWhitespace: true,
    minifySyntax: true,
    legalComments: "none",
    logLevel: "silent",
  });
  if (result.warnings.length > 0) {
    throw new Error(`Edge function build: ${result.warnings.map((warning) => warning.text).join("; ")}`);
  }
  const bundle = result.outputFiles[0].text;
  // The runtime runs a script whose top level declares `handler`; it has no exports.
  const script = bundle.replace(TRAILING_EXPORT, "");
  if (script === bundle || !/(^|[;}])async function handler\(/.test(script)) {
    throw new Error("Edge function build: the bundle does not end in exports around a top-level async function handler");
  }
  if (script.split(SETTINGS_PLACEHOLDER).length !== 2) {
    throw new Error(`Edge function build: expected ${SETTINGS_PLACEHOLDER} exactly once in the bundle`);
  }
  return RUNTIME_IMPORTS + script + "\n";
}

/** Running from the TypeScript sources the template is built now; compiled, it is the packed file. */
function loadTemplate(): string {
  if (__filename.endsWith(".ts")) return buildEdgeFunctionTemplate();
  const file = join(packageRoot(), EDGE_FUNCTION_TEMPLATE_FILE);
  if (!existsSync(file)) throw new Error(`The CloudFront Function code is missing from ${file}: the package was not packed with \`npm pack\`.`);
  return readFileSync(file, "utf8");
}

let template: string | undefined;

/**
 * The code of the viewer-request CloudFront Function (`cloudfront-js-2.0`) for a stack's presets and
 * URL lifetime. Synchronous, so a Pulumi component can call it while it builds its resources. Keys
 * are not in the code: the function reads them from its KeyValueStore.
 * @throws Error when the settings are invalid or the code would exceed CloudFront's 10 KB limit.
 */
export function buildEdgeFunctionCode(settings: EdgeSettings): string {
  checkSettings(settings);
  template ??= loadTemplate();
  const embedded = JSON.stringify({ presets: settings.presets, maxUrlLifetimeSeconds: settings.maxUrlLifetimeSeconds });
  const code = template.replace(SETTINGS_PLACEHOLDER, () => embedded);
  // Stryker disable next-line StringLiteral: Node reads an empty encoding name as UTF-8
  const bytes = Buffer.byteLength(code, "utf8");
  if (bytes > MAX_FUNCTION_CODE_BYTES) {
    throw new Error(`Edge function build: ${bytes} bytes of code, over CloudFront's limit of ${MAX_FUNCTION_CODE_BYTES}; use fewer presets`);
  }
  return code;
}
