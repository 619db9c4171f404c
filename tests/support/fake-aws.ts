/**
 * A local HTTP endpoint implementing the Secrets Manager and CloudFront KeyValueStore operations the
 * key rotation uses, as AWS documents them, so the real SDK clients (their serialization, SigV4 and
 * SigV4A signing, error parsing) talk to it:
 * - Secrets Manager (JSON 1.1): a staging label is on at most one version; moving AWSCURRENT gives
 *   the old version AWSPREVIOUS; PutSecretValue with an existing ClientRequestToken succeeds again
 *   for the same value and fails for a different one; GetSecretValue with both VersionId and
 *   VersionStage needs both to match; RotateSecret labels a new version AWSPENDING without a value,
 *   then invokes the rotation function step by step.
 *   https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html
 *   https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html
 * - KeyValueStore (REST JSON): every write carries the store's ETag as If-Match and gets a new one;
 *   a stale ETag is a 409 ConflictException; requests must be SigV4A-signed.
 *   https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_Operations_Amazon_CloudFront_KeyValueStore.html
 * Faults can be injected before or after a call takes effect (a lost response).
 */
import { randomUUID } from "node:crypto";
import { Agent, createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { CloudFrontKeyValueStoreClient } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { NodeHttpHandler } from "@smithy/node-http-handler";

export const ACCOUNT = "123456789012";
export const REGION = "eu-west-1";
export const ACCESS_KEY_ID = "AKIDLOCALTEST";
export const CREDENTIALS = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: "local-test-secret" };

interface SecretVersion {
  value?: string;
  labels: Set<string>;
}

interface FakeSecret {
  arn: string;
  name: string;
  tags: Record<string, string>;
  rotationEnabled: boolean;
  rotationLambdaArn?: string;
  versions: Map<string, SecretVersion>;
}

interface FakeStore {
  arn: string;
  etag: number;
  entries: Map<string, string>;
}

export type RotationFunction = (event: { Step: string; SecretId: string; ClientRequestToken: string }) => Promise<void>;

interface Fault {
  operation: string;
  when: "before" | "after";
}

class AwsError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const ROTATION_STEPS = ["createSecret", "setSecret", "testSecret", "finishSecret"];

