/**
 * Secrets Manager's four rotation steps for the URL-signing keyring
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html):
 * createSecret stores a keyring with a new key in front as AWSPENDING, setSecret copies it to the
 * KeyValueStore, testSecret reads the store back and waits for the edges to learn the key, and
 * finishSecret moves AWSCURRENT to it. The edge therefore knows a key before anyone signs with it.
 *
 * Secrets Manager calls each step again after a failure, with the same ClientRequestToken, so every
 * step first looks at what is already done: createSecret never makes a second key for one token
 * (PutSecretValue with that token as ClientRequestToken), setSecret writes only what differs, and
 * finishSecret returns when the version is already current.
 */
import { PutSecretValueCommand, type SecretsManagerClient, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import type { CloudFrontKeyValueStoreClient } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { readEdgeKeys, syncEdgeKeys } from "./edge-store";
import { AWSCURRENT, AWSPENDING, describeKeyringSecret, type KeyringSecret, readKeyringVersion, versionWithLabel } from "./keyring-secret";
import { generateKeyText, type ManagedKeyring, newKeyId, rotatedKeyring } from "./managed-keyring";

export const ROTATION_STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"] as const;
export type RotationStep = (typeof ROTATION_STEPS)[number];

/** What Secrets Manager passes to a rotation function. */
export interface RotationEvent {
  Step: string;
  SecretId: string;
  ClientRequestToken: string;
  RotationToken?: string;
}

export interface RotationContext {
  secrets: SecretsManagerClient;
  store: CloudFrontKeyValueStoreClient;
  maxUrlLifetimeSeconds: number;
  /** Start of new key ids, e.g. the stack name. */
  keyIdPrefix: string;
  /** How long testSecret waits after the store holds the new key, for it to reach every edge. */
  propagationSeconds: number;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** Log lines name key ids and versions, never key text. */
  log?: (line: string) => void;
}

const defaultSleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

function isRotationStep(step: string): step is RotationStep {
  return (ROTATION_STEPS as readonly string[]).includes(step);
}

export async function rotateKeyring(event: RotationEvent, context: RotationContext): Promise<void> {
  const { Step: step, SecretId: secretId, ClientRequestToken: token } = event;
  if (!isRotationStep(step)) throw new Error(`unknown rotation step "${step}"; expected ${ROTATION_STEPS.join(", ")}`);
  const log = context.log ?? ((line: string) => console.log(line));
  const secret = await describeKeyringSecret(context.secrets, secretId);
  if (!secret.rotationEnabled) throw new Error(`secret ${secret.name} is not enabled for rotation`);
  const labels = secret.versions[token];
  if (!labels) throw new Error(`version ${token} of secret ${secret.name} has no staging label for rotation`);
  if (labels.includes(AWSCURRENT)) {
    log(`${step}: version ${token} is already ${AWSCURRENT}`);
    // A finishSecret that moved AWSCURRENT and then failed leaves AWSPENDING on the current version.
    if (step === "finishSecret" && labels.includes(AWSPENDING)) await removePendingLabel(secret, token, context);
    return;
  }
  if (!labels.includes(AWSPENDING)) throw new Error(`version ${token} of secret ${secret.name} is not ${AWSPENDING}`);

  const steps: Record<RotationStep, () => Promise<void>> = {
    createSecret: () => createSecret(secret, token, context, log),
    setSecret: async () => {
      const changes = await syncEdgeKeys(context.store, secret.kvsArn, (await pendingKeyring(secret, token, context)).keys);
      log(`setSecret: KeyValueStore put [${changes.put.join(", ")}], deleted [${changes.deleted.join(", ")}]`);
    },
    testSecret: () => testSecret(secret, token, context, log),
    finishSecret: () => finishSecret(secret, token, context, log),
  };
  await steps[step]();
}

async function pendingKeyring(secret: KeyringSecret, token: string, context: RotationContext): Promise<ManagedKeyring> {
  const keyring = await readKeyringVersion(context.secrets, secret.arn, { VersionId: token, VersionStage: AWSPENDING });
  if (!keyring) throw new Error(`version ${token} of secret ${secret.name} has no keyring yet: createSecret has not run for it`);
  return keyring;
}

async function createSecret(secret: KeyringSecret, token: string, context: RotationContext, log: (line: string) => void): Promise<void> {
  if (await readKeyringVersion(context.secrets, secret.arn, { VersionId: token, VersionStage: AWSPENDING })) {
    log(`createSecret: version ${token} already holds its keyring`);
    return;
  }
  // Undefined on the first rotation of a secret created without a value.
  const current = await readKeyringVersion(context.secrets, secret.arn, { VersionStage: AWSCURRENT });
  const now = context.now?.() ?? new Date();
  const kid = newKeyId(context.keyIdPrefix, now);
  const next = rotatedKeyring(current, { kid, keyText: generateKeyText(), created: now }, context.maxUrlLifetimeSeconds);
  await context.secrets.send(
    new PutSecretValueCommand({ SecretId: secret.arn, ClientRequestToken: token, SecretString: JSON.stringify(next), VersionStages: [AWSPENDING] }),
  );
  const dropped = Object.keys(current?.keys ?? {}).filter((old) => !Object.hasOwn(next.keys, old));
  log(`createSecret: version ${token} has new key ${kid} in front of [${Object.keys(next.keys).slice(1).join(", ")}]; dropped [${dropped.join(", ")}]`);
}

async function testSecret(secret: KeyringSecret, token: string, context: RotationContext, log: (line: string) => void): Promise<void> {
  const keyring = await pendingKeyring(secret, token, context);
  const edge = await readEdgeKeys(context.store, secret.kvsArn);
  const wrong = Object.keys(keyring.keys).filter((kid) => edge.get(kid) !== keyring.keys[kid]);
  const extra = [...edge.keys()].filter((kid) => !Object.hasOwn(keyring.keys, kid));
  if (wrong.length > 0 || extra.length > 0) {
    throw new Error(`the KeyValueStore does not match version ${token}: missing or different [${wrong.join(", ")}], not in the keyring [${extra.join(", ")}]`);
  }
  log(`testSecret: the KeyValueStore holds the ${edge.size} keys of version ${token}; waiting ${context.propagationSeconds} s for the edges`);
  await (context.sleep ?? defaultSleep)(context.propagationSeconds * 1000);
}

async function finishSecret(secret: KeyringSecret, token: string, context: RotationContext, log: (line: string) => void): Promise<void> {
  const current = versionWithLabel(secret, AWSCURRENT);
  await context.secrets.send(
    new UpdateSecretVersionStageCommand({ SecretId: secret.arn, VersionStage: AWSCURRENT, MoveToVersionId: token, RemoveFromVersionId: current }),
  );
  await removePendingLabel(secret, token, context);
  log(`finishSecret: version ${token} is ${AWSCURRENT}${current ? ` (was ${current})` : ""}`);
}

function removePendingLabel(secret: KeyringSecret, token: string, context: RotationContext) {
  return context.secrets.send(new UpdateSecretVersionStageCommand({ SecretId: secret.arn, VersionStage: AWSPENDING, RemoveFromVersionId: token }));
}
