/**
 * The `@pulumi/policy` analyzer served the way the Pulumi engine calls it: `analyze` per resource with
 * its inputs and provider, then `analyzeStack` with every resource's outputs and the root stack's
 * outputs, all as protobuf structs holding the engine's markers. Tests run captured programs through
 * it to show the pack decides under the real SDK as `check` decides offline.
 */
import type { Policies } from "@pulumi/policy";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import type { CapturedProgram, CapturedResource } from "../../check/model";
import { toEnginePolicy } from "../../policy/engine-adapter";
import { PULUMI } from "../../policy/resource-types";
import { rules } from "../../policy/rules";

/** The SDK's analyzer entry points (internal to `@pulumi/policy`, so typed here). */
interface AnalyzerServer {
  makeAnalyzeRpcFun(pack: string, version: string, level: string, policies: Policies): AnalyzeCall<analyzer.AnalyzeRequest>;
  makeAnalyzeStackRpcFun(pack: string, version: string, level: string, policies: Policies): AnalyzeCall<analyzer.AnalyzeStackRequest>;
}
type AnalyzeCall<R> = (call: { request: R }, callback: (error: unknown, response?: analyzer.AnalyzeResponse) => void) => Promise<void>;
const server = require("@pulumi/policy/server") as AnalyzerServer;

export interface Diagnostic {
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

function providerMessage(program: CapturedProgram, resource: CapturedResource): analyzer.AnalyzerProviderResource {
  const providerUrn = resource.provider?.slice(0, resource.provider.lastIndexOf("::"));
  const explicit = program.resources.find((candidate) => candidate.urn === providerUrn && !candidate.name.startsWith("default"));
  const provider = new analyzer.AnalyzerProviderResource();
  provider.setType("pulumi:providers:aws");
  provider.setUrn(explicit ? explicit.urn : `urn:pulumi:${program.stack}::${program.project}::pulumi:providers:aws::default_7_48_0`);
  provider.setName(explicit ? explicit.name : "default_7_48_0");
  const defaults = Object.fromEntries(Object.entries(program.config).flatMap(([key, value]) => (key.startsWith("aws:") ? [[key.slice(4), value]] : [])));
  provider.setProperties(Struct.fromJavaScript(explicit ? (explicit.inputs as Record<string, never>) : defaults));
  return provider;
}

/** A captured resource as the engine describes it to an analyzer: its inputs to a resource policy, its outputs to a stack policy. */
function resourceMessage(program: CapturedProgram, resource: CapturedResource, properties: "inputs" | "outputs"): analyzer.AnalyzerResource {
  const message = new analyzer.AnalyzerResource();
  message.setType(resource.type);
  message.setName(resource.name);
  message.setUrn(resource.urn);
  message.setProperties(Struct.fromJavaScript(((properties === "outputs" && resource.outputs) || resource.inputs) as Record<string, never>));
  message.setOptions(new analyzer.AnalyzerResourceOptions());
  message.setDependenciesList(resource.dependencies);
  for (const [property, urns] of Object.entries(resource.propertyDependencies)) {
    const dependencies = new analyzer.AnalyzerPropertyDependencies();
    dependencies.setUrnsList(urns);
    message.getPropertydependenciesMap().set(property, dependencies);
  }
  if (resource.type.startsWith("aws:")) message.setProvider(providerMessage(program, resource));
  return message;
}

/** Every diagnostic the engine would collect: `analyze` per resource, then `analyzeStack` with the root stack's outputs. */
export async function analyzeLikeTheEngine(program: CapturedProgram, policies: Policies = rules.map(toEnginePolicy)): Promise<Diagnostic[]> {
  const found: Diagnostic[] = [];
  const analyze = server.makeAnalyzeRpcFun("rendorix-guard", "0.1.0", "advisory", policies);
  const resources = program.resources.filter((resource) => resource.type !== PULUMI.stack);
  for (const message of resources.map((resource) => resourceMessage(program, resource, "inputs"))) {
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
  root.setName(`${program.project}-${program.stack}`);
  root.setUrn(`urn:pulumi:${program.stack}::${program.project}::${PULUMI.stack}::${program.project}-${program.stack}`);
  root.setProperties(Struct.fromJavaScript(program.outputs as Record<string, never>));
  root.setOptions(new analyzer.AnalyzerResourceOptions());
  const stackRequest = new analyzer.AnalyzeStackRequest();
  stackRequest.setResourcesList([root, ...resources.map((resource) => resourceMessage(program, resource, "outputs"))]);
  found.push(...(await serve(server.makeAnalyzeStackRpcFun("rendorix-guard", "0.1.0", "advisory", policies), stackRequest, root.getUrn())));
  return found;
}

