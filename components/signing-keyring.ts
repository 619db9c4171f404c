import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { KEY_ID_PATTERN, KEY_VALUE_STORE_PREFIX, KEYRING_PURPOSE, KEYRING_TAG } from "../core/contract";
import { isValidKeyId } from "../core/url-signing";
import type { EdgeScope } from "./edge-scope";
import { stackScopedName } from "./physical-name";

/** The resource arguments each child of an edge's signing keyring is built from, by role. */
export interface SigningKeyringChildren {
  signingKey: random.RandomBytesArgs;
  keyringSecret: aws.secretsmanager.SecretArgs;
  keyringVersion: aws.secretsmanager.SecretVersionArgs;
  keyValueStore: aws.cloudfront.KeyValueStoreArgs;
  keyValueStoreKey: aws.cloudfront.KeyvaluestoreKeyArgs;
}

export interface SigningKeyringOptions {
  /** Key ids, the first one active. */
  signingKeys: string[];
  /** Name of the secret; a default scoped to the project, the stack and the edge when absent. */
  secretName?: string;
  kmsKeyArn?: pulumi.Input<string>;
}

/**
 * The URL-signing keyring: a Secrets Manager secret the image Lambda and backends read, and its edge
 * copy, the CloudFront KeyValueStore the viewer-request function reads.
 */
export interface SigningKeyring {
  secret: aws.secretsmanager.Secret;
  /** The secret's ARN as a pattern known before the secret exists, for policies checked in a preview. */
  arnPattern: pulumi.Output<string>;
  store: aws.cloudfront.KeyValueStore;
}

export function checkSigningKeys(kids: string[]): void {
  if (kids.length === 0) throw new Error("signingKeys needs at least one key id; the first one signs new URLs.");
  const invalid = kids.filter((kid) => !isValidKeyId(kid));
  if (invalid.length > 0) throw new Error(`signingKeys: ${JSON.stringify(invalid)} must match ${KEY_ID_PATTERN.source}.`);
  if (new Set(kids).size !== kids.length) throw new Error("signingKeys: every key id must appear once.");
}

/** A keyring of 32 random bytes per key id, generated in the stack. */
export function createSigningKeyring(scope: EdgeScope<SigningKeyringChildren>, options: SigningKeyringOptions): SigningKeyring {
  checkSigningKeys(options.signingKeys);
  const { children, tags } = scope;
  const protect = { protect: scope.protect };
  const secretName = options.secretName ?? stackScopedName(`${children.parentName}/url-signing-keyring`, "/");
  const keys = options.signingKeys.map((kid) => ({
    kid,
    bytes: children.create(random.RandomBytes, "signingKey", { length: 32 }, protect, kid),
  }));
  const secret = children.create(
    aws.secretsmanager.Secret,
    "keyringSecret",
    {
      name: secretName,
      description: "URL-signing keyring (url-signing-v1); keys generated in this stack",
      kmsKeyId: options.kmsKeyArn,
      // Unprotected stacks are destroyed and created again (dev): without a recovery window the
      // name is free at once, so the next `pulumi up` can create the keyring under it.
      recoveryWindowInDays: scope.protect ? 30 : 0,
      tags: { ...tags, [KEYRING_TAG]: KEYRING_PURPOSE },
    },
    protect,
  );
  const keyringJson = pulumi
    .all(keys.map(({ bytes }) => bytes.base64))
    .apply((texts) => JSON.stringify({ active: options.signingKeys[0], keys: Object.fromEntries(options.signingKeys.map((kid, i) => [kid, texts[i]])) }));
  children.create(aws.secretsmanager.SecretVersion, "keyringVersion", { secretId: secret.id, secretString: pulumi.secret(keyringJson) });

  const store = children.create(aws.cloudfront.KeyValueStore, "keyValueStore", { comment: "Edge copy of the URL-signing keyring", tags }, protect);
  for (const { kid, bytes } of keys) {
    children.create(
      aws.cloudfront.KeyvaluestoreKey,
      "keyValueStoreKey",
      { keyValueStoreArn: store.arn, key: KEY_VALUE_STORE_PREFIX + kid, value: bytes.base64 },
      {},
      kid,
    );
  }
  // Secrets Manager appends six random characters to a secret's ARN.
  const arnPattern = pulumi.interpolate`arn:${scope.partition}:secretsmanager:${scope.region}:${scope.accountId}:secret:${secretName}-??????`;
  return { secret, arnPattern, store };
}
