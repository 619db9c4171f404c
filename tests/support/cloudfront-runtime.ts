import { createHash, createHmac } from "node:crypto";
import { createContext, Script } from "node:vm";
import ts from "typescript";
import { RUNTIME_IMPORTS } from "../../edge-fn/build";
import type {
  CloudFrontField,
  CloudFrontRequest,
  CloudFrontResponse,
  ViewerRequestEvent,
} from "../../edge-fn/cloudfront-function";

export type ViewerRequestHandler = (event: ViewerRequestEvent) => Promise<CloudFrontRequest | CloudFrontResponse>;

export interface CloudFrontRuntimeOptions {
  /** Entries of the function's KeyValueStore. */
  keyValueStore: Record<string, string>;
  /** The invocation's clock, frozen as the runtime freezes `Date`. */
  nowSeconds: number;
}

function keyValueStore(entries: Record<string, string>) {
  return {
    kvs() {
      return {
        async get(key: string, options?: { format?: string }): Promise<string> {
          if (options?.format !== undefined && options.format !== "string") {
            throw new Error(`This stand-in serves only the string format, not ${options.format}`);
          }
          if (!Object.hasOwn(entries, key)) throw new Error(`Key ${key} not found in the key value store`);
          return entries[key];
        },
      };
    },
  };
}

/** Where StrykerJS's instrumented code and its test runner meet (the instrumenter's default namespace). */
const STRYKER_GLOBAL = "__stryker__";
/** The names StrykerJS's instrumentation adds to the code under `npm run mutate`: its own, not the function's. */
const STRYKER_NAMES = new Set([STRYKER_GLOBAL, "__STRYKER_ACTIVE_MUTANT__"]);

/**
 * Loads function code the way `cloudfront-js-2.0` runs it: one strict-mode script whose two module
 * imports are bound to stand-ins (a KeyValueStore that rejects missing keys, and Node's HMAC and hash
 * behind the runtime's `crypto` surface), in a context without `require`, `process`, timers or
 * anything else of Node except the documented global `Buffer`.
 */
export function loadViewerRequestFunction(code: string, options: CloudFrontRuntimeOptions): ViewerRequestHandler {
  if (!code.startsWith(RUNTIME_IMPORTS)) throw new Error("The function code does not start with the runtime's two imports");
  const context = createContext({
    cf: keyValueStore(options.keyValueStore),
    crypto: {
      createHmac: (algorithm: string, key: string) => createHmac(algorithm, key),
      createHash: (algorithm: string) => createHash(algorithm),
    },
    Buffer,
    // `npm run mutate` instruments the function's code: its mutant switch and coverage counters live
    // on this global, which the function must share with the test runner to be mutation-tested.
    ...(STRYKER_GLOBAL in globalThis ? { [STRYKER_GLOBAL]: (globalThis as Record<string, unknown>)[STRYKER_GLOBAL] } : {}),
  });
  const frozenMs = options.nowSeconds * 1000;
  (new Script("Date").runInContext(context) as DateConstructor).now = () => frozenMs;
  new Script(`"use strict";\n${code.slice(RUNTIME_IMPORTS.length)}`, { filename: "viewer-request.js" }).runInContext(context);
  const handler = context.handler;
  if (typeof handler !== "function") throw new Error("The function code declares no top-level handler");
  // CloudFront reads the returned object as data; the copy also brings it out of the context's realm.
  return async (event) => JSON.parse(JSON.stringify(await handler(event)));
}

/** The event CloudFront builds for a raw request target: path and query values stay percent-encoded. */
export function viewerRequestEvent(target: string, method = "GET", headers: Record<string, string[]> = {}): ViewerRequestEvent {
  const queryStart = target.indexOf("?");
  const querystring: Record<string, CloudFrontField> = {};
  const fieldHeaders: Record<string, CloudFrontField> = {};
  function add(fields: Record<string, CloudFrontField>, name: string, value: string): void {
    const field = fields[name];
    if (!field) fields[name] = { value };
    else field.multiValue = [...(field.multiValue ?? [{ value: field.value }]), { value }];
  }
  if (queryStart >= 0) {
    for (const pair of target.slice(queryStart + 1).split("&").filter(Boolean)) {
      const equals = pair.indexOf("=");
      add(querystring, equals >= 0 ? pair.slice(0, equals) : pair, equals >= 0 ? pair.slice(equals + 1) : "");
    }
  }
  for (const [name, values] of Object.entries(headers)) for (const value of values) add(fieldHeaders, name.toLowerCase(), value);
  return {
    request: {
      method,
      uri: queryStart >= 0 ? target.slice(0, queryStart) : target,
      querystring,
      headers: fieldHeaders,
      cookies: {},
    },
  };
}

