/**
 * The keyring secret as the rotation function and `npm run keys` see it: its versions by staging
 * label, and the KeyValueStore that holds its edge copy.
 */
import {
  DescribeSecretCommand,
  type DescribeSecretResponse,
  GetSecretValueCommand,
  ResourceNotFoundException,
  type SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { KEY_VALUE_STORE_TAG } from "../core/contract";
import { type ManagedKeyring, parseManagedKeyring } from "./managed-keyring";

/** The keyring secret's name in a stack; the stack name in it keeps stacks from sharing a keyring. */
export function keyringSecretName(project: string, stack: string): string {
  return `${project}/${stack}/url-signing-keyring`;
}

export const AWSCURRENT = "AWSCURRENT";
export const AWSPENDING = "AWSPENDING";

export interface KeyringSecret {
  arn: string;
  name: string;
  rotationEnabled: boolean;
  /** Version id to its staging labels. */
  versions: Record<string, string[]>;
  kvsArn: string;
}

export async function describeKeyringSecret(client: SecretsManagerClient, secretId: string): Promise<KeyringSecret> {
  const metadata: DescribeSecretResponse = await client.send(new DescribeSecretCommand({ SecretId: secretId }));
  const kvsArn = metadata.Tags?.find((tag) => tag.Key === KEY_VALUE_STORE_TAG)?.Value;
  if (!kvsArn) throw new Error(`secret ${metadata.Name ?? secretId} has no ${KEY_VALUE_STORE_TAG} tag naming the KeyValueStore of its keys`);
  return {
    arn: metadata.ARN ?? secretId,
    name: metadata.Name ?? secretId,
    rotationEnabled: metadata.RotationEnabled === true,
    versions: metadata.VersionIdsToStages ?? {},
    kvsArn,
  };
}

/** The version holding `label`, if any. */
export function versionWithLabel(secret: KeyringSecret, label: string): string | undefined {
  return Object.entries(secret.versions).find(([, labels]) => labels.includes(label))?.[0];
}

/**
 * The keyring in one version of the secret, or undefined when that version has no value: a secret
 * created without a value has no AWSCURRENT until its first rotation finishes, and a rotation's
 * version has AWSPENDING before createSecret gives it a value.
 */
export async function readKeyringVersion(
  client: SecretsManagerClient,
  secretId: string,
  version: { VersionStage: string; VersionId?: string },
): Promise<ManagedKeyring | undefined> {
  try {
    const response = await client.send(new GetSecretValueCommand({ SecretId: secretId, ...version }));
    if (response.SecretString === undefined) throw new Error(`keyring secret version ${response.VersionId} has no SecretString`);
    return parseManagedKeyring(response.SecretString, `keyring secret version ${response.VersionId}`);
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}