export class FakeAws {
  readonly secrets = new Map<string, FakeSecret>();
  readonly stores = new Map<string, FakeStore>();
  /** Every operation served, in order, e.g. `secretsmanager:PutSecretValue`. */
  readonly calls: string[] = [];
  rotationFunction?: RotationFunction;
  /** Step attempts Secrets Manager makes before it gives a rotation up. */
  rotationAttempts = 3;
  readonly rotationErrors: Error[] = [];
  /** Runs after every served call; a throw fails the test that set it. */
  invariant?: () => void;
  readonly invariantErrors: Error[] = [];
  private faults: Fault[] = [];
  private rotations: Promise<void>[] = [];
  private server?: Server;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.serve(req, res));
    await new Promise<void>((done) => this.server!.listen(0, "127.0.0.1", done));
    this.url = `http://localhost:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.rotations);
    this.server?.closeAllConnections();
    await new Promise<void>((done) => (this.server ? this.server.close(() => done()) : done()));
  }

  /** Real SDK clients for this endpoint. The KeyValueStore client puts the account id in front of the host, so every name resolves here. */
  clients(credentials = CREDENTIALS, maxAttempts = 1): { secrets: SecretsManagerClient; store: CloudFrontKeyValueStoreClient } {
    const agent = new Agent({
      lookup: (_host: string, options: { all?: boolean }, done: (...args: unknown[]) => void) =>
        options?.all ? done(null, [{ address: "127.0.0.1", family: 4 }]) : done(null, "127.0.0.1", 4),
    } as ConstructorParameters<typeof Agent>[0]);
    const common = { region: REGION, endpoint: this.url, credentials, maxAttempts, requestHandler: new NodeHttpHandler({ httpAgent: agent }) };
    return { secrets: new SecretsManagerClient(common), store: new CloudFrontKeyValueStoreClient(common) };
  }

  addSecret(name: string, tags: Record<string, string>, value?: string): FakeSecret {
    const arn = `arn:aws:secretsmanager:${REGION}:${ACCOUNT}:secret:${name}-AbCdEf`;
    const secret: FakeSecret = { arn, name, tags, rotationEnabled: false, versions: new Map() };
    if (value !== undefined) secret.versions.set(randomUUID(), { value, labels: new Set(["AWSCURRENT"]) });
    this.secrets.set(arn, secret);
    return secret;
  }

  addStore(name: string, entries: Record<string, string> = {}): FakeStore {
    const arn = `arn:aws:cloudfront::${ACCOUNT}:key-value-store/${name}`;
    const store: FakeStore = { arn, etag: 1, entries: new Map(Object.entries(entries)) };
    this.stores.set(arn, store);
    return store;
  }

  /** Forgets every secret, store, call, fault and error, so one endpoint serves many cases. */
  reset(): void {
    for (const collection of [this.secrets, this.stores]) collection.clear();
    for (const list of [this.calls, this.rotationErrors, this.invariantErrors, this.faults]) list.length = 0;
    this.invariant = undefined;
  }

  /** Fails the next call of `operation` with a 500, before it takes effect or after (the caller never hears it worked). */
  failNext(operation: string, when: "before" | "after"): void {
    this.faults.push({ operation, when });
  }

  /** Waits for the rotations RotateSecret started. */
  async settled(): Promise<void> {
    await Promise.allSettled(this.rotations);
  }

  valueOf(secret: FakeSecret, label: string): string | undefined {
    return [...secret.versions.values()].find((version) => version.labels.has(label))?.value;
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString("utf8");
    const target = req.headers["x-amz-target"];
    const isSecretsManager = typeof target === "string" && target.startsWith("secretsmanager.");
    const operation = isSecretsManager ? `secretsmanager:${target.slice("secretsmanager.".length)}` : `cloudfront-keyvaluestore:${this.storeOperation(req)}`;
    this.calls.push(operation);
    try {
      this.checkAuthorization(req, isSecretsManager);
      const fault = this.takeFault(operation);
      if (fault?.when === "before") throw new AwsError(500, "InternalServiceError", "injected fault before the call");
      const result = isSecretsManager ? this.secretsManager(operation, JSON.parse(body || "{}")) : this.keyValueStore(req, body);
      if (fault?.when === "after") throw new AwsError(500, "InternalServiceError", "injected fault after the call took effect");
      res.writeHead(200, { "content-type": isSecretsManager ? "application/x-amz-json-1.1" : "application/json", ...(result.headers ?? {}) });
      res.end(JSON.stringify(result.body));
    } catch (error) {
      const failure = error instanceof AwsError ? error : new AwsError(500, "InternalServiceError", String(error));
      res.writeHead(failure.status, { "content-type": "application/json", "x-amzn-errortype": failure.type });
      res.end(JSON.stringify({ __type: failure.type, message: failure.message, Message: failure.message }));
    } finally {
      this.checkInvariant();
    }
  }

  private checkInvariant(): void {
    try {
      this.invariant?.();
    } catch (error) {
      this.invariantErrors.push(error as Error);
    }
  }

  private takeFault(operation: string): Fault | undefined {
    const index = this.faults.findIndex((fault) => fault.operation === operation);
    return index < 0 ? undefined : this.faults.splice(index, 1)[0];
  }

  private checkAuthorization(req: IncomingMessage, isSecretsManager: boolean): void {
    const authorization = String(req.headers.authorization ?? "");
    const algorithm = isSecretsManager ? "AWS4-HMAC-SHA256" : "AWS4-ECDSA-P256-SHA256";
    if (!authorization.startsWith(`${algorithm} Credential=`)) {
      throw new AwsError(403, "AccessDeniedException", `expected a ${algorithm} signature`);
    }
    if (!authorization.startsWith(`${algorithm} Credential=${ACCESS_KEY_ID}/`)) {
      throw new AwsError(isSecretsManager ? 400 : 403, isSecretsManager ? "UnrecognizedClientException" : "AccessDeniedException", "The security token included in the request is invalid.");
    }
  }

  private secret(id: unknown): FakeSecret {
    const secret = [...this.secrets.values()].find((candidate) => candidate.arn === id || candidate.name === id);
    if (!secret) throw new AwsError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    return secret;
  }

  private moveLabel(secret: FakeSecret, label: string, to: string | undefined, from: string | undefined): void {
    const holder = [...secret.versions.entries()].find(([, version]) => version.labels.has(label))?.[0];
    if (holder && holder !== to && holder !== from) {
      throw new AwsError(400, "InvalidParameterException", `The staging label ${label} is attached to version ${holder}, not ${from}.`);
    }
    if (holder) secret.versions.get(holder)!.labels.delete(label);
    if (to) secret.versions.get(to)!.labels.add(label);
    if (label === "AWSCURRENT" && holder && to && holder !== to) {
      const previous = [...secret.versions.entries()].find(([, version]) => version.labels.has("AWSPREVIOUS"))?.[0];
      this.moveLabel(secret, "AWSPREVIOUS", holder, previous);
    }
  }

  private secretsManager(operation: string, input: Record<string, unknown>): { body: unknown; headers?: Record<string, string> } {
    const secret = this.secret(input.SecretId);
    switch (operation) {
      case "secretsmanager:DescribeSecret":
        return {
          body: {
            ARN: secret.arn,
            Name: secret.name,
            RotationEnabled: secret.rotationEnabled,
            RotationLambdaARN: secret.rotationLambdaArn,
            VersionIdsToStages: Object.fromEntries([...secret.versions].filter(([, v]) => v.labels.size > 0).map(([id, v]) => [id, [...v.labels]])),
            Tags: Object.entries(secret.tags).map(([Key, Value]) => ({ Key, Value })),
          },
        };
      case "secretsmanager:GetSecretValue": {
        const stage = (input.VersionStage as string | undefined) ?? (input.VersionId ? undefined : "AWSCURRENT");
        const entry = [...secret.versions.entries()].find(([id, v]) => (!input.VersionId || id === input.VersionId) && (!stage || v.labels.has(stage)));
        if (!entry || entry[1].value === undefined) throw new AwsError(400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret value for the version or staging label.");
        return { body: { ARN: secret.arn, Name: secret.name, VersionId: entry[0], SecretString: entry[1].value, VersionStages: [...entry[1].labels] } };
      }
      case "secretsmanager:PutSecretValue": {
        const token = (input.ClientRequestToken as string | undefined) ?? randomUUID();
        const value = input.SecretString as string;
        const existing = secret.versions.get(token);
        if (existing?.value !== undefined && existing.value !== value) {
          throw new AwsError(400, "ResourceExistsException", "You can't modify an existing version, you can only create a new version.");
        }
        if (!existing) secret.versions.set(token, { labels: new Set() });
        secret.versions.get(token)!.value = value;
        for (const label of (input.VersionStages as string[] | undefined) ?? ["AWSCURRENT"]) {
          if (!secret.versions.get(token)!.labels.has(label)) {
            const holder = [...secret.versions.entries()].find(([, v]) => v.labels.has(label))?.[0];
            this.moveLabel(secret, label, token, holder);
          }
        }
        return { body: { ARN: secret.arn, Name: secret.name, VersionId: token, VersionStages: [...secret.versions.get(token)!.labels] } };
      }
      case "secretsmanager:UpdateSecretVersionStage": {
        const to = input.MoveToVersionId as string | undefined;
        if (to && !secret.versions.has(to)) throw new AwsError(400, "ResourceNotFoundException", `No version ${to}.`);
        this.moveLabel(secret, input.VersionStage as string, to, input.RemoveFromVersionId as string | undefined);
        return { body: { ARN: secret.arn, Name: secret.name } };
      }
      case "secretsmanager:RotateSecret": {
        if (!secret.rotationLambdaArn || !this.rotationFunction) throw new AwsError(400, "InvalidRequestException", "No rotation function is configured for this secret.");
        const pending = [...secret.versions.entries()].find(([, v]) => v.labels.has("AWSPENDING") && !v.labels.has("AWSCURRENT"));
        if (pending) throw new AwsError(400, "InvalidRequestException", "A previous rotation isn't complete. That rotation will be reattempted.");
        const token = (input.ClientRequestToken as string | undefined) ?? randomUUID();
        secret.versions.set(token, { labels: new Set(["AWSPENDING"]) });
        this.rotations.push(this.runRotation(secret, token));
        return { body: { ARN: secret.arn, Name: secret.name, VersionId: token } };
      }
      default:
        throw new AwsError(400, "InvalidAction", `${operation} is not implemented here`);
    }
  }

  /** Calls each step as Secrets Manager does, retrying a failed step. */
  async runRotation(secret: FakeSecret, token: string): Promise<void> {
    for (const step of ROTATION_STEPS) {
      for (let attempt = 1; ; attempt++) {
        try {
          await this.rotationFunction!({ Step: step, SecretId: secret.arn, ClientRequestToken: token });
          break;
        } catch (error) {
          if (attempt >= this.rotationAttempts) {
            this.rotationErrors.push(error as Error);
            return;
          }
        }
      }
    }
  }

  private storeOperation(req: IncomingMessage): string {
    const path = (req.url ?? "").split("?")[0];
    const withKey = /\/keys\/[^/]+$/.test(path);
    if (/\/keys$/.test(path)) return req.method === "POST" ? "UpdateKeys" : "ListKeys";
    if (withKey) return { GET: "GetKey", PUT: "PutKey", DELETE: "DeleteKey" }[req.method ?? ""] ?? "Unknown";
    return "DescribeKeyValueStore";
  }

  private keyValueStore(req: IncomingMessage, body: string): { body: unknown; headers?: Record<string, string> } {
    const url = new URL(req.url ?? "/", "http://localhost");
    const [, , encodedArn] = url.pathname.split("/");
    const store = this.stores.get(decodeURIComponent(encodedArn ?? ""));
    if (!store) throw new AwsError(404, "ResourceNotFoundException", "The key value store was not found.");
    const operation = this.storeOperation(req);
    const etag = () => ({ ETag: `E${store.etag}` });
    const checkIfMatch = () => {
      if (req.headers["if-match"] !== `E${store.etag}`) throw new AwsError(409, "ConflictException", "The ETag does not match the current version of the key value store.");
    };
    const size = () => [...store.entries].reduce((total, [key, value]) => total + key.length + value.length, 0);
    switch (operation) {
      case "DescribeKeyValueStore":
        return { headers: etag(), body: { KvsARN: store.arn, ItemCount: store.entries.size, TotalSizeInBytes: size(), Created: 1767225600, Status: "READY" } };
      case "ListKeys": {
        // Small pages, so clients must follow NextToken.
        const keys = [...store.entries.keys()].sort();
        const start = Number(url.searchParams.get("NextToken") ?? 0);
        const page = keys.slice(start, start + 2);
        const next = start + 2 < keys.length ? String(start + 2) : undefined;
        return { body: { Items: page.map((Key) => ({ Key, Value: store.entries.get(Key) })), NextToken: next } };
      }
      case "UpdateKeys": {
        checkIfMatch();
        const input = JSON.parse(body) as { Puts?: { Key: string; Value: string }[]; Deletes?: { Key: string }[] };
        for (const { Key, Value } of input.Puts ?? []) store.entries.set(Key, Value);
        for (const { Key } of input.Deletes ?? []) store.entries.delete(Key);
        store.etag++;
        return { headers: etag(), body: { ItemCount: store.entries.size, TotalSizeInBytes: size() } };
      }
      default:
        throw new AwsError(400, "ValidationException", `${operation} is not implemented here`);
    }
  }
}
