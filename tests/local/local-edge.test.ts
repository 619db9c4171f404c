import { strict as assert } from "node:assert";
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { parseKeyring } from "../../core/keyring";
import { folderOriginals } from "../../image-fn/originals";
import { DEFAULT_PRESETS } from "../../core/presets";
import { MAX_OUTPUT_BYTES } from "../../image-fn/response-stream";
import { signUrl } from "../../core/sign-url";
import { type LocalEdge, startLocalEdge } from "../../local/server";
import { BAD_ORIGINALS, FIXTURES, writeBadOriginals } from "../support/bad-originals";
import { jsonError, rawRequest } from "../support/http";
import { LARGE_PNG_PRESET, noiseOriginal } from "../support/large-output";
import { vectors } from "../support/vectors";

const keyring = parseKeyring(JSON.stringify(vectors.keyring));
/** The only original of the verify vectors the test's folder holds. */
const HELD_VECTOR_ORIGINAL = "photos/2026/kleiber.jpg";
const presets = { ...DEFAULT_PRESETS, "og-card": { width: 1200, height: 630, fit: "cover" as const, format: "jpeg" as const } };

describe("local edge over HTTP", function () {
  let dir: string;
  let edge: LocalEdge;
  const now = vectors.now;

  function signed(preset: string, key: string, ttlSeconds = 3600, kid?: string): string {
    return signUrl({ baseUrl: "", preset, key, ttlSeconds, keyring, kid, nowSeconds: now });
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "rendorix-edge-"));
    mkdirSync(join(dir, "photos/2026"), { recursive: true });
    copyFileSync(join(FIXTURES, "chelsea.png"), join(dir, HELD_VECTOR_ORIGINAL));
    copyFileSync(join(FIXTURES, "coffee.png"), join(dir, "coffee.png"));
    copyFileSync(join(FIXTURES, "chelsea.png"), join(dir, "variants.png"));
    await sharp({ create: { width: 300, height: 200, channels: 4, background: { r: 0, g: 90, b: 200, alpha: 0.5 } } })
      .png()
      .toFile(join(dir, "alpha.png"));
    await writeBadOriginals(dir);
    edge = await startLocalEdge({ port: 0, originals: folderOriginals(dir), keyring, presets, nowSeconds: () => now });
  });

  after(async () => {
    await edge?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("every verify vector of url-signing-v1", () => {
    for (const vector of vectors.verify) {
      it(`${vector.note}`, async () => {
        const response = await rawRequest(edge.url, vector.url);
        if (vector.status === "signature-ok") {
          // A valid signature continues to the original: 200 where the folder holds it, 404 where not.
          const held = vector.url.split("?")[0].endsWith(`/${HELD_VECTOR_ORIGINAL}`);
          assert.equal(response.status, held ? 200 : 404);
          if (!held) assert.equal(jsonError(response).error, "not-found");
        } else {
          assert.equal(response.status, vector.status);
          assert.equal(jsonError(response).error, vector.code);
          assert.equal(response.headers["cache-control"], "no-store");
        }
      });
    }
  });

  describe("the status table", () => {
    it("405 for methods other than GET and HEAD", async () => {
      const response = await rawRequest(edge.url, signed("thumb", "coffee.png"), { method: "POST" });
      assert.equal(response.status, 405);
      assert.equal(jsonError(response).error, "method-not-allowed");
    });

    for (const path of ["/thumb/photos/%2E%2E/secret.jpg", "/thumb/photos/%2e/a.jpg", "/thumb/a%7Fb.jpg", "/", "/thumb/"]) {
      it(`400 bad-key for ${path}`, async () => {
        const response = await rawRequest(edge.url, `${path}?exp=1&kid=k1&sig=x`);
        assert.equal(response.status, 400);
        assert.equal(jsonError(response).error, "bad-key");
      });
    }

    it("404 not-found, cacheable for a minute", async () => {
      const response = await rawRequest(edge.url, signed("thumb", "missing/photo.jpg"));
      assert.equal(response.status, 404);
      assert.equal(jsonError(response).error, "not-found");
      assert.equal(response.headers["cache-control"], "public, max-age=60");
    });

    for (const bad of BAD_ORIGINALS) {
      it(`${bad.status} ${bad.code} for ${bad.key}, and the server keeps serving`, async () => {
        const response = await rawRequest(edge.url, signed("w400", bad.key));
        assert.equal(response.status, bad.status);
        const body = jsonError(response);
        assert.equal(body.error, bad.code);
        assert.doesNotMatch(body.message, /at .*\.ts|bad\/|passwd/);
        const healthy = await rawRequest(edge.url, signed("thumb", "coffee.png"));
        assert.equal(healthy.status, 200);
      });
    }

    it("error bodies never carry the key, a path or a stack trace", async () => {
      const response = await rawRequest(edge.url, signed("thumb", "bad/truncated.jpg"));
      assert.deepEqual(Object.keys(jsonError(response)).sort(), ["error", "message"]);
      assert.doesNotMatch(response.body.toString(), new RegExp(`${dir}|bad/truncated|Error:|\\.ts:`));
    });
  });

  describe("images and the cache", () => {
    it("serves a resized image with its headers, then a hit for a re-signed URL of the same object", async () => {
      const first = await rawRequest(edge.url, signed("w400", "coffee.png", 600), { headers: { accept: "image/webp" } });
      assert.equal(first.status, 200);
      assert.equal(first.headers["content-type"], "image/webp");
      assert.equal(first.headers["x-cache"], "Miss");
      assert.equal(first.headers.vary, "Accept");
      assert.ok(first.headers.etag);
      assert.equal(Number(first.headers["content-length"]), first.body.length);
      const { width, format } = await sharp(first.body).metadata();
      assert.equal(width, 400);
      assert.equal(format, "webp");

      const resigned = await rawRequest(edge.url, signed("w400", "coffee.png", 7200), { headers: { accept: "image/webp" } });
      assert.equal(resigned.headers["x-cache"], "Hit");
      assert.deepEqual(resigned.body, first.body);
    });

    it("checks the signature on a hit", async () => {
      const url = signed("w800", "coffee.png");
      assert.equal((await rawRequest(edge.url, url)).status, 200);
      const tampered = url.replace(/sig=./, (s) => (s.endsWith("A") ? "sig=B" : "sig=A"));
      const response = await rawRequest(edge.url, tampered);
      assert.equal(response.status, 403);
      assert.equal(jsonError(response).error, "bad-signature");
    });

    it("keeps one cached variant per negotiated format", async () => {
      const url = signed("thumb", "variants.png");
      const seen: string[] = [];
      for (const accept of ["image/avif,image/webp,*/*", "image/webp,*/*", "*/*", "image/avif,image/webp,*/*"]) {
        const response = await rawRequest(edge.url, url, { headers: { accept } });
        assert.equal(response.status, 200);
        seen.push(`${response.headers["content-type"]} ${response.headers["x-cache"]}`);
      }
      assert.deepEqual(seen, ["image/avif Miss", "image/webp Miss", "image/jpeg Miss", "image/avif Hit"]);
    });

    it("keeps alpha as PNG when auto negotiation would pick JPEG", async () => {
      const response = await rawRequest(edge.url, signed("w400", "alpha.png"), { headers: { accept: "image/jpeg" } });
      assert.equal(response.headers["content-type"], "image/png");
      const { hasAlpha, width } = await sharp(response.body).metadata();
      assert.equal(hasAlpha, true);
      assert.equal(width, 300, "never enlarges");
    });

    it("answers HEAD with the headers of GET and no body", async () => {
      const url = signed("og", "coffee.png");
      const get = await rawRequest(edge.url, url);
      const head = await rawRequest(edge.url, url, { method: "HEAD" });
      assert.equal(head.status, 200);
      assert.equal(head.body.length, 0);
      assert.equal(head.headers["content-type"], "image/jpeg");
      assert.equal(head.headers["content-length"], get.headers["content-length"]);
    });

    it("serves 50 concurrent requests", async () => {
      const urls = Array.from({ length: 50 }, (_, i) => signed(i % 2 ? "w400" : "thumb", i % 3 ? "coffee.png" : "photos/2026/kleiber.jpg", 60 + i));
      const responses = await Promise.all(urls.map((url, i) => rawRequest(edge.url, url, { headers: { accept: ["image/webp", "image/avif", "*/*"][i % 3] } })));
      assert.deepEqual(responses.map((r) => r.status), urls.map(() => 200));
    });
  });

  describe("both invoke modes of the Function URL", () => {
    let buffered: LocalEdge;
    let streamed: LocalEdge;
    const modes = { ...presets, large: LARGE_PNG_PRESET };

    before(async () => {
      await sharp(await noiseOriginal()).toFile(join(dir, "noise.png"));
      const common = { port: 0, originals: folderOriginals(dir), keyring, presets: modes, nowSeconds: () => now };
      buffered = await startLocalEdge({ ...common, invokeMode: "BUFFERED" });
      streamed = await startLocalEdge({ ...common, invokeMode: "RESPONSE_STREAM" });
    });
    after(() => Promise.all([buffered.close(), streamed.close()]));

    it("answer the same image with the same headers", async () => {
      const url = signed("w400", "coffee.png");
      const [a, b] = await Promise.all([buffered, streamed].map((e) => rawRequest(e.url, url, { headers: { accept: "image/webp" } })));
      assert.equal(a.status, 200);
      assert.deepEqual(a.body, b.body);
      for (const name of ["content-type", "content-length", "cache-control", "etag", "vary"]) assert.equal(a.headers[name], b.headers[name], name);
    });

    it("answer errors alike", async () => {
      const url = signed("w400", "bad/truncated.jpg");
      const [a, b] = await Promise.all([buffered, streamed].map((e) => rawRequest(e.url, url)));
      assert.equal(a.status, 422);
      assert.equal(b.status, 422);
      assert.deepEqual(jsonError(a), jsonError(b));
    });

    it("streams an image larger than a buffered response carries, which buffered mode refuses 422 output-too-large", async () => {
      const url = signed("large", "noise.png");
      const big = await rawRequest(streamed.url, url);
      assert.equal(big.status, 200);
      assert.ok(big.body.length > MAX_OUTPUT_BYTES.BUFFERED, `${big.body.length} bytes`);
      assert.equal(Number(big.headers["content-length"]), big.body.length);
      assert.equal((await sharp(big.body).metadata()).width, LARGE_PNG_PRESET.width);
      const refused = await rawRequest(buffered.url, url);
      assert.equal(refused.status, 422);
      assert.equal(jsonError(refused).error, "output-too-large");
    });
  });
});
