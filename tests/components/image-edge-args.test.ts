/**
 * Every documented argument of `ImageEdge`: each changes the graph the way its JSDoc says. One
 * capture with the defaults, one with every argument set, one with an existing originals bucket and
 * the arguments whose effect depends on others, one with rotation-managed keys; the keys themselves
 * and the rotation's own arguments are left to the keyring's and the rotation's tests, and
 * `transform` to `image-edge.test.ts`.
 */
import { strict as assert } from "node:assert";
import * as pulumi from "@pulumi/pulumi";
import type { CapturedProgram, CapturedResource } from "../../check/model";
import { IMAGE_FUNCTION_ZIP, type ImageEdgeArgs, ImageEdge } from "../../components/image-edge";
import { DEFAULT_PRESETS } from "../../core/presets";
import { DEFAULT_MAX_URL_LIFETIME_SECONDS } from "../../core/url-signing";
import { captureInline, dependsThrough, ensureLambdaBundles, resourcesOfType } from "../support/program";

const KMS_KEY = "arn:aws:kms:eu-west-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const BOUNDARY = "arn:aws:iam::123456789012:policy/team-boundary";
const TEAM_CODE = "./team-build/image-fn.zip";
const CARD = { width: 640, height: 360, fit: "cover" as const, format: "webp" as const };

/** Every argument set to something other than its default. */
const EVERYTHING: Omit<ImageEdgeArgs, "signingKeys" | "originalsBucket"> = {
  keyringSecretName: "team/dev/images-keyring",
  presets: { card: CARD },
  maxUrlLifetimeSeconds: 3600,
  kmsKeyArn: KMS_KEY,
  noncurrentVersionDays: 7,
  accessLogDays: 14,
  imageFunctionCode: new pulumi.asset.FileArchive(TEAM_CODE),
  memoryMb: 2048,
  timeoutSeconds: 20,
  reservedConcurrency: 25,
  maxSourceBytes: 10_000_000,
  maxSourcePixels: 20_000_000,
  invokeMode: "BUFFERED",
  corsAllowedOrigins: ["https://www.example.com"],
  logRetentionDays: 7,
  domain: { name: "img.example.com", hostedZoneId: "Z0123456789ABCDEFGHIJ" },
  priceClass: "PriceClass_All",
  protect: true,
  gradualRollout: true,
  permissionsBoundary: BOUNDARY,
  tags: { team: "images" },
};

function edgeWith(args: Partial<ImageEdgeArgs>): Promise<CapturedProgram> {
  return captureInline(() => {
    const edge = new ImageEdge("img", { signingKeys: ["k1"], ...args });
    return { hostname: edge.hostname, baseUrl: edge.baseUrl };
  });
}

/** The edge's child of this name (after the `img-` every child's name starts with). */
function child(program: CapturedProgram, name: string): CapturedResource {
  const found = program.resources.find((resource) => resource.name === `img-${name}` && resource.custom);
  if (!found) throw new Error(`no child img-${name}`);
  return found;
}

function variables(program: CapturedProgram): Record<string, string> {
  return (child(program, "image-function").inputs.environment as { variables: Record<string, string> }).variables;
}

interface Statement {
  Sid: string;
  Action: string | string[];
  Resource: string;
}

function roleStatements(program: CapturedProgram): Statement[] {
  return JSON.parse(String(child(program, "image-function-policy").inputs.policy)).Statement;
}

/** The children of the bucket whose name starts `img-<role>`, found through their `bucket` input. */
function bucketChild(program: CapturedProgram, role: "originals" | "logs", type: string): CapturedResource {
  const bucket = child(program, `${role}-bucket`);
  const found = resourcesOfType(program, type).filter((resource) => dependsThrough(resource, "bucket", bucket));
  assert.equal(found.length, 1, `${role}: one ${type}`);
  return found[0];
}

const LIFECYCLE = "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
const ENCRYPTION = "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration";

