import { strict as assert } from "node:assert";
import { nodeHmac, parseKeyring } from "../../core/keyring";
import { signUrl } from "../../core/sign-url";
import { vectors, verifyVectorUrl } from "../support/vectors";
import {
  CLOCK_SKEW_SECONDS,
  decodeKey,
  encodeKey,
  keyProblem,
  MAX_KEY_BYTES,
  parseRequest,
  type Rejection,
  type SignatureParams,
  signPath,
  stringToSign,
  verifySignature,
} from "../../core/url-signing";

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

  describe("parsing a request, in the order of the status table", () => {
    const SIGNED: SignatureParams = { exp: "1790003600", kid: "k1", sig: "x".repeat(43) };
    const parse = (method: string, path: string, params: SignatureParams = SIGNED) =>
      parseRequest(method, path, params, (name) => vectors.presets.includes(name));
    const rejectionOf = (result: ReturnType<typeof parse>): Rejection | undefined => (result.ok ? undefined : result.rejection);

    it("allows GET and HEAD only, before it looks at the path", () => {
      assert.deepEqual(rejectionOf(parse("POST", "no path")), { status: 405, code: "method-not-allowed", message: "Only GET and HEAD are allowed." });
      for (const method of ["get", "PUT", "OPTIONS", ""]) assert.equal(rejectionOf(parse(method, "/thumb/a.jpg"))?.code, "method-not-allowed", method);
      for (const method of ["GET", "HEAD"]) assert.equal(parse(method, "/thumb/a.jpg").ok, true, method);
    });

    it("needs a path of /{preset}/{key}", () => {
      for (const path of ["thumb/a.jpg", "/thumb", "", "?/thumb/a.jpg"]) {
        assert.deepEqual(rejectionOf(parse("GET", path)), { status: 400, code: "bad-key", message: "The path must be /{preset}/{key}." }, path);
      }
    });

    it("takes the path up to the query, with the key percent-decoded", () => {
      assert.deepEqual(parse("GET", "/thumb/a%20b/c.jpg?exp=1&kid=k0"), { ok: true, request: { preset: "thumb", key: "a b/c.jpg", ...SIGNED } });
    });

    it("says what is wrong with a key, before looking at the preset", () => {
      const cases: [string, string][] = [
        ["", "The image key is empty."],
        ["x".repeat(MAX_KEY_BYTES + 1), "The image key is longer than 1024 bytes."],
        ["a/%0A.jpg", "The image key contains a control character."],
        ["a//b.jpg", "The image key contains an empty path segment."],
        ["a/./b.jpg", "The image key contains a '.' or '..' segment."],
        ["a/%E0%A4%A.jpg", "The image key has invalid percent-encoding or invalid UTF-8."],
        ["a/%C0%AF.jpg", "The image key has invalid percent-encoding or invalid UTF-8."],
      ];
      for (const [encoded, message] of cases) {
        assert.deepEqual(decodeKey(encoded), { ok: false, message }, encoded);
        assert.deepEqual(rejectionOf(parse("GET", `/no-such-preset/${encoded}`)), { status: 400, code: "bad-key", message }, encoded);
      }
    });

    it("serves only defined presets", () => {
      for (const preset of ["thumbnail", "Thumb", "-x", "constructor"]) {
        assert.deepEqual(
          rejectionOf(parse("GET", `/${preset}/a.jpg`)),
          { status: 400, code: "unknown-preset", message: "The preset in the path is not defined." },
          preset,
        );
      }
    });

    it("needs exp, kid and sig, each non-empty", () => {
      const message = "The URL must carry exp, kid and sig query parameters.";
      for (const name of ["exp", "kid", "sig"] as const) {
        for (const value of [undefined, ""]) {
          const params = { ...SIGNED, [name]: value };
          assert.deepEqual(rejectionOf(parse("GET", "/thumb/a.jpg", params)), { status: 403, code: "missing-signature", message }, `${name}=${value}`);
        }
      }
    });

    it("refuses an exp that is not a number of seconds", () => {
      assert.deepEqual(rejectionOf(parse("GET", "/thumb/a.jpg", { ...SIGNED, exp: "-1" })), {
        status: 403,
        code: "bad-signature",
        message: "The exp parameter is not a valid expiry.",
      });
    });
  });

  describe("key length, counted in UTF-8 bytes", () => {
    // A character of each UTF-8 length at the ends of its range, surrogate pairs at both ends of the high surrogates.
    const characters: [string, number][] = [
      ["~", 1],
      ["\u0080", 2],
      ["\u07ff", 2],
      ["\u0800", 3],
      ["\ud7ff", 3],
      ["\ue000", 3],
      ["\uffff", 3],
      ["\ud800\udc00", 4],
      ["\udbff\udfff", 4],
    ];
    for (const [character, bytes] of characters) {
      it(`counts U+${character.codePointAt(0)!.toString(16).toUpperCase()} as ${bytes} bytes`, () => {
        const count = Math.floor(MAX_KEY_BYTES / bytes);
        const longest = character.repeat(count) + "x".repeat(MAX_KEY_BYTES - count * bytes);
        assert.equal(keyProblem(longest), null);
        assert.equal(keyProblem(`${longest}x`), "The image key is longer than 1024 bytes.");
      });
    }

    it("refuses C0 controls and DEL, and allows space and what follows DEL", () => {
      for (const key of ["a\u0000", "a\u001f", "a\u007f"]) assert.equal(keyProblem(key), "The image key contains a control character.", JSON.stringify(key));
      for (const key of ["a b", "a~", "a\u0080"]) assert.equal(keyProblem(key), null, JSON.stringify(key));
    });
  });

  describe("verifying", () => {
    const v = vectors.sign[0];
    const request = { preset: v.preset, key: v.key, exp: String(v.exp), kid: v.kid, sig: v.sig };
    const verify = (nowSeconds: number, maxUrlLifetimeSeconds = vectors.maxUrlLifetimeSeconds, candidate = request, keyText: string | undefined = keyring.keys[candidate.kid]) =>
      verifySignature(candidate, keyText, nodeHmac, nowSeconds, maxUrlLifetimeSeconds);

    it(`accepts a URL until ${CLOCK_SKEW_SECONDS} s after its expiry, for clock skew`, () => {
      assert.equal(verify(v.exp + CLOCK_SKEW_SECONDS), null);
      assert.deepEqual(verify(v.exp + CLOCK_SKEW_SECONDS + 1), { status: 403, code: "expired", message: "The URL has expired." });
    });

    it("accepts an expiry exactly the longest lifetime ahead, and not a second further", () => {
      assert.equal(verify(v.exp - 3600, 3600), null);
      assert.deepEqual(verify(v.exp - 3600, 3599), {
        status: 403,
        code: "expiry-too-far",
        message: "The URL expires further ahead than this service allows.",
      });
    });

    it("answers unknown-key-id for a key id the keyring lacks or that is malformed", () => {
      const unknown = { status: 403, code: "unknown-key-id", message: "The key id in the URL is not in the keyring." };
      assert.deepEqual(verifySignature(request, undefined, nodeHmac, vectors.now, vectors.maxUrlLifetimeSeconds), unknown);
      assert.deepEqual(verify(vectors.now, undefined, { ...request, kid: "k 1" }, keyring.keys.k1), unknown);
    });

    it("answers bad-signature for a wrong signature or one of the wrong form", () => {
      const bad = { status: 403, code: "bad-signature", message: "The signature does not match the URL." };
      for (const sig of [v.sig.replace(/^./, (c) => (c === "A" ? "B" : "A")), `${v.sig}=`, v.sig.slice(0, 42), `${v.sig}A`]) {
        assert.deepEqual(verify(vectors.now, undefined, { ...request, sig }), bad, sig);
      }
    });
  });

  describe("signing", () => {
    const input = { preset: "thumb", key: "a.jpg", exp: 1790003600, kid: "k1" };
    const sign = (change: Partial<typeof input>) => () => signPath({ ...input, ...change }, keyring.keys.k1, nodeHmac);

    it("refuses a preset, key id, expiry or key the verifier would refuse", () => {
      assert.throws(sign({ preset: "Thumb" }), { message: "Invalid preset name: Thumb" });
      assert.throws(sign({ kid: "k 1" }), { message: "Invalid key id: k 1" });
      for (const exp of [0, -1, 1.5, 2 ** 53, Number.NaN]) assert.throws(sign({ exp }), { message: "exp must be a positive integer" }, String(exp));
      assert.throws(sign({ key: "" }), { message: "The image key is empty." });
      assert.equal(sign({ exp: 1 })(), `/thumb/a.jpg?exp=1&kid=k1&sig=${nodeHmac(keyring.keys.k1, stringToSign("thumb", "a.jpg", 1, "k1"))}`);
    });

    it("percent-encodes with upper-case hex, the characters encodeURIComponent leaves included", () => {
      assert.equal(encodeKey("it's (1)*!~.jpg/ü"), "it%27s%20%281%29%2A%21~.jpg/%C3%BC");
    });
  });

  describe("signUrl for backends", () => {
    const base = { baseUrl: "https://img.example.com", preset: "thumb", key: "a.jpg", ttlSeconds: 3600, keyring, nowSeconds: vectors.now };
    const expOf = (url: string) => Number(new URL(url).searchParams.get("exp"));

    it("signs with the active key unless told which, and refuses a key id the keyring lacks", () => {
      assert.equal(new URL(signUrl(base)).searchParams.get("kid"), "k1");
      assert.equal(new URL(signUrl({ ...base, kid: "k0" })).searchParams.get("kid"), "k0");
      for (const kid of ["k9", "toString", "constructor"]) {
        assert.throws(() => signUrl({ ...base, kid }), { message: `Key id "${kid}" is not in the keyring` });
      }
    });

    it("takes a whole positive number of seconds to live", () => {
      for (const ttlSeconds of [0, -60, 1.5, Number.NaN]) {
        assert.throws(() => signUrl({ ...base, ttlSeconds }), { message: "ttlSeconds must be a positive whole number of seconds" }, String(ttlSeconds));
      }
      assert.equal(expOf(signUrl({ ...base, ttlSeconds: 1 })), vectors.now + 1);
      assert.equal(expOf(signUrl({ ...base, nowSeconds: vectors.now + 0.9 })), vectors.now + 3600);
    });

    it("joins the base URL and the path with one slash", () => {
      assert.ok(signUrl({ ...base, baseUrl: "https://img.example.com//" }).startsWith("https://img.example.com/thumb/a.jpg?exp="));
    });

    it("counts the lifetime from the current time unless given one", () => {
      const before = Math.floor(Date.now() / 1000);
      const exp = expOf(signUrl({ ...base, nowSeconds: undefined }));
      const after = Math.floor(Date.now() / 1000);
      assert.ok(exp >= before + 3600 && exp <= after + 3600, `exp ${exp} is not an hour after ${before}..${after}`);
    });
  });
});
