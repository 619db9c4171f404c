import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { type Keyring, parseKeyring } from "../core/keyring";

/** Gives the key text for a key id, or undefined when the keyring has no such id. */
export interface KeyringProvider {
  keyText(kid: string): Promise<string | undefined>;
  /** Reads the keyring now, where reading it takes a request, so the first signed URL does not wait. */
  load?(): Promise<unknown>;
}

export function staticKeyring(keyring: Keyring): KeyringProvider {
  return { keyText: async (kid) => (Object.hasOwn(keyring.keys, kid) ? keyring.keys[kid] : undefined) };
}

/** Reads and checks the keyring secret once. */
export async function readKeyringSecret(client: SecretsManagerClient, secretId: string): Promise<Keyring> {
  const response = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
  if (response.SecretString === undefined) throw new Error("The keyring secret has no SecretString");
  return parseKeyring(response.SecretString, "keyring secret");
}

export interface SecretsManagerKeyringOptions {
  /** Least time between two reads of the secret caused by unknown key ids. @default 60000 */
  refreshIntervalMs?: number;
  /**
   * Longest time a container signs off with a keyring it read, so a key revoked from the secret is
   * refused here too even when no unknown key id arrives. @default 300000
   */
  maxAgeMs?: number;
  /** @default Date.now */
  nowMs?: () => number;
}

/**
 * The keyring secret, read once per container and again, at most once per interval, when a key id
 * it does not know arrives: a rotation then needs no redeploy, and a flood of bad key ids cannot
 * turn into a flood of Secrets Manager calls.
 */
export function secretsManagerKeyring(
  client: SecretsManagerClient,
  secretId: string,
  options: SecretsManagerKeyringOptions = {},
): KeyringProvider {
  const refreshIntervalMs = options.refreshIntervalMs ?? 60_000;
  const maxAgeMs = options.maxAgeMs ?? 300_000;
  const nowMs = options.nowMs ?? Date.now;
  let cached: Keyring | undefined;
  let loadedAt = 0;
  let loading: Promise<Keyring> | undefined;

  async function refresh(): Promise<Keyring> {
    loading ??= readKeyringSecret(client, secretId).finally(() => (loading = undefined));
    const keyring = await loading;
    cached = keyring;
    loadedAt = nowMs();
    return keyring;
  }

  return {
    load: refresh,
    async keyText(kid) {
      let keyring = cached && nowMs() - loadedAt < maxAgeMs ? cached : await refresh();
      if (!Object.hasOwn(keyring.keys, kid) && nowMs() - loadedAt >= refreshIntervalMs) {
        keyring = await refresh();
      }
      return Object.hasOwn(keyring.keys, kid) ? keyring.keys[kid] : undefined;
    },
  };
}
