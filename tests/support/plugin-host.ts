/**
 * The plugin package run the way the Pulumi CLI runs it, without the CLI: `@pulumi/pulumi`'s
 * `cmd/run-plugin` on the repository folder (what the Node.js language host starts for a
 * `PulumiPlugin.yaml` with `runtime: nodejs`; it compiles the TypeScript with its own ts-node settings),
 * given the address of an engine; the plugin prints its gRPC port. The engine here is a stand-in: its
 * `Engine` service keeps the plugin's log lines, and its resource monitor answers each registration
 * with the values `check/mock-state.ts` gives, as the engine does once providers have answered.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as grpc from "@grpc/grpc-js";
import * as engineRpc from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engineProto from "@pulumi/pulumi/proto/engine_pb";
import * as providerRpc from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as resourceRpc from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resourceProto from "@pulumi/pulumi/proto/resource_pb";
import * as providerProto from "@pulumi/pulumi/proto/provider_pb";
import * as emptyProto from "google-protobuf/google/protobuf/empty_pb";
import * as structProto from "google-protobuf/google/protobuf/struct_pb";
import { mockInvokeResult, mockResourceState } from "../../check/mock-state";
import { PROJECT_DIR } from "./program";

export interface Registration {
  urn: string;
  type: string;
  name: string;
  parent: string;
  custom: boolean;
  inputs: Record<string, unknown>;
  /** URNs the resource was known by before, its parent's aliases included (the SDK computes those). */
  aliases: string[];
  /** What the monitor answered: the inputs and the outputs a provider would have computed. */
  outputs: Record<string, unknown>;
}

type Handlers = Record<string, (call: { request: any }, callback: (error: Error | null, response?: unknown) => void) => void>;

function bindServer(server: grpc.Server): Promise<number> {
  return new Promise((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, port) => (error ? reject(error) : resolve(port))));
}

/** The engine's side: logs and a resource monitor, on one local gRPC server. */
export class StandInEngine {
  readonly logs: string[] = [];
  readonly registrations: Registration[] = [];
  private readonly server = new grpc.Server();
  private readonly typeChains = new Map<string, string>();
  address = "";

  constructor(
    readonly project: string,
    readonly stack: string,
    private readonly region: string,
  ) {}

  async start(): Promise<string> {
    const empty = () => new emptyProto.Empty();
    this.server.addService(engineRpc.EngineService, {
      log: (call, callback) => {
        this.logs.push(`${call.request.getSeverity()}: ${call.request.getMessage()}`);
        callback(null, empty());
      },
      getRootResource: (_call, callback) => callback(null, new engineProto.GetRootResourceResponse()),
      setRootResource: (_call, callback) => callback(null, new engineProto.SetRootResourceResponse()),
    } as Handlers);
    this.server.addService(resourceRpc.ResourceMonitorService, {
      supportsFeature: (call, callback) => {
        const response = new resourceProto.SupportsFeatureResponse();
        response.setHassupport(["secrets", "resourceReferences"].includes(call.request.getId()));
        callback(null, response);
      },
      invoke: (call, callback) => {
        const response = new providerProto.InvokeResponse();
        const args = (call.request.getArgs()?.toJavaScript() ?? {}) as Record<string, unknown>;
        response.setReturn(structProto.Struct.fromJavaScript((mockInvokeResult(call.request.getTok(), args, this.region) ?? {}) as never));
        callback(null, response);
      },
      registerResource: (call, callback) => callback(null, this.register(call.request)),
      registerResourceOutputs: (_call, callback) => callback(null, empty()),
    } as Handlers);
    this.address = `127.0.0.1:${await bindServer(this.server)}`;
    return this.address;
  }

  private register(request: resourceProto.RegisterResourceRequest): resourceProto.RegisterResourceResponse {
    const type = request.getType();
    const name = request.getName();
    const parent = request.getParent();
    const parentChain = parent ? this.typeChains.get(parent) : undefined;
    const chain = parentChain && !parent.includes("::pulumi:pulumi:Stack::") ? `${parentChain}$${type}` : type;
    const urn = `urn:pulumi:${this.stack}::${this.project}::${chain}::${name}`;
    this.typeChains.set(urn, chain);
    const inputs = (request.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>;
    const response = new resourceProto.RegisterResourceResponse();
    response.setUrn(urn);
    let outputs: Record<string, unknown> = {};
    if (request.getCustom()) {
      const state = mockResourceState({ type, name, seed: `${this.stack}::${type}::${name}`, inputs, region: this.region }, "update");
      outputs = { ...inputs, ...state.state };
      response.setId(state.id ?? "");
    }
    response.setObject(structProto.Struct.fromJavaScript(outputs as never));
    this.registrations.push({ urn, type, name, parent, custom: request.getCustom(), aliases: request.getAliasurnsList(), inputs, outputs });
    return response;
  }

  stop(): void {
    this.server.forceShutdown();
  }
}

/** The plugin process and a client of its ResourceProvider service. */
export class PluginUnderTest {
  private child: ChildProcess | undefined;
  client: providerRpc.ResourceProviderClient | undefined;
  stderr = "";

  async start(engineAddress: string): Promise<void> {
    const child = spawn(process.execPath, [require.resolve("@pulumi/pulumi/cmd/run-plugin"), PROJECT_DIR, engineAddress], {
      cwd: PROJECT_DIR,
      stdio: ["ignore", "pipe", "pipe"],
    });
    this.child = child;
    child.stderr!.on("data", (chunk) => (this.stderr += chunk));
    const port = await new Promise<string>((resolve, reject) => {
      let stdout = "";
      child.stdout!.on("data", (chunk) => {
        stdout += chunk;
        const match = /^(\d+)\n/.exec(stdout);
        if (match) resolve(match[1]);
      });
      child.once("exit", (code) => reject(new Error(`the plugin exited with ${code} before printing its port:\n${stdout}\n${this.stderr}`)));
    });
    this.client = new providerRpc.ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  }

  getSchema(): Promise<any> {
    return new Promise((resolve, reject) =>
      this.client!.getSchema(new providerProto.GetSchemaRequest(), (error, response) => (error ? reject(error) : resolve(JSON.parse(response!.getSchema())))),
    );
  }

  /** Asks the plugin to construct a component, registering its children with `engine`'s monitor. */
  construct(engine: StandInEngine, type: string, name: string, inputs: Record<string, unknown>, config: Record<string, string>): Promise<{ urn: string; state: Record<string, unknown> }> {
    const request = new providerProto.ConstructRequest();
    request.setProject(engine.project);
    request.setStack(engine.stack);
    request.setMonitorendpoint(engine.address);
    request.setParallel(4);
    request.setType(type);
    request.setName(name);
    request.setInputs(structProto.Struct.fromJavaScript(inputs as never));
    for (const [key, value] of Object.entries(config)) request.getConfigMap().set(key, value);
    return new Promise((resolve, reject) =>
      this.client!.construct(request, (error, response) =>
        error ? reject(error) : resolve({ urn: response!.getUrn(), state: (response!.getState()?.toJavaScript() ?? {}) as Record<string, unknown> }),
      ),
    );
  }

  stop(): void {
    this.client?.close();
    this.child?.kill();
  }
}
