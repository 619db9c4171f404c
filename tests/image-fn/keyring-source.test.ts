import { strict as assert } from "node:assert";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { secretsManagerKeyring } from "../../image-fn/keyring-source";
import { vectors } from "../support/vectors";

/** A Secrets Manager stand-in that counts reads; AWS is not reachable here. */
function secretReturning(documents: string[]) {
  const calls: string[] = [];
  const client = {
    send: async (command: { input: { SecretId: string } }) => {
      calls.push(command.input.SecretId);
      return { SecretString: documents[Math.min(calls.length - 1, documents.length - 1)] };
    },
  } as unknown as SecretsManagerClient;
  return { client, calls };
}

describe("keyring from Secrets Manager", () => {
  const before = JSON.stringify({ active: "k0", keys: { k0: vectors.keyring.keys.k0 } });
  const after = JSON.stringify(vectors.keyring);

  it("reads once per container and re-reads for an unknown key id at most once a minute", async () => {
    let now = 1_000_000;
    const { client, calls } = secretReturning([before, after]);
    const keys = secretsManagerKeyring(client, "arn:keyring", { nowMs: () => now });
    assert.equal(await keys.keyText("k0"), vectors.keyring.keys.k0);
    assert.equal(await keys.keyText("k0"), vectors.keyring.keys.k0);
    assert.equal(calls.length, 1);

    assert.equal(await keys.keyText("k1"), undefined, "loaded seconds ago: no re-read yet");
    now += 30_000;
    assert.equal(await keys.keyText("k1"), undefined);
    assert.equal(calls.length, 1);

    now += 30_000;
    assert.equal(await keys.keyText("k1"), vectors.keyring.keys.k1, "rotation picked up without a redeploy");
    assert.equal(calls.length, 2);
    for (let i = 0; i < 20; i++) await keys.keyText("nope");
    assert.equal(calls.length, 2, "a flood of unknown key ids does not flood Secrets Manager");
  });

  it("refuses a keyring whose key is too short, naming the key id", async () => {
    const { client } = secretReturning([JSON.stringify({ active: "weak", keys: { weak: "c2hvcnQ=" } })]);
    await assert.rejects(secretsManagerKeyring(client, "arn:keyring").keyText("weak"), /key "weak" decodes to fewer than 32 bytes/);
  });
});
