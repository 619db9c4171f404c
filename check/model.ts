/**
 * What the offline `check` captures from a Pulumi program run under mocks: the shape shared by the
 * capture (`check/capture.ts`) and the policy evaluation (`check/evaluate.ts`).
 */

export { UNKNOWN_VALUE } from "../core/contract";

export type CheckMode = "preview" | "update";

export interface CapturedResource {
  urn: string;
  /** Type token, e.g. `aws:s3/bucket:Bucket`. */
  type: string;
  name: string;
  /** False for component resources. */
  custom: boolean;
  parentUrn?: string;
  /** Provider reference as the engine writes it: `<provider urn>::<provider id>`. */
  provider?: string;
  /**
   * Inputs as the engine receives them, as plain JSON: unknown values are `UNKNOWN_VALUE`, secrets
   * are unwrapped to their plain value (policies see plaintext too) and their paths listed in `secretPaths`.
   */
  inputs: Record<string, unknown>;
  secretPaths: string[];
  /**
   * The resource's state after the (mocked) provider created it, as a stack policy sees it: inputs,
   * auto-generated names and computed outputs, `id` included, with `UNKNOWN_VALUE` where a preview
   * does not know them yet. Absent for reads and hand-built fixtures.
   */
  outputs?: Record<string, unknown>;
  /** URNs this resource depends on. */
  dependencies: string[];
  /** Input property name to the URNs its value came from. */
  propertyDependencies: Record<string, string[]>;
  /** Properties whose changes Pulumi leaves alone (`ignoreChanges`). */
  ignoreChanges: string[];
  /** `protect`: Pulumi refuses to delete the resource (and so to replace it) until it is unprotected. */
  protect?: boolean;
  /** `retainOnDelete`: Pulumi forgets the resource instead of deleting it in the cloud. */
  retainOnDelete?: boolean;
  /** `deleteBeforeReplace` where the program set it; absent leaves it to the provider. */
  deleteBeforeReplace?: boolean;
  /** Properties whose changes replace the resource (`replaceOnChanges`). */
  replaceOnChanges?: string[];
  /** URN of the resource whose deletion deletes this one (`deletedWith`). */
  deletedWith?: string;
  /** Identities the resource had before (its `aliases`), which let the engine keep it instead of replacing it. */
  aliases?: CapturedAlias[];
}

/**
 * An alias as the engine receives it: a whole old URN, or the parts of the old URN that differ from
 * the current one (an unset part is the resource's current one).
 */
export interface CapturedAlias {
  urn?: string;
  name?: string;
  type?: string;
  stack?: string;
  project?: string;
  /** The old parent's URN. */
  parentUrn?: string;
  /** The resource had no parent (it sat under the stack). */
  noParent?: boolean;
}

export interface CapturedProgram {
  project: string;
  stack: string;
  mode: CheckMode;
  /** Stack config as `project:key` to its string value, as `Pulumi.<stack>.yaml` gives it. */
  config: Record<string, string>;
  resources: CapturedResource[];
  /** Stack outputs, with `UNKNOWN_VALUE` where unknown. */
  outputs: Record<string, unknown>;
  /** URNs each stack output's value came from. */
  outputDependencies: Record<string, string[]>;
  /**
   * Provider functions the program called that the check does not model: they answered `{}`, so
   * whatever the program built from them is not what the provider would give.
   */
  unmodelledInvokes?: string[];
}
