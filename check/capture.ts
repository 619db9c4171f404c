/**
 * Runs a Pulumi program under Pulumi's mocks and captures every resource registration as the engine
 * would receive it: inputs (unknowns and secrets marked), parent, provider, dependencies, property
 * dependencies, and the options a reviewer weighs (protect, retainOnDelete, ignoreChanges, aliases …).
 * The mocks API hands a program's inputs to `newResource` without the dependencies or the options, so
 * the capture reads the registration requests at the resource monitor itself.
 */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import type { CapturedAlias, CapturedProgram, CapturedResource, CheckMode } from "./model";
import { mockInvokeResult, mockResourceState } from "./mock-state";

/** The SDK's markers in serialized property values (see `@pulumi/pulumi/runtime/rpc`). */
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const ASSET_SIGS = ["c44067f5952c0a294b673a41bacd8c17", "0def7320c3a5731c473e5ecbe6d01bc7"];

/** A program given as a function: it declares its resources and returns its stack outputs. */
export type InlineProgram = () => Record<string, unknown> | void;

export interface CaptureOptions {
  /** The program: its entry module (e.g. `index.ts`), or a function for a test of one component. */
  program: string | InlineProgram;
  project: string;
  stack: string;
  mode: CheckMode;
  /** Stack config as `namespace:key` to string, as `readStackConfigFile` returns it. */
  config: Record<string, string>;
}

/** Project name from `Pulumi.yaml` beside the program. */
export function readProjectName(projectDir: string): string {
  const project = parseYaml(readFileSync(join(projectDir, "Pulumi.yaml"), "utf8")) as { name?: unknown };
  if (typeof project?.name !== "string") throw new Error(`${join(projectDir, "Pulumi.yaml")} has no project name`);
  return project.name;
}

/** The `config:` of `Pulumi.<stack>.yaml`, with structured values as the JSON text Pulumi passes to programs. */
export function readStackConfigFile(projectDir: string, stack: string): Record<string, string> {
  const path = join(projectDir, `Pulumi.${stack}.yaml`);
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new Error(`No stack file ${path}; stacks are defined by Pulumi.<stack>.yaml beside Pulumi.yaml.`);
  }
  const file = (parseYaml(text) ?? {}) as { config?: Record<string, unknown> };
  return Object.fromEntries(
    Object.entries(file.config ?? {}).map(([key, value]) => [key, typeof value === "string" ? value : JSON.stringify(value)]),
  );
}

interface PlainValue {
  value: unknown;
  secretPaths: string[];
}

/** Turns the wire form of a property value into plain JSON, noting where secrets were. */
function plainValue(wire: unknown, path: string, secretPaths: string[]): unknown {
  if (Array.isArray(wire)) return wire.map((item, index) => plainValue(item, `${path}[${index}]`, secretPaths));
  if (wire === null || typeof wire !== "object") return wire;
  const object = wire as Record<string, unknown>;
  const sig = object[SIG_KEY];
  if (sig === SECRET_SIG) {
    secretPaths.push(path);
    return plainValue(object.value, path, secretPaths);
  }
  if (sig === RESOURCE_SIG) return object.urn;
  if (typeof sig === "string" && ASSET_SIGS.includes(sig)) return { asset: object.path ?? object.uri ?? "(inline)" };
  return Object.fromEntries(
    Object.entries(object).map(([key, value]) => [key, plainValue(value, path ? `${path}.${key}` : key, secretPaths)]),
  );
}

function plainProperties(struct: { toJavaScript(): unknown } | undefined): PlainValue {
  const secretPaths: string[] = [];
  const value = struct ? plainValue(struct.toJavaScript(), "", secretPaths) : {};
  return { value, secretPaths };
}

/** The parts of the gRPC RegisterResourceRequest the capture reads. */
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getObject(): { toJavaScript(): unknown } | undefined;
  getDependenciesList(): string[];
  getIgnorechangesList(): string[];
  hasProtect(): boolean;
  getProtect(): boolean;
  hasRetainondelete(): boolean;
  getRetainondelete(): boolean;
  getDeletebeforereplacedefined(): boolean;
  getDeletebeforereplace(): boolean;
  getReplaceonchangesList(): string[];
  getDeletedwith(): string;
  getPropertydependenciesMap(): { forEach(callback: (value: { getUrnsList(): string[] }, key: string) => void): void };
  getAliasesList(): AliasMessage[];
}

