import { strict as assert } from "node:assert";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand } from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import { PresignedRevalidation, type PresignedRevalidationOptions } from "../../image-fn/presigned-revalidation";
import { type LocalS3, startLocalS3 } from "../support/s3";

const MINUTE = 60_000;

describe("presigned revalidation (s3rver on 127.0.0.1)", () => {
  let s3: LocalS3;
  let etag: string;
  before(async () => {
    s3 = await startLocalS3(["originals"]);
    await s3.put("originals", "a b/ü.png", Buffer.from("original bytes"));
    etag = (await s3.client.send(new HeadObjectCommand({ Bucket: "originals", Key: "a b/ü.png" }))).ETag!;
  });
  after(() => s3.close());

  const withRevalidation = async (options: PresignedRevalidationOptions, use: (revalidation: PresignedRevalidation) => Promise<void>) => {
    const revalidation = new PresignedRevalidation(s3.client, "originals", options);
    try {
      await use(revalidation);
    } finally {
      revalidation.destroy();
    }
  };

  it("is current only while S3 answers 304 to the kept ETag, for any legal key", () =>
    withRevalidation({}, async (revalidation) => {
      const url = await revalidation.url("a b/ü.png");
      assert.equal(await revalidation.stillCurrent(url, etag, AbortSignal.timeout(5000)), true);
      assert.equal(await revalidation.stillCurrent(url, '"another"', AbortSignal.timeout(5000)), false);
      await s3.put("originals", "gone.png", Buffer.from("original bytes"));
      const gone = await revalidation.url("gone.png");
      assert.equal(await revalidation.stillCurrent(gone, etag, AbortSignal.timeout(5000)), true, "same bytes, same ETag");
      await s3.client.send(new DeleteObjectCommand({ Bucket: "originals", Key: "gone.png" }));
      assert.equal(await revalidation.stillCurrent(gone, etag, AbortSignal.timeout(5000)), false);
    }));

  it("reuses a URL for ten minutes of its fifteen, then signs a new one", async () => {
    let now = Date.parse("2026-12-02T10:00:00Z");
    await withRevalidation(
      { now: () => now },
      async (revalidation) => {
        const first = await revalidation.url("a b/ü.png");
        assert.match(first.href, /X-Amz-Expires=900/);
        now += 10 * MINUTE - 1;
        assert.equal(await revalidation.url("a b/ü.png", first), first);
        now += 1;
        const renewed = await revalidation.url("a b/ü.png", first);
        assert.notEqual(renewed, first);
        assert.equal(renewed.renewAt, now + 10 * MINUTE);
      },
    );
  });

  it("is not current when S3 refuses the URL itself, so the SDK's read decides", () =>
    withRevalidation({}, async (revalidation) => {
      const signed = async (signingDate: Date) => ({
        href: await getSignedUrl(s3.client, new GetObjectCommand({ Bucket: "originals", Key: "a b/ü.png" }), { expiresIn: 60, signingDate }),
        renewAt: Infinity,
      });
      assert.equal(await revalidation.stillCurrent(await signed(new Date()), etag, AbortSignal.timeout(5000)), true);
      assert.equal(await revalidation.stillCurrent(await signed(new Date(Date.now() - 20 * MINUTE)), etag, AbortSignal.timeout(5000)), false);
    }));

  it("is not current when nothing answers, or not in time, and gives up before the read's own deadline", async () => {
    const silent = createServer(() => {});
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    try {
      await withRevalidation({ timeoutMs: 100 }, async (revalidation) => {
        const port = (silent.address() as AddressInfo).port;
        const url = { href: `http://127.0.0.1:${port}/x`, renewAt: Infinity };
        assert.equal(await revalidation.stillCurrent(url, etag, AbortSignal.timeout(50)), false, "the read's deadline ends the wait");
        const readDeadline = AbortSignal.timeout(60_000);
        assert.equal(await revalidation.stillCurrent(url, etag, readDeadline), false);
        assert.equal(readDeadline.aborted, false, "its own timeout ended the wait, leaving the read the rest of its deadline");
        await new Promise((resolve) => silent.close(resolve));
        silent.closeAllConnections();
        assert.equal(await revalidation.stillCurrent({ href: `http://127.0.0.1:${port}/x`, renewAt: Infinity }, etag, AbortSignal.timeout(5000)), false);
      });
    } finally {
      silent.closeAllConnections();
      silent.close();
    }
  });
});
