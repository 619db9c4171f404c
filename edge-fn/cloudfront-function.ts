/**
 * The viewer-request CloudFront Function (`cloudfront-js-2.0`): the shared edge decision, with keys
 * from the function's KeyValueStore and the runtime's HMAC. `build.ts` bundles this file into the
 * function's code; it is never loaded by Node.
 *
 * The runtime documents only part of modern JavaScript (no classes, generators, destructuring, spread,
 * optional chaining or `??`; `async` only on top-level function declarations), so this file and
 * everything it imports keep to plain functions; the tests check the built code for all of these.
 */
import { KEY_VALUE_STORE_PREFIX } from "../core/contract";
import { FORMAT_HEADER } from "../core/formats";
import type { Rejection } from "../core/url-signing";
import { decideViewerRequest, type EdgeSettings, rejectionBody } from "./viewer-request";

/** A query parameter, header or cookie as CloudFront Functions represent them. */
export interface CloudFrontField {
  value: string;
  /** Present only when the name occurs more than once; repeats `value` as its first entry. */
  multiValue?: { value: string }[];
}

export interface CloudFrontRequest {
  method: string;
  /** The path as the viewer sent it: CloudFront does not percent-decode it (query values neither). */
  uri: string;
  querystring: Record<string, CloudFrontField>;
  /** Lower-case header names. */
  headers: Record<string, CloudFrontField>;
  cookies?: Record<string, CloudFrontField>;
}

export interface ViewerRequestEvent {
  request: CloudFrontRequest;
}

export interface CloudFrontResponse {
  statusCode: number;
  headers: Record<string, { value: string }>;
  body: { encoding: "text"; data: string };
}

interface KeyValueStoreHandle {
  /** Rejects when the store has no such key. */
  get(key: string, options: { format: "string" }): Promise<string>;
}

interface HmacRuntime {
  createHmac(algorithm: "sha256", key: string): { update(data: string): { digest(encoding: "base64url"): string } };
}

// `build.ts` puts the runtime's `import cf from 'cloudfront'` and `import crypto from 'crypto'` above
// the bundle, so these two names are bound by the final script, not by this module.
declare const cf: { kvs(): KeyValueStoreHandle };
declare const crypto: HmacRuntime;
/** Replaced by `build.ts` with the stack's presets and URL lifetime when a stack is deployed. */
declare const RENDORIX_EDGE_SETTINGS: EdgeSettings;

async function keyTextFromStore(kid: string): Promise<string | undefined> {
  try {
    // Stryker disable next-line ObjectLiteral: "string" is also the default format (CloudFront Developer Guide, "Helper methods for key value stores")
    return await cf.kvs().get(KEY_VALUE_STORE_PREFIX + kid, { format: "string" });
  }
  // Stryker disable next-line BlockStatement: an empty catch also ends the function with undefined
  catch {
    // A missing key rejects; so does any other store failure, and refusing the URL then fails closed.
    return undefined;
  }
}

function runtimeHmac(keyText: string, message: string): string {
  return crypto.createHmac("sha256", keyText).update(message).digest("base64url");
}

function firstValue(field: CloudFrontField | undefined): string | undefined {
  return field ? field.value : undefined;
}

/** Repeated headers mean the same as one header with their values joined by commas. */
function headerValue(field: CloudFrontField | undefined): string | undefined {
  if (!field || !field.multiValue) return firstValue(field);
  return field.multiValue.map((entry) => entry.value).join(",");
}

function rejectionResponse(rejection: Rejection): CloudFrontResponse {
  return {
    statusCode: rejection.status,
    headers: { "content-type": { value: "application/json" }, "cache-control": { value: "no-store" } },
    body: { encoding: "text", data: rejectionBody(rejection) },
  };
}

/**
 * Answers a bad request itself, or forwards it with the normalized format header and a query string
 * of only exp, kid and sig, so that nothing unsigned reaches the cache key or the origin.
 */
export async function handler(event: ViewerRequestEvent): Promise<CloudFrontRequest | CloudFrontResponse> {
  const request = event.request;
  const query = request.querystring;
  const decision = await decideViewerRequest(
    {
      method: request.method,
      uri: request.uri,
      query: { exp: firstValue(query.exp), kid: firstValue(query.kid), sig: firstValue(query.sig) },
      accept: headerValue(request.headers.accept),
    },
    RENDORIX_EDGE_SETTINGS,
    keyTextFromStore,
    runtimeHmac,
    Math.floor(Date.now() / 1000),
  );
  if (decision.action === "reject") return rejectionResponse(decision.rejection);
  const signed = decision.request;
  request.headers[FORMAT_HEADER] = { value: decision.format };
  request.querystring = { exp: { value: signed.exp }, kid: { value: signed.kid }, sig: { value: signed.sig } };
  return request;
}
