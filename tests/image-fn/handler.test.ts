import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { LambdaFunctionURLEvent, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { Writable } from "node:stream";
import sharp from "sharp";
import { createImageHandler, createStreamingImageHandler, type ImageHandlerDeps } from "../../image-fn/handler";
import { MAX_OUTPUT_BYTES, readStreamedResponse } from "../../image-fn/response-stream";
import { LARGE_PNG_PRESET, noiseOriginal } from "../support/large-output";
import { parseKeyring } from "../../core/keyring";
import { staticKeyring } from "../../image-fn/keyring-source";
import { folderOriginals, type OriginalStore } from "../../image-fn/originals";
import { DEFAULT_PRESETS } from "../../core/presets";
import { signUrl } from "../../core/sign-url";
import { FIXTURES } from "../support/bad-originals";
import { vectors } from "../support/vectors";

const keyring = parseKeyring(JSON.stringify(vectors.keyring));
const coffee = readFileSync(join(FIXTURES, "coffee.png"));

function functionUrlEvent(preset: string, key: string, signKid?: string): LambdaFunctionURLEvent {
  const url = signUrl({ baseUrl: "", preset, key, ttlSeconds: 600, keyring, kid: signKid, nowSeconds: vectors.now });
  const [rawPath, rawQueryString] = url.split("?");
  return {
    rawPath,
    rawQueryString,
    headers: { "x-rendorix-format": "webp" },
    requestContext: { http: { method: "GET" }, requestId: "req-1" },
  } as unknown as LambdaFunctionURLEvent;
}

function handlerWith(originals: OriginalStore, overrides: Partial<ImageHandlerDeps> = {}) {
  const lines: string[] = [];
  const handler = createImageHandler({
    presets: DEFAULT_PRESETS,
    keys: staticKeyring(keyring),
    originals,
    nowSeconds: () => vectors.now,
    log: (line) => lines.push(line),
    functionName: "rendorix-image",
    ...overrides,
  });
  const invoke = async (event: LambdaFunctionURLEvent, requestId: string) =>
    (await handler(event, { awsRequestId: requestId })) as APIGatewayProxyStructuredResultV2;
  return { invoke, lines };
}

const photoStore: OriginalStore = { read: async () => coffee };

/** Calls the streaming handler and splits what it wrote as the Function URL does. */
async function invokeStreaming(deps: Partial<ImageHandlerDeps> & { originals: OriginalStore }, event: LambdaFunctionURLEvent) {
  const chunks: Buffer[] = [];
  const responseStream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk);
      done();
    },
  });
  const lines: string[] = [];
  const handler = createStreamingImageHandler({
    presets: DEFAULT_PRESETS,
    keys: staticKeyring(keyring),
    nowSeconds: () => vectors.now,
    log: (line) => lines.push(line),
    ...deps,
  });
  await handler(event, responseStream, { awsRequestId: "req-s" });
  assert.ok(responseStream.writableFinished, "the handler ends the stream");
  return { ...readStreamedResponse(Buffer.concat(chunks)), lines };
}