describe("ImageEdge, argument by argument", function () {
  this.timeout(120_000);
  let defaults: CapturedProgram;
  let everything: CapturedProgram;
  let existingBucket: CapturedProgram;
  let rotationManaged: CapturedProgram;
  before(async () => {
    await ensureLambdaBundles();
    defaults = await edgeWith({});
    everything = await edgeWith(EVERYTHING);
    existingBucket = await edgeWith({ originalsBucket: { name: "team-photos", arn: "arn:aws:s3:::team-photos" }, timeoutSeconds: 90, maxSourcePixels: 30_000_000 });
    rotationManaged = await edgeWith({ ...EVERYTHING, signingKeys: undefined });
  });

  it("keyringSecretName: names the secret the Lambda reads and may read; by default project/stack/edge", () => {
    assert.equal(child(everything, "keyring-secret").inputs.name, "team/dev/images-keyring");
    const read = roleStatements(everything).find((statement) => statement.Sid === "ReadKeyring");
    assert.match(String(read?.Resource), /:secret:team\/dev\/images-keyring-\?{6}$/);
    assert.equal(child(defaults, "keyring-secret").inputs.name, "rendorix/dev/img/url-signing-keyring");
  });

  it("presets: served by the Lambda and checked by the edge function; by default the five built-in ones", () => {
    assert.deepEqual(JSON.parse(variables(everything).RENDORIX_PRESETS), { card: CARD });
    assert.match(String(child(everything, "edge-function").inputs.code), /"card"/);
    assert.deepEqual(JSON.parse(variables(defaults).RENDORIX_PRESETS), DEFAULT_PRESETS);
  });

  it("maxUrlLifetimeSeconds: the longest expiry the Lambda and the edge function accept", () => {
    assert.equal(variables(everything).RENDORIX_MAX_URL_LIFETIME_SECONDS, "3600");
    assert.match(String(child(everything, "edge-function").inputs.code), /\b3600\b/);
    assert.equal(variables(defaults).RENDORIX_MAX_URL_LIFETIME_SECONDS, String(DEFAULT_MAX_URL_LIFETIME_SECONDS));
    assert.doesNotMatch(String(child(defaults, "edge-function").inputs.code), /\b3600\b/);
  });

  it("kmsKeyArn: encrypts the originals and the keyring with the key, and the Lambda role may decrypt with it", () => {
    const [rule] = bucketChild(everything, "originals", ENCRYPTION).inputs.rules as { applyServerSideEncryptionByDefault: Record<string, unknown>; bucketKeyEnabled?: boolean }[];
    assert.deepEqual(rule, { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms", kmsMasterKeyId: KMS_KEY }, bucketKeyEnabled: true });
    assert.equal(child(everything, "keyring-secret").inputs.kmsKeyId, KMS_KEY);
    const decrypt = roleStatements(everything).filter((statement) => [statement.Action].flat().some((action) => action.startsWith("kms:")));
    assert.deepEqual(
      decrypt.map((statement) => [statement.Action, statement.Resource]),
      [["kms:Decrypt", KMS_KEY]],
    );
    assert.ok(!roleStatements(defaults).some((statement) => [statement.Action].flat().some((action) => action.startsWith("kms:"))), "no KMS rights by default");
    assert.equal(child(defaults, "keyring-secret").inputs.kmsKeyId, undefined);
  });

  it("noncurrentVersionDays: how long a replaced original stays recoverable; by default 30 days", () => {
    const noncurrentDays = (program: CapturedProgram) =>
      (bucketChild(program, "originals", LIFECYCLE).inputs.rules as { noncurrentVersionExpiration?: { noncurrentDays: number } }[])[0].noncurrentVersionExpiration?.noncurrentDays;
    assert.equal(noncurrentDays(everything), 7);
    assert.equal(noncurrentDays(defaults), 30);
  });

  it("accessLogDays: how long access logs are kept; by default 90 days", () => {
    const days = (program: CapturedProgram) => (bucketChild(program, "logs", LIFECYCLE).inputs.rules as { expiration?: { days: number } }[])[0].expiration?.days;
    assert.equal(days(everything), 14);
    assert.equal(days(defaults), 90);
  });

  it("imageFunctionCode: the Lambda runs the team's build; by default the package's bundle", () => {
    assert.deepEqual(child(everything, "image-function").inputs.code, { asset: TEAM_CODE });
    assert.ok(String((child(defaults, "image-function").inputs.code as { asset: string }).asset).endsWith(IMAGE_FUNCTION_ZIP));
  });

  it("memoryMb, timeoutSeconds, reservedConcurrency: the Lambda's size, with CloudFront's read timeout one second longer, at most 60", () => {
    const fn = (program: CapturedProgram) => child(program, "image-function").inputs;
    const readTimeout = (program: CapturedProgram) =>
      (child(program, "distribution").inputs.origins as { customOriginConfig: { originReadTimeout: number } }[])[0].customOriginConfig.originReadTimeout;
    assert.deepEqual([fn(everything).memorySize, fn(everything).timeout, fn(everything).reservedConcurrentExecutions, readTimeout(everything)], [2048, 20, 25, 21]);
    assert.deepEqual([fn(defaults).memorySize, fn(defaults).timeout, fn(defaults).reservedConcurrentExecutions, readTimeout(defaults)], [1536, 30, undefined, 31]);
    assert.deepEqual([fn(existingBucket).timeout, readTimeout(existingBucket)], [90, 60]);
  });

  it("maxSourceBytes, maxSourcePixels: the Lambda's limits on originals; unset, the Lambda's own defaults", () => {
    assert.equal(variables(everything).RENDORIX_MAX_SOURCE_BYTES, "10000000");
    assert.equal(variables(everything).RENDORIX_MAX_SOURCE_PIXELS, "20000000");
    assert.equal(variables(defaults).RENDORIX_MAX_SOURCE_BYTES, undefined);
    assert.equal(variables(defaults).RENDORIX_MAX_SOURCE_PIXELS, undefined);
    assert.deepEqual([variables(existingBucket).RENDORIX_MAX_SOURCE_BYTES, variables(existingBucket).RENDORIX_MAX_SOURCE_PIXELS], [undefined, "30000000"], "each on its own");
  });

  it("invokeMode: the Function URL's mode and the handler that answers in it; by default streamed", () => {
    assert.equal(child(everything, "image-function-url").inputs.invokeMode, "BUFFERED");
    assert.equal(child(everything, "image-function").inputs.handler, "index.handler");
    assert.equal(child(defaults, "image-function-url").inputs.invokeMode, "RESPONSE_STREAM");
    assert.equal(child(defaults, "image-function").inputs.handler, "index.streamingHandler");
  });

  it("corsAllowedOrigins: the response headers policy allows those origins; by default no CORS at all", () => {
    const policy = (program: CapturedProgram) => child(program, "response-headers-policy").inputs;
    assert.deepEqual((policy(everything).corsConfig as { accessControlAllowOrigins: unknown }).accessControlAllowOrigins, { items: ["https://www.example.com"] });
    assert.equal(policy(defaults).corsConfig, undefined);
  });

  it("logRetentionDays: how long the image Lambda's logs are kept (the rotation's below); by default 30 days", () => {
    assert.equal(child(everything, "image-function-logs").inputs.retentionInDays, 7);
    assert.equal(child(defaults, "image-function-logs").inputs.retentionInDays, 30);
  });

  it("domain: a certificate in us-east-1 validated in the zone, the hostname on the distribution, A and AAAA aliases", () => {
    const certificate = child(everything, "certificate");
    assert.deepEqual([certificate.inputs.domainName, certificate.inputs.validationMethod, certificate.inputs.region], ["img.example.com", "DNS", "us-east-1"]);
    assert.equal(child(everything, "certificate-record").inputs.zoneId, "Z0123456789ABCDEFGHIJ");
    const distribution = child(everything, "distribution");
    assert.deepEqual(distribution.inputs.aliases, ["img.example.com"]);
    assert.ok(dependsThrough(distribution, "viewerCertificate", child(everything, "certificate-validation")));
    assert.equal((distribution.inputs.viewerCertificate as { sslSupportMethod: string }).sslSupportMethod, "sni-only");
    for (const type of ["a", "aaaa"]) {
      const record = child(everything, `alias-record-${type}`);
      assert.deepEqual([record.inputs.name, record.inputs.type, record.inputs.zoneId], ["img.example.com", type.toUpperCase(), "Z0123456789ABCDEFGHIJ"]);
      assert.ok(dependsThrough(record, "aliases", distribution));
    }
    assert.equal(everything.outputs.baseUrl, "https://img.example.com");
    assert.deepEqual(defaults.resources.filter((resource) => /certificate|alias-record/.test(resource.name)), []);
    assert.deepEqual(child(defaults, "distribution").inputs.aliases, []);
  });

  it("priceClass: the distribution's; by default PriceClass_100", () => {
    assert.equal(child(everything, "distribution").inputs.priceClass, "PriceClass_All");
    assert.equal(child(defaults, "distribution").inputs.priceClass, "PriceClass_100");
  });

  it("protect: the buckets, the keyring and the distribution are protected and kept from force-destroy; by default nothing is", () => {
    const protectedTypes = (program: CapturedProgram) => [...new Set(program.resources.filter((resource) => resource.protect).map((resource) => resource.type))].sort();
    assert.deepEqual(protectedTypes(everything).filter((type) => !type.startsWith("random:")), [
      "aws:cloudfront/distribution:Distribution",
      "aws:cloudfront/keyValueStore:KeyValueStore",
      "aws:s3/bucket:Bucket",
      "aws:secretsmanager/secret:Secret",
    ]);
    assert.equal(child(everything, "originals-bucket").protect, true);
    assert.equal(child(everything, "logs-bucket").protect, true);
    assert.equal(child(everything, "originals-bucket").inputs.forceDestroy, false);
    assert.equal(child(everything, "keyring-secret").inputs.recoveryWindowInDays, 30);
    assert.deepEqual(defaults.resources.filter((resource) => resource.protect).map((resource) => resource.name), []);
    assert.equal(child(defaults, "originals-bucket").inputs.forceDestroy, true);
  });

  it("gradualRollout: Pulumi leaves the alias's version and routing to the rollout; by default it moves the alias itself", () => {
    assert.deepEqual(child(everything, "image-function-alias").ignoreChanges, ["functionVersion", "routingConfig"]);
    assert.deepEqual(child(defaults, "image-function-alias").ignoreChanges, []);
  });

  it("permissionsBoundary: set on the Lambda's role; by default none", () => {
    assert.equal(child(everything, "image-function-role").inputs.permissionsBoundary, BOUNDARY);
    assert.equal(child(defaults, "image-function-role").inputs.permissionsBoundary, undefined);
  });

  it("with rotation-managed keys, the rotation function gets the same permissionsBoundary, KMS key and log retention", () => {
    assert.equal(child(rotationManaged, "key-rotation-function-role").inputs.permissionsBoundary, BOUNDARY);
    assert.equal(child(rotationManaged, "image-function-role").inputs.permissionsBoundary, BOUNDARY);
    const rotationPolicy = child(rotationManaged, "key-rotation-function-policy").inputs.policy;
    const rotationStatements = (typeof rotationPolicy === "string" ? JSON.parse(rotationPolicy) : rotationPolicy).Statement as Statement[];
    const rotationKms = rotationStatements.filter((statement) => [statement.Action].flat().some((action) => action.startsWith("kms:")));
    assert.deepEqual(rotationKms.map((statement) => statement.Resource), [KMS_KEY]);
    assert.equal(child(rotationManaged, "keyring-secret").inputs.kmsKeyId, KMS_KEY);
    assert.equal(child(rotationManaged, "key-rotation-function-logs").inputs.retentionInDays, 7);
    for (const resource of rotationManaged.resources.filter((candidate) => candidate.custom && candidate.inputs.tags !== undefined)) {
      assert.equal((resource.inputs.tags as Record<string, string>).team, "images", resource.name);
    }
  });

  it("tags: on every taggable child, the keyring's purpose tag kept beside them", () => {
    const taggable = everything.resources.filter((resource) => resource.custom && resource.inputs.tags !== undefined);
    assert.ok(taggable.length >= 10, `${taggable.length} taggable children`);
    for (const resource of taggable) assert.equal((resource.inputs.tags as Record<string, string>).team, "images", resource.name);
    assert.ok(Object.keys(child(everything, "keyring-secret").inputs.tags as object).length > 1);
  });

  it("originalsBucket: no bucket of its own; the Lambda reads and lists only the given one", () => {
    assert.deepEqual(resourcesOfType(existingBucket, "aws:s3/bucket:Bucket").map((resource) => resource.name), ["img-logs-bucket"]);
    const statements = roleStatements(existingBucket);
    assert.equal(statements.find((statement) => statement.Sid === "ReadOriginals")?.Resource, "arn:aws:s3:::team-photos/*");
    assert.equal(statements.find((statement) => statement.Sid === "TellMissingOriginals")?.Resource, "arn:aws:s3:::team-photos");
    assert.equal(variables(existingBucket).RENDORIX_ORIGINALS_BUCKET, "team-photos");
    assert.ok(dependsThrough(child(defaults, "image-function"), "environment", child(defaults, "originals-bucket")), "by default, a bucket of its own");
  });
});
