import { join } from "node:path";

/** Where `npm start` and `npm run sign` keep the generated local keyring (git-ignored). */
export const DEFAULT_KEYRING_PATH = join(__dirname, "..", ".local", "keyring.json");

/** Runs a command's main; a usage or input error prints one clear line and exits 2. */
export function runCli(usage: string, main: () => void | Promise<void>): void {
  Promise.resolve()
    .then(main)
    .catch((error: Error) => {
      console.error(`error: ${error.message}\n${usage}`);
      process.exit(2);
    });
}
