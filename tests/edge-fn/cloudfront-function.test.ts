import { strict as assert } from "node:assert";
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { join } from "node:path";
import { buildEdgeFunctionCode, buildEdgeFunctionTemplate, MAX_FUNCTION_CODE_BYTES, RUNTIME_IMPORTS, SETTINGS_PLACEHOLDER } from "../../edge-fn/build";
import type { CloudFrontRequest, CloudFrontResponse } from "../../edge-fn/cloudfront-function";
import type { EdgeSettings } from "../../edge-fn/viewer-request";
import type { PresetFormat } from "../../core/formats";
import { createImageHandler } from "../../image-fn/handler";
import { staticKeyring } from "../../image-fn/keyring-source";
import { DEFAULT_PRESETS, type Preset, presetFormats } from "../../core/presets";
import { loadViewerRequestFunction, undocumentedSyntax, viewerRequestEvent } from "../support/cloudfront-runtime";
import { vectors } from "../support/vectors";

/** The default presets plus the vectors' `og-card`, a fixed-format preset. */
const presets: Record<string, Preset> = { ...DEFAULT_PRESETS, "og-card": { width: 1200, height: 630, fit: "cover", format: "jpeg" } };
const settings = { presets: presetFormats(presets), maxUrlLifetimeSeconds: vectors.maxUrlLifetimeSeconds };
/** The KeyValueStore copy of the keyring, named as policy-conventions.md says. */
const keyValueStore = Object.fromEntries(Object.entries(vectors.keyring.keys).map(([kid, keyText]) => [`kid:${kid}`, keyText]));
const BROWSER_ACCEPT = "image/avif,image/webp,image/apng,*/*;q=0.8";
/** What the edge puts in the format header for BROWSER_ACCEPT, by the vectors' presets. */
const FORMAT_FOR_BROWSER: Record<string, string> = { thumb: "avif", w800: "avif", "og-card": "jpeg" };

/**
 * Settings whose JSON, as the build embeds it, is exactly `length` bytes: presets with names of
 * up to 32 characters, then the lifetime's digits for the last few bytes.
 */
function settingsEmbedding(length: number): EdgeSettings {
  const presets: Record<string, PresetFormat> = { a: "auto" };
  const embeddedLength = () => JSON.stringify({ presets, maxUrlLifetimeSeconds: 1 }).length;
  // Each further preset adds `,"<name>":"auto"`: its name's length plus 10 bytes.
  for (let i = 0; embeddedLength() + 42 <= length; i++) presets[`p${i}`.padEnd(32, "x")] = "auto";
  let rest = length - embeddedLength();
  if (rest > 14) {
    presets["q".repeat(Math.min(32, rest - 10))] = "auto";
    rest = length - embeddedLength();
  }
  return { presets, maxUrlLifetimeSeconds: Number("1".repeat(1 + rest)) };
}

function isResponse(result: CloudFrontRequest | CloudFrontResponse): result is CloudFrontResponse {
  return "statusCode" in result;
}

function asResponse(result: CloudFrontRequest | CloudFrontResponse): CloudFrontResponse {
  assert.ok(isResponse(result), `expected a response, got the request for ${"uri" in result ? result.uri : ""}`);
  return result;
}

function asRequest(result: CloudFrontRequest | CloudFrontResponse): CloudFrontRequest {
  assert.ok(!isResponse(result), `expected the request forwarded, got ${isResponse(result) ? result.body.data : ""}`);
  return result;
}

function errorCode(response: CloudFrontResponse): string {
  return JSON.parse(response.body.data).error;
}

