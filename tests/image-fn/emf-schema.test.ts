import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
import type { APIGatewayProxyStructuredResultV2, LambdaFunctionURLEvent } from "aws-lambda";
import { createImageHandler } from "../../image-fn/handler";
import { parseKeyring } from "../../core/keyring";
import { staticKeyring } from "../../image-fn/keyring-source";
import { folderOriginals } from "../../image-fn/originals";
import { DEFAULT_PRESETS } from "../../core/presets";
import { SIGNATURE_FAILURE_CODES } from "../../image-fn/request-log";
import { signUrl } from "../../core/sign-url";
import { FIXTURES } from "../support/bad-originals";
import { vectors } from "../support/vectors";

interface MetricDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string; Unit?: string }[];
}

type EmfDocument = Record<string, unknown> & { _aws: { Timestamp: number; CloudWatchMetrics: MetricDirective[] } };

const validateEmf = new Ajv({ allErrors: true }).compile(JSON.parse(readFileSync(join(__dirname, "../support/emf-schema.json"), "utf8")));

/**
 * The part of the specification a schema cannot state for a single document: every dimension key
 * names a root member holding a string of at most 1024 characters, every metric name a root member
 * holding a number or up to 100 numbers. CloudWatch extracts nothing from a document that breaks it.
 */
function unresolvedTargets(document: EmfDocument): string[] {
  return document._aws.CloudWatchMetrics.flatMap((directive) => [
    ...directive.Dimensions.flat()
      .filter((key) => {
        const value = document[key];
        return typeof value !== "string" || value.length === 0 || value.length > 1024;
      })
      .map((key) => `dimension ${key}`),
    ...directive.Metrics.filter(({ Name }) => {
      const values = [document[Name]].flat();
      return values.length === 0 || values.length > 100 || !values.every((value) => typeof value === "number" && Number.isFinite(value));
    }).map(({ Name }) => `metric ${Name}`),
  ]);
}

function emfProblems(document: EmfDocument): string[] {
  const schemaErrors = validateEmf(document) ? [] : (validateEmf.errors ?? []).map((error) => `${error.instancePath || "document"} ${error.message}`);
  return schemaErrors.length > 0 ? schemaErrors : unresolvedTargets(document);
}

function functionUrlEvent(url: string, requestId: string): LambdaFunctionURLEvent {
  const [rawPath, rawQueryString = ""] = url.split("?");
  return { rawPath, rawQueryString, headers: {}, requestContext: { http: { method: "GET" }, requestId } } as unknown as LambdaFunctionURLEvent;
}

describe("the image handler's Embedded Metric Format lines", () => {
  const served: { status: number; document: EmfDocument }[] = [];

  before(async () => {
    const keyring = parseKeyring(JSON.stringify(vectors.keyring));
    const lines: string[] = [];
    const handler = createImageHandler({
      presets: DEFAULT_PRESETS,
      keys: staticKeyring(keyring),
      originals: folderOriginals(FIXTURES),
      nowSeconds: () => vectors.now,
      log: (line) => lines.push(line),
      functionName: "rendorix-image",
    });
    const transformed = signUrl({ baseUrl: "", preset: "thumb", key: "coffee.png", ttlSeconds: 600, keyring, nowSeconds: vectors.now });
    const urls = [transformed, ...vectors.verify.map((vector) => vector.url)];
    for (const [index, url] of urls.entries()) {
      const response = (await handler(functionUrlEvent(url, `req-${index}`), { awsRequestId: `req-${index}` })) as APIGatewayProxyStructuredResultV2;
      served.push({ status: response.statusCode ?? 200, document: JSON.parse(lines[index]) });
    }
  });

  it("writes, whatever the outcome, a document the EMF schema accepts and whose targets resolve", () => {
    assert.deepEqual([...new Set(served.map(({ status }) => status))].sort(), [200, 400, 403, 404]);
    for (const { status, document } of served) assert.deepEqual(emfProblems(document), [], `the line of a ${status} response`);
  });

  it("publishes Requests, SignatureFailures, SourceBytes and TransformMs to Rendorix by function, status class and error code", () => {
    for (const { status, document } of served) {
      assert.equal(document._aws.CloudWatchMetrics.length, 1);
      const [directive] = document._aws.CloudWatchMetrics;
      assert.equal(directive.Namespace, "Rendorix");
      assert.deepEqual(directive.Dimensions, [["FunctionName"], ["FunctionName", "StatusClass"], ["FunctionName", "ErrorCode"]]);
      assert.deepEqual(directive.Metrics.map((metric) => metric.Name).sort(), ["Requests", "SignatureFailures", "SourceBytes", "TransformMs"]);
      assert.equal(document.FunctionName, "rendorix-image");
      assert.equal(document.StatusClass, `${String(status)[0]}xx`);
      assert.equal(document.Requests, 1);
    }
  });

  it("counts each refused signature once, under its code, in the series the origin alarm reads", () => {
    for (const { status, document } of served) {
      const refused = SIGNATURE_FAILURE_CODES.includes(String(document.ErrorCode));
      assert.equal(refused, status === 403, `a ${status} response with code ${String(document.ErrorCode)}`);
      assert.equal(document.SignatureFailures, refused ? 1 : 0);
    }
    const refusedVectors = vectors.verify.filter((vector) => vector.status === 403);
    assert.equal(served.reduce((sum, { document }) => sum + Number(document.SignatureFailures), 0), refusedVectors.length);
  });

  it("is checked strictly enough to refuse documents CloudWatch would not extract", () => {
    const valid = served[0].document;
    const variant = (change: (document: EmfDocument) => void): EmfDocument => {
      const document = structuredClone(valid);
      change(document);
      return document;
    };
    const broken: [string, EmfDocument][] = [
      ["no timestamp", variant((document) => delete (document._aws as Partial<EmfDocument["_aws"]>).Timestamp)],
      ["an empty namespace", variant((document) => (document._aws.CloudWatchMetrics[0].Namespace = ""))],
      ["a unit CloudWatch does not know", variant((document) => (document._aws.CloudWatchMetrics[0].Metrics[0].Unit = "Furlongs"))],
      ["a member the directive may not have", variant((document) => Object.assign(document._aws.CloudWatchMetrics[0], { Dimension: [] }))],
      ["31 dimension keys", variant((document) => document._aws.CloudWatchMetrics[0].Dimensions.push(Array.from({ length: 31 }, (_, i) => `D${i}`)))],
      ["a dimension key with no root member", variant((document) => delete document.StatusClass)],
      ["a metric whose value is not a number", variant((document) => (document.Requests = "1"))],
    ];
    for (const [why, document] of broken) assert.notDeepEqual(emfProblems(document), [], why);
  });
});
