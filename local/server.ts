import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Writable } from "node:stream";
import type { LambdaFunctionURLEvent, LambdaFunctionURLResult } from "aws-lambda";
import { decideViewerRequest, rejectionBody } from "../edge-fn/viewer-request";
import { FORMAT_HEADER, type OutputFormat } from "../core/formats";
import { createImageHandler, createStreamingImageHandler, type ImageHandlerDeps } from "../image-fn/handler";
import { type Keyring, nodeHmac } from "../core/keyring";
import type { KeyringProvider } from "../image-fn/keyring-source";
import type { OriginalStore } from "../image-fn/originals";
import { DEFAULT_PRESETS, type Preset, presetFormats } from "../core/presets";
import { type InvokeMode, readStreamedResponse } from "../image-fn/response-stream";
import { DEFAULT_MAX_URL_LIFETIME_SECONDS, type SignedRequest } from "../core/url-signing";
import { corsHeaders, etagMatches, sharedCacheTtl } from "./http-cache";
import { MemoryCache } from "./memory-cache";

export interface LocalEdgeOptions {
  originals: OriginalStore;
  /** The keyring, or a function giving the current one (a watched file: see `watchKeyringFile`). */
  keyring: Keyring | (() => Keyring);
  /** @default DEFAULT_PRESETS */
  presets?: Record<string, Preset>;
  /** 0 picks a free port. @default 8080 */
  port?: number;
  /** @default "127.0.0.1" */
  host?: string;
  /** @default 30 days */
  maxUrlLifetimeSeconds?: number;
  /** Bound of the in-memory cache. @default 256 MiB */
  cacheBytes?: number;
  /**
   * Origins allowed to read images cross-origin, as the ImageEdge `corsAllowedOrigins` argument:
   * `["*"]` for any. @default [] (no CORS headers)
   */
  corsAllowedOrigins?: string[];
  /** Longest wait, on close, for requests in flight before their connections are cut. @default 5000 */
  shutdownGraceMs?: number;
  /** @default the wall clock */
  nowSeconds?: () => number;
  /** Receives the handler's per-request log lines. @default discard */
  log?: (line: string) => void;
  /** How the Function URL carries the handler's answers, as ImageEdge's `invokeMode`. @default "RESPONSE_STREAM" */
  invokeMode?: InvokeMode;
}

export interface LocalEdge {
  url: string;
  /** Stops accepting, closes idle keep-alive connections now and busy ones after the grace period. */
  close(): Promise<void>;
}

interface CachedResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: Buffer;
  bytes: number;
  /** When the entry stops being served, in the edge clock's seconds. */
  expiresAt: number;
}

/** Parameters of the query as CloudFront's query object gives them: the first value of each. */
function signatureParams(rawQuery: string): { exp?: string; kid?: string; sig?: string } {
  const query = new URLSearchParams(rawQuery);
  return { exp: query.get("exp") ?? undefined, kid: query.get("kid") ?? undefined, sig: query.get("sig") ?? undefined };
}

function cacheKey(request: SignedRequest, format: OutputFormat): string {
  return `${request.preset}\n${request.key}\n${format}`;
}

function cachedResponse(statusCode: number, rawHeaders: Record<string, unknown>, body: Buffer): CachedResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawHeaders)) headers[name.toLowerCase()] = String(value);
  return { statusCode, headers, body, bytes: body.length + 512, expiresAt: 0 };
}

function fromHandlerResult(result: LambdaFunctionURLResult): CachedResponse {
  const shaped = typeof result === "string" ? { statusCode: 200, body: result } : result;
  const body = Buffer.from(shaped.body ?? "", shaped.isBase64Encoded ? "base64" : "utf8");
  return cachedResponse(shaped.statusCode ?? 200, shaped.headers ?? {}, body);
}

/** Calls the handler of the Function URL's invoke mode and reads its answer the way the Function URL does. */
function functionUrl(deps: ImageHandlerDeps, mode: InvokeMode) {
  if (mode === "BUFFERED") {
    const handler = createImageHandler(deps);
    return async (event: LambdaFunctionURLEvent, awsRequestId: string) => fromHandlerResult(await handler(event, { awsRequestId }));
  }
  const handler = createStreamingImageHandler(deps);
  return async (event: LambdaFunctionURLEvent, awsRequestId: string) => {
    const chunks: Buffer[] = [];
    const responseStream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        chunks.push(chunk);
        done();
      },
    });
    await handler(event, responseStream, { awsRequestId });
    const { statusCode, headers, body } = readStreamedResponse(Buffer.concat(chunks));
    return cachedResponse(statusCode, headers, body);
  };
}

function liveKeyring(keyring: LocalEdgeOptions["keyring"]): KeyringProvider {
  const current = typeof keyring === "function" ? keyring : () => keyring;
  return {
    keyText: async (kid) => {
      const keys = current().keys;
      return Object.hasOwn(keys, kid) ? keys[kid] : undefined;
    },
  };
}

/**
 * The deployed request path on localhost: the edge decision (same module as the CloudFront Function,
 * signature checked on every request, hits included), a cache keyed and expired like CloudFront's,
 * concurrent misses for one object collapsed into one origin request, and the real image handler
 * behind it, called with the event a Function URL would receive from CloudFront.
 */
