/**
 * The pack inside the real `@pulumi/policy` analyzer: requests built as the engine sends them (unknowns
 * as the engine's markers, secrets and all), served by the SDK's own analyze functions. A rule that
 * read an unknown through the SDK's proxy would come back as an advisory "can't run policy"; these
 * tests show the pack's mandatory policies stay mandatory and report what was unknown instead.
 */
import assert from "node:assert/strict";
import type { Policies, StackValidationPolicy } from "@pulumi/policy";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { evaluatePolicyPack } from "../../check/evaluate";
import { CapturedResource, UNKNOWN_VALUE } from "../../check/model";
import { toEnginePolicy } from "../../policy/engine-adapter";
import { LAMBDA, PULUMI, S3 } from "../../policy/resource-types";
import { rules } from "../../policy/rules";
import { PROJECT, ProgramBuilder } from "../support/captured";
import { addCompliantService } from "../support/policy-fixtures";

/** The SDK's analyzer entry points (internal to `@pulumi/policy`, so typed here). */
interface AnalyzerServer {
  makeAnalyzeRpcFun(pack: string, version: string, level: string, policies: Policies): AnalyzeCall<analyzer.AnalyzeRequest>;
  makeAnalyzeStackRpcFun(pack: string, version: string, level: string, policies: Policies): AnalyzeCall<analyzer.AnalyzeStackRequest>;
}
type AnalyzeCall<R> = (call: { request: R }, callback: (error: unknown, response?: analyzer.AnalyzeResponse) => void) => Promise<void>;
const server = require("@pulumi/policy/server") as AnalyzerServer;

/** The engine's marker for an unknown boolean, one of the typed markers the adapter must also recognise. */
const ENGINE_UNKNOWN_BOOLEAN = "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7";

interface Diagnostic {
  policy: string;
  level: "advisory" | "mandatory";
  urn: string;
  message: string;
}

function diagnostics(response: analyzer.AnalyzeResponse | undefined): Diagnostic[] {
  return (response?.getDiagnosticsList() ?? []).map((diagnostic) => ({
    policy: diagnostic.getPolicyname(),
    level: diagnostic.getEnforcementlevel() === analyzer.EnforcementLevel.MANDATORY ? "mandatory" : "advisory",
    urn: diagnostic.getUrn(),
    message: diagnostic.getMessage(),
  }));
}

/** Runs one analyzer call; like the engine, a diagnostic without a URN is about `subjectUrn`. */
async function serve<R>(call: AnalyzeCall<R>, request: R, subjectUrn: string): Promise<Diagnostic[]> {
  return new Promise((resolve, reject) => {
    void call({ request }, (error, response) =>
      error ? reject(error) : resolve(diagnostics(response).map((diagnostic) => ({ ...diagnostic, urn: diagnostic.urn || subjectUrn }))),
    );
  });
}

function providerMessage(builder: ProgramBuilder, resource: CapturedResource): analyzer.AnalyzerProviderResource {
  const explicit = resource.provider && builder.get(resource.provider.slice(0, resource.provider.lastIndexOf("::")));
  const provider = new analyzer.AnalyzerProviderResource();
  provider.setType("pulumi:providers:aws");
  provider.setUrn(explicit ? explicit.urn : `urn:pulumi:${builder.stack}::${PROJECT}::pulumi:providers:aws::default_7_48_0`);
  provider.setName(explicit ? explicit.name : "default_7_48_0");
  const defaults = { region: builder.config["aws:region"], defaultTags: builder.config["aws:defaultTags"] };
  provider.setProperties(Struct.fromJavaScript(explicit ? (explicit.inputs as Record<string, never>) : defaults));
  return provider;
}

/** A captured resource as the engine describes it to an analyzer. */
function resourceMessage(builder: ProgramBuilder, resource: CapturedResource): analyzer.AnalyzerResource {
  const message = new analyzer.AnalyzerResource();
  message.setType(resource.type);
  message.setName(resource.name);
  message.setUrn(resource.urn);
  message.setProperties(Struct.fromJavaScript(resource.inputs as Record<string, never>));
  message.setOptions(new analyzer.AnalyzerResourceOptions());
  message.setDependenciesList(resource.dependencies);
  for (const [property, urns] of Object.entries(resource.propertyDependencies)) {
    const dependencies = new analyzer.AnalyzerPropertyDependencies();
    dependencies.setUrnsList(urns);
    message.getPropertydependenciesMap().set(property, dependencies);
  }
  if (resource.type.startsWith("aws:")) message.setProvider(providerMessage(builder, resource));
  return message;
}

