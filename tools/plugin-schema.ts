/**
 * Writes `plugin/schema.ts`, the declarations Pulumi's schema reader (`componentProviderHost`'s
 * analyzer, which reads TypeScript statically) builds the plugin package's schema from. The reader
 * takes only a class that extends `ComponentResource` itself and declares each output as its own
 * member, so the hosted classes, subclasses of the TypeScript components, cannot be read directly.
 * The declarations are written from them instead: each output of the TypeScript component but
 * `nodes`, then each output the plugin class adds, with its JSDoc and its type taken from the hosted
 * class. A test fails when the file is stale: `npm run plugin-schema` rewrites it.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import ts from "typescript";
import { runCli } from "../cli/support";

const ROOT = resolve(__dirname, "..");
export const PLUGIN_SCHEMA_FILE = "plugin/schema.ts";
const PLUGIN_COMPONENTS_FILE = "plugin/components.ts";

/** The hosted components, by class name, and the file of the TypeScript component each extends. */
const COMPONENTS: Record<string, string> = {
  ImageEdge: "components/image-edge.ts",
  ServiceAlarms: "components/service-alarms.ts",
};

/** Outputs of the TypeScript components that hold `@pulumi/aws` objects, which no schema can describe. */
const TYPESCRIPT_ONLY_OUTPUTS = new Set(["nodes"]);

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, readFileSync(join(ROOT, file), "utf8"), ts.ScriptTarget.Latest, true);
}

function classIn(source: ts.SourceFile, name: string): ts.ClassDeclaration {
  const found = source.statements.find((node): node is ts.ClassDeclaration => ts.isClassDeclaration(node) && node.name?.text === name);
  if (!found) throw new Error(`no class ${name} in ${source.fileName}`);
  return found;
}

/** The text of a node's JSDoc, without its tags (the schema reader takes no more). */
function docOf(node: ts.Node, what: string): string {
  const text = ts
    .getJSDocCommentsAndTags(node)
    .filter(ts.isJSDoc)
    .map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "")
    .join("\n")
    .trim();
  if (!text) throw new Error(`${what} has no JSDoc: other languages' SDKs would show no description`);
  return text;
}

function jsDoc(text: string, indent: string): string {
  const lines = text.split("\n");
  if (lines.length === 1) return `${indent}/** ${text} */\n`;
  return `${indent}/**\n${lines.map((line) => `${indent} *${line ? ` ${line}` : ""}`).join("\n")}\n${indent} */\n`;
}

/** Public properties a class declares itself, in order. */
function publicProperties(declaration: ts.ClassDeclaration): ts.PropertyDeclaration[] {
  return declaration.members.filter(
    (member): member is ts.PropertyDeclaration =>
      ts.isPropertyDeclaration(member) &&
      ts.isIdentifier(member.name) &&
      !ts.getModifiers(member)?.some((modifier) => [ts.SyntaxKind.PrivateKeyword, ts.SyntaxKind.ProtectedKeyword].includes(modifier.kind)),
  );
}

/** The interface the plugin class's constructor takes as `args`, written `component.Interface`. */
function argsType(declaration: ts.ClassDeclaration): string {
  const constructor = declaration.members.find(ts.isConstructorDeclaration);
  const args = constructor?.parameters.find((parameter) => ts.isIdentifier(parameter.name) && parameter.name.text === "args");
  if (!args?.type || !ts.isTypeReferenceNode(args.type) || !ts.isQualifiedName(args.type.typeName)) {
    throw new Error(`${declaration.name?.text}'s constructor must take \`args\` typed as an imported module's interface`);
  }
  return args.type.typeName.right.text;
}

/** `plugin/schema.ts` as the components and the plugin classes make it today. */
export function renderPluginSchema(): string {
  const plugin = parse(PLUGIN_COMPONENTS_FILE);
  const imports = new Map<string, Set<string>>();
  const classes = Object.entries(COMPONENTS).map(([name, componentFile]) => {
    const hosted = classIn(plugin, name);
    const args = argsType(hosted);
    const module = `../${componentFile.replace(/\.ts$/, "")}`;
    imports.set(module, (imports.get(module) ?? new Set()).add(args));
    const outputs = [
      ...publicProperties(classIn(parse(componentFile), name)).filter((member) => !TYPESCRIPT_ONLY_OUTPUTS.has(member.name.getText())),
      ...publicProperties(hosted),
    ];
    const members = outputs.map((member) => {
      const output = member.name.getText();
      return `${jsDoc(docOf(member, `${name}.${output}`), "  ")}  readonly ${output}: hosted.${name}["${output}"];\n`;
    });
    return (
      `${jsDoc(docOf(hosted, name), "")}export declare class ${name} extends pulumi.ComponentResource {\n` +
      `  constructor(name: string, args: ${args}, opts?: pulumi.ComponentResourceOptions);\n` +
      members.join("") +
      "}\n"
    );
  });
  const header = [
    `// Written by \`npm run plugin-schema\` (tools/plugin-schema.ts) from ${PLUGIN_COMPONENTS_FILE} and the`,
    "// components it extends: edit those, then run it. Pulumi's schema reader takes the plugin package's",
    "// components from these declarations; the classes provider.ts hosts are the ones in plugin/components.ts.",
    'import type * as pulumi from "@pulumi/pulumi";',
    ...[...imports].map(([module, names]) => `import type { ${[...names].join(", ")} } from "${module}";`),
    'import type * as hosted from "./components";',
  ];
  return `${header.join("\n")}\n\n${classes.join("\n")}`;
}

if (require.main === module) {
  runCli("usage: npm run plugin-schema", async () => {
    writeFileSync(join(ROOT, PLUGIN_SCHEMA_FILE), renderPluginSchema());
    console.log(`wrote ${PLUGIN_SCHEMA_FILE}`);
  });
}
