/**
 * A least-recently-used cache bounded by the bytes of its entries, standing in for CloudFront's cache:
 * each entry also expires at its own time, after which it is never served.
 */
export class MemoryCache<V extends { bytes: number; expiresAt: number }> {
  private readonly entries = new Map<string, V>();
  private totalBytes = 0;

  constructor(private readonly maxBytes: number) {}

  /** The live entry for `key` at time `now` (in the unit of `expiresAt`), or undefined. */
  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    this.delete(key);
    if (entry.expiresAt <= now) return undefined;
    this.entries.set(key, entry);
    this.totalBytes += entry.bytes;
    return entry;
  }

  set(key: string, entry: V): void {
    if (entry.bytes > this.maxBytes) return;
    this.delete(key);
    this.entries.set(key, entry);
    this.totalBytes += entry.bytes;
    for (const [oldestKey] of this.entries) {
      if (this.totalBytes <= this.maxBytes) break;
      this.delete(oldestKey);
    }
  }

  get size(): number {
    return this.entries.size;
  }

  get bytes(): number {
    return this.totalBytes;
  }

  private delete(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.entries.delete(key);
    this.totalBytes -= entry.bytes;
  }
}
