/**
 * The smoke test a deploy runs against a stack, and anyone can run against `npm start`:
 *
 *   npm run smoke -- --base-url URL (--keyring FILE | --keyring-secret ARN) [--key KEY]
 *
 * A signed URL answers 200 with the negotiated image type, a repeat is a cache hit, and the edge
 * refuses a missing signature, an expired URL, an unknown preset and an unknown key id. Prints a
 * table; exits 1 when any check fails.
 */
import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Keyring } from "../core/keyring";
import { readKeyringSecret } from "../image-fn/keyring-source";
import { signUrl } from "../core/sign-url";
import type { RejectionCode } from "../core/url-signing";
import { readKeyringFile } from "../core/keyring";
import { runCli, textTable } from "../cli/support";

/** The original the deploy workflow uploads before the smoke test (`samples/coffee.png`). */
export const DEFAULT_PROBE_KEY = "smoke/probe.png";
/** A preset every stack defines, with `format: auto` so that `Accept` decides the type. */
export const SMOKE_PRESET = "thumb";
const PROBE_ACCEPT = "image/webp";
const EXPECTED_TYPE = "image/webp";
const UNKNOWN_PRESET = "smoke-no-such-preset";
const UNKNOWN_KID = "smoke-unknown-kid";
/** A CloudFront repeat can land on another cache host of the edge location and miss once more. */
const CACHE_HIT_ATTEMPTS = 3;

export interface SmokeTarget {
  baseUrl: string;
  keyring: Keyring;
  /** Object key of an original that exists. */
  key: string;
}

export interface CheckResult {
  check: string;
  expected: string;
  actual: string;
  passed: boolean;
}

interface Answer {
  status: number;
  contentType: string;
  cache: string;
  bytes: number;
  errorCode?: string;
}

/** The url-signing-v1 error code of a JSON error body. */
function errorCodeOf(contentType: string, body: Buffer): string | undefined {
  if (!contentType.startsWith("application/json")) return undefined;
  try {
    return JSON.parse(body.toString("utf8")).error;
  } catch {
    return undefined;
  }
}

async function get(url: string): Promise<Answer> {
  const response = await fetch(url, { headers: { accept: PROBE_ACCEPT }, redirect: "manual" });
  const body = Buffer.from(await response.arrayBuffer());
  const contentType = response.headers.get("content-type") ?? "";
  return { status: response.status, contentType, cache: response.headers.get("x-cache") ?? "", bytes: body.length, errorCode: errorCodeOf(contentType, body) };
}

function describe(answer: Answer): string {
  return [String(answer.status), answer.errorCode ?? answer.contentType, answer.cache].filter(Boolean).join(" ");
}

/** `X-Cache` of a hit: CloudFront's `Hit from cloudfront`, or the local edge's `Hit`. */
function isCacheHit(answer: Answer): boolean {
  return /^hit( from cloudfront)?$/i.test(answer.cache);
}

interface Check {
  name: string;
  expected: string;
  run(): Promise<{ actual: string; passed: boolean }>;
}

function refusal(name: string, url: string, status: number, code: RejectionCode): Check {
  return {
    name,
    expected: `${status} ${code}`,
    async run() {
      const answer = await get(url);
      return { actual: describe(answer), passed: answer.status === status && answer.errorCode === code };
    },
  };
}

