import { type Keyring, nodeHmac } from "./keyring";
import { signPath } from "./url-signing";

export interface SignUrlOptions {
  /** Origin the URL is served from, e.g. `https://img.example.com`. */
  baseUrl: string;
  preset: string;
  /** Object key of the original, e.g. `photos/2026/a.jpg`. */
  key: string;
  /** Lifetime of the URL in seconds; must not exceed the stack's `maxUrlLifetime`. */
  ttlSeconds: number;
  keyring: Keyring;
  /** Key id to sign with. @default keyring.active */
  kid?: string;
  /** Current time in Unix seconds. @default Date.now() / 1000 */
  nowSeconds?: number;
}

/**
 * Signs an image URL for a Node backend.
 * @example
 * signUrl({ baseUrl: "https://img.example.com", preset: "thumb", key: "photos/a.jpg", ttlSeconds: 3600, keyring })
 */
export function signUrl(options: SignUrlOptions): string {
  const kid = options.kid ?? options.keyring.active;
  // Own keys only: a kid of "toString" must not find Object.prototype's function.
  if (!Object.hasOwn(options.keyring.keys, kid)) throw new Error(`Key id "${kid}" is not in the keyring`);
  const keyText = options.keyring.keys[kid];
  if (!(Number.isInteger(options.ttlSeconds) && options.ttlSeconds > 0)) {
    throw new Error("ttlSeconds must be a positive whole number of seconds");
  }
  const now = Math.floor(options.nowSeconds ?? Date.now() / 1000);
  const path = signPath({ preset: options.preset, key: options.key, exp: now + options.ttlSeconds, kid }, keyText, nodeHmac);
  return options.baseUrl.replace(/\/+$/, "") + path;
}

export { type Keyring, parseKeyring } from "./keyring";
