import { open } from "node:fs/promises";
import { resolve, sep } from "node:path";
import { GetObjectCommand, NoSuchKey, type S3Client } from "@aws-sdk/client-s3";

/** Where originals come from: the private S3 bucket in AWS, a folder locally. */
export interface OriginalStore {
  /** The original's bytes, or why there are none; never reads more than `maxBytes`. */
  read(key: string, maxBytes: number): Promise<Buffer | "not-found" | "too-large">;
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
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOENT" || code === "ENOTDIR" || code === "EISDIR") return "not-found";
        throw error;
      }
      try {
        const stats = await file.stat();
        if (!stats.isFile()) return "not-found";
        if (stats.size > maxBytes) return "too-large";
        return await file.readFile();
      } finally {
        await file.close();
      }
    },
  };
}

/** Originals in an S3 bucket (or an S3-compatible endpoint configured on the client). */
export function s3Originals(client: S3Client, bucket: string): OriginalStore {
  return {
    async read(key, maxBytes) {
      let response;
      try {
        response = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      } catch (error) {
        if (error instanceof NoSuchKey || (error as { name?: string }).name === "NoSuchKey") return "not-found";
        throw error;
      }
      const body = response.Body;
      if (!body) return "not-found";
      if ((response.ContentLength ?? 0) > maxBytes) {
        await body.transformToWebStream().cancel();
        return "too-large";
      }
      return Buffer.from(await body.transformToByteArray());
    },
  };
}
