import { strict as assert } from "node:assert";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DeleteObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { folderOriginals, type OriginalStore, originalsS3Client, s3Originals } from "../../image-fn/originals";
import { FIXTURES } from "../support/bad-originals";
import { startRecordingProxy } from "../support/http";
import { type LocalS3, startLocalS3 } from "../support/s3";

const photo = readFileSync(join(FIXTURES, "chelsea.png"));
const unicodeKey = "üñí/çødé/東京 a+b.png";

function behavesLikeAnOriginalStore(store: () => OriginalStore) {
  it("reads an original by key, unicode and spaces included", async () => {
    assert.deepEqual(await store().read("photos/chelsea.png", 10_000_000), photo);
    assert.deepEqual(await store().read(unicodeKey, 10_000_000), photo);
  });

  it("answers not-found for a missing key", async () => {
    assert.equal(await store().read("photos/missing.png", 10_000_000), "not-found");
  });

  it("answers too-large without handing over a body over the limit", async () => {
    assert.equal(await store().read("photos/chelsea.png", photo.length - 1), "too-large");
  });
}

describe("originals", () => {
  describe("in a folder", () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), "rendorix-originals-"));
      mkdirSync(join(dir, "photos"));
      mkdirSync(join(dir, "üñí/çødé"), { recursive: true });
      writeFileSync(join(dir, "photos/chelsea.png"), photo);
      writeFileSync(join(dir, unicodeKey), photo);
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    behavesLikeAnOriginalStore(() => folderOriginals(dir));

    it("never reads outside its folder", async () => {
      assert.equal(await folderOriginals(join(dir, "photos")).read("../üñí/çødé/東京 a+b.png", 10_000_000), "not-found");
      assert.equal(await folderOriginals(dir).read("/etc/passwd", 10_000_000), "not-found");
      assert.equal(await folderOriginals(dir).read("photos", 10_000_000), "not-found");
    });

    it("answers not-found for a legal key whose segment is longer than a file name can be", async () => {
      assert.equal(await folderOriginals(dir).read(`${"a".repeat(300)}.png`, 10_000_000), "not-found");
      assert.equal(await folderOriginals(dir).read(`${"é".repeat(200)}/x.png`, 10_000_000), "not-found");
    });
  });

  describe("in S3 (s3rver on 127.0.0.1)", () => {
    let s3: LocalS3;
    before(async () => {
      s3 = await startLocalS3(["originals"]);
      await s3.put("originals", "photos/chelsea.png", photo);
      await s3.put("originals", unicodeKey, photo);
    });
    after(() => s3.close());

    behavesLikeAnOriginalStore(() => s3Originals(s3.client, "originals"));

    it("asks again with the ETag, serves the kept bytes on 304, and never serves a replaced or deleted original", async () => {
      const proxy = await startRecordingProxy(s3.endpoint);
      const client = originalsS3Client({ endpoint: proxy.endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" } });
      const store = s3Originals(client, "originals");
      try {
        await s3.put("originals", "kept/photo.png", photo);
        const first = await store.read("kept/photo.png", 10_000_000);
        assert.deepEqual(first, photo);
        assert.equal(store.peek?.("kept/photo.png"), first);
        assert.equal(await store.read("kept/photo.png", 10_000_000), first, "the very bytes kept");
        assert.equal(await store.read("kept/photo.png", photo.length - 1), "too-large");
        const replacement = Buffer.concat([photo, Buffer.from("changed")]);
        await s3.put("originals", "kept/photo.png", replacement);
        assert.deepEqual(await store.read("kept/photo.png", 10_000_000), replacement);
        await s3.client.send(new DeleteObjectCommand({ Bucket: "originals", Key: "kept/photo.png" }));
        assert.equal(await store.read("kept/photo.png", 10_000_000), "not-found");
        assert.equal(store.peek?.("kept/photo.png"), undefined);
        // Kept originals are asked about on a presigned URL (signed in the query); whatever it answers
        // but 304, the SDK's own request (signed in a header) decides.
        assert.deepEqual(
          proxy.exchanges.map(({ signedBy, conditional, status }) => [signedBy, conditional, status]),
          [
            ["header", false, 200],
            ["query", true, 304],
            ["query", true, 304],
            ["query", true, 200],
            ["header", true, 200],
            ["query", true, 404],
            ["header", true, 404],
          ],
        );
      } finally {
        client.destroy();
        await proxy.close();
      }
    });
  });

  describe("in S3 when S3 answers with an error", () => {
    // Each key gets the answer S3 gives in that situation, as S3's own error XML.
    const answers: Record<string, [number, string]> = {
      "denied.png": [403, "AccessDenied"],
      "long.png": [400, "KeyTooLongError"],
      "archived.png": [403, "InvalidObjectState"],
      "throttled.png": [503, "SlowDown"],
      "broken.png": [500, "InternalError"],
      "no-bucket.png": [404, "NoSuchBucket"],
      "bad-credentials.png": [403, "InvalidAccessKeyId"],
    };
    let server: Server;
    let client: S3Client;
    const store = () => s3Originals(client, "originals", { timeoutMs: 500 });

    before(async () => {
      server = createServer((req, res) => {
        const key = decodeURIComponent((req.url ?? "").split("?")[0].replace("/originals/", ""));
        if (key === "hangs.png") return;
        if (key === "cut-short.png") {
          res.writeHead(200, { "content-type": "image/png", "content-length": "100000" });
          res.write(Buffer.alloc(1000));
          setTimeout(() => res.destroy(), 20);
          return;
        }
        const [status, code] = answers[key] ?? [500, "InternalError"];
        res.writeHead(status, { "content-type": "application/xml" });
        res.end(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>m</Message><RequestId>r</RequestId></Error>`);
      });
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      client = new S3Client({
        endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
        region: "us-east-1",
        forcePathStyle: true,
        maxAttempts: 2,
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
      });
    });
    after(() => {
      client.destroy();
      server.closeAllConnections();
      server.close();
    });

    it("answers not-found for a key S3 cannot hold or an archived object", async () => {
      assert.equal(await store().read("long.png", 10_000_000), "not-found");
      assert.equal(await store().read("archived.png", 10_000_000), "not-found");
    });

    it("answers denied when S3 refuses this object", async () => {
      assert.equal(await store().read("denied.png", 10_000_000), "denied");
    });

    it("answers unavailable when S3 throttles, fails, hangs or cuts the body short", async () => {
      for (const key of ["throttled.png", "broken.png", "hangs.png", "cut-short.png"]) {
        assert.equal(await store().read(key, 10_000_000), "unavailable", key);
      }
    });

    it("throws for a fault of ours: a missing bucket or bad credentials", async () => {
      await assert.rejects(store().read("no-bucket.png", 10_000_000), { name: "NoSuchBucket" });
      await assert.rejects(store().read("bad-credentials.png", 10_000_000), { name: "InvalidAccessKeyId" });
    });
  });

  describe("in S3 when the response has no length", () => {
    let store: OriginalStore;
    const server = createServer((req, res: ServerResponse) =>
      req.resume().on("end", () => {
        res.writeHead(200, { "content-type": "image/png" });
        res.write(photo.subarray(0, 1000));
        res.end(photo.subarray(1000));
      }),
    );
    before(async () => {
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const credentials = { accessKeyId: "test", secretAccessKey: "test" };
      store = s3Originals(originalsS3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials }), "originals");
    });
    after(() => {
      server.closeAllConnections();
      server.close();
    });

    it("reads a chunked body and stops it at the limit", async () => {
      assert.deepEqual(await store.read("photos/chelsea.png", photo.length), photo);
      assert.equal(await store.read("photos/chelsea.png", photo.length - 1), "too-large");
    });
  });
});
