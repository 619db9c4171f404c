/**
 * A stack's keyring secret and KeyValueStore on the local AWS endpoint, with the rotation function
 * wired in as Secrets Manager would invoke it.
 */
import type { LambdaFunctionURLEvent } from "aws-lambda";
import { decideViewerRequest } from "../../edge-fn/viewer-request";
import { nodeHmac } from "../../core/keyring";
import { parseManagedKeyring, type ManagedKeyring } from "../../key-rotation-fn/managed-keyring";
import { KEY_VALUE_STORE_TAG } from "../../core/contract";
import { rotateKeyring } from "../../key-rotation-fn/rotation";
import { FakeAws } from "./fake-aws";

export const MAX_URL_LIFETIME_SECONDS = 7 * 24 * 3600;
export const PRESETS = { thumb: "auto" as const };

export interface KeyringFixture {
  aws: FakeAws;
  secret: ReturnType<FakeAws["addSecret"]>;
  store: ReturnType<FakeAws["addStore"]>;
  /** The clock the rotation function sees; tests move it. */
  clock: { now: Date };
  logs: string[];
  current(): ManagedKeyring | undefined;
  /** Key id to key text of the store's `kid:` entries. */
  edgeKeys(): Record<string, string>;
  rotate(): Promise<string>;
}

/** A fresh keyring on a new local endpoint, or on `options.aws` after resetting it. */
export async function keyringFixture(options: { stack?: string; value?: string; aws?: FakeAws } = {}): Promise<KeyringFixture> {
  const stack = options.stack ?? "dev";
  options.aws?.reset();
  const aws = options.aws ?? (await new FakeAws().start());
  const store = aws.addStore(`${stack}-store`);
  const secret = aws.addSecret(`rendorix/${stack}/url-signing-keyring`, { "rendorix:purpose": "url-signing-keyring", [KEY_VALUE_STORE_TAG]: store.arn }, options.value);
  secret.rotationEnabled = true;
  secret.rotationLambdaArn = `arn:aws:lambda:eu-west-1:123456789012:function:${stack}-key-rotation`;
  const clock = { now: new Date("2026-03-01T04:00:00Z") };
  const logs: string[] = [];
  const { secrets, store: kvs } = aws.clients();
  aws.rotationFunction = (event) =>
    rotateKeyring(event, {
      secrets,
      store: kvs,
      maxUrlLifetimeSeconds: MAX_URL_LIFETIME_SECONDS,
      keyIdPrefix: stack,
      propagationSeconds: 0,
      now: () => clock.now,
      log: (line) => logs.push(line),
    });
  const fixture: KeyringFixture = {
    aws,
    secret,
    store,
    clock,
    logs,
    current: () => {
      const value = aws.valueOf(secret, "AWSCURRENT");
      return value === undefined ? undefined : parseManagedKeyring(value, "current");
    },
    edgeKeys: () => Object.fromEntries([...store.entries].filter(([key]) => key.startsWith("kid:")).map(([key, value]) => [key.slice(4), value])),
    async rotate() {
      const token = `token-${clock.now.toISOString()}`;
      secret.versions.set(token, { labels: new Set(["AWSPENDING"]) });
      await aws.runRotation(secret, token);
      return token;
    },
  };
  return fixture;
}

/** The viewer-request decision with keys from the store, as the edge function makes it. */
export async function edgeDecision(fixture: KeyringFixture, path: string, nowSeconds: number) {
  const [uri, query] = path.split("?");
  const params = Object.fromEntries(new URLSearchParams(query));
  const edge = fixture.edgeKeys();
  return decideViewerRequest(
    { method: "GET", uri, query: { exp: params.exp, kid: params.kid, sig: params.sig } },
    { presets: PRESETS, maxUrlLifetimeSeconds: MAX_URL_LIFETIME_SECONDS },
    async (kid) => (Object.hasOwn(edge, kid) ? edge[kid] : undefined),
    nodeHmac,
    nowSeconds,
  );
}

/** A Function URL event for a signed path, as CloudFront forwards it to the image Lambda. */
export function functionUrlEvent(path: string): LambdaFunctionURLEvent {
  const [rawPath, rawQueryString] = path.split("?");
  return { rawPath, rawQueryString, headers: {}, requestContext: { http: { method: "GET" }, requestId: "req-1" } } as unknown as LambdaFunctionURLEvent;
}
