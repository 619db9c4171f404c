import { join } from "node:path";
import { parseArgs } from "node:util";
import { INVOKE_MODES, type InvokeMode } from "../image-fn/response-stream";
import { signUrl } from "../core/sign-url";
import { folderOriginals, type OriginalStore, originalsS3Client, s3Originals } from "../image-fn/originals";
import { runCli } from "../cli/support";
import { readKeyringFile } from "../core/keyring";
import { DEFAULT_KEYRING_PATH, loadOrCreateKeyring } from "./keyring-file";
import { startLocalEdge } from "./server";

const USAGE =
  "usage: npm start -- [--port 8080] [--originals DIR | --originals s3://BUCKET --s3-endpoint URL] [--keyring FILE] [--invoke-mode RESPONSE_STREAM|BUFFERED]";
const SAMPLES = join(__dirname, "..", "samples");

function originalsFrom(location: string, s3Endpoint: string | undefined): OriginalStore {
  const bucket = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/?$/.exec(location);
  if (location.startsWith("s3://") && !bucket) throw new Error(`--originals must be s3://BUCKET with a valid bucket name`);
  if (!bucket) return folderOriginals(location);
  const client = originalsS3Client({
    endpoint: s3Endpoint,
    forcePathStyle: s3Endpoint !== undefined,
    region: process.env.AWS_REGION ?? "us-east-1",
  });
  return s3Originals(client, bucket[1]);
}

runCli(USAGE, async () => {
  const { values } = parseArgs({
    options: {
      port: { type: "string", default: "8080" },
      originals: { type: "string", default: SAMPLES },
      "s3-endpoint": { type: "string" },
      keyring: { type: "string" },
      "sample-key": { type: "string", default: "coffee.png" },
      "invoke-mode": { type: "string", default: "RESPONSE_STREAM" },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("--port must be a whole number from 0 to 65535");
  const invokeMode = values["invoke-mode"] as InvokeMode;
  if (!INVOKE_MODES.includes(invokeMode)) throw new Error(`--invoke-mode must be one of ${INVOKE_MODES.join(", ")}`);
  const keyring = values.keyring ? readKeyringFile(values.keyring) : loadOrCreateKeyring(DEFAULT_KEYRING_PATH);
  const edge = await startLocalEdge({ port, originals: originalsFrom(values.originals!, values["s3-endpoint"]), keyring, invokeMode });
  console.log(`Rendorix local edge on ${edge.url} (originals: ${values.originals}; Function URL ${invokeMode})`);
  console.log(`Sample URL (valid 1 h): ${signUrl({ baseUrl: edge.url, preset: "thumb", key: values["sample-key"]!, ttlSeconds: 3600, keyring })}`);
  const shutdown = () => {
    edge.close().then(() => process.exit(0), () => process.exit(1));
  };
  process.once("SIGINT", shutdown);
  process.once("SIGTERM", shutdown);
});
