/**
 * The parts of HTTP caching CloudFront applies for us, written down for the local edge: how long a
 * response stays cached (its Cache-Control, bounded by the cache policy's TTLs), conditional
 * requests, and the CORS headers of a response headers policy.
 */

/** The TTLs of the distribution's cache policy (components/image-edge.ts), in seconds. */
export const CACHE_POLICY_TTL = { min: 0, default: 86400, max: 31536000 };

/** Statuses CloudFront caches by the origin's Cache-Control; errors we send are no-store anyway. */
const CACHEABLE_STATUSES = new Set([200, 404]);

/**
 * Seconds a shared cache keeps a response, as CloudFront decides it: nothing for no-store, no-cache or
 * private, else s-maxage, else max-age, else the policy's default, always within the policy's bounds.
 */
export function sharedCacheTtl(statusCode: number, cacheControl: string | undefined): number {
  if (!CACHEABLE_STATUSES.has(statusCode)) return 0;
  const directives = new Map<string, string>();
  for (const part of (cacheControl ?? "").toLowerCase().split(",")) {
    const [name, value = ""] = part.trim().split("=");
    if (name) directives.set(name, value.replace(/^"|"$/g, ""));
  }
  if (["no-store", "no-cache", "private"].some((name) => directives.has(name))) return 0;
  const seconds = Number(directives.get("s-maxage") ?? directives.get("max-age") ?? CACHE_POLICY_TTL.default);
  if (!Number.isFinite(seconds)) return CACHE_POLICY_TTL.default;
  return Math.min(Math.max(seconds, CACHE_POLICY_TTL.min), CACHE_POLICY_TTL.max);
}

/** Whether an If-None-Match header matches `etag` (weak comparison, lists and `*` included). */
export function etagMatches(ifNoneMatch: string | undefined, etag: string | undefined): boolean {
  if (!ifNoneMatch || !etag) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  return ifNoneMatch.split(",").some((candidate) => candidate.trim() === "*" || opaque(candidate) === opaque(etag));
}

/**
 * The CORS headers a response gets for a request from `origin`, as a response headers policy adds
 * them: none without an Origin header or for an origin not allowed; `*` when every origin is.
 */
export function corsHeaders(allowedOrigins: readonly string[], origin: string | undefined): Record<string, string> {
  if (allowedOrigins.length === 0) return {};
  if (allowedOrigins.includes("*")) return { "access-control-allow-origin": "*" };
  if (origin === undefined || !allowedOrigins.includes(origin)) return {};
  return { "access-control-allow-origin": origin, vary: "Origin" };
}
