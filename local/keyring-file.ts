import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { type Keyring, parseKeyring, readKeyringFile } from "../core/keyring";

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

export interface WatchedKeyring {
  /** The keyring as last read without error. */
  current(): Keyring;
  close(): void;
}

/**
 * The keyring file, read again whenever its text changes (polled, so an editor's write-and-rename
 * counts), so added keys are accepted and removed keys refused without a restart, as the deployed edge
 * does within seconds of a change to its keyring. A file that does not parse keeps the previous keyring.
 * The text read at start is the baseline, taken synchronously: a change made right after the call is
 * never mistaken for the starting state, as a first asynchronous stat could.
 */
export function watchKeyringFile(path: string, log: (line: string) => void, intervalMs = 500): WatchedKeyring {
  let seen = readFileSync(path, "utf8");
  let keyring = parseKeyring(seen, path);
  const poll = () => {
    let text: string;
    try {
      text = readFileSync(path, "utf8");
    } catch (error) {
      if (seen !== "") log(`Keyring file ${path} not readable, keeping the previous keyring: ${(error as Error).message}`);
      seen = "";
      return;
    }
    if (text === seen) return;
    seen = text;
    try {
      keyring = parseKeyring(text, path);
      log(`Keyring reloaded from ${path}: key ids ${Object.keys(keyring.keys).join(", ")}`);
    } catch (error) {
      log(`Keyring file ${path} not reloaded, keeping the previous keyring: ${(error as Error).message}`);
    }
  };
  const timer = setInterval(poll, intervalMs).unref();
  return { current: () => keyring, close: () => clearInterval(timer) };
}
