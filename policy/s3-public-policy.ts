/**
 * Whether a bucket policy is public, as S3 decides it for Block Public Access and the console's
 * "Public" label: "The meaning of 'public'" in the S3 User Guide
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status)
 * and `PublicAccessBlockConfiguration` in the S3 API Reference
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PublicAccessBlockConfiguration.html).
 *
 * S3 starts from "public" and clears a policy when every statement that allows a bad action is
 * limited to fixed principals, or to fixed values of the documented condition keys. A value is fixed
 * when it holds no wildcard and no policy variable.
 */
import { isRecord, isUnknown } from "./model";
import { DocumentRead, listOf, Statement, statementLabel } from "./policy-documents";

/** Actions that could expose a bucket's data to public reads or writes. */
export const BAD_ACTIONS = ["s3:Get*", "s3:List*", "s3:Put*", "s3:Delete*", "s3:AbortMultipartUpload", "s3:RestoreObject"] as const;

/**
 * Condition keys whose fixed values make a statement non-public. `aws:userid` counts only outside
 * `AROLEID:*`, which the wildcard rule already excludes.
 */
export const LIMITING_CONDITION_KEYS = [
  "aws:sourcearn",
  "aws:sourcevpc",
  "aws:sourcevpce",
  "aws:sourceowner",
  "aws:sourceaccount",
  "aws:sourceip",
  "aws:principalorgid",
  "aws:userid",
  "s3:x-amz-server-side-encryption-aws-kms-key-id",
  "s3:dataaccesspointarn",
  "s3:dataaccesspointaccount",
] as const;

/** Operators that require the request's value to match; negated, `...IfExists` and set operators do not limit. */
const LIMITING_OPERATORS = ["stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress"];

/** CIDRs that admit every address, so `aws:SourceIp` limited to them limits nothing. */
const EVERY_ADDRESS = ["0.0.0.0/0", "::/0"];

export type PolicyVerdict = { verdict: "not-public" } | { verdict: "public" | "unknown"; reasons: string[] };

type Tri = boolean | "unknown";

/** Whether two IAM-style patterns (`*` any run, `?` one character, case-insensitive) can match a common string. */
export function patternsOverlap(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  const seen = new Set<string>();
  const walk = (i: number, j: number): boolean => {
    const key = `${i},${j}`;
    if (seen.has(key)) return false;
    seen.add(key);
    if (i === x.length && j === y.length) return true;
    if (x[i] === "*") return walk(i + 1, j) || (j < y.length && walk(i, j + 1));
    if (y[j] === "*") return walk(i, j + 1) || (i < x.length && walk(i + 1, j));
    if (i === x.length || j === y.length) return false;
    return (x[i] === y[j] || x[i] === "?" || y[j] === "?") && walk(i + 1, j + 1);
  };
  return walk(0, 0);
}

/** Whether the pattern `general` matches every string `specific` matches (for a `NotAction` that excludes a bad action). */
function covers(general: string, specific: string): boolean {
  const escaped = general.toLowerCase().replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(/\?/g, ".");
  return new RegExp(`^${escaped}$`).test(specific.toLowerCase());
}

