import { strict as assert } from "node:assert";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseKeyring } from "../../core/keyring";
import { signUrl } from "../../core/sign-url";
import { folderOriginals } from "../../image-fn/originals";
import { type LocalEdge, startLocalEdge } from "../../local/server";
import { FIXTURES } from "../support/bad-originals";
import { vectors } from "../support/vectors";

const keyring = parseKeyring(JSON.stringify(vectors.keyring));
const SEED = Number(process.env.FUZZ_SEED ?? 20261202);
const REQUESTS = 2000;

/** mulberry32: a small seeded generator, so a failing run can be replayed with FUZZ_SEED. */
function generator(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)];
  return { next, int, pick };
}

interface FuzzRequest {
  raw: string;
  /** Whether the request is correctly signed for GET or HEAD: only these may get 200 or 304. */
  signedCorrectly: boolean;
  method: string;
}

const KEYS = ["coffee.png", "photos/chelsea.png", "missing.png", "bad/truncated.jpg", "bad/random.jpg", "bad/page.svg", `${"a".repeat(300)}.png`, "ü/東京 a+b.png"];
const PRESETS = ["thumb", "w400", "og"];
const HOSTILE_SEGMENTS = ["..", ".", "%2e%2e", "%2E", "%00", "%zz", "%C0%AF", "%ED%A0%80", "", "%2F", "\u0001", "a".repeat(2000), "%", "~", "%7e"];
const METHODS = ["GET", "GET", "GET", "GET", "GET", "GET", "HEAD", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "TRACE", "get"];
const ACCEPTS = ["image/avif,image/webp,*/*", "image/webp", "*/*", "", "image/avif;q=0", "x".repeat(500)];

function fuzzRequest(rng: ReturnType<typeof generator>, now: number): FuzzRequest {
  const preset = rng.pick(PRESETS);
  const key = rng.pick(KEYS);
  const url = signUrl({ baseUrl: "", preset, key, ttlSeconds: 600, keyring, kid: rng.pick(["k1", "k0"]), nowSeconds: now });
  let [path, query] = url.split("?");
  let signedCorrectly = true;
  const mutations = rng.int(4);
  for (let i = 0; i < mutations; i++) {
    // Every mutation changes the signed meaning unless its case says it keeps it.
    const wasSigned: boolean = signedCorrectly;
    signedCorrectly = false;
    switch (rng.int(10)) {
      case 0: // flip one signature character
        query = query.replace(/sig=(.)/, (_, c: string) => `sig=${c === "A" ? "B" : "A"}`);
        break;
      case 1:
        query = query.replace(/exp=\d+/, `exp=${rng.pick(["0", "-1", "1e9", "99999999999999999999", String(now + 10), "01790000000", ""])}`);
        break;
      case 2:
        query = query.replace(/kid=\w+/, `kid=${rng.pick(["k9", "", "../k1", "k1%00", "K1", "a".repeat(40)])}`);
        break;
      case 3:
        path = `${path}/${rng.pick(HOSTILE_SEGMENTS)}`;
        break;
      case 4:
        path = path.replace(/\/[^/]*$/, `/${rng.pick(HOSTILE_SEGMENTS)}`);
        break;
      case 5: {
        // Only the first value of a parameter counts, so a second sig after the first changes nothing.
        const appended = `${query}&sig=${"A".repeat(43)}`;
        query = rng.pick(["", "exp=1", appended, query.replace(/&sig=[^&]*/, ""), `sig=x&${query}`]);
        signedCorrectly = wasSigned && query === appended;
        break;
      }
      case 6:
        path = path.replace(/^\/[^/]+/, `/${rng.pick(["nope", "THUMB", "", "thumb%20", "..", "a".repeat(40)])}`);
        break;
      case 7:
        path = rng.pick(["/", "*", "//", "/thumb", "/thumb/", "http://evil.example/thumb/coffee.png", `/${"x/".repeat(600)}`]);
        break;
      case 8: {
        // Another last segment under the same signature: the same key only when it decodes the same.
        const before = path.slice(path.lastIndexOf("/") + 1);
        const after = rng.pick(["coffee.PNG", "coffee.png%20", "coffee%2Epng", "chelsea.png", "chelsea%2epng"]);
        path = path.slice(0, path.lastIndexOf("/") + 1) + after;
        signedCorrectly = wasSigned && decodeURIComponent(after) === decodeURIComponent(before);
        break;
      }
      default: // unsigned parameters are ignored
        query = `${query}&utm=${rng.int(1000)}`;
        signedCorrectly = wasSigned;
    }
  }
  let method = rng.pick(METHODS);
  if (method !== "GET" && method !== "HEAD") signedCorrectly = false;
  const headers = [`Host: 127.0.0.1`, "Connection: close"];
  const accept = rng.pick(ACCEPTS);
  if (accept) headers.push(`Accept: ${accept}`);
  if (rng.int(4) === 0) headers.push(`If-None-Match: ${rng.pick(['"x"', "*", 'W/"y"', "garbage"])}`);
  if (rng.int(8) === 0) headers.push(`Origin: https://${rng.pick(["app", "evil"])}.example`);
  if (rng.int(50) === 0) method = rng.pick(["G\u0000T", "GET /x HTTP/1.1\r\nX:", ""]);
  return { raw: `${method} ${path}${query ? `?${query}` : ""} HTTP/1.1\r\n${headers.join("\r\n")}\r\n\r\n`, signedCorrectly, method };
}

