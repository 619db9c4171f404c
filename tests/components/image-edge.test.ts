import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { CapturedProgram } from "../../check/model";
import { defaultImageFunctionCode, IMAGE_FUNCTION_MALLOC_ARENA_MAX, LOCAL_EDGE_MALLOC_ARENA_MAX } from "../../components/image-edge";
import { checkCorsOrigins } from "../../core/cors";
import { captureStack, dependsThrough, onlyResourceOfType, PROJECT_DIR, resourcesOfType } from "../support/program";

const programs = join(PROJECT_DIR, "tests/fixtures/programs");

describe("ImageEdge for another team", function () {
  this.timeout(120_000);
  let program: CapturedProgram;

  before(async () => {
    program = await captureStack("dev", "update", join(programs, "edge-with-transforms/index.ts"));
  });

  it("names every child after the component and parents it there", () => {
    const component = onlyResourceOfType(program, "rendorix:index:ImageEdge");
    const children = program.resources.filter((resource) => resource.parentUrn === component.urn);
    assert.ok(children.length > 20);
    for (const child of children) assert.match(child.name, /^team-images-/);
  });

  it("applies transforms given as properties and as functions", () => {
    assert.equal(onlyResourceOfType(program, "aws:lambda/function:Function").inputs.memorySize, 3008);
    assert.equal(onlyResourceOfType(program, "aws:cloudfront/distribution:Distribution").inputs.comment, "team-images-distribution for the team");
  });

  it("serves from the team's bucket without creating an originals bucket, and grants read on it only", () => {
    const buckets = resourcesOfType(program, "aws:s3/bucket:Bucket");
    assert.deepEqual(buckets.map((bucket) => bucket.name), ["team-images-logs-bucket"]);
    const policy = JSON.parse(String(onlyResourceOfType(program, "aws:iam/rolePolicy:RolePolicy").inputs.policy));
    const read = policy.Statement.find((statement: { Action: string }) => statement.Action === "s3:GetObject");
    assert.equal(read.Resource, "arn:aws:s3:::team-photos/*");
    const fn = onlyResourceOfType(program, "aws:lambda/function:Function");
    assert.equal((fn.inputs.environment as { variables: Record<string, string> }).variables.RENDORIX_ORIGINALS_BUCKET, "team-photos");
  });

  it("signs with the first key id and keeps every key id at the edge", () => {
    const version = onlyResourceOfType(program, "aws:secretsmanager/secretVersion:SecretVersion");
    const keyring = JSON.parse(String(version.inputs.secretString));
    assert.equal(keyring.active, "t2");
    assert.deepEqual(Object.keys(keyring.keys).sort(), ["t1", "t2"]);
    const entries = resourcesOfType(program, "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey");
    assert.deepEqual(entries.map((entry) => entry.inputs.key).sort(), ["kid:t1", "kid:t2"]);
    const keys = resourcesOfType(program, "random:index/randomBytes:RandomBytes");
    for (const entry of entries) assert.ok(keys.some((key) => dependsThrough(entry, "value", key)));
  });

  it("embeds the team's presets in the edge function and the Lambda", () => {
    const edge = onlyResourceOfType(program, "aws:cloudfront/function:Function");
    assert.match(String(edge.inputs.code), /card/);
    assert.doesNotMatch(String(edge.inputs.code), /thumb/);
    const fn = onlyResourceOfType(program, "aws:lambda/function:Function");
    const variables = (fn.inputs.environment as { variables: Record<string, string> }).variables;
    assert.deepEqual(Object.keys(JSON.parse(variables.RENDORIX_PRESETS)), ["card"]);
  });

  it("lets the team's site read the images cross-origin through the response headers policy", () => {
    const policy = onlyResourceOfType(program, "aws:cloudfront/responseHeadersPolicy:ResponseHeadersPolicy");
    const cors = policy.inputs.corsConfig as Record<string, { items?: string[] } | boolean>;
    assert.deepEqual(cors.accessControlAllowOrigins, { items: ["https://team.example.com"] });
    assert.deepEqual(cors.accessControlAllowMethods, { items: ["GET", "HEAD"] });
    assert.equal(cors.accessControlAllowCredentials, false);
    assert.ok(policy.inputs.securityHeadersConfig, "nosniff and HSTS stay");
  });

  it("runs the image Lambda and npm start with the malloc arena limits measured for each", () => {
    const fn = onlyResourceOfType(program, "aws:lambda/function:Function");
    const variables = (fn.inputs.environment as { variables: Record<string, string> }).variables;
    assert.equal(variables.MALLOC_ARENA_MAX, IMAGE_FUNCTION_MALLOC_ARENA_MAX);
    const start = JSON.parse(readFileSync(join(PROJECT_DIR, "package.json"), "utf8")).scripts.start;
    assert.match(start, new RegExp(`\\bMALLOC_ARENA_MAX=${LOCAL_EDGE_MALLOC_ARENA_MAX} `));
  });

  it("answers through a buffered Function URL when asked, with the handler that returns one payload", () => {
    assert.equal(onlyResourceOfType(program, "aws:lambda/functionUrl:FunctionUrl").inputs.invokeMode, "BUFFERED");
    assert.equal(onlyResourceOfType(program, "aws:lambda/function:Function").inputs.handler, "index.handler");
  });

  it("uses the CloudFront hostname when no domain is given", () => {
    assert.equal(resourcesOfType(program, "aws:acm/certificate:Certificate").length, 0);
    assert.match(String(program.outputs.baseUrl), /^https:\/\/d[0-9a-f]+\.cloudfront\.net$/);
    const distribution = onlyResourceOfType(program, "aws:cloudfront/distribution:Distribution");
    assert.deepEqual(distribution.inputs.viewerCertificate, { cloudfrontDefaultCertificate: true, minimumProtocolVersion: "TLSv1.2_2021" });
  });

  it("names invokeMode and its accepted values when given another", async () => {
    await assert.rejects(
      captureStack("dev", "preview", join(programs, "edge-with-unknown-invoke-mode/index.ts")),
      /invokeMode "STREAMING" must be one of BUFFERED, RESPONSE_STREAM/,
    );
  });

  it("says to run npm run build when the Lambda bundle is missing", () => {
    assert.throws(() => defaultImageFunctionCode(join(PROJECT_DIR, "no-such-package")), /image-fn\.zip is missing: run `npm run build` first/);
  });
});

describe("CORS origins", () => {
  it("accepts * alone or scheme-and-host origins, and names the argument and the accepted values otherwise", () => {
    assert.deepEqual(checkCorsOrigins(["*"], "corsAllowedOrigins"), ["*"]);
    assert.deepEqual(checkCorsOrigins(["https://a.example", "http://localhost:3000"], "x"), ["https://a.example", "http://localhost:3000"]);
    assert.throws(() => checkCorsOrigins(["https://a.example/path"], "corsAllowedOrigins"), /corsAllowedOrigins: \["https:\/\/a.example\/path"\] must be "\*" or an origin/);
    assert.throws(() => checkCorsOrigins(["*", "https://a.example"], "--cors-origin"), /--cors-origin: "\*" allows every origin and stands alone/);
  });
});
