/** IAM advisory: no policy statement allows every action, or every action of a service. */
import { field, isUnknown, resourceLabel, ResourceRule } from "./model";
import { listOf, readPolicyDocument, statementLabel } from "./policy-documents";
import { IAM } from "./resource-types";

const WILDCARD_ACTION = /^(\*|[A-Za-z0-9-]+:\*)$/;

/** The policy documents a resource carries: its `policy`, or a role's inline policies. */
function documentsOf(inputs: Record<string, unknown>): { label: string; document: unknown }[] {
  if (inputs.inlinePolicies === undefined) return [{ label: "its policy", document: inputs.policy }];
  if (isUnknown(inputs.inlinePolicies)) return [{ label: "its inline policies", document: inputs.inlinePolicies }];
  return listOf(inputs.inlinePolicies).map((inline, index) => ({ label: `inline policy ${String(field(inline, "name") ?? index + 1)}`, document: field(inline, "policy") }));
}

function wildcardProblems(label: string, document: unknown): string[] {
  const read = readPolicyDocument(document);
  if ("unknownBecause" in read) return [`${label}: ${read.unknownBecause} during preview`];
  if ("invalidBecause" in read) return [`${label}: ${read.invalidBecause}`];
  return read.statements.flatMap((statement, position) => {
    if (statement.Effect !== "Allow") return [];
    const where = `${label}, ${statementLabel(statement, position)}`;
    if (isUnknown(statement.Action)) return [`${where}: its Action is unknown during preview`];
    return listOf(statement.Action).flatMap((action) => {
      if (isUnknown(action)) return [`${where}: an action is unknown during preview`];
      return typeof action === "string" && WILDCARD_ACTION.test(action) ? [`${where} allows '${action}'`] : [];
    });
  });
}

export const noWildcardActions: ResourceRule = {
  scope: "resource",
  resourceTypes: [IAM.policy, IAM.rolePolicy, IAM.userPolicy, IAM.groupPolicy, IAM.role],
  name: "iam-no-wildcard-actions",
  description: "IAM policy statements that allow name their actions instead of '*' or 'service:*'.",
  enforcementLevel: "advisory",
  remediation: "List the actions the principal needs (e.g. 's3:GetObject') instead of '*' or 'service:*'.",
  check(resource, _config, report) {
    const problems = documentsOf(resource.inputs).flatMap(({ label, document }) => wildcardProblems(label, document));
    if (problems.length > 0) report(`${resourceLabel(resource)}: ${problems.join("; ")}. Fix: name the actions it needs.`);
  },
};
