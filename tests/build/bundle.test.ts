import { strict as assert } from "node:assert";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { signPath } from "../../core/url-signing";
import { nodeHmac } from "../../core/keyring";
import { readStreamedResponse } from "../../image-fn/response-stream";
import { bundleImageFunction } from "../../tools/bundle-image-fn";
import { FIXTURES } from "../support/bad-originals";
import { runProcess, stopProcesses } from "../support/processes";
import { type LocalS3, startLocalS3 } from "../support/s3";
import { startSecretsEndpoint } from "../support/secrets";
import { vectors } from "../support/vectors";

describe("Lambda bundle", function () {
  this.timeout(180_000);
  let work: string;
  let s3: LocalS3;
  let secrets: Awaited<ReturnType<typeof startSecretsEndpoint>>;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "rendorix-bundle-"));
    s3 = await startLocalS3(["originals"]);
    await s3.put("originals", "photos/coffee.png", readFileSync(join(FIXTURES, "coffee.png")));
    secrets = await startSecretsEndpoint(vectors.keyring);
  });

  afterEach(stopProcesses);
  after(async () => {
    await s3?.close();
    secrets?.server.close();
    rmSync(work, { recursive: true, force: true });
  });

  it("builds a host-architecture variant whose handler serves an image from S3 with the keyring from Secrets Manager", async () => {
    const result = await bundleImageFunction(join(work, "image-fn"), { os: process.platform, cpu: process.arch, libc: "glibc" });
    assert.ok(result.zipBytes > 1_000_000, `zip of ${result.zipBytes} bytes`);
    assert.ok(existsSync(join(work, "image-fn/node_modules/sharp/package.json")));

    const path = signPath({ preset: "w400", key: "photos/coffee.png", exp: Math.floor(Date.now() / 1000) + 600, kid: "k1" }, vectors.keyring.keys.k1, nodeHmac);
    const [rawPath, rawQueryString] = path.split("?");
    const event = { rawPath, rawQueryString, headers: { "x-rendorix-format": "webp" }, requestContext: { http: { method: "GET" }, requestId: "r1" } };
    // A separate process, so sharp resolves from the bundle's own node_modules and nothing from this repo leaks in.
    // Both entry points: index.handler for BUFFERED, index.streamingHandler for RESPONSE_STREAM (outside
    // Lambda it writes the prelude itself, in the bytes the runtime's HttpResponseStream writes).
    const script = `const fn = require(${JSON.stringify(join(work, "image-fn/index.js"))});
      const { Writable } = require("node:stream");
      const chunks = [];
      const stream = new Writable({ write(chunk, _encoding, done) { chunks.push(chunk); done(); } });
      fn.handler(${JSON.stringify(event)}, { awsRequestId: "r1" })
        .then((r) => process.stdout.write("RESULT " + JSON.stringify({ statusCode: r.statusCode, headers: r.headers, bytes: Buffer.from(r.body, "base64").length }) + "\\n"))
        .then(() => fn.streamingHandler(${JSON.stringify(event)}, stream, { awsRequestId: "r2" }))
        .then(() => process.stdout.write("STREAMED " + Buffer.concat(chunks).toString("base64") + "\\n"))`;
    // Asynchronous on purpose: the S3 and Secrets Manager endpoints answer from this process's event loop.
    const { code, stdout: output, stderr } = await runProcess(process.execPath, ["-e", script], {
      cwd: work,
      env: {
        PATH: process.env.PATH,
        AWS_REGION: "us-east-1",
        AWS_ACCESS_KEY_ID: "S3RVER",
        AWS_SECRET_ACCESS_KEY: "S3RVER",
        AWS_ENDPOINT_URL_S3: s3.endpoint,
        AWS_ENDPOINT_URL_SECRETS_MANAGER: secrets.endpoint,
        AWS_LAMBDA_FUNCTION_NAME: "rendorix-image",
        RENDORIX_ORIGINALS_BUCKET: "originals",
        RENDORIX_KEYRING_SECRET_ARN: "arn:aws:secretsmanager:us-east-1:1:secret:k",
      },
    });
    assert.equal(code, 0, stderr);
    const result200 = JSON.parse(/^RESULT (.*)$/m.exec(output)![1]);
    assert.equal(result200.statusCode, 200);
    assert.equal(result200.headers["content-type"], "image/webp");
    assert.equal(Number(result200.headers["content-length"]), result200.bytes);
    const streamed = readStreamedResponse(Buffer.from(/^STREAMED (.*)$/m.exec(output)![1], "base64"));
    assert.equal(streamed.statusCode, 200);
    assert.equal(streamed.headers["content-type"], "image/webp");
    assert.equal(streamed.body.length, result200.bytes);
    assert.deepEqual(secrets.targets, ["secretsmanager.GetSecretValue"], "one keyring read serves both handlers");
    const logLine = JSON.parse(output.split("\n").find((line) => line.startsWith('{"_aws"'))!);
    assert.equal(logLine.FunctionName, "rendorix-image");
    assert.equal(logLine.status, 200);
  });
});
