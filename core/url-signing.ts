/**
 * URL signing, version 1 (`docs/url-signing-v1.md`): parse a request path, validate the
 * object key, verify the signature and sign new URLs.
 *
 * This module is bundled into the CloudFront Function as well as the Lambda, so it must stay plain
 * JavaScript logic: no Node APIs, no `Buffer`, no `TextEncoder`, no classes. The HMAC is passed in
 * by the caller (Node's `crypto` in the Lambda, the `crypto` module of `cloudfront-js-2.0` at the edge).
 */

import { KEY_ID_PATTERN } from "./contract";

/** HMAC-SHA256 of `message` (UTF-8) under `keyText` (its ASCII bytes), as unpadded base64url. */
export type Hmac = (keyText: string, message: string) => string;

export const SIGNING_VERSION = "RDX1";
export const CLOCK_SKEW_SECONDS = 30;
export const DEFAULT_MAX_URL_LIFETIME_SECONDS = 30 * 24 * 60 * 60;
export const MAX_KEY_BYTES = 1024;

const PRESET_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
// Any number of digits: an expiry beyond what a double holds exactly is well-formed but too far,
// and it is signed as written, so the signature is checked over the digits themselves.
const EXPIRY = /^[1-9][0-9]*$/;
const SIGNATURE = /^[A-Za-z0-9_-]{43}$/;

export type RejectionCode =
  | "method-not-allowed"
  | "bad-key"
  | "unknown-preset"
  | "missing-signature"
  | "bad-signature"
  | "unknown-key-id"
  | "expired"
  | "expiry-too-far";

export interface Rejection {
  status: 400 | 403 | 405;
  code: RejectionCode;
  message: string;
}

/** The signing query parameters of a request; anything else in the query is ignored. */
export interface SignatureParams {
  exp?: string;
  kid?: string;
  sig?: string;
}

/** A request whose path, preset and signature parameters are well-formed, not yet verified. */
export interface SignedRequest {
  preset: string;
  /** The decoded object key (UTF-8, no leading slash). */
  key: string;
  /** The expiry digits as written in the URL (and signed); may exceed Number.MAX_SAFE_INTEGER. */
  exp: string;
  kid: string;
  sig: string;
}

export type ParseResult = { ok: true; request: SignedRequest } | { ok: false; rejection: Rejection };

function reject(status: Rejection["status"], code: RejectionCode, message: string): Rejection {
  return { status: status, code: code, message: message };
}

export function isValidKeyId(kid: string): boolean {
  return KEY_ID_PATTERN.test(kid);
}

export function isValidPresetName(name: string): boolean {
  return PRESET_NAME.test(name);
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Why `key` (decoded) cannot name an original, or null when it can. */
export function keyProblem(key: string): string | null {
  if (key.length === 0) return "The image key is empty.";
  if (utf8Length(key) > MAX_KEY_BYTES) return "The image key is longer than 1024 bytes.";
  if (hasControlCharacter(key)) return "The image key contains a control character.";
  const segments = key.split("/");
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment === "") return "The image key contains an empty path segment.";
    if (segment === "." || segment === "..") return "The image key contains a '.' or '..' segment.";
  }
  return null;
}

/** Decodes the percent-encoded key part of a path, or returns why it is not a valid key. */
export function decodeKey(encodedKey: string): { ok: true; key: string } | { ok: false; message: string } {
  const segments = encodedKey.split("/");
  const decoded: string[] = [];
  for (let i = 0; i < segments.length; i++) {
    try {
      decoded.push(decodeURIComponent(segments[i]));
    } catch (e) {
      return { ok: false, message: "The image key has invalid percent-encoding or invalid UTF-8." };
    }
  }
  const key = decoded.join("/");
  const problem = keyProblem(key);
  if (problem !== null) return { ok: false, message: problem };
  return { ok: true, key: key };
}

/** Percent-encodes each segment of `key`, leaving only RFC 3986 unreserved characters and `/`. */
export function encodeKey(key: string): string {
  return key
    .split("/")
    .map(function (segment) {
      return encodeURIComponent(segment).replace(/[!'()*]/g, function (c) {
        return "%" + c.charCodeAt(0).toString(16).toUpperCase();
      });
    })
    .join("/");
}

/**
 * Checks method, path, preset and the presence and form of the signing parameters, in the order
 * of the spec's status table. The key id lookup and the signature check follow in `verifySignature`.
 */