/** Runs every check in order; a check that cannot reach the edge fails rather than throwing. */
export async function runSmokeChecks(target: SmokeTarget): Promise<CheckResult[]> {
  const now = Math.floor(Date.now() / 1000);
  const sign = (preset: string, options: { ttlSeconds?: number; nowSeconds?: number; keyring?: Keyring; kid?: string } = {}) =>
    signUrl({
      baseUrl: target.baseUrl,
      preset,
      key: target.key,
      ttlSeconds: options.ttlSeconds ?? 600,
      keyring: options.keyring ?? target.keyring,
      kid: options.kid,
      nowSeconds: options.nowSeconds ?? now,
    });
  const probeUrl = sign(SMOKE_PRESET);
  const withForeignKid: Keyring = { ...target.keyring, keys: { ...target.keyring.keys, [UNKNOWN_KID]: randomBytes(32).toString("base64") } };

  const checks: Check[] = [
    {
      name: "signed URL",
      expected: `200 ${EXPECTED_TYPE}`,
      async run() {
        const answer = await get(probeUrl);
        const actual = answer.status === 200 ? `${describe(answer)} ${answer.bytes} B` : describe(answer);
        return { actual, passed: answer.status === 200 && answer.contentType === EXPECTED_TYPE && answer.bytes > 0 };
      },
    },
    {
      name: "repeat is a cache hit",
      expected: "200 X-Cache: Hit",
      async run() {
        let answer = await get(probeUrl);
        for (let tries = 1; tries < CACHE_HIT_ATTEMPTS && !isCacheHit(answer); tries++) answer = await get(probeUrl);
        return { actual: `${answer.status} X-Cache: ${answer.cache || "(none)"}`, passed: answer.status === 200 && isCacheHit(answer) };
      },
    },
    refusal("missing signature", probeUrl.split("?")[0], 403, "missing-signature"),
    refusal("expired", sign(SMOKE_PRESET, { nowSeconds: now - 7200, ttlSeconds: 3600 }), 403, "expired"),
    {
      name: "unknown preset",
      expected: "4xx unknown-preset",
      async run() {
        const answer = await get(sign(UNKNOWN_PRESET));
        return { actual: describe(answer), passed: answer.status >= 400 && answer.status < 500 && answer.errorCode === "unknown-preset" };
      },
    },
    refusal("wrong key id", sign(SMOKE_PRESET, { keyring: withForeignKid, kid: UNKNOWN_KID }), 403, "unknown-key-id"),
  ];
  const results: CheckResult[] = [];
  for (const check of checks) {
    const outcome = await check.run().catch((error: Error) => ({ actual: `request failed: ${(error.cause as Error | undefined)?.message ?? error.message}`, passed: false }));
    results.push({ check: check.name, expected: check.expected, ...outcome });
  }
  return results;
}

export function formatResults(results: CheckResult[]): string {
  const table = textTable(
    ["check", "expected", "got", "result"],
    results.map((r) => [r.check, r.expected, r.actual, r.passed ? "PASS" : "FAIL"]),
  );
  const failed = results.filter((r) => !r.passed).length;
  return `${table}\n\n${failed ? `${failed} of ${results.length} checks failed` : `all ${results.length} checks passed`}`;
}

/** The keyring from the stack's secret; the client's region is the secret's. */
async function keyringFromSecretArn(arn: string): Promise<Keyring> {
  const region = /^arn:aws[a-z-]*:secretsmanager:([a-z0-9-]+):/.exec(arn)?.[1];
  if (!region) throw new Error("--keyring-secret must be a Secrets Manager secret ARN");
  return readKeyringSecret(new SecretsManagerClient({ region }), arn);
}

if (require.main === module) {
  runCli("usage: npm run smoke -- --base-url URL (--keyring FILE | --keyring-secret ARN) [--key KEY]", async () => {
    const { values } = parseArgs({
      options: {
        "base-url": { type: "string" },
        keyring: { type: "string" },
        "keyring-secret": { type: "string" },
        key: { type: "string", default: DEFAULT_PROBE_KEY },
      },
      strict: true,
    });
    if (!values["base-url"]) throw new Error("--base-url is required");
    if (Boolean(values.keyring) === Boolean(values["keyring-secret"])) throw new Error("give either --keyring or --keyring-secret");
    const keyring = values.keyring ? readKeyringFile(values.keyring) : await keyringFromSecretArn(values["keyring-secret"]!);
    const results = await runSmokeChecks({ baseUrl: values["base-url"], keyring, key: values.key! });
    console.log(`Smoke test of ${values["base-url"]} with ${SMOKE_PRESET}/${values.key}\n`);
    console.log(formatResults(results));
    if (results.some((result) => !result.passed)) process.exitCode = 1;
  });
}
