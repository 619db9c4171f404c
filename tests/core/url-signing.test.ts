import { strict as assert } from "node:assert";
import { nodeHmac, parseKeyring } from "../../core/keyring";
import { signUrl } from "../../core/sign-url";
import { vectors, verifyVectorUrl } from "../support/vectors";
import { decodeKey, encodeKey, signPath, stringToSign } from "../../core/url-signing";

describe("url-signing-v1", () => {
  const keyring = parseKeyring(JSON.stringify(vectors.keyring));

  describe("sign vectors", () => {
    for (const v of vectors.sign) {
      it(`signs ${v.preset}/${v.key} with ${v.kid}`, () => {
        assert.equal(stringToSign(v.preset, v.key, v.exp, v.kid), v.stringToSign);
        assert.equal(signPath(v, keyring.keys[v.kid], nodeHmac), v.url);
        assert.equal(
          signUrl({ baseUrl: "https://img.example.com/", ...v, ttlSeconds: v.exp - vectors.now, nowSeconds: vectors.now, keyring }),
          "https://img.example.com" + v.url,
        );
      });
    }
  });

  describe("verify vectors", () => {
    for (const v of vectors.verify) {
      it(`${v.note}: ${v.status} ${v.code ?? ""}`, () => {
        assert.deepEqual(verifyVectorUrl(v.url), { status: v.status, code: v.code });
      });
    }
  });

  describe("expiry", () => {
    const signedWithDigits = (exp: string, kid = "k1") => {
      const sig = nodeHmac(keyring.keys[kid], stringToSign("thumb", "photos/a.jpg", exp, kid));
      return `/thumb/photos/a.jpg?exp=${exp}&kid=${kid}&sig=${sig}`;
    };

    it("answers expiry-too-far for a correctly signed exp of 16 or more digits", () => {
      for (const exp of ["1000000000000000", "9007199254740993", "9".repeat(40), "1" + "0".repeat(400)]) {
        assert.deepEqual(verifyVectorUrl(signedWithDigits(exp)), { status: 403, code: "expiry-too-far" }, exp);
      }
    });

    it("checks the signature over the exp digits as written, beyond what a double holds", () => {
      const url = signedWithDigits("9007199254740993").replace("exp=9007199254740993", "exp=9007199254740992");
      assert.deepEqual(verifyVectorUrl(url), { status: 403, code: "bad-signature" });
    });

    it("still refuses an exp with a sign, a leading zero or a non-digit as bad-signature", () => {
      for (const exp of ["01790003600", "+1790003600", "1790003600.0", "1e10"]) {
        assert.deepEqual(verifyVectorUrl(signedWithDigits(exp)), { status: 403, code: "bad-signature" }, exp);
      }
    });
  });

  describe("keys", () => {
    it("round-trips every key through encodeKey and decodeKey", () => {
      for (const key of ["a b/c+d&e=f.png", "üñí/çødé/東京.webp", "x~y_z-1.2/SEG", "it's (1)*!.jpg", "😀/a.png"]) {
        assert.deepEqual(decodeKey(encodeKey(key)), { ok: true, key });
      }
    });

    it("refuses percent-encoded dot segments, over-long keys and DEL", () => {
      for (const encoded of ["a/%2E%2E/b", "a/%2e/b", "a/%7F.jpg", "x".repeat(1025), "é".repeat(513)]) {
        assert.equal(decodeKey(encoded).ok, false, encoded);
      }
      assert.equal(decodeKey("x".repeat(1024)).ok, true);
    });

    it("refuses to sign a key the verifier would reject", () => {
      assert.throws(() => signPath({ preset: "thumb", key: "a/../b", exp: 1, kid: "k1" }, keyring.keys.k1, nodeHmac), /segment/);
    });
  });

  describe("keyring", () => {
    it("names the key id when a key is too short or not base64", () => {
      assert.throws(() => parseKeyring('{"active":"a","keys":{"a":"c2hvcnQ="}}'), /key "a" decodes to fewer than 32 bytes/);
      assert.throws(() => parseKeyring('{"active":"a","keys":{"a":"not base64!"}}'), /key "a" is not standard base64/);
    });

    it("refuses an active key id that is not in the keys", () => {
      assert.throws(() => parseKeyring(JSON.stringify({ active: "k9", keys: vectors.keyring.keys })), /"active" must name/);
    });
  });
});
