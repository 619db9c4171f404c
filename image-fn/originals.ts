import { open } from "node:fs/promises";
import { resolve, sep } from "node:path";
import type { Readable } from "node:stream";
import { GetObjectCommand, S3Client, type S3ClientConfig } from "@aws-sdk/client-s3";
import { type CachedOriginal, OriginalsCache } from "./originals-cache";
import { folderFailure, type OriginalFailure, s3Failure } from "./originals-failures";
import { PresignedRevalidation } from "./presigned-revalidation";

/** Where originals come from: the private S3 bucket in AWS, a folder locally. */
export interface OriginalStore {
  /**
   * The original's bytes, or why there are none; never reads more than `maxBytes`.
   * @throws only for a fault of ours (a missing bucket, bad credentials), never for a legal key.
   */
  read(key: string, maxBytes: number): Promise<Buffer | "too-large" | OriginalFailure>;
  /**
   * The bytes an earlier read of `key` gave, if the store kept them, before it knows whether they are
   * still current. Work may start on them, but only a `read` answering the very same Buffer confirms
   * them.
   */
  peek?(key: string): Buffer | undefined;
}

/** Originals in a folder; keys are paths below it and can never name a file outside it. */
export function folderOriginals(dir: string): OriginalStore {
  const root = resolve(dir);
  return {
    async read(key, maxBytes) {
      const path = resolve(root, key);
      if (!path.startsWith(root + sep)) return "not-found";
      let file;
      try {
        file = await open(path, "r");
        const stats = await file.stat();
        if (!stats.isFile()) return "not-found";
        if (stats.size > maxBytes) return "too-large";
        return await file.readFile();
      } catch (error) {
        const failure = folderFailure(error);
        if (failure === null) throw error;
        return failure;
      } finally {
        await file?.close();
      }
    },
  };
}

/**
 * Longest wait for one original, body included, before it counts as unavailable: well inside the
 * Lambda's timeout, so the answer is a 503 the viewer may retry rather than a timed-out invocation.
 */
export const DEFAULT_ORIGINAL_TIMEOUT_MS = 10_000;

/**
 * The image Lambda's S3 client, made once per container and kept warm between requests: the SDK's
 * agent keeps connections alive. Checksums are left to TLS and to the decoder, which refuses truncated
 * data: by default (WHEN_SUPPORTED) the SDK asks S3 for the object's checksum and computes it in
 * JavaScript over every byte of every original. `overrides` point the same client at another endpoint
 * (the bench's and the tests' local S3 server).
 */
export function originalsS3Client(overrides: S3ClientConfig = {}): S3Client {
  return new S3Client({ requestChecksumCalculation: "WHEN_REQUIRED", responseChecksumValidation: "WHEN_REQUIRED", ...overrides });
}

/**
 * Reads a response body into one buffer as it arrives, allocated once when the length is known, and
 * stops at `maxBytes` whatever the length header said; a body that disagrees with its length is a
 * broken transfer. (sharp gathers stream input into one buffer before libvips sees a byte, so piping
 * the body into it would decode no sooner.)
 */
async function readBody(body: Readable, contentLength: number | undefined, maxBytes: number): Promise<Buffer | "too-large" | "unavailable"> {
  if (contentLength !== undefined) {
    const buffer = Buffer.allocUnsafe(contentLength);
    let filled = 0;
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (filled + chunk.length > contentLength) {
        body.destroy();
        return "unavailable";
      }
      chunk.copy(buffer, filled);
      filled += chunk.length;
    }
    return filled === contentLength ? buffer : "unavailable";
  }
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) {
      body.destroy();
      return "too-large";
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}

/**
 * Bytes of recently read originals an S3 store keeps (128 MiB): a few dozen 20 MP photos, or four
 * originals at the 40 MB source limit. Counted on top of the transform's own peak in the Lambda's
 * memory (README, Sizing).
 */
export const DEFAULT_ORIGINALS_CACHE_BYTES = 128 * 1024 * 1024;

export interface S3OriginalsOptions {
  /** Longest wait for one original, body included. @default DEFAULT_ORIGINAL_TIMEOUT_MS */
  timeoutMs?: number;
  /** Bytes of recently read originals kept for conditional GETs; 0 keeps none. @default DEFAULT_ORIGINALS_CACHE_BYTES */
  cacheBytes?: number;
}

/** S3 answers a conditional GET whose ETag still matches with 304 and no body; the SDK throws it. */
function notModified(error: unknown): boolean {
  return (error as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode === 304;
}

/**
 * Originals in an S3 bucket (or an S3-compatible endpoint configured on the client). Every read asks
 * S3, so a replaced or deleted original is never served; an original read recently is asked for with
 * its ETag (If-None-Match), first on a presigned URL and then, unless that answered 304 Not Modified,
 * through the SDK, and comes from memory when S3 answers 304.
 */
export function s3Originals(client: S3Client, bucket: string, options: S3OriginalsOptions = {}): OriginalStore {
  const timeoutMs = options.timeoutMs ?? DEFAULT_ORIGINAL_TIMEOUT_MS;
  const cache = new OriginalsCache(options.cacheBytes ?? DEFAULT_ORIGINALS_CACHE_BYTES);
  const revalidation = new PresignedRevalidation(client, bucket);

  async function keptIsCurrent(key: string, kept: CachedOriginal, signal: AbortSignal): Promise<boolean> {
    try {
      kept.revalidationUrl = await revalidation.url(key, kept.revalidationUrl);
    } catch {
      return false;
    }
    const current = await revalidation.stillCurrent(kept.revalidationUrl, kept.etag, signal);
    // S3 may have refused the URL itself (expired credentials): the next revalidation signs a new one.
    if (!current) kept.revalidationUrl = undefined;
    return current;
  }

  return {
    peek: (key) => cache.get(key)?.bytes,
    async read(key, maxBytes) {
      const abortSignal = AbortSignal.timeout(timeoutMs);
      const cached = cache.get(key);
      if (cached && (await keptIsCurrent(key, cached, abortSignal))) return cached.bytes.length > maxBytes ? "too-large" : cached.bytes;
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key, IfNoneMatch: cached?.etag }), { abortSignal });
        const body = response.Body as (Readable & typeof response.Body) | undefined;
        cache.delete(key);
        if (!body) return "not-found";
        if ((response.ContentLength ?? 0) > maxBytes) {
          body.destroy();
          return "too-large";
        }
        const bytes = await readBody(body, response.ContentLength, maxBytes);
        if (Buffer.isBuffer(bytes) && response.ETag) cache.set(key, { bytes, etag: response.ETag });
        return bytes;
      } catch (error) {
        if (cached && notModified(error)) return cached.bytes.length > maxBytes ? "too-large" : cached.bytes;
        cache.delete(key);
        const failure = s3Failure(abortSignal.aborted ? abortSignal.reason : error);
        if (failure === null) throw error;
        return failure;
      }
    },
  };
}