/** The gRPC `Alias` message: an old URN, or a spec of the parts that changed. */
interface AliasMessage {
  hasUrn(): boolean;
  getUrn(): string;
  getSpec():
    | { getName(): string; getType(): string; getStack(): string; getProject(): string; hasParenturn(): boolean; getParenturn(): string; getNoparent(): boolean }
    | undefined;
}

type Callback<T> = (error: unknown, response: T) => void;

/** The parts of the gRPC ReadResourceRequest (stack references, `.get` lookups) the capture reads. */
interface ReadRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
  getProperties(): { toJavaScript(): unknown } | undefined;
  getDependenciesList(): string[];
}

interface MonitorInternals {
  readResource(request: ReadRequest, callback: Callback<{ getUrn(): string }>): void;
  registerResource(request: RegisterRequest, callback: Callback<RegisterResponse>): void;
  registerResourceOutputs(request: { getUrn(): string; getOutputs(): { toJavaScript(): unknown } | undefined }, callback: Callback<unknown>): void;
}

/** SDK internals the capture needs that the typings do not declare. */
const runtimeInternals = pulumi.runtime as unknown as {
  getMonitor(): MonitorInternals;
  waitForRPCs(): Promise<void>;
  runInPulumiStack(init: () => Promise<unknown>): Promise<unknown>;
};

/** The parts of the gRPC RegisterResourceResponse the capture reads. */
interface RegisterResponse {
  getUrn(): string;
  getId(): string;
  getObject(): { toJavaScript(): unknown } | undefined;
}

function capturedAlias(alias: AliasMessage): CapturedAlias {
  if (alias.hasUrn()) return { urn: alias.getUrn() };
  const spec = alias.getSpec();
  if (!spec) return {};
  const parts: CapturedAlias = {
    name: spec.getName() || undefined,
    type: spec.getType() || undefined,
    stack: spec.getStack() || undefined,
    project: spec.getProject() || undefined,
    parentUrn: spec.hasParenturn() ? spec.getParenturn() : undefined,
    noParent: spec.getNoparent() || undefined,
  };
  return Object.fromEntries(Object.entries(parts).filter(([, value]) => value !== undefined));
}

function capturedResource(request: RegisterRequest, response: RegisterResponse): CapturedResource {
  const { value, secretPaths } = plainProperties(request.getObject());
  const state = plainProperties(response.getObject()).value as Record<string, unknown>;
  const propertyDependencies: Record<string, string[]> = {};
  request.getPropertydependenciesMap().forEach((urns, key) => {
    propertyDependencies[key] = urns.getUrnsList();
  });
  return {
    urn: response.getUrn(),
    type: request.getType(),
    name: request.getName(),
    custom: request.getCustom(),
    parentUrn: request.getParent() || undefined,
    provider: request.getProvider() || undefined,
    inputs: value as Record<string, unknown>,
    secretPaths,
    outputs: response.getId() ? { ...state, id: response.getId() } : state,
    dependencies: request.getDependenciesList(),
    propertyDependencies,
    ignoreChanges: request.getIgnorechangesList(),
    protect: request.hasProtect() && request.getProtect(),
    retainOnDelete: request.hasRetainondelete() && request.getRetainondelete(),
    deleteBeforeReplace: request.getDeletebeforereplacedefined() ? request.getDeletebeforereplace() : undefined,
    replaceOnChanges: request.getReplaceonchangesList(),
    deletedWith: request.getDeletedwith() || undefined,
    aliases: request.getAliasesList().map(capturedAlias),
  };
}

function readResource(request: ReadRequest, urn: string): CapturedResource {
  const { value, secretPaths } = plainProperties(request.getProperties());
  return {
    urn,
    type: request.getType(),
    name: request.getName(),
    custom: true,
    parentUrn: request.getParent() || undefined,
    provider: request.getProvider() || undefined,
    inputs: value as Record<string, unknown>,
    secretPaths,
    dependencies: request.getDependenciesList(),
    propertyDependencies: {},
    ignoreChanges: [],
  };
}

