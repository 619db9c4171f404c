/**
 * The preview guard of `preview.yml`: reads `pulumi preview --json` and fails when the plan would
 * replace or delete what cannot come back (a bucket of originals or logs, the keyring secret, a
 * signing key, the distribution) unless the pull request carries the label that says a person meant it.
 *
 *   npx tsx tools/plan-guard.ts preview.json [--labels-json '["label", …]'] [--stack dev]
 */
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { runCli } from "../cli/support";

/** The pull-request label that allows a plan to replace or delete a protected resource. */
export const PROTECTED_CHANGE_LABEL = "allow-protected-replace";

/** Type tokens whose replacement or deletion loses data, URLs or the service's address. */
export const PROTECTED_TYPES: Readonly<Record<string, string>> = {
  "aws:s3/bucket:Bucket": "bucket (originals or logs are lost)",
  "aws:s3/bucketV2:BucketV2": "bucket (originals or logs are lost)",
  "aws:secretsmanager/secret:Secret": "keyring secret (every backend that signs URLs reads it)",
  "random:index/randomBytes:RandomBytes": "signing key (every URL signed with it stops working)",
  "aws:cloudfront/distribution:Distribution": "distribution (its domain and cached objects are lost)",
};

/** Step operations that remove the resource that exists today. */
const DESTRUCTIVE_OPS = new Set(["delete", "replace", "create-replacement", "delete-replaced"]);

export interface ProtectedChange {
  urn: string;
  type: string;
  name: string;
  what: string;
  ops: string[];
}

interface PreviewStep {
  op?: unknown;
  urn?: unknown;
}

/** Type and name from a URN `urn:pulumi:<stack>::<project>::<parent$…$type>::<name>`; names may hold `::`. */
function parseUrn(urn: string): { type: string; name: string } {
  const [, , qualifiedType = "", ...name] = urn.split("::");
  return { type: qualifiedType.split("$").pop() ?? "", name: name.join("::") };
}

/** The protected resources a preview would replace or delete, one entry per resource with its steps' ops. */
export function protectedChanges(preview: unknown): ProtectedChange[] {
  const steps = (preview as { steps?: unknown } | null)?.steps;
  if (!Array.isArray(steps)) throw new Error('not the output of `pulumi preview --json`: no "steps" list');
  const byUrn = new Map<string, ProtectedChange>();
  for (const step of steps as PreviewStep[]) {
    if (typeof step.op !== "string" || typeof step.urn !== "string" || !DESTRUCTIVE_OPS.has(step.op)) continue;
    const { type, name } = parseUrn(step.urn);
    const what = PROTECTED_TYPES[type];
    if (what === undefined) continue;
    const change = byUrn.get(step.urn) ?? { urn: step.urn, type, name, what, ops: [] };
    if (!change.ops.includes(step.op)) change.ops.push(step.op);
    byUrn.set(step.urn, change);
  }
  return [...byUrn.values()];
}

export interface GuardVerdict {
  passed: boolean;
  report: string;
}

export function judgePreview(preview: unknown, labels: readonly string[], stack = "the stack"): GuardVerdict {
  const changes = protectedChanges(preview);
  if (changes.length === 0) return { passed: true, report: `${stack}: the plan replaces or deletes no protected resource.` };
  const lines = changes.map((change) => `  ${change.ops.join("+")}  ${change.name}  (${change.type}: ${change.what})`);
  const allowed = labels.includes(PROTECTED_CHANGE_LABEL);
  const verdict = allowed
    ? `Allowed by the pull request's label "${PROTECTED_CHANGE_LABEL}".`
    : `If this is intended, add the label "${PROTECTED_CHANGE_LABEL}" to the pull request; the preview then runs again.`;
  return { passed: allowed, report: [`${stack}: the plan replaces or deletes protected resources:`, ...lines, verdict].join("\n") };
}

function parseLabels(json: string): string[] {
  const labels: unknown = JSON.parse(json);
  if (!Array.isArray(labels) || !labels.every((label) => typeof label === "string")) {
    throw new Error("--labels-json must be a JSON list of label names");
  }
  return labels;
}

if (require.main === module) {
  runCli("usage: npx tsx tools/plan-guard.ts PREVIEW.json [--labels-json '[\"label\"]'] [--stack NAME]", () => {
    const { values, positionals } = parseArgs({
      options: { "labels-json": { type: "string", default: "[]" }, stack: { type: "string" } },
      allowPositionals: true,
      strict: true,
    });
    if (positionals.length !== 1) throw new Error("give exactly one preview file");
    const verdict = judgePreview(JSON.parse(readFileSync(positionals[0], "utf8")), parseLabels(values["labels-json"]!), values.stack);
    console.log(verdict.report);
    if (!verdict.passed) process.exitCode = 1;
  });
}
