/**
 * Reading IAM-style policy documents (bucket policies, IAM policies). A resource may hold one as a
 * JSON string or as an object; during preview either may be unknown as a whole, and an object may hold
 * unknown leaves that the rules must test for before deciding.
 */
import { isRecord, isUnknown } from "./model";

export type Statement = Record<string, unknown>;

export type DocumentRead = { statements: Statement[] } | { unknownBecause: string } | { invalidBecause: string };

export function readPolicyDocument(value: unknown): DocumentRead {
  if (value === undefined || value === null || value === "") return { statements: [] };
  if (isUnknown(value)) return { unknownBecause: "the policy document is unknown" };
  let document: unknown = value;
  if (typeof value === "string") {
    try {
      document = JSON.parse(value);
    } catch {
      return { invalidBecause: "the policy document is not valid JSON" };
    }
  }
  if (!isRecord(document)) return { invalidBecause: "the policy document is not a JSON object" };
  const statements = document.Statement;
  if (isUnknown(statements)) return { unknownBecause: "the policy's Statement list is unknown" };
  const list = listOf(statements);
  const unknownAt = list.findIndex(isUnknown);
  if (unknownAt >= 0) return { unknownBecause: `statement ${unknownAt + 1} of the policy is unknown` };
  if (!list.every(isRecord)) return { invalidBecause: "a policy statement is not a JSON object" };
  return { statements: list as Statement[] };
}

/** A policy element that may be written as one value or a list of them (`Action`, `Resource`, a condition value). */
export function listOf(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** A statement's `Sid` for messages, else its position. */
export function statementLabel(statement: Statement, index: number): string {
  return typeof statement.Sid === "string" && statement.Sid !== "" && !isUnknown(statement.Sid) ? `statement '${statement.Sid}'` : `statement ${index + 1}`;
}