export async function startLocalEdge(options: LocalEdgeOptions): Promise<LocalEdge> {
  const presets = options.presets ?? DEFAULT_PRESETS;
  const maxUrlLifetimeSeconds = options.maxUrlLifetimeSeconds ?? DEFAULT_MAX_URL_LIFETIME_SECONDS;
  const nowSeconds = options.nowSeconds ?? (() => Math.floor(Date.now() / 1000));
  const allowedOrigins = options.corsAllowedOrigins ?? [];
  const keys = liveKeyring(options.keyring);
  const invoke = functionUrl(
    { presets, keys, originals: options.originals, maxUrlLifetimeSeconds, nowSeconds, log: options.log ?? (() => {}) },
    options.invokeMode ?? "RESPONSE_STREAM",
  );
  const settings = { presets: presetFormats(presets), maxUrlLifetimeSeconds };
  const cache = new MemoryCache<CachedResponse>(options.cacheBytes ?? 256 * 1024 * 1024);
  const inFlight = new Map<string, Promise<CachedResponse>>();
  let requestCount = 0;

  /** One origin request per object at a time; CloudFront always asks its origin with GET. */
  function fromOrigin(key: string, rawPath: string, query: ReturnType<typeof signatureParams>, format: OutputFormat, accept?: string) {
    const pending = inFlight.get(key);
    if (pending) return pending;
    const forwardedQuery = `exp=${encodeURIComponent(query.exp ?? "")}&kid=${encodeURIComponent(query.kid ?? "")}&sig=${encodeURIComponent(query.sig ?? "")}`;
    const requestId = `local-${++requestCount}`;
    const event = {
      version: "2.0",
      routeKey: "$default",
      rawPath,
      rawQueryString: forwardedQuery,
      headers: { [FORMAT_HEADER]: format, ...(accept ? { accept } : {}) },
      requestContext: { http: { method: "GET", path: rawPath }, requestId },
      isBase64Encoded: false,
    } as unknown as LambdaFunctionURLEvent;
    const response = invoke(event, requestId)
      .then((cached) => {
        cached.expiresAt = nowSeconds() + sharedCacheTtl(cached.statusCode, cached.headers["cache-control"]);
        if (cached.expiresAt > nowSeconds()) cache.set(key, cached);
        return cached;
      })
      .finally(() => inFlight.delete(key));
    inFlight.set(key, response);
    return response;
  }

  async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const rawUrl = req.url ?? "/";
    const queryStart = rawUrl.indexOf("?");
    const rawPath = queryStart >= 0 ? rawUrl.slice(0, queryStart) : rawUrl;
    const rawQuery = queryStart >= 0 ? rawUrl.slice(queryStart + 1) : "";
    const method = req.method ?? "GET";
    const query = signatureParams(rawQuery);
    const cors = corsHeaders(allowedOrigins, req.headers.origin);
    const decision = await decideViewerRequest(
      { method, uri: rawPath, query, accept: req.headers.accept },
      settings,
      keys.keyText,
      nodeHmac,
      nowSeconds(),
    );
    if (decision.action === "reject") {
      const body = Buffer.from(rejectionBody(decision.rejection));
      const headers = { "content-type": "application/json", "cache-control": "no-store" };
      send(res, method, { statusCode: decision.rejection.status, headers, body, bytes: 0, expiresAt: 0 }, undefined, cors);
      return;
    }
    const key = cacheKey(decision.request, decision.format);
    const hit = cache.get(key, nowSeconds());
    if (hit) {
      send(res, method, hit, "Hit", cors, req.headers["if-none-match"]);
      return;
    }
    const response = await fromOrigin(key, rawPath, query, decision.format, req.headers.accept);
    send(res, method, response, "Miss", cors, req.headers["if-none-match"]);
  }

  let closing = false;
  const server = createServer((req, res) => {
    // Once closing, a keep-alive connection ends with the response it is carrying.
    if (closing) res.setHeader("connection", "close");
    serve(req, res).catch((error) => {
      console.error(JSON.stringify({ error: "internal", detail: String(error) }));
      if (!res.headersSent) res.writeHead(500, { "content-type": "application/json", "cache-control": "no-store" });
      res.end(JSON.stringify({ error: "internal", message: "Unexpected error in the local edge." }));
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8080, options.host ?? "127.0.0.1", resolve);
  });
  const address = server.address() as AddressInfo;
  const shutdownGraceMs = options.shutdownGraceMs ?? 5000;
  let closed: Promise<void> | undefined;
  return {
    url: `http://${address.address}:${address.port}`,
    close: () =>
      (closed ??= new Promise<void>((resolve, reject) => {
        closing = true;
        const cut = setTimeout(() => server.closeAllConnections(), shutdownGraceMs);
        server.close((error) => {
          clearTimeout(cut);
          if (error) reject(error);
          else resolve();
        });
        server.closeIdleConnections();
      })),
  };
}

function send(
  res: ServerResponse,
  method: string,
  response: CachedResponse,
  cacheStatus: "Hit" | "Miss" | undefined,
  cors: Record<string, string>,
  ifNoneMatch?: string,
): void {
  const headers: Record<string, string> = { ...response.headers, ...cors };
  if (response.headers.vary && cors.vary) headers.vary = `${response.headers.vary}, ${cors.vary}`;
  if (cacheStatus) headers["x-cache"] = cacheStatus;
  if (response.statusCode === 200 && etagMatches(ifNoneMatch, response.headers.etag)) {
    delete headers["content-length"];
    delete headers["content-type"];
    res.writeHead(304, headers);
    res.end();
    return;
  }
  headers["content-length"] = String(response.body.length);
  res.writeHead(response.statusCode, headers);
  res.end(method === "HEAD" ? undefined : response.body);
}
