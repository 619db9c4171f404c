/**
 * `aws.iam.getPolicyDocument` as the provider computes it: a pure function of its arguments, so the
 * offline check answers it in both modes and the pack reads the very document the provider would
 * write (the `aws_iam_policy_document` data source of the Terraform AWS provider that
 * `@pulumi/aws` bridges: https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document).
 */
import { createHash } from "node:crypto";

interface PrincipalArgs {
  type: string;
  identifiers: string[];
}

interface ConditionArgs {
  test: string;
  variable: string;
  values: string[];
}

interface StatementArgs {
  sid?: string;
  effect?: string;
  actions?: string[];
  notActions?: string[];
  resources?: string[];
  notResources?: string[];
  principals?: PrincipalArgs[];
  notPrincipals?: PrincipalArgs[];
  conditions?: ConditionArgs[];
}

export interface PolicyDocumentArgs {
  version?: string;
  policyId?: string;
  statements?: StatementArgs[];
  sourcePolicyDocuments?: string[];
  overridePolicyDocuments?: string[];
}

type Json = Record<string, unknown>;

/** One value stays a string, several become a list, as the provider writes them. */
function oneOrMany(values: readonly string[]): string | string[] {
  return values.length === 1 ? values[0] : [...values];
}

function principalElement(principals: readonly PrincipalArgs[]): unknown {
  if (principals.length === 1 && principals[0].type === "*" && principals[0].identifiers.length === 1 && principals[0].identifiers[0] === "*") return "*";
  const byType = new Map<string, string[]>();
  for (const { type, identifiers } of principals) byType.set(type, [...(byType.get(type) ?? []), ...identifiers]);
  return Object.fromEntries([...byType].map(([type, identifiers]) => [type, oneOrMany(identifiers)]));
}

function conditionElement(conditions: readonly ConditionArgs[]): Json {
  const condition: Record<string, Json> = {};
  for (const { test, variable, values } of conditions) condition[test] = { ...condition[test], [variable]: oneOrMany(values) };
  return condition;
}

function statementElement(statement: StatementArgs): Json {
  const element: Json = {};
  if (statement.sid) element.Sid = statement.sid;
  element.Effect = statement.effect ?? "Allow";
  const lists: [keyof StatementArgs, string][] = [
    ["actions", "Action"],
    ["notActions", "NotAction"],
    ["resources", "Resource"],
    ["notResources", "NotResource"],
  ];
  for (const [argument, key] of lists) {
    const values = statement[argument] as string[] | undefined;
    if (values && values.length > 0) element[key] = oneOrMany(values);
  }
  if (statement.principals?.length) element.Principal = principalElement(statement.principals);
  if (statement.notPrincipals?.length) element.NotPrincipal = principalElement(statement.notPrincipals);
  if (statement.conditions?.length) element.Condition = conditionElement(statement.conditions);
  return element;
}

/** Adds `incoming` to `statements`, replacing a statement with the same Sid, as source and override documents merge. */
function merge(statements: Json[], incoming: readonly Json[]): Json[] {
  const merged = [...statements];
  for (const statement of incoming) {
    const at = typeof statement.Sid === "string" && statement.Sid !== "" ? merged.findIndex((existing) => existing.Sid === statement.Sid) : -1;
    if (at >= 0) merged[at] = statement;
    else merged.push(statement);
  }
  return merged;
}

function statementsOf(documents: readonly string[] | undefined): Json[] {
  return (documents ?? []).flatMap((text) => {
    const statements = (JSON.parse(text) as { Statement?: Json | Json[] }).Statement ?? [];
    return Array.isArray(statements) ? statements : [statements];
  });
}

/** The provider's answer: the document as indented and as minified JSON. */
export function renderPolicyDocument(args: PolicyDocumentArgs): { id: string; json: string; minifiedJson: string } {
  let statements = merge([], statementsOf(args.sourcePolicyDocuments));
  statements = merge(statements, (args.statements ?? []).map(statementElement));
  statements = merge(statements, statementsOf(args.overridePolicyDocuments));
  const document: Json = { Version: args.version ?? "2012-10-17" };
  if (args.policyId) document.Id = args.policyId;
  document.Statement = statements;
  const json = JSON.stringify(document, null, 2);
  return { id: createHash("sha256").update(json).digest("hex").slice(0, 10), json, minifiedJson: JSON.stringify(document) };
}
