import { createHash } from "node:crypto";
import { once } from "node:events";
import type { Writable } from "node:stream";
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from "aws-lambda";
import { FORMAT_HEADER, isNegotiatedFormat, negotiateFormat } from "../core/formats";
import { nodeHmac } from "../core/keyring";
import type { KeyringProvider } from "./keyring-source";
import type { OriginalStore } from "./originals";
import { DEFAULT_CACHE_CONTROL, type Preset } from "../core/presets";
import { type RequestRecord, requestLogLine } from "./request-log";
import { MAX_OUTPUT_BYTES, withPrelude } from "./response-stream";
import { contentType, TransformError, transformImage } from "./transform";
import { DEFAULT_MAX_URL_LIFETIME_SECONDS, isValidKeyId, parseRequest, verifySignature } from "../core/url-signing";

export const DEFAULT_MAX_SOURCE_BYTES = 40 * 1024 * 1024;
export const DEFAULT_MAX_SOURCE_PIXELS = 50_000_000;

export interface ImageHandlerDeps {
  presets: Record<string, Preset>;
  keys: KeyringProvider;
  originals: OriginalStore;
  /** @default 30 days */
  maxUrlLifetimeSeconds?: number;
  /** @default 40 MB */
  maxSourceBytes?: number;
  /** @default 50 million */
  maxSourcePixels?: number;
  /**
   * Largest image answered; a larger one is answered 422 `output-too-large` instead of a Lambda error.
   * @default what the handler's invoke mode can carry (MAX_OUTPUT_BYTES)
   */
  maxOutputBytes?: number;
  /** @default the wall clock */
  nowSeconds?: () => number;
  /**
   * Receives one JSON line per request.
   * @default a raw stdout write, so the Embedded Metric Format document reaches the log group as
   * bare JSON, without the timestamp and level prefix Lambda's console wrapper adds.
   */
  log?: (line: string) => void;
  /** Dimension value of the metrics. @default AWS_LAMBDA_FUNCTION_NAME or "local" */
  functionName?: string;
}

/** The handler of a BUFFERED Function URL. */
export type ImageHandler = (
  event: LambdaFunctionURLEvent,
  context?: { awsRequestId: string },
) => Promise<LambdaFunctionURLResult>;

/** The handler of a RESPONSE_STREAM Function URL: writes status, headers and body to `responseStream`. */
export type StreamingImageHandler = (
  event: LambdaFunctionURLEvent,
  responseStream: Writable,
  context?: { awsRequestId: string },
) => Promise<void>;

type ErrorCode = string;

