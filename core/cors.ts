/**
 * Which origins may read images cross-origin: one rule for ImageEdge's `corsAllowedOrigins`, which
 * becomes the response headers policy's CORS configuration, and for the local edge's `--cors-origin`.
 */

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?$/;

/**
 * `origins` when each is `*` alone or a scheme and host such as `https://app.example.com`.
 * @throws naming `name` and the accepted values otherwise.
 */
export function checkCorsOrigins(origins: readonly string[], name: string): string[] {
  const wrong = origins.filter((origin) => origin !== "*" && !ORIGIN.test(origin));
  if (wrong.length > 0) {
    throw new Error(`${name}: ${JSON.stringify(wrong)} must be "*" or an origin such as "https://app.example.com" (scheme and host, no path).`);
  }
  if (origins.includes("*") && origins.length > 1) throw new Error(`${name}: "*" allows every origin and stands alone.`);
  return [...origins];
}