function isFixed(value: string): boolean {
  return !/[*?]|\$\{/.test(value);
}

function grantsBadAction(statement: Statement): Tri {
  if (statement.NotAction !== undefined) {
    // Stryker disable next-line StringLiteral: the callers test a Tri against true and false only, so "" reads as "unknown" does
    if (isUnknown(statement.NotAction)) return "unknown";
    const excluded = listOf(statement.NotAction);
    // Stryker disable next-line StringLiteral: the callers test a Tri against true and false only, so "" reads as "unknown" does
    if (excluded.some(isUnknown)) return "unknown";
    return BAD_ACTIONS.some((bad) => !excluded.some((pattern) => covers(String(pattern), bad)));
  }
  // Stryker disable next-line StringLiteral: the callers test a Tri against true and false only, so "" reads as "unknown" does
  if (isUnknown(statement.Action)) return "unknown";
  const actions = listOf(statement.Action);
  if (actions.some((action) => !isUnknown(action) && BAD_ACTIONS.some((bad) => patternsOverlap(String(action), bad)))) return true;
  // Stryker disable next-line StringLiteral: the callers test a Tri against true and false only, so "" reads as "unknown" does
  return actions.some(isUnknown) ? "unknown" : false;
}

/** Whether the statement's principal is a set of fixed principals (an account, role, user, service, canonical user). */
function fixedPrincipal(statement: Statement): Tri {
  if (statement.NotPrincipal !== undefined) return false;
  const principal = statement.Principal;
  // Stryker disable next-line StringLiteral: the callers test a Tri against true and false only, so "" reads as "unknown" does
  if (isUnknown(principal)) return "unknown";
  if (principal === undefined) return true;
  if (!isRecord(principal)) return isFixed(String(principal));
  const values = Object.values(principal).flatMap((entry) => (isUnknown(entry) ? [entry] : listOf(entry)));
  if (values.some((value) => !isUnknown(value) && !isFixed(String(value)))) return false;
  // Stryker disable next-line StringLiteral: the callers test a Tri against true and false only, so "" reads as "unknown" does
  return values.some(isUnknown) ? "unknown" : true;
}

/** Whether a documented condition key with only fixed values limits the statement. Unknown values fill a fixed value. */
function fixedCondition(condition: unknown): Tri {
  if (condition === undefined) return false;
  // Stryker disable next-line StringLiteral: the callers test a Tri against true and false only, so "" reads as "unknown" does
  if (isUnknown(condition)) return "unknown";
  if (!isRecord(condition)) return false;
  let unknown = false;
  for (const [operator, block] of Object.entries(condition)) {
    if (!LIMITING_OPERATORS.includes(operator.toLowerCase())) continue;
    if (isUnknown(block)) {
      unknown = true;
      continue;
    }
    if (!isRecord(block)) continue;
    for (const [key, value] of Object.entries(block)) {
      const name = key.toLowerCase();
      if (!(LIMITING_CONDITION_KEYS as readonly string[]).includes(name)) continue;
      if ((operator.toLowerCase() === "ipaddress") !== (name === "aws:sourceip")) continue;
      const values = isUnknown(value) ? [value] : listOf(value);
      const fixed = values.every((entry) => isUnknown(entry) || (isFixed(String(entry)) && !EVERY_ADDRESS.includes(String(entry))));
      if (values.length > 0 && fixed) return true;
    }
  }
  // Stryker disable next-line StringLiteral: the callers test a Tri against true and false only, so "" reads as "unknown" does
  return unknown ? "unknown" : false;
}

/** Why `statement` is public, why it may be, or `undefined` when S3 would call it non-public. */
function statementVerdict(statement: Statement, label: string): { verdict: "public" | "unknown"; reason: string } | undefined {
  if (isUnknown(statement.Effect)) return { verdict: "unknown", reason: `the Effect of ${label} is unknown` };
  if (statement.Effect !== "Allow") return undefined;
  const bad = grantsBadAction(statement);
  if (bad === false) return undefined;
  const principal = fixedPrincipal(statement);
  if (principal === true) return undefined;
  const condition = fixedCondition(statement.Condition);
  if (condition === true) return undefined;
  const who = statement.NotPrincipal !== undefined ? "everyone outside its NotPrincipal" : principal === false ? "a principal that is not fixed (a wildcard)" : "a principal that is unknown";
  const what = bad === true ? "bad actions (s3:Get*, s3:List*, s3:Put*, s3:Delete*, …)" : "actions that are unknown";
  const limit = condition === false ? "no fixed aws:SourceArn, aws:SourceAccount, aws:SourceVpc(e), aws:SourceIp or aws:PrincipalOrgID condition limits it" : "its condition is unknown";
  const verdict = bad === true && principal === false && condition === false ? "public" : "unknown";
  return { verdict, reason: `${label} allows ${what} to ${who} and ${limit}` };
}

/** The verdict on a read policy document. */
export function policyVerdict(read: DocumentRead): PolicyVerdict {
  if ("unknownBecause" in read) return { verdict: "unknown", reasons: [read.unknownBecause] };
  if ("invalidBecause" in read) return { verdict: "unknown", reasons: [read.invalidBecause] };
  const found = read.statements.flatMap((statement, position) => statementVerdict(statement, statementLabel(statement, position)) ?? []);
  const publicReasons = found.filter((entry) => entry.verdict === "public").map((entry) => entry.reason);
  if (publicReasons.length > 0) return { verdict: "public", reasons: publicReasons };
  return found.length > 0 ? { verdict: "unknown", reasons: found.map((entry) => entry.reason) } : { verdict: "not-public" };
}
