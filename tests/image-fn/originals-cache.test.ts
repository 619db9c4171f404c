import { strict as assert } from "node:assert";
import { OriginalsCache } from "../../image-fn/originals-cache";

const original = (bytes: number, etag = `"${bytes}"`) => ({ bytes: Buffer.alloc(bytes), etag });

describe("originals cache", () => {
  it("keeps originals within its byte bound, dropping the least recently used first", () => {
    const cache = new OriginalsCache(100);
    cache.set("a", original(25));
    cache.set("b", original(25));
    cache.set("c", original(25));
    assert.ok(cache.get("a"), "reading a makes b the least recently used");
    cache.set("d", original(25));
    cache.set("e", original(25));
    assert.equal(cache.get("b"), undefined);
    assert.deepEqual(["a", "c", "d", "e"].map((key) => cache.get(key) !== undefined), [true, true, true, true]);
    assert.equal(cache.bytes, 100);
  });

  it("keeps no original larger than a quarter of its bound, so one upload cannot empty it", () => {
    const cache = new OriginalsCache(100);
    cache.set("small", original(20));
    cache.set("large", original(26));
    assert.equal(cache.get("large"), undefined);
    assert.ok(cache.get("small"));
    assert.equal(cache.bytes, 20);
  });

  it("replaces an entry and counts only its new bytes; keeps nothing at bound 0", () => {
    const cache = new OriginalsCache(100);
    cache.set("a", original(20, '"v1"'));
    cache.set("a", original(10, '"v2"'));
    assert.equal(cache.get("a")?.etag, '"v2"');
    assert.equal(cache.bytes, 10);
    cache.delete("a");
    assert.equal(cache.bytes, 0);
    const off = new OriginalsCache(0);
    off.set("a", original(1));
    assert.equal(off.get("a"), undefined);
  });
});
