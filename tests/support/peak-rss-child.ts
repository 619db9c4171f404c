/**
 * Run in a child process: answers one signed request per key of a folder with the real image handler
 * and prints, per key, the status, the error code and the peak RSS (VmHWM) reached while answering,
 * above the level before it. The peak is reset between keys (clear_refs 5), so each figure is its own.
 */
import { readFileSync, writeFileSync } from "node:fs";
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from "aws-lambda";
import { createImageHandler } from "../../image-fn/handler";
import { parseKeyring } from "../../core/keyring";
import { staticKeyring } from "../../image-fn/keyring-source";
import { folderOriginals } from "../../image-fn/originals";
import { DEFAULT_PRESETS } from "../../core/presets";
import { signUrl } from "../../core/sign-url";

const megabytes = (field: "VmHWM" | "VmRSS") =>
  Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync("/proc/self/status", "utf8"))![1]) / 1024;

async function main(dir: string, preset: string, keys: string[]): Promise<void> {
  const keyring = parseKeyring(JSON.stringify({ active: "k1", keys: { k1: Buffer.alloc(32, 7).toString("base64") } }));
  const handler = createImageHandler({ presets: DEFAULT_PRESETS, keys: staticKeyring(keyring), originals: folderOriginals(dir), log: () => {} });
  for (const key of keys) {
    const [rawPath, rawQueryString] = signUrl({ baseUrl: "", preset, key, ttlSeconds: 600, keyring }).split("?");
    const event = { rawPath, rawQueryString, headers: { accept: "image/webp" }, requestContext: { http: { method: "GET" } } };
    writeFileSync("/proc/self/clear_refs", "5");
    const before = megabytes("VmRSS");
    const response = (await handler(event as unknown as LambdaFunctionURLEvent)) as APIGatewayProxyStructuredResultV2;
    const peakMB = megabytes("VmHWM") - before;
    const error = response.statusCode === 200 ? null : JSON.parse(String(response.body)).error;
    process.stdout.write(`${JSON.stringify({ key, status: response.statusCode, code: error, peakMB: Math.round(peakMB) })}\n`);
  }
}

const [dir, preset, ...keys] = process.argv.slice(2);
main(dir, preset, keys).catch((error) => {
  console.error(error);
  process.exit(1);
});
