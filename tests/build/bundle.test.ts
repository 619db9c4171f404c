import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { signPath } from "../../core/url-signing";
import { nodeHmac } from "../../core/keyring";
import { readStreamedResponse } from "../../image-fn/response-stream";
import { FULL_CREDENTIAL_CHAIN_FILE } from "../../image-fn/lambda-credentials";
import { BUNDLED_FILE, type BundleResult, bundleImageFunction, ENTRY_FILE } from "../../tools/bundle-image-fn";
import { FIXTURES } from "../support/bad-originals";
import { runProcess, stopProcesses } from "../support/processes";
import { type RecordingProxy, startRecordingProxy } from "../support/http";
import { type LocalS3, startLocalS3 } from "../support/s3";
import { startSecretsEndpoint } from "../support/secrets";
import { vectors } from "../support/vectors";

/** Ends a script: whether the process loaded the SDK's wider credential chain, bundled apart from the function. */
const PRINT_CHAIN_LOADED = `process.stdout.write("CHAIN " + Object.keys(require.cache).some((file) => file.endsWith(${JSON.stringify(FULL_CREDENTIAL_CHAIN_FILE)})) + "\\n")`;

describe("Lambda bundle", function () {
  this.timeout(180_000);
  let work: string;
  let s3: LocalS3;
  let proxy: RecordingProxy;
  let secrets: Awaited<ReturnType<typeof startSecretsEndpoint>>;
  let result: BundleResult;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "rendorix-bundle-"));
    s3 = await startLocalS3(["originals"]);
    await s3.put("originals", "photos/coffee.png", readFileSync(join(FIXTURES, "coffee.png")));
    proxy = await startRecordingProxy(s3.endpoint);
    secrets = await startSecretsEndpoint(vectors.keyring);
    result = await bundleImageFunction(join(work, "image-fn"), { os: process.platform, cpu: process.arch, libc: "glibc" });
  });

  /** The environment Lambda would give the function, less its keys, with every AWS endpoint a local one. */
  function lambdaEnvironment(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      AWS_REGION: "us-east-1",
      AWS_ENDPOINT_URL_S3: proxy.endpoint,
      AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
      AWS_LAMBDA_FUNCTION_NAME: "rendorix-image",
      RENDORIX_ORIGINALS_BUCKET: "originals",
      RENDORIX_KEYRING_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:1:secret:k",
    };
  }

  function signedEvent() {
    const path = signPath({ preset: "w400", key: "photos/coffee.png", exp: Math.floor(Date.now() / 1000) + 600, kid: "k1" }, vectors.keyring.keys.k1, nodeHmac);
    const [rawPath, rawQueryString] = path.split("?");
    return { rawPath, rawQueryString, headers: { "x-rendorix-format": "webp" }, requestContext: { http: { method: "GET" }, requestId: "r1" } };
  }

  afterEach(stopProcesses);
  after(async () => {
    await proxy?.close();
    await s3?.close();
    secrets?.server.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("builds a host-architecture variant whose handler serves an image from S3 with the keyring from Secrets Manager", async () => {
    assert.ok(result.zipBytes > 1_000_000, `zip of ${result.zipBytes} bytes`);
    assert.ok(existsSync(join(work, "image-fn/node_modules/sharp/package.json")));

    const event = signedEvent();
    // A separate process, so sharp resolves from the bundle's own node_modules and nothing from this repo leaks in.
    // Both entry points: index.handler for BUFFERED, index.streamingHandler for RESPONSE_STREAM (outside
    // Lambda it writes the prelude itself, in the bytes the runtime's HttpResponseStream writes).
    // Lambda loads index.mjs, whose top-level await reads the keyring during init.
    const script = `const { Writable } = require("node:stream");
      const chunks = [];
      const stream = new Writable({ write(chunk, _encoding, done) { chunks.push(chunk); done(); } });
      let fn;
      import(${JSON.stringify(pathToFileURL(join(work, "image-fn", ENTRY_FILE)).href)})
        .then((loaded) => (fn = loaded))
        .then(() => fn.handler(${JSON.stringify(event)}, { awsRequestId: "r1" }))
        .then((r) => process.stdout.write("RESULT " + JSON.stringify({ statusCode: r.statusCode, headers: r.headers, bytes: Buffer.from(r.body, "base64").length }) + "\\n"))
        .then(() => fn.streamingHandler(${JSON.stringify(event)}, stream, { awsRequestId: "r2" }))
        .then(() => process.stdout.write("STREAMED " + Buffer.concat(chunks).toString("base64") + "\\n"))
        .then(() => ${PRINT_CHAIN_LOADED})`;
    const env = { ...lambdaEnvironment(), AWS_ACCESS_KEY_ID: "S3RVER", AWS_SECRET_ACCESS_KEY: "S3RVER" };
    const run = (code: string) => runProcess(process.execPath, ["-e", code], { cwd: work, env });
    const loadOnly = await run(`import(${JSON.stringify(pathToFileURL(join(work, "image-fn", ENTRY_FILE)).href)})`);
    assert.equal(loadOnly.code, 0, loadOnly.stderr);
    assert.deepEqual(secrets.targets, ["secretsmanager.GetSecretValue"], "loading the entry reads the keyring, as Lambda's init phase would");
    const { code, stdout: output, stderr } = await run(script);
    assert.equal(code, 0, stderr);
    const result200 = JSON.parse(/^RESULT (.*)$/m.exec(output)![1]);
    assert.equal(result200.statusCode, 200);
    assert.equal(result200.headers["content-type"], "image/webp");
    assert.equal(Number(result200.headers["content-length"]), result200.bytes);
    const streamed = readStreamedResponse(Buffer.from(/^STREAMED (.*)$/m.exec(output)![1], "base64"));
    assert.equal(streamed.statusCode, 200);
    assert.equal(streamed.headers["content-type"], "image/webp");
    assert.equal(streamed.body.length, result200.bytes);
    assert.deepEqual(secrets.targets.slice(1), ["secretsmanager.GetSecretValue"], "one keyring read serves both handlers");
    assert.deepEqual(
      proxy.exchanges.map(({ signedBy, conditional, status }) => [signedBy, conditional, status]),
      [
        ["header", false, 200],
        ["query", true, 304],
      ],
      "the second handler's read finds the original kept and confirms it on a presigned URL",
    );
    assert.match(output, /^CHAIN false$/m, `Lambda's keys in the environment sign the requests; ${FULL_CREDENTIAL_CHAIN_FILE} stays unloaded`);
    const logLine = JSON.parse(output.split("\n").find((line) => line.startsWith('{"_aws"'))!);
    assert.equal(logLine.FunctionName, "rendorix-image");
    assert.equal(logLine.status, 200);
  });

  it(`keeps the SDK's wider credential chain out of ${BUNDLED_FILE} and loads it where the environment holds no keys or names a profile`, async () => {
    const bundled = readFileSync(join(work, "image-fn", BUNDLED_FILE), "utf8");
    const chain = readFileSync(join(work, "image-fn", FULL_CREDENTIAL_CHAIN_FILE), "utf8");
    for (const link of ["fromTokenFile", "fromProcess", "fromSSO"]) {
      assert.ok(!bundled.includes(link) && chain.includes(link), `${link} is bundled in ${FULL_CREDENTIAL_CHAIN_FILE} only`);
    }
    // The keys S3 accepts are in a shared credentials file, as on a developer's machine: only the wider chain reads it.
    const credentialsFile = join(work, "credentials");
    writeFileSync(credentialsFile, "[default]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n[rendorix]\naws_access_key_id = S3RVER\naws_secret_access_key = S3RVER\n");
    const fromFile = { ...lambdaEnvironment(), AWS_SHARED_CREDENTIALS_FILE: credentialsFile, AWS_CONFIG_FILE: join(work, "no-config") };
    // With a profile named, the SDK's chain passes over keys in the environment (these S3 would refuse).
    const cases = { "no keys": fromFile, "a profile": { ...fromFile, AWS_PROFILE: "rendorix", AWS_ACCESS_KEY_ID: "REFUSED", AWS_SECRET_ACCESS_KEY: "REFUSED" } };
    for (const [name, env] of Object.entries(cases)) {
      const before = proxy.exchanges.length;
      const script = `import(${JSON.stringify(pathToFileURL(join(work, "image-fn", ENTRY_FILE)).href)})
        .then((fn) => fn.handler(${JSON.stringify(signedEvent())}, { awsRequestId: "r3" }))
        .then((r) => process.stdout.write("STATUS " + r.statusCode + "\\n"))
        .then(() => ${PRINT_CHAIN_LOADED})`;
      const { code, stdout, stderr } = await runProcess(process.execPath, ["-e", script], { cwd: work, env });
      assert.equal(code, 0, stderr);
      assert.match(stdout, /^STATUS 200$/m, `${name}: ${stderr}`);
      assert.match(stdout, /^CHAIN true$/m, name);
      assert.deepEqual(
        proxy.exchanges.slice(before).map(({ signedBy, status }) => [signedBy, status]),
        [["header", 200]],
        `${name}: S3 accepted the request signed with the file's keys`,
      );
    }
  });
});
