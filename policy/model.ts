/**
 * What the rules of `rendorix-guard` read. The Pulumi engine (through `engine-adapter.ts`) and the
 * offline `check` (through `check/evaluate.ts`) both turn their view of a program into this shape, so
 * one set of plain functions decides for both.
 *
 * Values are plain JSON. A value that is unknown during preview is the string `UNKNOWN`, whatever its
 * type: rules compare against it instead of reading through a proxy that throws, because a rule that
 * throws on an unknown is silently downgraded to advisory by the engine.
 */

import { UNKNOWN_VALUE } from "../core/contract";

/** Pulumi's wire marker for a value that is unknown during preview. */
export const UNKNOWN = UNKNOWN_VALUE;

export type Properties = Record<string, unknown>;

export interface ProviderView {
  urn: string;
  /** e.g. `pulumi:providers:aws`. */
  type: string;
  inputs: Properties;
}

/** A resource as a resource policy sees it: the engine gives such a policy no dependencies. */
export interface ResourceView {
  urn: string;
  type: string;
  name: string;
  inputs: Properties;
  /** The provider that manages it, the default provider included, when known. */
  provider?: ProviderView;
}

/** A resource as a stack policy sees it. */
export interface StackResource extends ResourceView {
  /**
   * Its outputs as far as the source knows them (inputs, generated names, `id` and computed values
   * once known). The engine hands stack policies outputs only, so there they equal `inputs`.
   */
  outputs: Properties;
  parentUrn?: string;
  /** URNs this resource depends on, for ordering or through values. */
  dependencies: string[];
  /** Property name to the URNs its value came from. */
  propertyDependencies: Record<string, string[]>;
}

export interface StackView {
  /** The stack's name, e.g. `dev`. */
  stack: string;
  resources: StackResource[];
  outputs: Properties;
  /**
   * Output name to the URNs its value came from. Absent when the source cannot say: the engine does
   * not tell a stack policy where a stack output came from.
   */
  outputDependencies?: Record<string, string[]>;
}

export type Report = (message: string, urn?: string) => void;

/** A policy's `--policy-pack-config` properties (the engine has already filled in schema defaults). */
export type PolicyConfig = Record<string, unknown>;

export interface ConfigProperty {
  type: "array" | "string" | "boolean" | "number";
  description: string;
  items?: { type: "string"; pattern?: string };
  default?: string[] | string | boolean | number;
}

interface RuleMetadata {
  name: string;
  /** One line, shown with every violation. */
  description: string;
  enforcementLevel: "mandatory" | "advisory";
  /** What to change when the policy is violated. */
  remediation: string;
  configSchema?: { properties: Record<string, ConfigProperty> };
}

/** Runs once per resource of the listed types, on its inputs alone. */
export interface ResourceRule extends RuleMetadata {
  scope: "resource";
  resourceTypes: readonly string[];
  check(resource: ResourceView, config: PolicyConfig, report: Report): void;
}

/** Runs once over the whole stack; reports name the offending resource's URN. */
export interface StackRule extends RuleMetadata {
  scope: "stack";
  check(stack: StackView, config: PolicyConfig, report: Report): void;
}

export type Rule = ResourceRule | StackRule;

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The property `key` of `value`: `UNKNOWN` when `value` itself is unknown, `undefined` when absent. */
export function field(value: unknown, key: string): unknown {
  if (isUnknown(value)) return UNKNOWN;
  return isRecord(value) ? value[key] : undefined;
}

/** A known string, or `undefined` for anything else (absent, unknown, another type). */
export function knownString(value: unknown): string | undefined {
  return typeof value === "string" && !isUnknown(value) ? value : undefined;
}

/** Whether `value` or anything inside it is unknown. */
export function containsUnknown(value: unknown): boolean {
  if (isUnknown(value)) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isRecord(value)) return Object.values(value).some(containsUnknown);
  return false;
}

/** Every known string inside `value`, nested ones included. */
export function knownStrings(value: unknown): string[] {
  if (typeof value === "string") return isUnknown(value) ? [] : [value];
  if (Array.isArray(value)) return value.flatMap(knownStrings);
  if (isRecord(value)) return Object.values(value).flatMap(knownStrings);
  return [];
}

/** The stack name in a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). */
export function stackOfUrn(urn: string): string {
  const prefix = "urn:pulumi:";
  return urn.startsWith(prefix) ? urn.slice(prefix.length).split("::")[0] : "";
}

/** A string-list config property, or `fallback` when it is not set. */
export function configStrings(config: PolicyConfig, key: string, fallback: readonly string[] = []): string[] {
  const value = config[key];
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === "string") : [...fallback];
}

/** How a message names a resource: its logical name and type. */
export function resourceLabel(resource: { name: string; type: string }): string {
  return `${resource.type.split(":").pop()} '${resource.name}'`;
}
