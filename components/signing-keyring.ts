import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { KEY_ID_PATTERN, KEY_VALUE_STORE_PREFIX, KEY_VALUE_STORE_TAG, KEYRING_PURPOSE, KEYRING_TAG } from "../core/contract";
import { isValidKeyId } from "../core/url-signing";
import type { EdgeScope } from "./edge-scope";
import { createKeyRotation, type KeyRotation, type KeyRotationChildren, type KeyRotationOptions } from "./key-rotation";
import { stackScopedName } from "./physical-name";

/** The resource arguments each child of an edge's signing keyring is built from, by role. */
export interface SigningKeyringChildren extends KeyRotationChildren {
  signingKey: random.RandomBytesArgs;
  keyringSecret: aws.secretsmanager.SecretArgs;
  keyringVersion: aws.secretsmanager.SecretVersionArgs;
  keyValueStore: aws.cloudfront.KeyValueStoreArgs;
  keyValueStoreKey: aws.cloudfront.KeyvaluestoreKeyArgs;
}

interface SecretOptions {
  /** Name of the secret; a default scoped to the project, the stack and the edge when absent. */
  secretName?: string;
  kmsKeyArn?: pulumi.Input<string>;
}

/** Either key ids of keys generated in the stack (the first one active), or how a rotation function generates and rotates them inside AWS. */
export type SigningKeyringOptions = SecretOptions &
  ({ signingKeys: string[]; rotation?: undefined } | { signingKeys?: undefined; rotation: Omit<KeyRotationOptions, "secret" | "secretArnPattern" | "store" | "kmsKeyArn"> });

/**
 * The URL-signing keyring: a Secrets Manager secret the image Lambda and backends read, and its edge
 * copy, the CloudFront KeyValueStore the viewer-request function reads.
 */
export interface SigningKeyring {
  secret: aws.secretsmanager.Secret;
  /** The secret's ARN as a pattern known before the secret exists, for policies checked in a preview. */
  arnPattern: pulumi.Output<string>;
  store: aws.cloudfront.KeyValueStore;
  /** The rotation function and schedule; absent when the keys are generated in the stack. */
  rotation?: KeyRotation;
}

export function checkSigningKeys(kids: string[]): void {
  if (kids.length === 0) throw new Error("signingKeys needs at least one key id; the first one signs new URLs.");
  const invalid = kids.filter((kid) => !isValidKeyId(kid));
  if (invalid.length > 0) throw new Error(`signingKeys: ${JSON.stringify(invalid)} must match ${KEY_ID_PATTERN.source}.`);
  if (new Set(kids).size !== kids.length) throw new Error("signingKeys: every key id must appear once.");
}

/**
 * The keyring, in one of two ways. Rotation-managed (no `signingKeys`): the secret is created without
 * a value and a rotation function generates every key inside AWS, so no key is an input or output of
 * any resource and Pulumi state holds none. In state (`signingKeys`): one `random.RandomBytes` per key
 * id, so every key is in the stack's state, readable by everyone who can decrypt it.
 */
export function createSigningKeyring(scope: EdgeScope<SigningKeyringChildren>, options: SigningKeyringOptions): SigningKeyring {
  if (options.signingKeys) checkSigningKeys(options.signingKeys);
  const secretName = options.secretName ?? stackScopedName(`${scope.children.parentName}/url-signing-keyring`, "/");
  // Secrets Manager appends six random characters to a secret's ARN.
  const arnPattern = pulumi.interpolate`arn:${scope.partition}:secretsmanager:${scope.region}:${scope.accountId}:secret:${secretName}-??????`;
  const store = scope.children.create(
    aws.cloudfront.KeyValueStore,
    "keyValueStore",
    { comment: "Edge copy of the URL-signing keyring", tags: scope.tags },
    { protect: scope.protect },
  );
  if (options.signingKeys) {
    const secret = createKeysInState(scope, options.signingKeys, createSecret(scope, secretName, options, "keys generated in this stack"), store);
    return { secret, arnPattern, store };
  }
  // The rotation function and `npm run keys` find the store by this tag.
  const secret = createSecret(scope, secretName, options, "keys generated and rotated inside AWS by its rotation function", { [KEY_VALUE_STORE_TAG]: store.arn });
  const rotation = createKeyRotation(scope, { ...options.rotation, secret, secretArnPattern: arnPattern, store, kmsKeyArn: options.kmsKeyArn });
  return { secret, arnPattern, store, rotation };
}

function createSecret(
  scope: EdgeScope<SigningKeyringChildren>,
  name: string,
  options: SecretOptions,
  keysFrom: string,
  extraTags: Record<string, pulumi.Input<string>> = {},
): aws.secretsmanager.Secret {
  return scope.children.create(
    aws.secretsmanager.Secret,
    "keyringSecret",
    {
      name,
      description: `URL-signing keyring (url-signing-v1); ${keysFrom}`,
      kmsKeyId: options.kmsKeyArn,
      // Unprotected stacks are destroyed and created again (dev): without a recovery window the
      // name is free at once, so the next `pulumi up` can create the keyring under it.
      recoveryWindowInDays: scope.protect ? 30 : 0,
      tags: { ...scope.tags, ...extraTags, [KEYRING_TAG]: KEYRING_PURPOSE },
    },
    { protect: scope.protect },
  );
}

/** A keyring of 32 random bytes per key id, generated in the stack: the secret's value and one KeyValueStore entry per key. */
function createKeysInState(
  scope: EdgeScope<SigningKeyringChildren>,
  signingKeys: string[],
  secret: aws.secretsmanager.Secret,
  store: aws.cloudfront.KeyValueStore,
): aws.secretsmanager.Secret {
  const { children } = scope;
  const keys = signingKeys.map((kid) => ({
    kid,
    bytes: children.create(random.RandomBytes, "signingKey", { length: 32 }, { protect: scope.protect }, kid),
  }));
  const keyringJson = pulumi
    .all(keys.map(({ bytes }) => bytes.base64))
    .apply((texts) => JSON.stringify({ active: signingKeys[0], keys: Object.fromEntries(signingKeys.map((kid, i) => [kid, texts[i]])) }));
  children.create(aws.secretsmanager.SecretVersion, "keyringVersion", { secretId: secret.id, secretString: pulumi.secret(keyringJson) });
  for (const { kid, bytes } of keys) {
    children.create(
      aws.cloudfront.KeyvaluestoreKey,
      "keyValueStoreKey",
      { keyValueStoreArn: store.arn, key: KEY_VALUE_STORE_PREFIX + kid, value: bytes.base64 },
      {},
      kid,
    );
  }
  return secret;
}
