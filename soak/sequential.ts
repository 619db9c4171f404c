/**
 * The process `npm run soak -- --sequential N` measures: the image handler as one warm Lambda
 * container runs it, one request after another with nothing in between, each a transform (CloudFront
 * forwards only misses), over every test photo, default preset and format. Prints one line per
 * `SOAK_SAMPLE_EVERY` requests: `RSS <requests> <RSS MB> <peak RSS MB>`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import sharp from "sharp";
import { FORMAT_HEADER } from "../core/formats";
import { parseKeyring } from "../core/keyring";
import { DEFAULT_PRESETS } from "../core/presets";
import { signUrl } from "../core/sign-url";
import { createImageHandler } from "../image-fn/handler";
import { staticKeyring } from "../image-fn/keyring-source";
import { folderOriginals } from "../image-fn/originals";
import { SOAK_FORMATS, SOAK_PHOTOS, soakSharpConcurrency } from "./settings";

const megabytes = (field: "VmRSS" | "VmHWM") =>
  Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync("/proc/self/status", "utf8"))![1]) / 1024);

(async () => {
  soakSharpConcurrency(sharp);
  const keyring = parseKeyring(process.env.SOAK_KEYRING ?? "", "SOAK_KEYRING");
  const requests = Number(process.env.SOAK_REQUESTS);
  const sampleEvery = Number(process.env.SOAK_SAMPLE_EVERY);
  const handler = createImageHandler({
    presets: DEFAULT_PRESETS,
    keys: staticKeyring(keyring),
    originals: folderOriginals(join(__dirname, "..", "tests", "fixtures", "images")),
    log: () => {},
  });
  const presets = Object.keys(DEFAULT_PRESETS);
  console.log(`RSS 0 ${megabytes("VmRSS")} ${megabytes("VmHWM")}`);
  for (let i = 1; i <= requests; i++) {
    const [rawPath, rawQueryString] = signUrl({ baseUrl: "", preset: presets[i % presets.length], key: SOAK_PHOTOS[i % SOAK_PHOTOS.length], ttlSeconds: 3600, keyring }).split("?");
    const event = {
      rawPath,
      rawQueryString,
      headers: { [FORMAT_HEADER]: SOAK_FORMATS[Math.floor(i / presets.length) % SOAK_FORMATS.length] },
      requestContext: { http: { method: "GET" }, requestId: String(i) },
    } as unknown as LambdaFunctionURLEvent;
    const response = await handler(event);
    if (typeof response !== "object" || response.statusCode !== 200) throw new Error(`request ${i} answered ${JSON.stringify(response).slice(0, 200)}`);
    if (i % sampleEvery === 0) console.log(`RSS ${i} ${megabytes("VmRSS")} ${megabytes("VmHWM")}`);
  }
})().catch((error) => {
  console.error(error);
  process.exit(1);
});
