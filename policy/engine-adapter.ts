/**
 * Runs the pack's rules inside the Pulumi engine. `@pulumi/policy` hands a policy its properties
 * wrapped in a proxy that throws when an unknown value is read, and the engine then downgrades the
 * policy to advisory for that run. The adapter copies every property out without going through the
 * proxy's getter and writes each unknown as the model's `UNKNOWN`, so no rule ever reads a throwing
 * value and a mandatory policy stays mandatory during preview.
 */
import type {
  PolicyProviderResource,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { PolicyConfig, Properties, ProviderView, ResourceView, Rule, stackOfUrn, StackResource, StackView, UNKNOWN } from "./model";
import { PULUMI } from "./resource-types";

/** The engine writes an unknown as one of these, by the type it expected (see `@pulumi/policy`'s proxy). */
const ENGINE_UNKNOWNS = new Set([
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  UNKNOWN,
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
]);

/**
 * A plain JSON copy of a (possibly proxied) property value. Own-property descriptors bypass the
 * proxy's `get` trap, which is the only trap that throws. Assets and archives become `{}`: rules
 * never read them and their contents resolve only asynchronously.
 */
export function plainValue(value: unknown): unknown {
  if (typeof value === "string") return ENGINE_UNKNOWNS.has(value) ? UNKNOWN : value;
  if (typeof value !== "object" || value === null) return value;
  const raw = value as Record<string, unknown>;
  if (Array.isArray(raw)) return Array.from({ length: raw.length }, (_, index) => plainValue(Object.getOwnPropertyDescriptor(raw, index)?.value));
  const prototype = Object.getPrototypeOf(raw);
  if (prototype !== Object.prototype && prototype !== null) return {};
  const copy: Record<string, unknown> = {};
  // Stryker disable next-line OptionalChaining: Object.keys lists own properties only, so each has a descriptor
  for (const key of Object.keys(raw)) copy[key] = plainValue(Object.getOwnPropertyDescriptor(raw, key)?.value);
  return copy;
}

function plainProperties(props: Record<string, unknown>): Properties {
  return plainValue(props) as Properties;
}

function providerView(provider: PolicyProviderResource | undefined): ProviderView | undefined {
  return provider && { urn: provider.urn, type: provider.type, inputs: plainProperties(provider.props) };
}

/** A resource policy's arguments as the model's resource (its `props` are the resource's inputs). */
export function resourceFromArgs(args: ResourceValidationArgs): ResourceView {
  return { urn: args.urn, type: args.type, name: args.name, inputs: plainProperties(args.props), provider: providerView(args.provider) };
}

function stackResource(resource: PolicyResource): StackResource {
  const propertyDependencies: Record<string, string[]> = {};
  for (const [property, sources] of Object.entries(resource.propertyDependencies)) propertyDependencies[property] = sources.map((source) => source.urn);
  const props = plainProperties(resource.props);
  return {
    urn: resource.urn,
    type: resource.type,
    name: resource.name,
    inputs: props,
    outputs: props,
    provider: providerView(resource.provider),
    parentUrn: resource.parent?.urn,
    dependencies: resource.dependencies.map((dependency) => dependency.urn),
    propertyDependencies,
  };
}

/**
 * A stack policy's arguments as the model's stack. The engine passes each resource's outputs (which
 * include its inputs) and the root stack's outputs as the stack outputs, but not where those came from.
 */
export function stackFromArgs(args: StackValidationArgs): StackView {
  const resources = args.resources.map(stackResource);
  const root = resources.find((resource) => resource.type === PULUMI.stack);
  return { stack: resources.length > 0 ? stackOfUrn(resources[0].urn) : "", resources, outputs: root?.inputs ?? {} };
}

/** The `@pulumi/policy` form of a rule. */
export function toEnginePolicy(rule: Rule): ResourceValidationPolicy | StackValidationPolicy {
  const metadata = {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    remediationSteps: rule.remediation,
    configSchema: rule.configSchema,
  };
  if (rule.scope === "resource") {
    return {
      ...metadata,
      validateResource: (args, reportViolation) => {
        if (rule.resourceTypes.includes(args.type)) rule.check(resourceFromArgs(args), args.getConfig<PolicyConfig>(), (message) => reportViolation(message));
      },
    };
  }
  return {
    ...metadata,
    validateStack: (args, reportViolation) => rule.check(stackFromArgs(args), args.getConfig<PolicyConfig>(), reportViolation),
  };
}
