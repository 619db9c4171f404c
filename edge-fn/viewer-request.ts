/**
 * The viewer-request decision, shared by the CloudFront Function and the local edge (`npm start`):
 * reject bad requests with the spec's status, or forward them with the normalized format.
 * Plain JavaScript logic only; it is bundled into a `cloudfront-js-2.0` function.
 */
import { cacheFormat, type OutputFormat, type PresetFormat } from "../core/formats";
import {
  type Hmac,
  isValidKeyId,
  parseRequest,
  type Rejection,
  type SignatureParams,
  type SignedRequest,
  verifySignature,
} from "../core/url-signing";

export interface EdgeSettings {
  /** Preset name to its output format; only these names are served. */
  presets: Record<string, PresetFormat>;
  maxUrlLifetimeSeconds: number;
}

export interface ViewerRequest {
  method: string;
  /** The raw request path, still percent-encoded. */
  uri: string;
  query: SignatureParams;
  accept?: string;
}

export type EdgeDecision =
  | { action: "reject"; rejection: Rejection }
  | { action: "forward"; request: SignedRequest; format: OutputFormat };

/** Looks up a key's text by key id; resolves undefined when the keyring has no such id. */
export type KeyLookup = (kid: string) => Promise<string | undefined>;

export async function decideViewerRequest(
  viewer: ViewerRequest,
  settings: EdgeSettings,
  lookupKey: KeyLookup,
  hmac: Hmac,
  nowSeconds: number,
): Promise<EdgeDecision> {
  const parsed = parseRequest(viewer.method, viewer.uri, viewer.query, function (name) {
    return Object.prototype.hasOwnProperty.call(settings.presets, name);
  });
  if (!parsed.ok) return { action: "reject", rejection: parsed.rejection };
  const request = parsed.request;
  const keyText = isValidKeyId(request.kid) ? await lookupKey(request.kid) : undefined;
  const rejection = verifySignature(request, keyText, hmac, nowSeconds, settings.maxUrlLifetimeSeconds);
  if (rejection) return { action: "reject", rejection: rejection };
  return { action: "forward", request: request, format: cacheFormat(settings.presets[request.preset], viewer.accept) };
}

/** The JSON error body every rejection carries. */
export function rejectionBody(rejection: Rejection): string {
  return JSON.stringify({ error: rejection.code, message: rejection.message });
}
