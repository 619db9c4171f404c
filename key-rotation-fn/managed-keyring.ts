import { randomBytes } from "node:crypto";
import { type Keyring, parseKeyring } from "../core/keyring";
import { CLOCK_SKEW_SECONDS } from "../core/url-signing";

/**
 * A keyring written by the rotation function: url-signing-v1's `active` and `keys`, plus when each
 * key was generated. Readers of url-signing-v1 ignore `created`; keys without a date (moved over
 * from a keyring generated in Pulumi state) count as older than every dated key.
 */
export interface ManagedKeyring extends Keyring {
  created: Record<string, string>;
}

/** Bytes of randomness in a new key (url-signing-v1 asks for at least 32). */
export const NEW_KEY_BYTES = 32;

/** Longest key id prefix, so that `<prefix>-YYYYMMDD-HHMMSS-xxxx` fits url-signing-v1's 32 characters. */
const MAX_PREFIX_LENGTH = 10;

export function parseManagedKeyring(json: string, source: string): ManagedKeyring {
  const keyring = parseKeyring(json, source);
  const created = (JSON.parse(json) as { created?: unknown }).created;
  const dates: Record<string, string> = {};
  if (created && typeof created === "object") {
    for (const [kid, date] of Object.entries(created)) {
      if (Object.hasOwn(keyring.keys, kid) && typeof date === "string" && !Number.isNaN(Date.parse(date))) dates[kid] = date;
    }
  }
  return { ...keyring, created: dates };
}

/** A fresh key: base64 of 32 random bytes, the text itself being the HMAC key (url-signing-v1). */
export function generateKeyText(): string {
  return randomBytes(NEW_KEY_BYTES).toString("base64");
}

/** A new key id that sorts by time and says which stack it belongs to, e.g. `prod-20260301-040000-3fa2`. */
export function newKeyId(prefix: string, now: Date): string {
  const safePrefix = prefix.replace(/[^A-Za-z0-9_-]/g, "").slice(0, MAX_PREFIX_LENGTH) || "k";
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${safePrefix}-${stamp}-${randomBytes(2).toString("hex")}`;
}

/** Key ids from oldest to newest: undated keys first, in the order the keyring lists them. */
export function keysByAge(keyring: ManagedKeyring): string[] {
  const kids = Object.keys(keyring.keys);
  const undated = kids.filter((kid) => !keyring.created[kid]);
  const dated = kids.filter((kid) => keyring.created[kid]).sort((a, b) => Date.parse(keyring.created[a]) - Date.parse(keyring.created[b]));
  return [...undated, ...dated];
}

/**
 * When each key stopped signing new URLs: when the next newer dated key was generated; undefined
 * for the newest key. A URL signed with a key can be valid until that moment plus the longest URL
 * lifetime plus the allowed clock skew.
 */
export function retirementTimes(keyring: ManagedKeyring): Map<string, number | undefined> {
  const ordered = keysByAge(keyring);
  const times = new Map<string, number | undefined>();
  for (const [index, kid] of ordered.entries()) {
    const successor = ordered.slice(index + 1).find((other) => keyring.created[other]);
    times.set(kid, successor ? Date.parse(keyring.created[successor]) : undefined);
  }
  return times;
}

/** How long a retired key stays in the keyring: the longest URL lifetime plus the clock skew verifiers allow. */
export function retentionSeconds(maxUrlLifetimeSeconds: number): number {
  return maxUrlLifetimeSeconds + CLOCK_SKEW_SECONDS;
}

/**
 * The keyring after one rotation: the new key in front and active, every older key kept while a URL
 * signed with it can still be valid, and dropped after that.
 */
export function rotatedKeyring(
  current: ManagedKeyring | undefined,
  newKey: { kid: string; keyText: string; created: Date },
  maxUrlLifetimeSeconds: number,
): ManagedKeyring {
  const keys: Record<string, string> = { [newKey.kid]: newKey.keyText };
  const created: Record<string, string> = { [newKey.kid]: newKey.created.toISOString() };
  if (current) {
    if (Object.hasOwn(current.keys, newKey.kid)) throw new Error(`key id ${newKey.kid} is already in the keyring`);
    const keepUntil = newKey.created.getTime() - retentionSeconds(maxUrlLifetimeSeconds) * 1000;
    const retired = retirementTimes(current);
    for (const kid of keysByAge(current).reverse()) {
      // The current active key retires now, with the new key's creation.
      const retiredAt = retired.get(kid) ?? newKey.created.getTime();
      if (retiredAt <= keepUntil) continue;
      keys[kid] = current.keys[kid];
      if (current.created[kid]) created[kid] = current.created[kid];
    }
  }
  return { active: newKey.kid, keys, created };
}

/**
 * The keyring without `kid`. Removing the active key would leave nothing to sign new URLs with, so
 * that is refused: rotate first, then remove it.
 */
export function withoutKey(keyring: ManagedKeyring, kid: string): ManagedKeyring {
  if (!Object.hasOwn(keyring.keys, kid)) throw new Error(`key id ${kid} is not in the keyring`);
  if (keyring.active === kid) throw new Error(`key id ${kid} signs new URLs; rotate first so that another key does`);
  const keys = { ...keyring.keys };
  const created = { ...keyring.created };
  delete keys[kid];
  delete created[kid];
  return { active: keyring.active, keys, created };
}
