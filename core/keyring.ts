import { createHash, createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { KEY_ID_PATTERN } from "./contract";
import { isValidKeyId, type Hmac } from "./url-signing";

/** The keyring document stored in Secrets Manager (url-signing-v1, "The keyring"). */
export interface Keyring {
  active: string;
  keys: Record<string, string>;
}

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const MIN_KEY_BYTES = 32;

/** HMAC-SHA256 with the key text's ASCII bytes as the key, as url-signing-v1 requires. */
export const nodeHmac: Hmac = (keyText, message) =>
  createHmac("sha256", Buffer.from(keyText, "ascii")).update(message, "utf8").digest("base64url");

/**
 * Lowercase hex SHA-256 of a key's text: how a key is named wherever its value must not appear (the
 * policy pack's messages and its `deniedKeyFingerprints`). Key text is base64, so its UTF-8 and ASCII
 * bytes are the same.
 */
export function keyFingerprint(keyText: string): string {
  return createHash("sha256").update(keyText, "utf8").digest("hex");
}

/**
 * Parses and validates a keyring document. Errors name the key id at fault, never the key text.
 * @throws Error when the JSON, a key id, a key's encoding or length, or `active` is wrong.
 */
export function parseKeyring(json: string, source = "keyring"): Keyring {
  let document: unknown;
  try {
    document = JSON.parse(json);
  } catch {
    throw new Error(`${source}: not valid JSON; expected {"active": "<kid>", "keys": {"<kid>": "<base64>"}}`);
  }
  const candidate = document as Partial<Keyring> | null;
  // A document that is not an object has no "keys" either.
  if (!candidate || typeof candidate.keys !== "object" || !candidate.keys) {
    throw new Error(`${source}: "keys" must be an object of key id to base64 key text`);
  }
  const entries = Object.entries(candidate.keys);
  for (const [kid, keyText] of entries) {
    if (!isValidKeyId(kid)) {
      throw new Error(`${source}: key id "${kid}" must match ${KEY_ID_PATTERN.source}`);
    }
    if (typeof keyText !== "string" || !BASE64.test(keyText) || keyText.length % 4 === 1) {
      throw new Error(`${source}: key "${kid}" is not standard base64 text`);
    }
    if (Buffer.from(keyText, "base64").length < MIN_KEY_BYTES) {
      throw new Error(`${source}: key "${kid}" decodes to fewer than ${MIN_KEY_BYTES} bytes`);
    }
  }
  // From entries, so that a key id such as "__proto__" stays a key; own keys only for `active`.
  const keys: Record<string, string> = Object.fromEntries(entries);
  if (typeof candidate.active !== "string" || !Object.hasOwn(keys, candidate.active)) {
    throw new Error(`${source}: "active" must name one of the key ids in "keys"`);
  }
  return { active: candidate.active, keys };
}

/** A keyring document from a file, such as the local keyring of `npm start` or a copy of a stack's secret. */
export function readKeyringFile(path: string): Keyring {
  // Stryker disable next-line StringLiteral: without an encoding the file is a Buffer, which JSON.parse reads as its UTF-8 text
  return parseKeyring(readFileSync(path, "utf8"), path);
}