/** An answer before it is shaped for a buffered or a streamed response; an image body is a Buffer. */
interface Answer {
  statusCode: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

function errorResponse(
  status: number,
  code: ErrorCode,
  message: string,
  cacheControl = "no-store",
  extraHeaders: Record<string, string> = {},
): Answer {
  return {
    statusCode: status,
    headers: { "content-type": "application/json", "cache-control": cacheControl, ...extraHeaders },
    body: JSON.stringify({ error: code, message }),
  };
}

function firstQueryValues(rawQueryString: string | undefined): { exp?: string; kid?: string; sig?: string } {
  const query = new URLSearchParams(rawQueryString ?? "");
  return { exp: query.get("exp") ?? undefined, kid: query.get("kid") ?? undefined, sig: query.get("sig") ?? undefined };
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise that never rejects, so work whose result may be dropped never becomes an unhandled rejection. */
function settled<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

function unsettled<T>(outcome: Settled<T>): T {
  if (!outcome.ok) throw outcome.error;
  return outcome.value;
}

/** Verifies the signed URL again, reads the original and transforms it; logs one line per request. */
function createAnswerer(deps: ImageHandlerDeps, maxOutputBytes: number) {
  const maxUrlLifetimeSeconds = deps.maxUrlLifetimeSeconds ?? DEFAULT_MAX_URL_LIFETIME_SECONDS;
  const maxSourceBytes = deps.maxSourceBytes ?? DEFAULT_MAX_SOURCE_BYTES;
  const maxSourcePixels = deps.maxSourcePixels ?? DEFAULT_MAX_SOURCE_PIXELS;
  const nowSeconds = deps.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const log = deps.log ?? ((line: string) => process.stdout.write(`${line}\n`));
  const functionName = deps.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? "local";

  async function respond(event: LambdaFunctionURLEvent, record: RequestRecord): Promise<Answer> {
    const method = event.requestContext.http.method;
    const parsed = parseRequest(method, event.rawPath, firstQueryValues(event.rawQueryString), (name) =>
      Object.hasOwn(deps.presets, name),
    );
    if (!parsed.ok) {
      record.error = parsed.rejection.code;
      return errorResponse(parsed.rejection.status, parsed.rejection.code, parsed.rejection.message);
    }
    const request = parsed.request;
    record.preset = request.preset;
    const keyText = isValidKeyId(request.kid) ? await deps.keys.keyText(request.kid) : undefined;
    const rejection = verifySignature(request, keyText, nodeHmac, nowSeconds(), maxUrlLifetimeSeconds);
    if (rejection) {
      record.error = rejection.code;
      return errorResponse(rejection.status, rejection.code, rejection.message);
    }

    const preset = deps.presets[request.preset];
    const edgeFormat = event.headers?.[FORMAT_HEADER];
    const negotiated = isNegotiatedFormat(edgeFormat) ? edgeFormat : negotiateFormat(event.headers?.accept);
    let transformStarted = performance.now();
    const transform = (source: Buffer) => settled(transformImage({ source, preset, negotiated, maxSourcePixels }));
    // Bytes kept from an earlier read are transformed while the store asks S3 whether they are still
    // current; the result counts only if the read answers those very bytes, so nothing stale is served.
    const kept = deps.originals.peek?.(request.key);
    const speculative = kept && transform(kept);
    const source = await deps.originals.read(request.key, maxSourceBytes);
    if (source === "not-found" || source === "denied") {
      record.error = source === "denied" ? "original-denied" : "not-found";
      return errorResponse(404, "not-found", "No original exists for this key.", "public, max-age=60");
    }
    if (source === "unavailable") {
      record.error = "originals-unavailable";
      const message = "The originals store did not answer in time; retry shortly.";
      return errorResponse(503, "originals-unavailable", message, "no-store", { "retry-after": "1" });
    }
    if (source === "too-large") {
      record.error = "source-too-large";
      return errorResponse(422, "source-too-large", "The original is larger than this service transforms.");
    }
    record.sourceBytes = source.length;

    const confirmed = source === kept && speculative;
    if (!confirmed) transformStarted = performance.now();
    let result;
    try {
      result = await (confirmed || transform(source)).then(unsettled);
    } catch (error) {
      if (!(error instanceof TransformError)) throw error;
      record.error = error.code;
      return errorResponse(error.code === "unsupported-source" ? 415 : 422, error.code, error.message);
    } finally {
      record.transformMs = Math.round(performance.now() - transformStarted);
    }
    record.sourcePixels = result.sourcePixels;
    if (result.body.length > maxOutputBytes) {
      record.error = "output-too-large";
      return errorResponse(422, "output-too-large", "The transformed image is larger than a response can carry.");
    }
    record.outputBytes = result.body.length;

    const headers: Record<string, string> = {
      "content-type": contentType(result.format),
      "content-length": String(result.body.length),
      "cache-control": preset.cacheControl ?? DEFAULT_CACHE_CONTROL,
      etag: `"${createHash("sha256").update(result.body).digest("base64url").slice(0, 32)}"`,
    };
    if (preset.format === "auto") headers.vary = "Accept";
    return { statusCode: 200, headers, body: method === "HEAD" ? "" : result.body };
  }

  return async (event: LambdaFunctionURLEvent, context?: { awsRequestId: string }): Promise<Answer> => {
    const started = performance.now();
    const record: RequestRecord = {
      requestId: context?.awsRequestId ?? event.requestContext?.requestId ?? "local",
      preset: null,
      status: 0,
      sourceBytes: 0,
      sourcePixels: 0,
      outputBytes: 0,
      durationMs: 0,
      transformMs: 0,
      error: null,
    };
    let response: Answer;
    try {
      response = await respond(event, record);
    } catch (error) {
      record.error = "internal";
      console.error(JSON.stringify({ requestId: record.requestId, error: "internal", detail: String(error) }));
      response = errorResponse(500, "internal", `Unexpected error; request id ${record.requestId}.`);
    }
    record.status = response.statusCode;
    record.durationMs = Math.round(performance.now() - started);
    log(requestLogLine(record, functionName, Date.now()));
    return response;
  };
}

/** The handler of a BUFFERED Function URL: images travel base64-encoded in the JSON result. */
export function createImageHandler(deps: ImageHandlerDeps): ImageHandler {
  const answer = createAnswerer(deps, deps.maxOutputBytes ?? MAX_OUTPUT_BYTES.BUFFERED);
  return async (event, context) => {
    const { statusCode, headers, body } = await answer(event, context);
    if (typeof body === "string") return { statusCode, headers, body };
    return { statusCode, headers, body: body.toString("base64"), isBase64Encoded: true };
  };
}

/**
 * The handler of a RESPONSE_STREAM Function URL: status and headers go out as the stream's prelude,
 * then the image's bytes as they are, so outputs up to the streaming limit are served.
 */
export function createStreamingImageHandler(deps: ImageHandlerDeps): StreamingImageHandler {
  const answer = createAnswerer(deps, deps.maxOutputBytes ?? MAX_OUTPUT_BYTES.RESPONSE_STREAM);
  return async (event, responseStream, context) => {
    const { statusCode, headers, body } = await answer(event, context);
    const stream = withPrelude(responseStream, { statusCode, headers });
    stream.end(body);
    await once(stream, "finish");
  };
}
