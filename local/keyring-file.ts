import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Keyring, readKeyringFile } from "../core/keyring";

/** Where `npm start` and `npm run sign` keep the generated local keyring (git-ignored). */
export const DEFAULT_KEYRING_PATH = join(__dirname, "..", ".local", "keyring.json");

/** The local keyring at `path`, generated once (mode 0600) when it does not exist yet. */
export function loadOrCreateKeyring(path: string): Keyring {
  if (!existsSync(path)) {
    const keyring: Keyring = { active: "local1", keys: { local1: randomBytes(32).toString("base64") } };
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    writeFileSync(path, JSON.stringify(keyring, null, 2) + "\n", { mode: 0o600, flag: "wx" });
  }
  return readKeyringFile(path);
}