export function parseRequest(
  method: string,
  rawPath: string,
  params: SignatureParams,
  isPreset: (name: string) => boolean,
): ParseResult {
  if (method !== "GET" && method !== "HEAD") {
    return { ok: false, rejection: reject(405, "method-not-allowed", "Only GET and HEAD are allowed.") };
  }
  const queryStart = rawPath.indexOf("?");
  const path = queryStart >= 0 ? rawPath.slice(0, queryStart) : rawPath;
  const presetEnd = path.indexOf("/", 1);
  if (path.charAt(0) !== "/" || presetEnd < 0) {
    return { ok: false, rejection: reject(400, "bad-key", "The path must be /{preset}/{key}.") };
  }
  const decoded = decodeKey(path.slice(presetEnd + 1));
  if (!decoded.ok) {
    return { ok: false, rejection: reject(400, "bad-key", decoded.message) };
  }
  const preset = path.slice(1, presetEnd);
  if (!isValidPresetName(preset) || !isPreset(preset)) {
    return { ok: false, rejection: reject(400, "unknown-preset", "The preset in the path is not defined.") };
  }
  if (!params.exp || !params.kid || !params.sig) {
    return {
      ok: false,
      rejection: reject(403, "missing-signature", "The URL must carry exp, kid and sig query parameters."),
    };
  }
  if (!EXPIRY.test(params.exp)) {
    return { ok: false, rejection: reject(403, "bad-signature", "The exp parameter is not a valid expiry.") };
  }
  return {
    ok: true,
    request: { preset: preset, key: decoded.key, exp: params.exp, kid: params.kid, sig: params.sig },
  };
}

export function stringToSign(preset: string, key: string, exp: number | string, kid: string): string {
  return SIGNING_VERSION + "\n" + preset + "\n" + key + "\n" + exp + "\n" + kid;
}

/** Compares two strings over all their characters, so timing does not reveal the first difference. */
export function constantTimeEqual(a: string, b: string): boolean {
  // Stryker disable next-line MethodExpression: strings of different lengths already differ through the XOR of their lengths
  const length = Math.max(a.length, b.length);
  let difference = a.length ^ b.length;
  for (let i = 0; i < length; i++) {
    difference |= (a.charCodeAt(i) | 0) ^ (b.charCodeAt(i) | 0);
  }
  return difference === 0;
}

/**
 * Verifies a parsed request against the key text for its `kid` (undefined when the keyring has no
 * such key id), then its expiry window.
 */
export function verifySignature(
  request: SignedRequest,
  keyText: string | undefined,
  hmac: Hmac,
  nowSeconds: number,
  maxUrlLifetimeSeconds: number,
): Rejection | null {
  if (!isValidKeyId(request.kid) || keyText === undefined) {
    return reject(403, "unknown-key-id", "The key id in the URL is not in the keyring.");
  }
  const expected = hmac(keyText, stringToSign(request.preset, request.key, request.exp, request.kid));
  if (!SIGNATURE.test(request.sig) || !constantTimeEqual(expected, request.sig)) {
    return reject(403, "bad-signature", "The signature does not match the URL.");
  }
  const exp = Number(request.exp);
  if (nowSeconds > exp + CLOCK_SKEW_SECONDS) {
    return reject(403, "expired", "The URL has expired.");
  }
  if (exp > nowSeconds + maxUrlLifetimeSeconds) {
    return reject(403, "expiry-too-far", "The URL expires further ahead than this service allows.");
  }
  return null;
}

export interface SignInput {
  preset: string;
  key: string;
  exp: number;
  kid: string;
}

/** Builds the signed path and query `/{preset}/{key}?exp=…&kid=…&sig=…` for `input`. */
export function signPath(input: SignInput, keyText: string, hmac: Hmac): string {
  if (!isValidPresetName(input.preset)) throw new Error("Invalid preset name: " + input.preset);
  if (!isValidKeyId(input.kid)) throw new Error("Invalid key id: " + input.kid);
  if (!(Number.isSafeInteger(input.exp) && input.exp > 0)) throw new Error("exp must be a positive integer");
  const problem = keyProblem(input.key);
  if (problem !== null) throw new Error(problem);
  const sig = hmac(keyText, stringToSign(input.preset, input.key, input.exp, input.kid));
  return (
    "/" + input.preset + "/" + encodeKey(input.key) + "?exp=" + input.exp + "&kid=" + input.kid + "&sig=" + sig
  );
}
