import { join } from "node:path";
import { parseArgs } from "node:util";
import { INVOKE_MODES, type InvokeMode } from "../image-fn/response-stream";
import { checkCorsOrigins } from "../core/cors";
import { signUrl } from "../core/sign-url";
import { folderOriginals, type OriginalStore, originalsS3Client, s3Originals } from "../image-fn/originals";
import { runCli } from "../cli/support";
import { DEFAULT_KEYRING_PATH, loadOrCreateKeyring, watchKeyringFile } from "./keyring-file";
import { startLocalEdge } from "./server";

const USAGE =
  "usage: npm start -- [--port 8080] [--originals DIR | --originals s3://BUCKET --s3-endpoint URL] [--keyring FILE] [--invoke-mode RESPONSE_STREAM|BUFFERED] [--cors-origin ORIGIN]...";
/** In-flight requests get this long to finish once a stop signal arrives; a second signal stops at once. */
const SHUTDOWN_GRACE_MS = 5000;
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
      "cors-origin": { type: "string", multiple: true, default: [] },
    },
    strict: true,
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error("--port must be a whole number from 0 to 65535");
  const invokeMode = values["invoke-mode"] as InvokeMode;
  if (!INVOKE_MODES.includes(invokeMode)) throw new Error(`--invoke-mode must be one of ${INVOKE_MODES.join(", ")}`);
  const keyringPath = values.keyring ?? DEFAULT_KEYRING_PATH;
  if (!values.keyring) loadOrCreateKeyring(keyringPath);
  const keyring = watchKeyringFile(keyringPath, (line) => console.log(line));
  const edge = await startLocalEdge({
    port,
    originals: originalsFrom(values.originals!, values["s3-endpoint"]),
    keyring: keyring.current,
    corsAllowedOrigins: checkCorsOrigins(values["cors-origin"] ?? [], "--cors-origin"),
    shutdownGraceMs: SHUTDOWN_GRACE_MS,
    invokeMode,
  });
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    console.log(`${signal} received: closing connections (at most ${SHUTDOWN_GRACE_MS / 1000} s), then exiting`);
    keyring.close();
    edge.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) process.on(signal, stop);
  console.log(`Rendorix local edge on ${edge.url} (originals: ${values.originals}; Function URL ${invokeMode})`);
  const sample = signUrl({ baseUrl: edge.url, preset: "thumb", key: values["sample-key"]!, ttlSeconds: 3600, keyring: keyring.current() });
  console.log(`Sample URL (valid 1 h): ${sample}`);
});
