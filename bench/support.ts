/** What more than one section of the bench uses: the photo, the handler and its requests, the output, the child processes. */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { FORMAT_HEADER, type NegotiatedFormat, type OutputFormat, outputFormat } from "../core/formats";
import { createImageHandler, type ImageHandler } from "../image-fn/handler";
import type { Keyring } from "../core/keyring";
import { staticKeyring } from "../image-fn/keyring-source";
import type { OriginalStore } from "../image-fn/originals";
import { DEFAULT_PRESETS } from "../core/presets";
import { signUrl } from "../core/sign-url";
import { contentType } from "../image-fn/transform";
import { textTable } from "../cli/support";

export const FIXTURES = resolve(__dirname, "../tests/fixtures/images");
export const PHOTO = join(FIXTURES, "kleiber-6028x3391.jpg");
export const S3_BUCKET = "originals";
const NEGOTIATED_FORMATS: readonly NegotiatedFormat[] = ["jpeg", "webp", "avif"];

/** One request shape: a default preset with the format the edge negotiated for it. */
export interface TransformCase {
  preset: string;
  negotiated: NegotiatedFormat;
  format: OutputFormat;
}

export interface Target {
  name: string;
  pass: boolean;
  detail: string;
}

export function presetCases(sourceHasAlpha: boolean): TransformCase[] {
  return Object.entries(DEFAULT_PRESETS).flatMap(([preset, { format }]) =>
    (format === "auto" ? NEGOTIATED_FORMATS : NEGOTIATED_FORMATS.slice(0, 1)).map((negotiated) => ({
      preset,
      negotiated,
      format: outputFormat(format, negotiated, sourceHasAlpha),
    })),
  );
}

export function benchKeyring(): Keyring {
  return { active: "bench", keys: { bench: randomBytes(32).toString("base64") } };
}

export function benchHandler(originals: OriginalStore, keyring: Keyring): ImageHandler {
  return createImageHandler({ presets: DEFAULT_PRESETS, keys: staticKeyring(keyring), originals, log: () => {} });
}

export function signedPath(keyring: Keyring, preset: string, key: string): string {
  return signUrl({ baseUrl: "", preset, key, ttlSeconds: 3600, keyring });
}

/** The event CloudFront's origin request becomes at the Function URL, as the local edge builds it. */
export function functionUrlEvent(keyring: Keyring, testCase: TransformCase, key: string): LambdaFunctionURLEvent {
  const [rawPath, rawQueryString] = signedPath(keyring, testCase.preset, key).split("?");
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath,
    rawQueryString,
    headers: { [FORMAT_HEADER]: testCase.negotiated },
    requestContext: { http: { method: "GET", path: rawPath }, requestId: "bench" },
    isBase64Encoded: false,
  } as unknown as LambdaFunctionURLEvent;
}

/**
 * Calls the handler and fails the bench unless it answered as expected: the image the case asks for,
 * or, for a source the decode bounds refuse, that refusal's error code.
 */
export async function callHandler(handler: ImageHandler, event: LambdaFunctionURLEvent, testCase: TransformCase, refusal?: string): Promise<void> {
  const response = await handler(event);
  const status = typeof response === "object" ? response.statusCode : undefined;
  const type = typeof response === "object" ? response.headers?.["content-type"] : undefined;
  const body = String(typeof response === "object" ? response.body : response);
  const expected = refusal === undefined ? status === 200 && type === contentType(testCase.format) : status === 422 && body.includes(`"error":"${refusal}"`);
  if (!expected) {
    throw new Error(`handler answered ${status} ${type} for ${testCase.preset}/${testCase.format}: ${body.slice(0, 200)}`);
  }
}

export function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function printTable(title: string, header: string[], rows: string[][]): void {
  console.log(`\n${title}\n${textTable(header, rows)}`);
}

export function progress(text: string): void {
  process.stderr.write(`[bench] ${text}\n`);
}

/** Node arguments that run bench.ts again, in the child mode `args` selects. */
export function benchChildArgs(...args: string[]): string[] {
  return [...process.execArgv, join(__dirname, "bench.ts"), ...args];
}

/**
 * Starts bench.ts in a child `mode` and reads the JSON it prints first; stop() closes its stdin, which
 * ends it. Servers run in their own process so that their work neither slows nor flatters the side
 * measured here (with the load generator in the edge's event loop, the hit p99 came out two to three
 * times higher on 2 cores).
 */
export async function startChild<T>(mode: string, cpu?: number): Promise<{ served: T; stop: () => Promise<void> }> {
  const command = [process.execPath, ...benchChildArgs(mode)];
  const [file, ...args] = cpu === undefined ? command : ["taskset", "-c", String(cpu), ...command];
  const child = spawn(file, args, { stdio: ["pipe", "pipe", "inherit"] });
  const exited = once(child, "exit");
  const firstLine = new Promise<string>((resolveLine, reject) => {
    createInterface({ input: child.stdout }).once("line", resolveLine);
    exited.then(([code]) => reject(new Error(`the ${mode} child exited (${code}) before serving`)), reject);
  });
  const served = JSON.parse(await firstLine) as T;
  return {
    served,
    stop: async () => {
      child.stdin.end();
      await exited;
    },
  };
}
