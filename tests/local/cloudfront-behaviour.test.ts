import { strict as assert } from "node:assert";
import { copyFileSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseKeyring } from "../../core/keyring";
import { signUrl } from "../../core/sign-url";
import { folderOriginals, type OriginalStore } from "../../image-fn/originals";
import { watchKeyringFile } from "../../local/keyring-file";
import { type LocalEdge, type LocalEdgeOptions, startLocalEdge } from "../../local/server";
import { FIXTURES } from "../support/bad-originals";
import { jsonError, rawRequest } from "../support/http";
import { vectors } from "../support/vectors";

const keyring = parseKeyring(JSON.stringify(vectors.keyring));

/** A folder of originals that counts its reads and can hold each one back. */
function countingStore(dir: string) {
  const folder = folderOriginals(dir);
  const store = { reads: 0, delayMs: 0 };
  const originals: OriginalStore = {
    read: async (key, maxBytes) => {
      store.reads++;
      if (store.delayMs) await new Promise((resolve) => setTimeout(resolve, store.delayMs));
      return folder.read(key, maxBytes);
    },
  };
  return { store, originals };
}

describe("local edge behaves like CloudFront", () => {
  let dir: string;
  let clock: number;
  let edge: LocalEdge;
  let counting: ReturnType<typeof countingStore>;
  const signed = (preset: string, key: string, kid?: string) =>
    signUrl({ baseUrl: "", preset, key, ttlSeconds: 3600, keyring, kid, nowSeconds: clock });

  async function startWith(overrides: Partial<LocalEdgeOptions> = {}) {
    await edge?.close();
    edge = await startLocalEdge({ port: 0, originals: counting.originals, keyring, nowSeconds: () => clock, ...overrides });
  }

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "rendorix-cf-"));
    copyFileSync(join(FIXTURES, "coffee.png"), join(dir, "coffee.png"));
    clock = vectors.now;
    counting = countingStore(dir);
    await startWith();
  });
  afterEach(async () => {
    await edge.close();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("cache expiry by Cache-Control", () => {
    it("serves a 404 from the cache for its max-age of 60 s, then asks the origin again", async () => {
      assert.equal((await rawRequest(edge.url, signed("thumb", "late.png"))).status, 404);
      copyFileSync(join(FIXTURES, "coffee.png"), join(dir, "late.png"));
      const cached = await rawRequest(edge.url, signed("thumb", "late.png"));
      assert.deepEqual([cached.status, cached.headers["x-cache"]], [404, "Hit"]);
      clock += 61;
      const fresh = await rawRequest(edge.url, signed("thumb", "late.png"));
      assert.deepEqual([fresh.status, fresh.headers["x-cache"]], [200, "Miss"]);
    });

    it("keeps an image for its s-maxage, not forever", async () => {
      await rawRequest(edge.url, signed("thumb", "coffee.png"));
      clock += 2_592_000 - 1;
      assert.equal((await rawRequest(edge.url, signed("thumb", "coffee.png"))).headers["x-cache"], "Hit");
      clock += 2;
      assert.equal((await rawRequest(edge.url, signed("thumb", "coffee.png"))).headers["x-cache"], "Miss");
      assert.equal(counting.store.reads, 2);
    });
  });

  describe("conditional requests", () => {
    it("answers If-None-Match with the current ETag 304 without a body, on a hit and on a miss", async () => {
      const first = await rawRequest(edge.url, signed("thumb", "coffee.png"));
      const etag = String(first.headers.etag);
      for (const ifNoneMatch of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
        const response = await rawRequest(edge.url, signed("thumb", "coffee.png"), { headers: { "if-none-match": ifNoneMatch } });
        assert.equal(response.status, 304, ifNoneMatch);
        assert.equal(response.body.length, 0);
        assert.equal(response.headers.etag, etag);
        assert.equal(response.headers["cache-control"], first.headers["cache-control"]);
      }
      const cold = await startLocalEdge({ port: 0, originals: counting.originals, keyring, nowSeconds: () => clock });
      try {
        const miss = await rawRequest(cold.url, signed("thumb", "coffee.png"), { headers: { "if-none-match": etag } });
        assert.deepEqual([miss.status, miss.headers["x-cache"]], [304, "Miss"]);
      } finally {
        await cold.close();
      }
    });

    it("answers a stale ETag with the image, and never turns a refused signature into 304", async () => {
      const stale = await rawRequest(edge.url, signed("thumb", "coffee.png"), { headers: { "if-none-match": '"stale"' } });
      assert.equal(stale.status, 200);
      const forged = signed("thumb", "coffee.png").replace(/sig=./, "sig=A");
      const refused = await rawRequest(edge.url, forged, { headers: { "if-none-match": "*" } });
      assert.equal(refused.status, 403);
    });
  });

  describe("collapsed misses and HEAD", () => {
    it("collapses concurrent misses for one object into one origin request", async () => {
      counting.store.delayMs = 200;
      const responses = await Promise.all(Array.from({ length: 12 }, () => rawRequest(edge.url, signed("w400", "coffee.png"))));
      assert.deepEqual(new Set(responses.map((response) => response.status)), new Set([200]));
      assert.equal(new Set(responses.map((response) => String(response.headers.etag))).size, 1);
      assert.equal(counting.store.reads, 1);
    });

    it("caches a HEAD miss like a GET and answers HEAD from the cache with GET's headers", async () => {
      const head = await rawRequest(edge.url, signed("w400", "coffee.png"), { method: "HEAD" });
      assert.deepEqual([head.status, head.headers["x-cache"], head.body.length], [200, "Miss", 0]);
      const get = await rawRequest(edge.url, signed("w400", "coffee.png"));
      assert.equal(get.headers["x-cache"], "Hit");
      assert.equal(head.headers["content-length"], String(get.body.length));
      const headHit = await rawRequest(edge.url, signed("w400", "coffee.png"), { method: "HEAD" });
      assert.deepEqual([headHit.headers["x-cache"], headHit.headers.etag], ["Hit", get.headers.etag]);
      assert.equal(counting.store.reads, 1);
    });
  });

  describe("keyring file watched", () => {
    it("accepts a key added and refuses a key removed, cached objects included, without a restart", async () => {
      const file = join(dir, "keyring.json");
      writeFileSync(file, JSON.stringify({ active: "k1", keys: { k1: keyring.keys.k1 } }));
      const lines: string[] = [];
      const watched = watchKeyringFile(file, (line) => lines.push(line), 20);
      await startWith({ keyring: watched.current });
      const until = async (check: () => Promise<boolean>) => {
        for (let i = 0; i < 200 && !(await check()); i++) await new Promise((resolve) => setTimeout(resolve, 25));
      };
      try {
        const byK0 = signed("thumb", "coffee.png", "k0");
        assert.equal(jsonError(await rawRequest(edge.url, byK0)).error, "unknown-key-id");
        writeFileSync(file, JSON.stringify({ active: "k1", keys: keyring.keys }));
        await until(async () => (await rawRequest(edge.url, byK0)).status === 200);
        assert.equal((await rawRequest(edge.url, byK0)).headers["x-cache"], "Hit");
        writeFileSync(file, "{ not json");
        await until(async () => lines.some((line) => line.includes("not reloaded")));
        assert.equal((await rawRequest(edge.url, byK0)).status, 200, "a broken file keeps the previous keyring");
        writeFileSync(file, JSON.stringify({ active: "k1", keys: { k1: keyring.keys.k1 } }));
        await until(async () => (await rawRequest(edge.url, byK0)).status === 403);
        const refused = await rawRequest(edge.url, byK0);
        assert.deepEqual([refused.status, jsonError(refused).error], [403, "unknown-key-id"]);
        assert.equal((await rawRequest(edge.url, signed("thumb", "coffee.png", "k1"))).headers["x-cache"], "Hit");
      } finally {
        watched.close();
      }
    });
  });

  describe("CORS", () => {
    it("adds no CORS header by default", async () => {
      const response = await rawRequest(edge.url, signed("thumb", "coffee.png"), { headers: { origin: "https://app.example" } });
      assert.equal(response.headers["access-control-allow-origin"], undefined);
    });

    it("allows the configured origins only, with Vary: Origin, on images and errors alike", async () => {
      await startWith({ corsAllowedOrigins: ["https://app.example"] });
      const allowed = await rawRequest(edge.url, signed("thumb", "coffee.png"), { headers: { origin: "https://app.example" } });
      assert.equal(allowed.headers["access-control-allow-origin"], "https://app.example");
      assert.match(String(allowed.headers.vary), /Origin/);
      const hit = await rawRequest(edge.url, signed("thumb", "coffee.png"), { headers: { origin: "https://other.example" } });
      assert.deepEqual([hit.headers["x-cache"], hit.headers["access-control-allow-origin"]], ["Hit", undefined]);
      const error = await rawRequest(edge.url, signed("thumb", "missing.png"), { headers: { origin: "https://app.example" } });
      assert.equal(error.headers["access-control-allow-origin"], "https://app.example");
    });

    it("answers any origin with * when configured so", async () => {
      await startWith({ corsAllowedOrigins: ["*"] });
      const response = await rawRequest(edge.url, signed("thumb", "coffee.png"), { headers: { origin: "https://x.example" } });
      assert.equal(response.headers["access-control-allow-origin"], "*");
    });
  });

  describe("shutdown", () => {
    it("closes idle keep-alive connections at once and cuts a busy one after the grace period", async () => {
      await startWith({ shutdownGraceMs: 200 });
      const agent = new Agent({ keepAlive: true });
      const { port } = new URL(edge.url);
      const get = (path: string) =>
        new Promise<number | Error>((resolve) => {
          request({ host: "127.0.0.1", port, path, agent }, (res) => {
            res.resume();
            res.on("end", () => resolve(res.statusCode ?? 0));
          }).on("error", resolve).end();
        });
      assert.equal(await get(signed("thumb", "coffee.png")), 200);
      counting.store.delayMs = 60_000;
      const busy = get(signed("w400", "coffee.png"));
      while (counting.store.reads < 2) await new Promise((resolve) => setTimeout(resolve, 10));
      await edge.close();
      assert.ok((await busy) instanceof Error, "the busy connection was cut");
      agent.destroy();
      unlinkSync(join(dir, "coffee.png"));
    });
  });
});
