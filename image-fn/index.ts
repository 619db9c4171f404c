import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import {
  createImageHandler,
  createStreamingImageHandler,
  DEFAULT_MAX_SOURCE_BYTES,
  DEFAULT_MAX_SOURCE_PIXELS,
  type ImageHandler,
  type ImageHandlerDeps,
  type StreamingImageHandler,
} from "./handler";
import { secretsManagerKeyring } from "./keyring-source";
import { DEFAULT_ORIGINALS_CACHE_BYTES, originalsS3Client, s3Originals } from "./originals";
import { DEFAULT_PRESETS, parsePresets } from "../core/presets";
import { inLambdaRuntime } from "./response-stream";
import { warmEncoders } from "./transform";
import { DEFAULT_MAX_URL_LIFETIME_SECONDS } from "../core/url-signing";

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is required`);
  return value;
}

function wholeNumberEnv(name: string, fallback: number, min = 1): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) throw new Error(`Environment variable ${name} must be a whole number of at least ${min}`);
  return value;
}

function presetsFromEnv() {
  const text = process.env.RENDORIX_PRESETS;
  if (!text) return DEFAULT_PRESETS;
  try {
    return parsePresets(JSON.parse(text), "RENDORIX_PRESETS");
  } catch (error) {
    if (error instanceof SyntaxError) throw new Error("Environment variable RENDORIX_PRESETS must be JSON");
    throw error;
  }
}

let environmentDeps: ImageHandlerDeps | undefined;

/** The clients and settings of this container, made once whichever entry point is called. */
function depsFromEnvironment(): ImageHandlerDeps {
  return (environmentDeps ??= {
    presets: presetsFromEnv(),
    keys: secretsManagerKeyring(new SecretsManagerClient({}), requiredEnv("RENDORIX_KEYRING_SECRET_ARN")),
    originals: s3Originals(originalsS3Client(), requiredEnv("RENDORIX_ORIGINALS_BUCKET"), {
      cacheBytes: wholeNumberEnv("RENDORIX_ORIGINALS_CACHE_BYTES", DEFAULT_ORIGINALS_CACHE_BYTES, 0),
    }),
    maxUrlLifetimeSeconds: wholeNumberEnv("RENDORIX_MAX_URL_LIFETIME_SECONDS", DEFAULT_MAX_URL_LIFETIME_SECONDS),
    maxSourceBytes: wholeNumberEnv("RENDORIX_MAX_SOURCE_BYTES", DEFAULT_MAX_SOURCE_BYTES),
    maxSourcePixels: wholeNumberEnv("RENDORIX_MAX_SOURCE_PIXELS", DEFAULT_MAX_SOURCE_PIXELS),
  });
}

/**
 * What a container would otherwise do on its first request: read the keyring and run each encoder
 * once. index.mjs awaits it at its top level, so it runs in Lambda's init phase
 * (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html#nodejs-initialization). A failure
 * is logged and left for the first request, which meets it again and answers as it always did.
 */
export async function warmUp(): Promise<void> {
  try {
    await Promise.all([depsFromEnvironment().keys.load?.(), warmEncoders()]);
  } catch (error) {
    console.error(JSON.stringify({ warmUp: "failed", detail: String(error) }));
  }
}

/** Builds the buffered handler from the Lambda's environment; exported so tests can build it from a bundle. */
export function handlerFromEnvironment(): ImageHandler {
  return createImageHandler(depsFromEnvironment());
}

/** Builds the streaming handler from the Lambda's environment. */
export function streamingHandlerFromEnvironment(): StreamingImageHandler {
  return createStreamingImageHandler(depsFromEnvironment());
}

let configured: ImageHandler | undefined;
let configuredStreaming: StreamingImageHandler | undefined;

/**
 * Lambda entry point of a BUFFERED Function URL (`index.handler`); configuration errors surface on the
 * first invocation with the variable's name.
 */
export const handler: ImageHandler = (event, context) => {
  configured ??= handlerFromEnvironment();
  return configured(event, context);
};

const streamingEntry: StreamingImageHandler = (event, responseStream, context) => {
  configuredStreaming ??= streamingHandlerFromEnvironment();
  return configuredStreaming(event, responseStream, context);
};

/**
 * Lambda entry point of a RESPONSE_STREAM Function URL (`index.streamingHandler`): the runtime calls a
 * handler with a response stream only when streamifyResponse marked it.
 */
export const streamingHandler: StreamingImageHandler = inLambdaRuntime()
  ? (awslambda.streamifyResponse(streamingEntry) as StreamingImageHandler)
  : streamingEntry;
