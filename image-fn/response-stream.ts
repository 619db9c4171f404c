/// <reference types="aws-lambda" />
import type { Writable } from "node:stream";

/**
 * How the Function URL carries the image Lambda's answers. BUFFERED: one JSON document, capped at
 * 6 MB with the image base64-encoded in it. RESPONSE_STREAM: a prelude with status and headers, then
 * the raw bytes, up to 200 MB, the first 6 MB at full speed and the rest capped in bandwidth
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-response-streaming.html).
 */
export const InvokeMode = {
  /** One JSON document per answer, at most 6 MB. */
  BUFFERED: "BUFFERED",
  /** A prelude, then the raw bytes, up to 200 MB. */
  RESPONSE_STREAM: "RESPONSE_STREAM",
} as const;
export type InvokeMode = (typeof InvokeMode)[keyof typeof InvokeMode];
export const INVOKE_MODES: readonly InvokeMode[] = Object.values(InvokeMode);

/**
 * Largest image each mode can carry. Buffered: the 6 MB payload holds the body as base64 plus
 * headers. Streamed: the 200 MB response less room for the prelude.
 */
export const MAX_OUTPUT_BYTES: Record<InvokeMode, number> = {
  BUFFERED: 4_500_000,
  RESPONSE_STREAM: 200 * 1024 * 1024 - 64 * 1024,
};

/** Status and headers of a streamed response, sent before its body. */
export interface StreamPrelude {
  statusCode: number;
  headers: Record<string, string>;
}

/** The eight zero bytes that end the prelude (no JSON document contains a NUL byte). */
const PRELUDE_END = Buffer.alloc(8);

/**
 * Whether Lambda's Node.js runtime is here: it defines `awslambda.streamifyResponse` before loading the
 * handler. (The SDK defines an `awslambda` global of its own elsewhere, so the global alone says nothing.)
 */
export function inLambdaRuntime(): boolean {
  return typeof awslambda !== "undefined" && typeof awslambda.streamifyResponse === "function" && awslambda.HttpResponseStream !== undefined;
}

/**
 * Writes the prelude ahead of the body: through the runtime's HttpResponseStream in Lambda, and
 * elsewhere (the local edge, tests) in the same bytes it writes, the prelude as JSON and eight zero
 * bytes, so the local edge reads the stream the way the Function URL does.
 */
export function withPrelude(stream: Writable, prelude: StreamPrelude): Writable {
  if (inLambdaRuntime()) return awslambda.HttpResponseStream.from(stream, { ...prelude });
  stream.write(JSON.stringify(prelude));
  stream.write(PRELUDE_END);
  return stream;
}

/** Splits the bytes a streaming handler wrote into the prelude and the body, as the Function URL does. */
export function readStreamedResponse(bytes: Buffer): StreamPrelude & { body: Buffer } {
  const end = bytes.indexOf(PRELUDE_END);
  if (end < 0) throw new Error("the streamed response has no prelude");
  const prelude = JSON.parse(bytes.subarray(0, end).toString("utf8")) as StreamPrelude;
  return { statusCode: prelude.statusCode, headers: prelude.headers ?? {}, body: bytes.subarray(end + PRELUDE_END.length) };
}
