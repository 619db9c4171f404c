/**
 * Runs one rule of the pack directly on a hand-made view, for tests that pin a rule's exact
 * messages; `captured.ts` runs the whole pack on a captured program instead.
 */
import type { PolicyConfig, ProviderView, ResourceView, Rule, StackResource, StackView } from "../../policy/model";

export const AWS_PROVIDER: ProviderView = {
  urn: "urn:pulumi:dev::rendorix::pulumi:providers:aws::default",
  type: "pulumi:providers:aws",
  inputs: { region: "eu-west-1" },
};

/** A resource of the `dev` stack with the default AWS provider. */
export function stackResource(type: string, name: string, inputs: Record<string, unknown> = {}, more: Partial<StackResource> = {}): StackResource {
  return {
    urn: `urn:pulumi:dev::rendorix::${type}::${name}`,
    type,
    name,
    inputs,
    outputs: inputs,
    provider: AWS_PROVIDER,
    dependencies: Object.values(more.propertyDependencies ?? {}).flat(),
    propertyDependencies: {},
    ...more,
  };
}

export function stackOf(resources: StackResource[], outputs: Record<string, unknown> = {}, outputDependencies?: Record<string, string[]>): StackView {
  return { stack: "dev", resources, outputs, outputDependencies };
}

/** The messages `rule` reports on `subject`: a resource for a resource rule, a stack for a stack rule. */
export function reportsOf(rule: Rule, subject: ResourceView | StackView, config: PolicyConfig = {}): string[] {
  const messages: string[] = [];
  const report = (message: string) => messages.push(message);
  if (rule.scope === "resource") rule.check(subject as ResourceView, config, report);
  else rule.check(subject as StackView, config, report);
  return messages;
}
