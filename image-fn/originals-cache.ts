import type { RevalidationUrl } from "./presigned-revalidation";

/**
 * Originals fetched recently, kept with their ETag so the next read of the same key is a conditional
 * GET (304, no body) instead of a download. A CloudFront miss rarely comes alone: a page asks for
 * several presets and formats of one original at once, and each is a separate miss at the origin.
 * Least recently used entries go first; the bytes held never exceed `maxBytes`.
 */
export interface CachedOriginal {
  bytes: Buffer;
  etag: string;
  /** Where the store asks whether these bytes are still current; signed on first use, renewed by the store. */
  revalidationUrl?: RevalidationUrl;
}

/**
 * Largest share of the cache one original may take: a cache that a single 40 MB original could fill
 * would be emptied by every large upload, which is when keeping the small ones matters most.
 */
const MAX_ENTRY_SHARE = 4;

export class OriginalsCache {
  private readonly entries = new Map<string, CachedOriginal>();
  private heldBytes = 0;

  constructor(readonly maxBytes: number) {}

  get bytes(): number {
    return this.heldBytes;
  }

  get(key: string): CachedOriginal | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      // A Map iterates in insertion order, so re-inserting makes this key the most recently used.
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, entry: CachedOriginal): void {
    this.delete(key);
    if (entry.bytes.length > this.maxBytes / MAX_ENTRY_SHARE) return;
    this.entries.set(key, entry);
    this.heldBytes += entry.bytes.length;
    for (const [oldest, { bytes }] of this.entries) {
      if (this.heldBytes <= this.maxBytes) break;
      this.entries.delete(oldest);
      this.heldBytes -= bytes.length;
    }
  }

  delete(key: string): void {
    const entry = this.entries.get(key);
    if (!entry) return;
    this.entries.delete(key);
    this.heldBytes -= entry.bytes.length;
  }
}