describe("image handler", () => {
  describe("streaming (RESPONSE_STREAM)", () => {
    it("writes status and headers as the prelude, then the image's raw bytes", async () => {
      const { statusCode, headers, body } = await invokeStreaming({ originals: photoStore }, functionUrlEvent("w400", "coffee.png"));
      assert.equal(statusCode, 200);
      assert.equal(headers["content-type"], "image/webp");
      assert.equal(Number(headers["content-length"]), body.length);
      assert.equal((await sharp(body).metadata()).width, 400);
    });

    it("serves an output a buffered response could not carry", async () => {
      const noise = await noiseOriginal();
      const presets = { large: LARGE_PNG_PRESET };
      const event = functionUrlEvent("large", "noise.png");
      const streamed = await invokeStreaming({ originals: { read: async () => noise }, presets }, event);
      assert.equal(streamed.statusCode, 200);
      assert.ok(streamed.body.length > MAX_OUTPUT_BYTES.BUFFERED, `${streamed.body.length} bytes`);
      const { invoke } = handlerWith({ read: async () => noise }, { presets });
      assert.equal((await invoke(event, "req-b")).statusCode, 422);
    });

    it("answers 422 output-too-large past its own limit, through the prelude", async () => {
      const { statusCode, body, lines } = await invokeStreaming({ originals: photoStore, maxOutputBytes: 1000 }, functionUrlEvent("w800", "coffee.png"));
      assert.equal(statusCode, 422);
      assert.equal(JSON.parse(body.toString("utf8")).error, "output-too-large");
      assert.equal(JSON.parse(lines[0]).status, 422);
    });
  });

  it("answers 422 output-too-large instead of a response Lambda could not carry", async () => {
    const { invoke, lines } = handlerWith(photoStore, { maxOutputBytes: 1000 });
    const response = await invoke(functionUrlEvent("w800", "coffee.png"), "req-1");
    assert.equal(response.statusCode, 422);
    assert.equal(JSON.parse(String(response.body)).error, "output-too-large");
    assert.equal(JSON.parse(lines[0]).error, "output-too-large");
  });

  it("answers a legal key with a segment longer than a file name 404, not 500", async () => {
    const { invoke, lines } = handlerWith(folderOriginals(FIXTURES));
    const response = await invoke(functionUrlEvent("w400", `${"a".repeat(300)}.png`), "req-long");
    assert.equal(response.statusCode, 404);
    assert.equal(JSON.parse(String(response.body)).error, "not-found");
    assert.equal(JSON.parse(lines[0]).status, 404);
  });

  describe("with bytes the store kept from an earlier read", () => {
    const chelsea = readFileSync(join(FIXTURES, "chelsea.png"));
    const keptStore = (answer: Awaited<ReturnType<OriginalStore["read"]>>): OriginalStore => ({ peek: () => coffee, read: async () => answer });
    const widthOf = async (response: APIGatewayProxyStructuredResultV2) => (await sharp(Buffer.from(String(response.body), "base64")).metadata()).height;

    it("serves the kept bytes' transform when the store confirms them", async () => {
      const { invoke } = handlerWith(keptStore(coffee));
      const response = await invoke(functionUrlEvent("w400", "coffee.png"), "req-kept");
      assert.equal(response.statusCode, 200);
      assert.equal(await widthOf(response), await widthOf(await handlerWith(photoStore).invoke(functionUrlEvent("w400", "coffee.png"), "req-read")));
    });

    it("serves the new original, never the kept one, when the store answers other bytes", async () => {
      const { invoke } = handlerWith(keptStore(chelsea));
      const fresh = await handlerWith({ read: async () => chelsea }).invoke(functionUrlEvent("w400", "coffee.png"), "req-fresh");
      const response = await invoke(functionUrlEvent("w400", "coffee.png"), "req-changed");
      assert.equal(response.statusCode, 200);
      assert.equal(response.body, fresh.body);
    });

    it("answers 404 when the original was deleted since it was kept", async () => {
      const { invoke } = handlerWith(keptStore("not-found"));
      assert.equal((await invoke(functionUrlEvent("w400", "coffee.png"), "req-deleted")).statusCode, 404);
    });
  });

  it("answers an original the store refuses like a missing one, logged as original-denied", async () => {
    const { invoke, lines } = handlerWith({ read: async () => "denied" });
    const response = await invoke(functionUrlEvent("w400", "coffee.png"), "req-denied");
    assert.equal(response.statusCode, 404);
    assert.equal(response.headers?.["cache-control"], "public, max-age=60");
    assert.equal(JSON.parse(String(response.body)).error, "not-found");
    assert.equal(JSON.parse(lines[0]).error, "original-denied");
  });

  it("answers 503 originals-unavailable with Retry-After when the store is throttled or slow", async () => {
    const { invoke, lines } = handlerWith({ read: async () => "unavailable" });
    const response = await invoke(functionUrlEvent("w400", "coffee.png"), "req-slow");
    assert.equal(response.statusCode, 503);
    assert.equal(response.headers?.["cache-control"], "no-store");
    assert.equal(response.headers?.["retry-after"], "1");
    assert.equal(JSON.parse(String(response.body)).error, "originals-unavailable");
    assert.equal(JSON.parse(lines[0]).error, "originals-unavailable");
  });

  it("turns an unexpected failure into 500 internal naming the request id, and logs it", async () => {
    const failing: OriginalStore = {
      read: async () => {
        throw new Error("socket hang up from bucket rendorix-originals");
      },
    };
    const { invoke, lines } = handlerWith(failing);
    const errors: string[] = [];
    const consoleError = console.error;
    console.error = (line: string) => errors.push(line);
    try {
      const response = await invoke(functionUrlEvent("w400", "coffee.png"), "req-42");
      assert.equal(response.statusCode, 500);
      const body = JSON.parse(String(response.body));
      assert.equal(body.error, "internal");
      assert.match(body.message, /req-42/);
      assert.doesNotMatch(String(response.body), /rendorix-originals/);
    } finally {
      console.error = consoleError;
    }
    assert.match(errors[0], /req-42/);
    assert.equal(JSON.parse(lines[0]).status, 500);
  });

  it("writes one log line per request with the fields operators search by", async () => {
    const { invoke, lines } = handlerWith(photoStore);
    await invoke(functionUrlEvent("w400", "coffee.png"), "req-7");
    assert.equal(lines.length, 1);
    const line = JSON.parse(lines[0]);
    assert.equal(line.requestId, "req-7");
    assert.equal(line.preset, "w400");
    assert.equal(line.status, 200);
    assert.equal(line.sourceBytes, coffee.length);
    assert.ok(line.sourcePixels > 0);
    assert.ok(line.outputBytes > 0);
    assert.equal(typeof line.durationMs, "number");
    assert.equal(line.error, null);
  });

  it("counts a refused signature as a signature failure with its code", async () => {
    const { invoke, lines } = handlerWith(photoStore);
    const event = functionUrlEvent("w400", "coffee.png");
    event.rawQueryString = event.rawQueryString.replace(/sig=[^&]+/, "sig=" + "A".repeat(43));
    const response = await invoke(event, "req-8");
    assert.equal(response.statusCode, 403);
    const line = JSON.parse(lines[0]);
    assert.equal(line.SignatureFailures, 1);
    assert.equal(line.ErrorCode, "bad-signature");
    assert.equal(line.StatusClass, "4xx");
  });
});
