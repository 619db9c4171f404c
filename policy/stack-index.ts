/**
 * Cross-resource questions the stack rules ask: which resources of a type exist, whether one
 * resource's property refers to another (by a known value or, when values are unknown, by the
 * property's dependencies), and which region a resource lives in.
 */
import { isUnknown, knownString, knownStrings, resourceLabel, ResourceView, StackResource, StackView } from "./model";

export type Region = { region: string } | { unknownBecause: string };

export class StackIndex {
  private readonly byUrn = new Map<string, StackResource>();

  constructor(readonly view: StackView) {
    for (const resource of view.resources) this.byUrn.set(resource.urn, resource);
  }

  resource(urn: string): StackResource | undefined {
    return this.byUrn.get(urn);
  }

  ofType(...types: (string | readonly string[])[]): StackResource[] {
    const wanted = new Set(types.flat());
    return this.view.resources.filter((resource) => wanted.has(resource.type));
  }

  /** The resources the value of `property` came from. */
  sources(resource: StackResource, property: string): StackResource[] {
    return (resource.propertyDependencies[property] ?? []).flatMap((urn) => this.byUrn.get(urn) ?? []);
  }

  /**
   * Whether `source.inputs[property]` names `target`: its value came from `target` (property
   * dependencies, which hold whether or not the value is known yet), or a known value equals one of
   * `target`'s known identifiers (a literal name or ARN).
   */
  refersTo(source: StackResource, property: string, target: StackResource, targetIdentifiers: readonly string[]): boolean {
    // Stryker disable next-line ArrayDeclaration: no resource has a URN of "Stryker was here"
    if ((source.propertyDependencies[property] ?? []).includes(target.urn)) return true;
    return knownStrings(source.inputs[property]).some((value) => targetIdentifiers.includes(value));
  }

  /** Whether `property` of `resource` is unknown and none of its sources is of `candidateTypes`, so no match can be shown. */
  untraceable(resource: StackResource, property: string, candidateTypes: readonly string[]): boolean {
    return isUnknown(resource.inputs[property]) && !this.sources(resource, property).some((source) => candidateTypes.includes(source.type));
  }

  /** The first resource, following dependencies from `resource`, that satisfies `predicate`. */
  findUpstream(resource: StackResource, predicate: (candidate: StackResource) => boolean): StackResource | undefined {
    const seen = new Set<string>([resource.urn]);
    const queue = [...resource.dependencies];
    while (queue.length > 0) {
      const urn = queue.shift() as string;
      if (seen.has(urn)) continue;
      seen.add(urn);
      const candidate = this.byUrn.get(urn);
      if (!candidate) continue;
      if (predicate(candidate)) return candidate;
      queue.push(...candidate.dependencies);
    }
    return undefined;
  }
}

/** Known names and ARNs a resource can be referred to by: `id`, `arn` and the given name properties. */
export function identifiersOf(resource: ResourceView, nameProperties: readonly string[]): string[] {
  return ["id", "arn", ...nameProperties].flatMap((key) => knownString(resource.inputs[key]) ?? []);
}

/**
 * A resource's AWS region: its own `region` argument (a per-resource argument in `@pulumi/aws` 7),
 * else its provider's `region`. The default provider carries the stack's `aws:region` config.
 */
export function regionOf(resource: ResourceView): Region {
  const own = resource.inputs.region;
  if (isUnknown(own)) return { unknownBecause: `the region of ${resourceLabel(resource)} is unknown` };
  if (typeof own === "string") return { region: own };
  if (!resource.provider) return { unknownBecause: `${resourceLabel(resource)} has no provider, so its region is unknown` };
  const fromProvider = resource.provider.inputs.region;
  if (typeof fromProvider === "string" && !isUnknown(fromProvider)) return { region: fromProvider };
  const why = isUnknown(fromProvider) ? "is unknown" : "is not set (it comes from the environment, such as AWS_REGION)";
  return { unknownBecause: `the region of ${resourceLabel(resource)}'s provider ${why}` };
}

/**
 * Whether two resources are in the same region. Two resources without their own `region` on the
 * same provider share its region even when nobody knows which one it is.
 */
export function sameRegion(a: ResourceView, b: ResourceView): { same: boolean } | { unknownBecause: string } {
  if (a.inputs.region === undefined && b.inputs.region === undefined && a.provider !== undefined && a.provider.urn === b.provider?.urn) return { same: true };
  const first = regionOf(a);
  if ("unknownBecause" in first) return first;
  const second = regionOf(b);
  if ("unknownBecause" in second) return second;
  return { same: first.region === second.region };
}
