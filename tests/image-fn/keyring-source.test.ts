import { strict as assert } from "node:assert";
import type { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { secretsManagerKeyring, staticKeyring } from "../../image-fn/keyring-source";
import { vectors } from "../support/vectors";

/** A Secrets Manager stand-in that records which secret each read asks for; AWS is not reachable here. */
function secretReturning(documents: (string | undefined)[]) {
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
    await assert.rejects(secretsManagerKeyring(client, "arn:keyring").keyText("weak"), {
      message: 'keyring secret: key "weak" decodes to fewer than 32 bytes',
    });
  });

  it("reads the secret it was given, and refuses one stored as binary", async () => {
    const { client, calls } = secretReturning([undefined]);
    await assert.rejects(secretsManagerKeyring(client, "arn:aws:secretsmanager:eu-west-1:1:secret:keyring").keyText("k1"), {
      message: "The keyring secret has no SecretString",
    });
    assert.deepEqual(calls, ["arn:aws:secretsmanager:eu-west-1:1:secret:keyring"]);
  });

  it("reads the secret again once its copy is five minutes old, so a revoked key stops working without an unknown key id", async () => {
    let now = 1_000_000;
    const { client, calls } = secretReturning([after, before]);
    const keys = secretsManagerKeyring(client, "arn:keyring", { nowMs: () => now });
    assert.equal(await keys.keyText("k1"), vectors.keyring.keys.k1);
    now += 299_999;
    assert.equal(await keys.keyText("k1"), vectors.keyring.keys.k1);
    assert.equal(calls.length, 1);
    now += 1;
    assert.equal(await keys.keyText("k1"), undefined, "k1 was revoked from the secret");
    assert.equal(calls.length, 2);
  });

  it("reads the keyring ahead of the first request when asked to, and serves that request from it", async () => {
    const { client, calls } = secretReturning([after]);
    const keys = secretsManagerKeyring(client, "arn:keyring");
    await keys.load!();
    assert.equal(calls.length, 1);
    assert.equal(await keys.keyText("k1"), vectors.keyring.keys.k1);
    assert.equal(calls.length, 1);
  });

  it("shares one read between requests that arrive while it is under way", async () => {
    const { client, calls } = secretReturning([after]);
    const keys = secretsManagerKeyring(client, "arn:keyring");
    assert.deepEqual(await Promise.all([keys.keyText("k0"), keys.keyText("k1")]), [vectors.keyring.keys.k0, vectors.keyring.keys.k1]);
    assert.equal(calls.length, 1);
  });
});

describe("keyring given at start", () => {
  it("gives each key's text, and nothing for other ids, names every object inherits included", async () => {
    const keys = staticKeyring(vectors.keyring);
    assert.equal(await keys.keyText("k0"), vectors.keyring.keys.k0);
    for (const kid of ["k9", "toString", "constructor"]) assert.equal(await keys.keyText(kid), undefined, kid);
  });
});
