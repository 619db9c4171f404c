import { open } from "node:fs/promises";
import { resolve, sep } from "node:path";
import { GetObjectCommand, type S3Client } from "@aws-sdk/client-s3";
import { folderFailure, type OriginalFailure, s3Failure } from "./originals-failures";

/** Where originals come from: the private S3 bucket in AWS, a folder locally. */
export interface OriginalStore {
  /**
   * The original's bytes, or why there are none; never reads more than `maxBytes`.
   * @throws only for a fault of ours (a missing bucket, bad credentials), never for a legal key.
   */
  read(key: string, maxBytes: number): Promise<Buffer | "too-large" | OriginalFailure>;
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

/** Originals in an S3 bucket (or an S3-compatible endpoint configured on the client). */
export function s3Originals(client: S3Client, bucket: string, timeoutMs = DEFAULT_ORIGINAL_TIMEOUT_MS): OriginalStore {
  return {
    async read(key, maxBytes) {
      const abortSignal = AbortSignal.timeout(timeoutMs);
      try {
        const response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }), { abortSignal });
        const body = response.Body;
        if (!body) return "not-found";
        if ((response.ContentLength ?? 0) > maxBytes) {
          await body.transformToWebStream().cancel();
          return "too-large";
        }
        return Buffer.from(await body.transformToByteArray());
      } catch (error) {
        const failure = s3Failure(abortSignal.aborted ? abortSignal.reason : error);
        if (failure === null) throw error;
        return failure;
      }
    },
  };
}
