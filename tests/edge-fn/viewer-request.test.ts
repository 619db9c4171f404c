import { strict as assert } from "node:assert";
import { nodeHmac } from "../../core/keyring";
import type { SignatureParams } from "../../core/url-signing";
import { decideViewerRequest, type EdgeSettings, rejectionBody } from "../../edge-fn/viewer-request";
import { vectors } from "../support/vectors";

/** The vectors' presets: two that negotiate their format, one fixed. */
const settings: EdgeSettings = { presets: { thumb: "auto", w800: "auto", "og-card": "jpeg" }, maxUrlLifetimeSeconds: vectors.maxUrlLifetimeSeconds };

describe("the viewer-request decision", () => {
  let lookups: string[] = [];
  beforeEach(() => (lookups = []));

  /** The keyring as a store: records the key ids it is asked for, as the KeyValueStore would be. */
  async function lookupKey(kid: string): Promise<string | undefined> {
    lookups.push(kid);
    return Object.hasOwn(vectors.keyring.keys, kid) ? vectors.keyring.keys[kid] : undefined;
  }

  function decide(url: string, accept?: string, method = "GET") {
    const [uri, query = ""] = url.split("?");
    const params: SignatureParams = Object.fromEntries(new URLSearchParams(query));
    return decideViewerRequest({ method, uri, query: params, accept }, settings, lookupKey, nodeHmac, vectors.now);
  }

  const thumb = vectors.sign.find((v) => v.preset === "thumb")!;
  const ogCard = vectors.sign.find((v) => v.preset === "og-card")!;

  it("forwards a correctly signed URL with its verified parts and the format the viewer accepts", async () => {
    assert.deepEqual(await decide(thumb.url, "image/webp,*/*;q=0.8"), {
      action: "forward",
      request: { preset: "thumb", key: thumb.key, exp: String(thumb.exp), kid: thumb.kid, sig: thumb.sig },
      format: "webp",
    });
    assert.deepEqual(lookups, [thumb.kid]);
  });

  it("gives a fixed-format preset its format, whatever the viewer accepts", async () => {
    const decision = await decide(ogCard.url, "image/avif,image/webp");
    assert.equal(decision.action === "forward" && decision.format, "jpeg");
  });

  it("rejects what the URL itself gets wrong without asking the store for a key", async () => {
    assert.deepEqual(await decide(thumb.url, undefined, "POST"), {
      action: "reject",
      rejection: { status: 405, code: "method-not-allowed", message: "Only GET and HEAD are allowed." },
    });
    const malformedKid = thumb.url.replace("kid=k1", "kid=..%2Fk1");
    assert.equal((await decide(malformedKid)).action, "reject");
    assert.deepEqual(lookups, [], "the store is never asked for a malformed key id");
  });

  it("rejects a wrong signature after looking up the URL's key", async () => {
    const tampered = thumb.url.replace(`exp=${thumb.exp}`, `exp=${thumb.exp + 1}`);
    assert.deepEqual(await decide(tampered), {
      action: "reject",
      rejection: { status: 403, code: "bad-signature", message: "The signature does not match the URL." },
    });
    assert.deepEqual(lookups, [thumb.kid]);
  });

  it("serves only the presets it was given, not the names every object inherits", async () => {
    const decision = await decide(thumb.url.replace("/thumb/", "/constructor/"));
    assert.equal(decision.action === "reject" && decision.rejection.code, "unknown-preset");
  });

  it("answers a rejection with the JSON body of the contract", () => {
    assert.equal(
      rejectionBody({ status: 403, code: "expired", message: "The URL has expired." }),
      '{"error":"expired","message":"The URL has expired."}',
    );
  });
});