/** URNs of the resources a stack output's value came from. */
async function outputDependencies(exported: Record<string, unknown>): Promise<Record<string, string[]>> {
  const entries = await Promise.all(
    Object.entries(exported).map(async ([name, value]) => {
      if (!pulumi.Output.isInstance(value)) return [name, []] as const;
      const resources = await (value as unknown as { allResources(): Promise<Set<pulumi.Resource>> }).allResources();
      const urns = await Promise.all([...resources].map((resource) => new Promise<string>((done) => resource.urn.apply(done))));
      return [name, urns] as const;
    }),
  );
  return Object.fromEntries(entries);
}

/** How to run a program, and in which folder: a module runs from its own, as `pulumi` runs it. */
function programRunner(program: string | InlineProgram): { run: InlineProgram; cwd: string } {
  if (typeof program === "function") return { run: program, cwd: process.cwd() };
  const programPath = require.resolve(resolve(program));
  return {
    run: () => {
      delete require.cache[programPath];
      return require(programPath);
    },
    cwd: dirname(programPath),
  };
}

/**
 * Runs `options.program` once under mocks in the given mode and returns everything it registered.
 * Programs run one at a time: the Pulumi runtime is process-wide state.
 */
export async function captureProgram(options: CaptureOptions): Promise<CapturedProgram> {
  const region = options.config["aws:region"] ?? "us-east-1";
  const resources: CapturedResource[] = [];
  const unmodelledInvokes: string[] = [];
  let outputs: Record<string, unknown> = {};

  const providerRegions = new Map<string, string>();
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        const providerRegion = args.provider ? providerRegions.get(args.provider.split("::").slice(0, -1).join("::")) : undefined;
        const resourceRegion = typeof args.inputs.region === "string" ? args.inputs.region : (providerRegion ?? region);
        const seed = `${options.stack}::${args.type}::${args.name}`;
        const result = mockResourceState({ type: args.type, name: args.name, seed, inputs: args.inputs, region: resourceRegion }, options.mode);
        return { id: result.id ?? "", state: result.state };
      },
      call: (args) => {
        const result = mockInvokeResult(args.token, args.inputs ?? {}, region);
        if (result === undefined && !unmodelledInvokes.includes(args.token)) unmodelledInvokes.push(args.token);
        return result ?? {};
      },
    },
    options.project,
    options.stack,
    options.mode === "preview",
  );
  pulumi.runtime.setAllConfig(options.config);

  const monitor = runtimeInternals.getMonitor();
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (request, callback) =>
    register(request, (error, response) => {
      if (!error) {
        const resource = capturedResource(request, response);
        if (resource.type === "pulumi:providers:aws" && typeof resource.inputs.region === "string") providerRegions.set(resource.urn, resource.inputs.region);
        resources.push(resource);
      }
      callback(error, response);
    });
  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (request, callback) =>
    read(request, (error, response) => {
      if (!error) resources.push(readResource(request, response.getUrn()));
      callback(error, response);
    });
  const registerOutputs = monitor.registerResourceOutputs.bind(monitor);
  monitor.registerResourceOutputs = (request, callback) => {
    if (request.getUrn().includes("::pulumi:pulumi:Stack::")) {
      outputs = plainProperties(request.getOutputs()).value as Record<string, unknown>;
    }
    registerOutputs(request, callback);
  };

  let exported: Record<string, unknown> = {};
  const { run, cwd } = programRunner(options.program);
  const previousCwd = process.cwd();
  process.chdir(cwd);
  try {
    await runtimeInternals.runInPulumiStack(async () => {
      exported = run() ?? {};
      return exported;
    });
    await runtimeInternals.waitForRPCs();
  } finally {
    process.chdir(previousCwd);
  }
  return {
    project: options.project,
    stack: options.stack,
    mode: options.mode,
    config: options.config,
    resources,
    outputs,
    outputDependencies: await outputDependencies(exported),
    unmodelledInvokes,
  };
}
