import { parseArgs } from "node:util";
import { signUrl } from "../core/sign-url";
import { parseDuration } from "../core/durations";
import { runCli } from "../cli/support";
import { readKeyringFile } from "../core/keyring";
import { DEFAULT_KEYRING_PATH, loadOrCreateKeyring } from "./keyring-file";

const USAGE = "usage: npm run sign -- --preset NAME --key KEY --ttl 1h [--base-url URL] [--keyring FILE] [--kid KID]";

runCli(USAGE, () => {
  const { values } = parseArgs({
    options: {
      preset: { type: "string" },
      key: { type: "string" },
      ttl: { type: "string", default: "1h" },
      "base-url": { type: "string", default: "http://127.0.0.1:8080" },
      keyring: { type: "string" },
      kid: { type: "string" },
    },
    strict: true,
  });
  if (!values.preset) throw new Error("--preset is required");
  if (!values.key) throw new Error("--key is required");
  const keyring = values.keyring ? readKeyringFile(values.keyring) : loadOrCreateKeyring(DEFAULT_KEYRING_PATH);
  console.log(
    signUrl({
      baseUrl: values["base-url"]!,
      preset: values.preset,
      key: values.key,
      ttlSeconds: parseDuration(values.ttl!, "--ttl"),
      keyring,
      kid: values.kid,
    }),
  );
});
