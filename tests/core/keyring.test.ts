import { strict as assert } from "node:assert";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keyFingerprint, nodeHmac, parseKeyring, readKeyringFile } from "../../core/keyring";
import { vectors } from "../support/vectors";

const K1 = vectors.keyring.keys.k1;
/** Standard base64 of 31 and of 32 bytes. */
const KEY_31_BYTES = Buffer.alloc(31, 7).toString("base64");
const KEY_32_BYTES = Buffer.alloc(32, 7).toString("base64");

describe("keyring documents", () => {
  const parse = (document: unknown, source?: string) => () =>
    parseKeyring(typeof document === "string" ? document : JSON.stringify(document), source);

  it("names the source and what is wrong, never the key text", () => {
    const notAnObject = 'keyring: "keys" must be an object of key id to base64 key text';
    const noActive = 'keyring: "active" must name one of the key ids in "keys"';
    const cases: [unknown, string][] = [
      ["{not json", 'keyring: not valid JSON; expected {"active": "<kid>", "keys": {"<kid>": "<base64>"}}'],
      [null, notAnObject],
      [5, notAnObject],
      [{ active: "k1" }, notAnObject],
      [{ active: "k1", keys: null }, notAnObject],
      [{ active: "k1", keys: "k1" }, notAnObject],
      [{ active: "k 1", keys: { "k 1": K1 } }, 'keyring: key id "k 1" must match ^[A-Za-z0-9_-]{1,32}$'],
      [{ active: "k1", keys: { k1: 42 } }, 'keyring: key "k1" is not standard base64 text'],
      [{ active: "k1", keys: { k1: `${K1.replace(/=+$/, "")}AA` } }, 'keyring: key "k1" is not standard base64 text'],
      [{ active: "k1", keys: { k1: KEY_31_BYTES } }, 'keyring: key "k1" decodes to fewer than 32 bytes'],
      [{ keys: { k1: K1 } }, noActive],
      [{ active: 1, keys: { k1: K1 } }, noActive],
      [{ active: 1, keys: { 1: K1 } }, noActive],
      [{ active: "k2", keys: { k1: K1 } }, noActive],
      [{ active: "toString", keys: { k1: K1 } }, noActive],
    ];
    for (const [document, message] of cases) {
      assert.throws(parse(document), (error: Error) => {
        assert.equal(error.message, message, JSON.stringify(document));
        assert.ok(!error.message.includes(K1.slice(0, 12)));
        return true;
      });
    }
  });

  it("names the file or secret it was read from", () => {
    assert.throws(parse({ active: "k1", keys: {} }, "keyring secret"), { message: 'keyring secret: "active" must name one of the key ids in "keys"' });
    const folder = mkdtempSync(join(tmpdir(), "rendorix-keyring-"));
    try {
      const file = join(folder, "keyring.json");
      writeFileSync(file, JSON.stringify(vectors.keyring));
      assert.deepEqual(readKeyringFile(file), vectors.keyring);
      writeFileSync(file, "{");
      assert.throws(() => readKeyringFile(file), { message: `${file}: not valid JSON; expected {"active": "<kid>", "keys": {"<kid>": "<base64>"}}` });
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it("keeps every key of at least 32 bytes under its own id, whatever the id", () => {
    const document = `{"active":"__proto__","keys":{"a":"${KEY_32_BYTES}","__proto__":"${K1}","constructor":"${K1}"}}`;
    const keyring = parseKeyring(document);
    assert.equal(keyring.active, "__proto__");
    assert.deepEqual(Object.entries(keyring.keys), Object.entries(JSON.parse(document).keys));
    assert.equal(Object.hasOwn(keyring.keys, "__proto__"), true);
  });
});

describe("key material", () => {
  it("fingerprints a key as the SHA-256 hex of its text", () => {
    assert.equal(keyFingerprint(K1), "2024defb3ab3e8943050b9bd493f1d49ae52765797b86a94d52f9aa1e247d243");
  });

  it("signs with HMAC-SHA256 of the key text's bytes, as unpadded base64url", () => {
    // RFC 4231 test case 2: key "Jefe", data "what do ya want for nothing?".
    const hex = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
    assert.equal(nodeHmac("Jefe", "what do ya want for nothing?"), Buffer.from(hex, "hex").toString("base64url"));
  });
});
