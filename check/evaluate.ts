/**
 * Evaluates the `rendorix-guard` policy pack over a captured program the way the Pulumi engine does:
 * resource policies once per resource on its inputs and provider, stack policies once over every
 * resource with its dependencies, enforcement levels from each policy's default overridden by
 * `--policy-pack-config` (first `all`, then the policy's own entry), config properties filled in from
 * the schema defaults and validated against the schema.
 */
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import type { PolicyConfig, ProviderView, ResourceView, Rule, StackResource, StackView } from "../policy/model";
import { rules as packRules } from "../policy/rules";
import type { CapturedProgram, CapturedResource } from "./model";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";

const ENFORCEMENT_LEVELS: readonly string[] = ["advisory", "mandatory", "remediate", "disabled"];

/** One policy's entry of a `--policy-pack-config` file. */
export interface PolicySettings {
  enforcementLevel?: EnforcementLevel;
  properties: PolicyConfig;
}

/** A `--policy-pack-config` file: policy name (or `all`) to its settings. */
export type PolicyPackConfig = Record<string, PolicySettings>;

export interface PolicyViolation {
  policy: string;
  level: "mandatory" | "advisory";
  urn: string;
  resourceName: string;
  resourceType: string;
  message: string;
}

function isEnforcementLevel(value: unknown): value is EnforcementLevel {
  return typeof value === "string" && ENFORCEMENT_LEVELS.includes(value);
}

/**
 * Reads the `--policy-pack-config` format: `{ "<policy>" | "all": "<level>" | { "enforcementLevel"?: "<level>", ...properties } }`.
 */
export function parsePolicyPackConfig(json: unknown, source = "policy pack config"): PolicyPackConfig {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new Error(`${source}: must be a JSON object`);
  const config: PolicyPackConfig = {};
  for (const [policy, entry] of Object.entries(json)) {
    if (typeof entry === "string") {
      if (!isEnforcementLevel(entry)) throw new Error(`${source}: "${entry}" for "${policy}" is not an enforcement level (${ENFORCEMENT_LEVELS.join(", ")})`);
      config[policy] = { enforcementLevel: entry, properties: {} };
    } else if (typeof entry === "object" && entry !== null && !Array.isArray(entry)) {
      const { enforcementLevel, ...properties } = entry as Record<string, unknown>;
      if (enforcementLevel !== undefined && !isEnforcementLevel(enforcementLevel)) {
        throw new Error(`${source}: enforcementLevel ${JSON.stringify(enforcementLevel)} for "${policy}" is not an enforcement level`);
      }
      config[policy] = { enforcementLevel, properties };
    } else {
      throw new Error(`${source}: the entry for "${policy}" must be an enforcement level or an object`);
    }
  }
  return config;
}

export function loadPolicyPackConfig(file: string): PolicyPackConfig {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  return parsePolicyPackConfig(json, file);
}

interface ConfiguredRule {
  rule: Rule;
  level: EnforcementLevel;
  properties: PolicyConfig;
}

function configure(rules: readonly Rule[], config: PolicyPackConfig): ConfiguredRule[] {
  const ajv = new Ajv({ allErrors: true });
  const errors: string[] = [];
  const configured = rules.map((rule) => {
    const defaults = Object.fromEntries(
      Object.entries(rule.configSchema?.properties ?? {}).flatMap(([key, schema]) => (schema.default === undefined ? [] : [[key, schema.default]])),
    );
    const own = config[rule.name];
    const level = own?.enforcementLevel ?? config.all?.enforcementLevel ?? rule.enforcementLevel;
    const properties = { ...defaults, ...own?.properties };
    const validate = ajv.compile({ type: "object", properties: rule.configSchema?.properties ?? {} });
    if (!validate(properties)) errors.push(...(validate.errors ?? []).map((error) => `${rule.name}: ${error.instancePath || "config"} ${error.message}`));
    return { rule, level, properties };
  });
  if (errors.length > 0) throw new Error(`Invalid policy pack config: ${errors.join("; ")}`);
  return configured;
}