/** Sends bytes over a fresh socket and gives back the status, headers and body text, or null when refused. */
function exchange(port: number, raw: string): Promise<{ status: number; headers: string; body: string } | null> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    socket.setTimeout(30_000, () => reject(new Error(`no answer to ${JSON.stringify(raw.slice(0, 200))}`)));
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("error", () => resolve(null));
    socket.on("close", () => {
      const text = Buffer.concat(chunks).toString("latin1");
      const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
      if (!match) return resolve(null);
      const split = text.indexOf("\r\n\r\n");
      resolve({ status: Number(match[1]), headers: text.slice(0, split), body: text.slice(split + 4) });
    });
    socket.end(raw, "latin1");
  });
}

describe(`fuzzing the local edge over raw sockets (seed ${SEED})`, function () {
  this.timeout(120_000);
  let dir: string;
  let edge: LocalEdge;
  const now = vectors.now;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "rendorix-fuzz-"));
    mkdirSync(join(dir, "photos"));
    mkdirSync(join(dir, "bad"));
    mkdirSync(join(dir, "ü"));
    copyFileSync(join(FIXTURES, "coffee.png"), join(dir, "coffee.png"));
    copyFileSync(join(FIXTURES, "chelsea.png"), join(dir, "photos/chelsea.png"));
    copyFileSync(join(FIXTURES, "chelsea.png"), join(dir, "ü/東京 a+b.png"));
    const jpeg = readFileSync(join(FIXTURES, "hubble_deep_field.jpg"));
    writeFileSync(join(dir, "bad/truncated.jpg"), jpeg.subarray(0, jpeg.length >> 1));
    writeFileSync(join(dir, "bad/random.jpg"), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919) & 0xff)));
    writeFileSync(join(dir, "bad/page.svg"), '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>');
    edge = await startLocalEdge({ port: 0, originals: folderOriginals(dir), keyring, nowSeconds: () => now });
  });
  after(async () => {
    await edge.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`answers ${REQUESTS} generated requests: no 5xx, no 200 unless correctly signed, a contract JSON body on every error`, async () => {
    const rng = generator(SEED);
    const port = Number(new URL(edge.url).port);
    const requests = Array.from({ length: REQUESTS }, () => fuzzRequest(rng, now));
    const problems: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const request = requests[next++];
        const answer = await exchange(port, request.raw);
        if (answer === null) continue;
        statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
        const described = `${answer.status} for ${JSON.stringify(request.raw.split("\r\n")[0].slice(0, 160))}`;
        if (answer.status >= 500) problems.push(`5xx: ${described}`);
        if ((answer.status === 200 || answer.status === 304) && !request.signedCorrectly) problems.push(`not signed: ${described}`);
        if (answer.status >= 400 && request.method !== "HEAD" && /content-type: application\/json/i.test(answer.headers)) {
          const body = JSON.parse(answer.body);
          if (typeof body.error !== "string" || typeof body.message !== "string") problems.push(`body: ${described}: ${answer.body}`);
        } else if (answer.status >= 400 && request.method !== "HEAD" && !/^HTTP\/1\.1 400 Bad Request\r\nConnection: close$/.test(answer.headers)) {
          problems.push(`no JSON body: ${described}: ${answer.headers}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 8 }, worker));
    assert.deepEqual(problems.slice(0, 20), [], `seed ${SEED}: ${problems.length} problems`);
    assert.ok((statuses.get(200) ?? 0) > 40, `a fair share of correctly signed requests: ${JSON.stringify([...statuses])}`);
  });
});
