/**
 * The edge `npm run soak` loads, in its own process so its RSS is the edge's alone: the local edge
 * over the test photos, where `v/<n>/<photo>` names a unique variant of `<photo>` so every miss is a
 * real transform. Prints the edge's URL on its first line.
 */
import { join } from "node:path";
import { parseKeyring } from "../core/keyring";
import { folderOriginals } from "../image-fn/originals";
import sharp from "sharp";
import { startLocalEdge } from "../local/server";
import { soakSharpConcurrency } from "./settings";

const photos = folderOriginals(join(__dirname, "..", "tests", "fixtures", "images"));

(async () => {
  soakSharpConcurrency(sharp);
  const keyring = parseKeyring(process.env.SOAK_KEYRING ?? "", "SOAK_KEYRING");
  const edge = await startLocalEdge({
    port: 0,
    keyring,
    originals: { read: (key, maxBytes) => photos.read(key.replace(/^v\/[0-9]+\//, ""), maxBytes) },
  });
  console.log(edge.url);
  process.on("SIGTERM", () => edge.close().then(() => process.exit(0)));
})();
