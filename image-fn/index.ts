import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { createImageHandler, DEFAULT_MAX_SOURCE_BYTES, DEFAULT_MAX_SOURCE_PIXELS, type ImageHandler } from "./handler";
import { secretsManagerKeyring } from "./keyring-source";
import { originalsS3Client, s3Originals } from "./originals";
import { DEFAULT_PRESETS, parsePresets } from "../core/presets";
import { DEFAULT_MAX_URL_LIFETIME_SECONDS } from "../core/url-signing";

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`Environment variable ${name} is required`);
  return value;
}

function positiveIntegerEnv(name: string, fallback: number): number {
  const text = process.env[name];
  if (text === undefined || text === "") return fallback;
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`Environment variable ${name} must be a positive whole number`);
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

/** Builds the handler from the Lambda's environment; exported so tests can build it from a bundle. */
export function handlerFromEnvironment(): ImageHandler {
  return createImageHandler({
    presets: presetsFromEnv(),
    keys: secretsManagerKeyring(new SecretsManagerClient({}), requiredEnv("RENDORIX_KEYRING_SECRET_ARN")),
    originals: s3Originals(originalsS3Client(), requiredEnv("RENDORIX_ORIGINALS_BUCKET")),
    maxUrlLifetimeSeconds: positiveIntegerEnv("RENDORIX_MAX_URL_LIFETIME_SECONDS", DEFAULT_MAX_URL_LIFETIME_SECONDS),
    maxSourceBytes: positiveIntegerEnv("RENDORIX_MAX_SOURCE_BYTES", DEFAULT_MAX_SOURCE_BYTES),
    maxSourcePixels: positiveIntegerEnv("RENDORIX_MAX_SOURCE_PIXELS", DEFAULT_MAX_SOURCE_PIXELS),
  });
}

let configured: ImageHandler | undefined;

/** Lambda entry point; configuration errors surface on the first invocation with the variable's name. */
export const handler: ImageHandler = (event, context) => {
  configured ??= handlerFromEnvironment();
  return configured(event, context);
};
