/** Lambda entry of the key-rotation function: Secrets Manager invokes it once per rotation step. */
import { CloudFrontKeyValueStoreClient } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { ROTATION_ENV } from "./environment";
import { type RotationEvent, rotateKeyring } from "./rotation";

function wholeNumber(name: string): number {
  const value = Number(process.env[name]);
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`environment variable ${name} must be a whole number of seconds`);
  return value;
}

const secrets = new SecretsManagerClient({});
const store = new CloudFrontKeyValueStoreClient({});

export async function handler(event: RotationEvent): Promise<void> {
  await rotateKeyring(event, {
    secrets,
    store,
    maxUrlLifetimeSeconds: wholeNumber(ROTATION_ENV.maxUrlLifetimeSeconds),
    keyIdPrefix: process.env[ROTATION_ENV.keyIdPrefix] ?? "k",
    propagationSeconds: wholeNumber(ROTATION_ENV.propagationSeconds),
  });
}