/** Globals the runtime lacks or restricts; a reference to one is a bug in the function code. */
const MISSING_GLOBALS = new Set(["require", "module", "exports", "process", "setTimeout", "setInterval", "setImmediate", "eval"]);

function isReference(node: ts.Identifier): boolean {
  const parent = node.parent;
  if ((ts.isPropertyAccessExpression(parent) || ts.isPropertyAssignment(parent)) && parent.name === node) return false;
  return !(ts.isFunctionDeclaration(parent) || ts.isParameter(parent) || ts.isVariableDeclaration(parent));
}

function isDestructuringAssignment(node: ts.Node): boolean {
  return (
    ts.isBinaryExpression(node) &&
    node.operatorToken.kind === ts.SyntaxKind.EqualsToken &&
    (ts.isObjectLiteralExpression(node.left) || ts.isArrayLiteralExpression(node.left))
  );
}

function hasAsyncModifier(node: ts.Node): boolean {
  return ts.canHaveModifiers(node) && (ts.getModifiers(node) ?? []).some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);
}

/** What one syntax node uses that the runtime does not document, if anything. */
function undocumentedFeature(node: ts.Node): string | undefined {
  if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node) || ts.isExportAssignment(node)) return "module syntax";
  if (ts.isClassDeclaration(node) || ts.isClassExpression(node)) return "class";
  if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node)) && node.asteriskToken) return "generator";
  if (hasAsyncModifier(node) && !(ts.isFunctionDeclaration(node) && ts.isSourceFile(node.parent))) return "async closure";
  if ("questionDotToken" in node && node.questionDotToken) return "optional chaining";
  if (ts.isBinaryExpression(node)) {
    const operator = node.operatorToken.kind;
    if (operator === ts.SyntaxKind.QuestionQuestionToken || operator === ts.SyntaxKind.QuestionQuestionEqualsToken) return "??";
    if (operator === ts.SyntaxKind.BarBarEqualsToken || operator === ts.SyntaxKind.AmpersandAmpersandEqualsToken) return "logical assignment";
  }
  if (ts.isSpreadElement(node) || ts.isSpreadAssignment(node)) return "spread";
  if (ts.isObjectBindingPattern(node) || ts.isArrayBindingPattern(node) || isDestructuringAssignment(node)) return "destructuring";
  if (ts.isForOfStatement(node)) return "for-of";
  if (ts.isParameter(node) && node.initializer) return "default parameter";
  if (ts.isShorthandPropertyAssignment(node) || ts.isComputedPropertyName(node)) return "object literal extension";
  if (ts.isMethodDeclaration(node) && ts.isObjectLiteralExpression(node.parent)) return "object literal extension";
  if (ts.isTaggedTemplateExpression(node) || ts.isBigIntLiteral(node)) return "tagged template or BigInt";
  if (ts.isIdentifier(node) && node.text.startsWith("__") && !STRYKER_NAMES.has(node.text)) return `bundler helper ${node.text}`;
  if (ts.isIdentifier(node) && MISSING_GLOBALS.has(node.text) && isReference(node)) return `global ${node.text}`;
  return undefined;
}

/**
 * Everything in the function code, after its two runtime imports, that `cloudfront-js-2.0` does not
 * document (JavaScript runtime 2.0 features, AWS CloudFront Developer Guide), as "feature at offset".
 */
export function undocumentedSyntax(code: string): string[] {
  const script = code.startsWith(RUNTIME_IMPORTS) ? code.slice(RUNTIME_IMPORTS.length) : code;
  const source = ts.createSourceFile("viewer-request.js", script, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const found: string[] = [];
  function visit(node: ts.Node): void {
    const feature = undocumentedFeature(node);
    if (feature) found.push(`${feature} at ${node.getStart()}`);
    ts.forEachChild(node, visit);
  }
  visit(source);
  return found;
}