/** Every diagnostic the engine would collect: `analyze` per resource, then `analyzeStack` with the root stack's outputs. */
async function analyzeLikeTheEngine(builder: ProgramBuilder, policies: Policies = rules.map(toEnginePolicy)): Promise<Diagnostic[]> {
  const found: Diagnostic[] = [];
  const analyze = server.makeAnalyzeRpcFun("rendorix-guard", "0.1.0", "advisory", policies);
  const messages = builder.resources.map((resource) => resourceMessage(builder, resource));
  for (const message of messages) {
    const request = new analyzer.AnalyzeRequest();
    request.setType(message.getType());
    request.setName(message.getName());
    request.setUrn(message.getUrn());
    request.setProperties(message.getProperties());
    request.setOptions(message.getOptions());
    request.setProvider(message.getProvider());
    found.push(...(await serve(analyze, request, message.getUrn())));
  }
  const root = new analyzer.AnalyzerResource();
  root.setType(PULUMI.stack);
  root.setName(`${PROJECT}-${builder.stack}`);
  root.setUrn(`urn:pulumi:${builder.stack}::${PROJECT}::${PULUMI.stack}::${PROJECT}-${builder.stack}`);
  root.setProperties(Struct.fromJavaScript(builder.outputs as Record<string, never>));
  root.setOptions(new analyzer.AnalyzerResourceOptions());
  const stackRequest = new analyzer.AnalyzeStackRequest();
  stackRequest.setResourcesList([root, ...messages]);
  found.push(...(await serve(server.makeAnalyzeStackRpcFun("rendorix-guard", "0.1.0", "advisory", policies), stackRequest, root.getUrn())));
  return found;
}

/** A preview whose logs bucket lets public policies through and whose policy document is unknown as a whole. */
function previewWithOpenBucket(): { p: ProgramBuilder; bucket: string } {
  const p = new ProgramBuilder("preview");
  const service = addCompliantService(p);
  Object.assign(p.get(service.logs.publicAccessBlock).inputs, { blockPublicPolicy: false, restrictPublicBuckets: false });
  p.get(service.logs.policy).inputs.policy = UNKNOWN_VALUE;
  return { p, bucket: service.logs.bucket };
}

describe("the pack in the @pulumi/policy analyzer", () => {
  it("shows the hazard: a policy reading an unknown through the SDK's proxy is downgraded to advisory", async () => {
    const naive: StackValidationPolicy = {
      name: "naive-public-access-block",
      description: "reads the bucket of every public access block",
      enforcementLevel: "mandatory",
      validateStack: (args, report) => {
        for (const resource of args.resources) if (resource.type === S3.publicAccessBlock && resource.props.bucket !== "x") report("unexpected bucket");
      },
    };
    const { p } = previewWithOpenBucket();
    const [diagnostic] = await analyzeLikeTheEngine(p, [naive]);
    assert.equal(diagnostic.level, "advisory");
    assert.match(diagnostic.message, /can't run policy 'naive-public-access-block' .* during preview/);
  });

  it("keeps no-public-buckets mandatory in preview and names the bucket whose name is unknown", async () => {
    const { p, bucket } = previewWithOpenBucket();
    const found = await analyzeLikeTheEngine(p);
    assert.ok(found.every((diagnostic) => !diagnostic.message.includes("can't run")), found.map((diagnostic) => diagnostic.message).join("\n"));
    const violation = found.find((diagnostic) => diagnostic.policy === "no-public-buckets");
    assert.deepEqual(violation && { level: violation.level, urn: violation.urn }, { level: "mandatory", urn: bucket });
    assert.match(violation!.message, /Bucket 'logs' is or may be public: BucketPolicy 'logs-policy': the policy document is unknown during preview/);
  });

  it("reports the same policies on the same resources as the offline check, except outputs it cannot trace", async () => {
    const p = new ProgramBuilder("preview");
    const service = addCompliantService(p);
    p.get(service.originals.publicAccessBlock).inputs.blockPublicAcls = ENGINE_UNKNOWN_BOOLEAN;
    p.get(service.keyring.version).propertyDependencies.secretString = [];
    p.remove(service.image.throttlesAlarm);
    p.add(LAMBDA.functionUrl, "debug-url", { functionName: UNKNOWN_VALUE, authorizationType: "NONE" }, { from: { functionName: [service.image.fn] } });

    const engine = await analyzeLikeTheEngine(p);
    const untraced = engine.filter((diagnostic) => /Stack output '.*' is unknown during preview and the engine does not say/.test(diagnostic.message));
    assert.deepEqual(untraced.map((diagnostic) => diagnostic.level), ["mandatory", "mandatory"], "both unknown outputs are reported, not passed");

    const key = (violation: { policy: string; level: string; urn: string }) => `${violation.level} ${violation.policy} ${violation.urn}`;
    const offline = evaluatePolicyPack(p.build()).map(key).sort();
    assert.deepEqual(engine.filter((diagnostic) => !untraced.includes(diagnostic)).map(key).sort(), offline);
    assert.deepEqual(offline, [
      `advisory lambda-function-url-iam-auth urn:pulumi:dev::rendorix::${LAMBDA.functionUrl}::debug-url`,
      "advisory s3-explicit-public-access-block urn:pulumi:dev::rendorix::aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock::originals-public-access",
      "mandatory no-shared-hmac-secrets urn:pulumi:dev::rendorix::aws:secretsmanager/secretVersion:SecretVersion::keyring-version",
      "mandatory required-alarms urn:pulumi:dev::rendorix::aws:lambda/function:Function::image",
    ]);
  });
});