describe("CloudFront Function (cloudfront-js-2.0 viewer request)", () => {
  const code = buildEdgeFunctionCode(settings);
  const edge = loadViewerRequestFunction(code, { keyValueStore, nowSeconds: vectors.now });

  describe("the built code", () => {
    it("fits CloudFront's 10 KB limit", () => {
      assert.ok(Buffer.byteLength(code, "utf8") <= MAX_FUNCTION_CODE_BYTES, `${Buffer.byteLength(code, "utf8")} bytes`);
    });

    it("starts with the runtime's two imports and uses nothing the runtime does not document", () => {
      assert.ok(code.startsWith(RUNTIME_IMPORTS));
      assert.deepEqual(undocumentedSyntax(code), []);
    });

    it("is checked by a scan that does find undocumented syntax", () => {
      const sample = "class A {}\nfunction* g() {}\nconst f = async () => a?.b ?? 1;\nconst { x } = y;\nf(...z);\nrequire('fs');\n";
      assert.deepEqual(
        undocumentedSyntax(sample).map((finding) => finding.replace(/ at \d+$/, "")),
        ["class", "generator", "async closure", "??", "optional chaining", "destructuring", "spread", "global require"],
      );
    });

    it("is the same code when the template is built afresh", () => {
      const embedded = JSON.stringify({ presets: settings.presets, maxUrlLifetimeSeconds: settings.maxUrlLifetimeSeconds });
      assert.equal(buildEdgeFunctionTemplate().replace(SETTINGS_PLACEHOLDER, () => embedded), code);
    });

    it("embeds the URL lifetime it was built with", async () => {
      const hourOnly = loadViewerRequestFunction(buildEdgeFunctionCode({ ...settings, maxUrlLifetimeSeconds: 3600 }), {
        keyValueStore,
        nowSeconds: vectors.now,
      });
      const dayAhead = vectors.sign.find((v) => v.exp - vectors.now === 86400)!;
      assert.equal(errorCode(asResponse(await hourOnly(viewerRequestEvent(dayAhead.url)))), "expiry-too-far");
      asRequest(await edge(viewerRequestEvent(dayAhead.url)));
    });

    it("refuses settings it cannot serve, and code over the size limit", () => {
      const protoKey = JSON.parse('{"__proto__": "auto"}');
      assert.throws(() => buildEdgeFunctionCode({ ...settings, presets: protoKey }), /preset name "__proto__"/);
      assert.throws(() => buildEdgeFunctionCode({ ...settings, maxUrlLifetimeSeconds: 0 }), /maxUrlLifetimeSeconds/);
      const many = Object.fromEntries(Array.from({ length: 400 }, (_, i) => [`preset-${i}-${"x".repeat(20)}`, "auto" as const]));
      assert.throws(() => buildEdgeFunctionCode({ ...settings, presets: many }), /over CloudFront's limit of 10240/);
    });

    it("says which setting it cannot serve", () => {
      assert.throws(() => buildEdgeFunctionCode({ ...settings, presets: {} }), { message: "Edge function settings: at least one preset is needed" });
      assert.throws(() => buildEdgeFunctionCode({ ...settings, presets: { thumb: "gif" as PresetFormat } }), {
        message: 'Edge function settings: preset "thumb" has format "gif"; expected auto, jpeg, webp, avif or png',
      });
      for (const maxUrlLifetimeSeconds of [-1, 1.5, Number.NaN, 2 ** 53]) {
        assert.throws(() => buildEdgeFunctionCode({ ...settings, maxUrlLifetimeSeconds }), {
          message: "Edge function settings: maxUrlLifetimeSeconds must be a positive whole number",
        });
      }
      for (const format of ["auto", "jpeg", "webp", "avif", "png"] as const) buildEdgeFunctionCode({ ...settings, presets: { thumb: format } });
    });

    it("takes code of exactly CloudFront's limit, and refuses one byte more", () => {
      const probe = { presets: { a: "auto" as const }, maxUrlLifetimeSeconds: 1 };
      const templateBytes = Buffer.byteLength(buildEdgeFunctionCode(probe), "utf8") - JSON.stringify(probe).length;
      const atLimit = settingsEmbedding(MAX_FUNCTION_CODE_BYTES - templateBytes);
      assert.equal(Buffer.byteLength(buildEdgeFunctionCode(atLimit), "utf8"), MAX_FUNCTION_CODE_BYTES);
      assert.throws(() => buildEdgeFunctionCode(settingsEmbedding(MAX_FUNCTION_CODE_BYTES - templateBytes + 1)), {
        message: `Edge function build: ${MAX_FUNCTION_CODE_BYTES + 1} bytes of code, over CloudFront's limit of ${MAX_FUNCTION_CODE_BYTES}; use fewer presets`,
      });
    });

    it("refuses a bundle esbuild warned about, or that the runtime could not call", () => {
      const fixture = (name: string) => join(__dirname, "../fixtures/edge-fn", `${name}.ts`);
      const cases: [string, string][] = [
        ["esbuild-warning", 'Edge function build: Comparison with -0 using the "===" operator will also match 0; Comparison with -0 using the "!==" operator will also match 0'],
        ["no-exports", "Edge function build: the bundle does not end in exports around a top-level async function handler"],
        ["no-handler", "Edge function build: the bundle does not end in exports around a top-level async function handler"],
        ["settings-twice", "Edge function build: expected RENDORIX_EDGE_SETTINGS exactly once in the bundle"],
      ];
      for (const [name, message] of cases) assert.throws(() => buildEdgeFunctionTemplate(fixture(name)), { message }, name);
    });
  });

  describe("every verify vector of url-signing-v1", () => {
    for (const vector of vectors.verify) {
      it(`${vector.note}: ${vector.status} ${vector.code ?? ""}`, async () => {
        const result = await edge(viewerRequestEvent(vector.url, "GET", { accept: [BROWSER_ACCEPT] }));
        if (vector.status === "signature-ok") {
          const forwarded = asRequest(result);
          const signed = new URLSearchParams(vector.url.slice(vector.url.indexOf("?") + 1));
          assert.deepEqual(forwarded.querystring, {
            exp: { value: signed.get("exp") },
            kid: { value: signed.get("kid") },
            sig: { value: signed.get("sig") },
          });
          const preset = vector.url.split("/")[1];
          assert.deepEqual(forwarded.headers["x-rendorix-format"], { value: FORMAT_FOR_BROWSER[preset] });
          assert.equal(forwarded.uri, vector.url.split("?")[0]);
        } else {
          const response = asResponse(result);
          assert.equal(response.statusCode, vector.status);
          assert.equal(errorCode(response), vector.code);
        }
      });
    }
  });

  describe("agreement with the image Lambda", () => {
    const originalsRead: string[] = [];
    const lambda = createImageHandler({
      presets,
      keys: staticKeyring(vectors.keyring),
      originals: {
        read: async (key) => {
          originalsRead.push(key);
          return "not-found";
        },
      },
      maxUrlLifetimeSeconds: vectors.maxUrlLifetimeSeconds,
      nowSeconds: () => vectors.now,
      log: () => {},
    });

    /** Calls the Lambda with the Function URL event CloudFront sends for a request (path and query as given). */
    async function lambdaAnswer(uri: string, rawQueryString: string, headers: Record<string, string> = {}) {
      const event = { rawPath: uri, rawQueryString, headers, requestContext: { http: { method: "GET" }, requestId: "r" } };
      const result = await lambda(event as unknown as LambdaFunctionURLEvent);
      assert.ok(typeof result === "object");
      return { status: result.statusCode, code: JSON.parse(String(result.body)).error as string };
    }

    for (const vector of vectors.verify) {
      it(`${vector.note}`, async () => {
        const result = await edge(viewerRequestEvent(vector.url));
        if (isResponse(result)) {
          const [uri, query = ""] = vector.url.split("?");
          assert.deepEqual(await lambdaAnswer(uri, query), { status: result.statusCode, code: errorCode(result) });
        } else {
          // What the edge forwards must pass the Lambda's own check and reach the originals.
          const query = Object.entries(result.querystring).map(([name, field]) => `${name}=${field.value}`).join("&");
          const format = result.headers["x-rendorix-format"].value;
          const readsBefore = originalsRead.length;
          assert.deepEqual(await lambdaAnswer(result.uri, query, { "x-rendorix-format": format }), { status: 404, code: "not-found" });
          assert.equal(originalsRead.length, readsBefore + 1);
        }
      });
    }
  });

  describe("requests", () => {
    const valid = vectors.sign[0];

    it("forwards only exp, kid and sig, once each, with the values it verified", async () => {
      const target = `${valid.url}&utm_source=x&sig=AAAA&exp=1&empty&a=1&a=2`;
      const forwarded = asRequest(await edge(viewerRequestEvent(target)));
      assert.deepEqual(forwarded.querystring, {
        exp: { value: String(valid.exp) },
        kid: { value: valid.kid },
        sig: { value: valid.sig },
      });
    });

    it("answers 403 unknown-key-id when the key id is missing from the KeyValueStore", async () => {
      const revoked = loadViewerRequestFunction(code, { keyValueStore: { "kid:k1": vectors.keyring.keys.k1 }, nowSeconds: vectors.now });
      const signedWithK0 = vectors.sign.find((v) => v.kid === "k0")!;
      const response = asResponse(await revoked(viewerRequestEvent(signedWithK0.url)));
      assert.equal(response.statusCode, 403);
      assert.equal(errorCode(response), "unknown-key-id");
      asRequest(await revoked(viewerRequestEvent(valid.url)));
    });

    it("answers with the spec's JSON error, not cacheable", async () => {
      const tampered = valid.url.replace(`exp=${valid.exp}`, `exp=${valid.exp + 1}`);
      assert.deepEqual(await edge(viewerRequestEvent(tampered)), {
        statusCode: 403,
        headers: { "content-type": { value: "application/json" }, "cache-control": { value: "no-store" } },
        body: { encoding: "text", data: JSON.stringify({ error: "bad-signature", message: "The signature does not match the URL." }) },
      });
    });

    it("answers 405 for methods other than GET and HEAD, and forwards HEAD", async () => {
      assert.equal(asResponse(await edge(viewerRequestEvent(valid.url, "POST"))).statusCode, 405);
      asRequest(await edge(viewerRequestEvent(valid.url, "HEAD")));
    });

    it("reduces Accept, repeated headers included, to one format for auto presets", async () => {
      const cases: [string[], string][] = [
        [[BROWSER_ACCEPT], "avif"],
        [["image/jpeg", "image/webp"], "webp"],
        [["image/avif;q=0, image/webp"], "webp"],
        [[], "jpeg"],
      ];
      for (const [accept, format] of cases) {
        const forwarded = asRequest(await edge(viewerRequestEvent(valid.url, "GET", { Accept: accept })));
        assert.equal(forwarded.headers["x-rendorix-format"].value, format, accept.join(" | "));
      }
    });
  });
});