/** The provider a resource's policies see: the captured provider resource, or the default provider built from the stack config as the engine builds it. */
function providerResolver(program: CapturedProgram, byUrn: Map<string, CapturedResource>): (resource: CapturedResource) => ProviderView | undefined {
  const defaultProvider = (pkg: string, urn?: string): ProviderView => ({
    urn: urn ?? `urn:pulumi:${program.stack}::${program.project}::pulumi:providers:${pkg}::default`,
    type: `pulumi:providers:${pkg}`,
    inputs: Object.fromEntries(Object.entries(program.config).flatMap(([key, value]) => (key.startsWith(`${pkg}:`) ? [[key.slice(pkg.length + 1), value]] : []))),
  });
  return (resource) => {
    const pkg = resource.type.split(":")[0];
    if (!resource.provider) return resource.custom && pkg !== "pulumi" ? defaultProvider(pkg) : undefined;
    const urn = resource.provider.slice(0, resource.provider.lastIndexOf("::"));
    const captured = byUrn.get(urn);
    if (captured) return { urn, type: captured.type, inputs: captured.inputs };
    const providerType = urn.split("::")[2] ?? "";
    const isDefault = (urn.split("::")[3] ?? "").startsWith("default");
    return isDefault ? defaultProvider(providerType.split(":")[2] ?? pkg, urn) : { urn, type: providerType, inputs: {} };
  };
}

function rootStack(program: CapturedProgram): { urn: string; name: string; type: string } {
  const captured = program.resources.find((resource) => resource.type === "pulumi:pulumi:Stack");
  const name = `${program.project}-${program.stack}`;
  return captured ?? { urn: `urn:pulumi:${program.stack}::${program.project}::pulumi:pulumi:Stack::${name}`, name, type: "pulumi:pulumi:Stack" };
}

/** Every violation of the pack's policies in `program`, resource policies first, as the engine reports them. */
export function evaluatePolicyPack(program: CapturedProgram, config: PolicyPackConfig = {}, rules: readonly Rule[] = packRules): PolicyViolation[] {
  const byUrn = new Map(program.resources.map((resource) => [resource.urn, resource]));
  const providerOf = providerResolver(program, byUrn);
  const root = rootStack(program);
  const violations: PolicyViolation[] = [];
  const active = configure(rules, config).filter(({ level }) => level !== "disabled");
  const record = (policy: ConfiguredRule, message: string, about: { urn: string; name: string; type: string }) =>
    violations.push({
      policy: policy.rule.name,
      level: policy.level === "advisory" ? "advisory" : "mandatory",
      urn: about.urn,
      resourceName: about.name,
      resourceType: about.type,
      message,
    });

  const views = program.resources.map((resource): StackResource => ({
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    inputs: resource.inputs,
    outputs: resource.outputs ?? resource.inputs,
    provider: providerOf(resource),
    parentUrn: resource.parentUrn,
    dependencies: resource.dependencies,
    propertyDependencies: resource.propertyDependencies,
  }));

  for (const view of views) {
    const resourceView: ResourceView = { urn: view.urn, type: view.type, name: view.name, inputs: view.inputs, provider: view.provider };
    for (const policy of active) {
      const { rule } = policy;
      if (rule.scope === "resource" && rule.resourceTypes.includes(view.type)) rule.check(resourceView, policy.properties, (message) => record(policy, message, view));
    }
  }

  const stack: StackView = { stack: program.stack, resources: views, outputs: program.outputs, outputDependencies: program.outputDependencies };
  for (const policy of active) {
    const { rule } = policy;
    if (rule.scope !== "stack") continue;
    rule.check(stack, policy.properties, (message, urn) => record(policy, message, (urn !== undefined && byUrn.get(urn)) || root));
  }
  return violations;
}
