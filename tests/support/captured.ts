/**
 * Hand-built `CapturedProgram`s for the policy tests, evaluated through `check/evaluate.ts` like
 * `npm run check` evaluates a captured program. A builder runs in `update` or `preview` mode:
 * `computed(value)` is the value an update would see and `UNKNOWN_VALUE` in a preview, while
 * property dependencies stay the same in both, as they do in the engine.
 */
import assert from "node:assert/strict";
import { evaluatePolicyPack, parsePolicyPackConfig, PolicyViolation } from "../../check/evaluate";
import { CapturedProgram, CapturedResource, CheckMode, UNKNOWN_VALUE } from "../../check/model";

export const PROJECT = "rendorix";
export const STACK_REGION = "eu-west-1";

/** Stack config every fixture starts from: a region and provider default tags, so no fixture trips `required-tags` by accident. */
export function baseConfig(stack: string): Record<string, string> {
  return { "aws:region": STACK_REGION, "aws:defaultTags": JSON.stringify({ tags: { service: "rendorix", environment: stack } }) };
}

export interface ResourceOptions {
  /** Input property name to the URNs its value came from. */
  from?: Record<string, string[]>;
  dependsOn?: string[];
  /** URN of an explicit provider resource. */
  provider?: string;
  parent?: string;
}

export class ProgramBuilder {
  readonly resources: CapturedResource[] = [];
  readonly outputs: Record<string, unknown> = {};
  readonly outputDependencies: Record<string, string[]> = {};
  readonly config: Record<string, string>;

  constructor(
    readonly mode: CheckMode = "update",
    readonly stack = "dev",
  ) {
    this.config = baseConfig(stack);
  }

  /** `value` in an update, unknown in a preview: an output of another resource. */
  computed<T>(value: T): T | string {
    return this.mode === "preview" ? UNKNOWN_VALUE : value;
  }

  add(type: string, name: string, inputs: Record<string, unknown> = {}, options: ResourceOptions = {}): string {
    const urn = `urn:pulumi:${this.stack}::${PROJECT}::${type}::${name}`;
    const propertyDependencies = Object.fromEntries(Object.entries(options.from ?? {}).map(([property, urns]) => [property, [...urns]]));
    const dependencies = [...new Set([...Object.values(propertyDependencies).flat(), ...(options.dependsOn ?? [])])];
    this.resources.push({
      urn,
      type,
      name,
      custom: !type.startsWith("rendorix:"),
      parentUrn: options.parent,
      provider: options.provider && `${options.provider}::${name}-provider`,
      inputs,
      secretPaths: [],
      dependencies,
      propertyDependencies,
      ignoreChanges: [],
    });
    return urn;
  }

  /** The captured resource `urn`, to change its inputs or dependencies in a failing variant. */
  get(urn: string): CapturedResource {
    const resource = this.resources.find((candidate) => candidate.urn === urn);
    if (!resource) throw new Error(`no resource ${urn}`);
    return resource;
  }

  remove(urn: string): void {
    this.resources.splice(this.resources.indexOf(this.get(urn)), 1);
  }

  output(name: string, value: unknown, from: string[] = []): void {
    this.outputs[name] = value;
    this.outputDependencies[name] = from;
  }

  build(): CapturedProgram {
    return {
      project: PROJECT,
      stack: this.stack,
      mode: this.mode,
      config: this.config,
      resources: this.resources,
      outputs: this.outputs,
      outputDependencies: this.outputDependencies,
    };
  }
}

/** Evaluates the pack over the builder's program, with an optional `--policy-pack-config` object. */
export function evaluate(builder: ProgramBuilder, config: unknown = {}): PolicyViolation[] {
  return evaluatePolicyPack(builder.build(), parsePolicyPackConfig(config));
}

/** The distinct names of the violated policies, sorted. */
export function violatedPolicies(violations: PolicyViolation[]): string[] {
  return [...new Set(violations.map((violation) => violation.policy))].sort();
}

/** Asserts that `policy` is the only policy violated, with a message matching `reason`. */
export function assertViolatesOnly(violations: PolicyViolation[], policy: string, reason: RegExp): void {
  assert.deepEqual(violatedPolicies(violations), [policy], violations.map((violation) => violation.message).join("\n"));
  assert.ok(
    violations.some((violation) => reason.test(violation.message)),
    `no ${policy} message matches ${reason}:\n${violations.map((violation) => violation.message).join("\n")}`,
  );
}

/** Runs `body` once per mode, so each fixture is checked as an update and as a preview. */
export function inBothModes(body: (mode: CheckMode) => void): void {
  for (const mode of ["update", "preview"] as const) body(mode);
}
