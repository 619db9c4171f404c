import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { parse as parseYaml } from "yaml";
import { PLUGIN_SCHEMA_FILE, renderPluginSchema } from "../../tools/plugin-schema";
import { PluginUnderTest, StandInEngine } from "../support/plugin-host";
import { captureStack, PROJECT_DIR } from "../support/program";

interface SchemaProperty {
  type?: string;
  $ref?: string;
  items?: SchemaProperty;
  additionalProperties?: SchemaProperty;
  description?: string;
  secret?: boolean;
  plain?: boolean;
}

interface SchemaObject {
  description?: string;
  properties: Record<string, SchemaProperty>;
  required?: string[];
}

interface SchemaResource extends SchemaObject {
  isComponent: boolean;
  inputProperties: Record<string, SchemaProperty>;
  requiredInputs: string[];
}

interface Schema {
  name: string;
  version: string;
  resources: Record<string, SchemaResource>;
  types: Record<string, SchemaObject & { enum?: { value: string }[] }>;
}

interface DocumentedField {
  name: string;
  optional: boolean;
  description: string;
}

/** The fields of an interface or class as written in its file, each with the first part of its JSDoc. */
function documentedFields(file: string, declaration: string): DocumentedField[] {
  const source = ts.createSourceFile(file, readFileSync(join(PROJECT_DIR, file), "utf8"), ts.ScriptTarget.Latest, true);
  let members: ts.NodeArray<ts.ClassElement | ts.TypeElement> | undefined;
  ts.forEachChild(source, (node) => {
    if ((ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) && node.name?.text === declaration) members = node.members;
  });
  if (!members) throw new Error(`no ${declaration} in ${file}`);
  return members.flatMap((member) => {
    if (!(ts.isPropertySignature(member) || ts.isPropertyDeclaration(member)) || !ts.isIdentifier(member.name)) return [];
    const docs = ts.getJSDocCommentsAndTags(member).filter(ts.isJSDoc);
    return [{ name: member.name.text, optional: member.questionToken !== undefined, description: docs.map((doc) => ts.getTextOfJSDocComment(doc.comment) ?? "").join("\n") }];
  });
}

describe("the plugin package, started as the Pulumi CLI starts it", function () {
  this.timeout(600_000);
  const engine = new StandInEngine("catalog", "dev", "eu-west-1");
  const plugin = new PluginUnderTest();
  let schema: Schema;

  before(async () => {
    await plugin.start(await engine.start());
    schema = await plugin.getSchema();
  });

  after(() => {
    plugin.stop();
    engine.stop();
  });

  it("is the package rendorix at the version of package.json, with ImageEdge and ServiceAlarms", () => {
    assert.equal(schema.name, "rendorix");
    assert.equal(schema.version, JSON.parse(readFileSync(join(PROJECT_DIR, "package.json"), "utf8")).version);
    assert.deepEqual(Object.keys(schema.resources).sort(), ["rendorix:index:ImageEdge", "rendorix:index:ServiceAlarms"]);
    for (const resource of Object.values(schema.resources)) {
      assert.equal(resource.isComponent, true);
      assert.ok(resource.description && resource.description.length > 40);
    }
  });

  const components = [
    { type: "rendorix:index:ImageEdge", args: ["components/image-edge.ts", "ImageEdgeSettings"], outputs: [PLUGIN_SCHEMA_FILE, "ImageEdge"] },
    { type: "rendorix:index:ServiceAlarms", args: ["components/service-alarms.ts", "ServiceAlarmsSettings"], outputs: [PLUGIN_SCHEMA_FILE, "ServiceAlarms"] },
  ];
  for (const { type, args, outputs } of components) {
    it(`documents every argument of ${type} with its description and optionality`, () => {
      const resource = schema.resources[type];
      const fields = documentedFields(args[0], args[1]);
      assert.deepEqual(Object.keys(resource.inputProperties).sort(), fields.map((field) => field.name).sort());
      for (const field of fields) {
        assert.ok(field.description, `${args[1]}.${field.name} has no description in its source`);
        assert.equal(resource.inputProperties[field.name].description, field.description, field.name);
        assert.equal(resource.requiredInputs.includes(field.name), !field.optional, field.name);
      }
    });

    it(`declares the outputs of ${type}, documented, none of them secret`, () => {
      const resource = schema.resources[type];
      const fields = documentedFields(outputs[0], outputs[1]);
      assert.deepEqual(Object.keys(resource.properties).sort(), fields.map((field) => field.name).sort());
      for (const field of fields) {
        assert.equal(resource.properties[field.name].description, field.description, field.name);
        assert.notEqual(resource.properties[field.name].secret, true, field.name);
      }
    });
  }

  it(`reads its declarations from ${PLUGIN_SCHEMA_FILE} as tools/plugin-schema.ts writes it today`, () => {
    assert.equal(readFileSync(join(PROJECT_DIR, PLUGIN_SCHEMA_FILE), "utf8"), renderPluginSchema(), "stale: run npm run plugin-schema");
  });

  it("says transform and nodes are TypeScript-only, and gives the children's names and ARNs instead", () => {
    for (const resource of Object.values(schema.resources)) {
      assert.match(resource.description!, /no `transform` argument and no `nodes` output/);
      assert.equal(resource.inputProperties.transform, undefined);
      assert.equal(resource.properties.nodes, undefined);
    }
    const edge = schema.resources["rendorix:index:ImageEdge"].properties;
    for (const output of ["functionArn", "functionRoleName", "functionRoleArn", "functionLogGroupName", "edgeFunctionArn", "distributionDomainName", "distributionHostedZoneId", "originalsBucketArn", "logsBucketName", "logsBucketArn", "keyValueStoreArn"]) {
      assert.equal(edge[output]?.type, "string", output);
      assert.ok(schema.resources["rendorix:index:ImageEdge"].required?.includes(output), `${output} is always set`);
    }
    assert.equal(edge.certificateArn.type, "string");
    assert.ok(!schema.resources["rendorix:index:ImageEdge"].required?.includes("certificateArn"), "certificateArn only with a domain");
    for (const output of ["keyRotationFunctionArn", "keyRotationFunctionRoleName", "keyRotationFunctionRoleArn"]) {
      assert.equal(edge[output]?.type, "string", output);
      assert.ok(!schema.resources["rendorix:index:ImageEdge"].required?.includes(output), `${output} only with rotation-managed keys`);
    }
    const alarms = schema.resources["rendorix:index:ServiceAlarms"].properties;
    for (const output of ["alarmArns", "serviceUnhealthyAlarmNames", "serviceUnhealthyAlarmArns"]) assert.equal(alarms[output]?.items?.type, "string", output);
    assert.equal(alarms.dashboardArn.type, "string");
  });

  it("gives each argument the type other languages need", () => {
    const edge = schema.resources["rendorix:index:ImageEdge"].inputProperties;
    assert.deepEqual({ ...edge.signingKeys, description: undefined }, { type: "array", items: { type: "string", plain: true }, plain: true, optional: true, description: undefined });
    assert.deepEqual([edge.keyRotationDays.type, edge.keyRotationDays.plain], ["number", true]);
    assert.equal(edge.keyRotationFunctionCode.$ref, "pulumi.json#/Archive");
    assert.equal(edge.presets.additionalProperties!.$ref, "#/types/rendorix:index:Preset");
    assert.equal(edge.imageFunctionCode.$ref, "pulumi.json#/Archive");
    assert.equal(edge.kmsKeyArn.type, "string");
    assert.notEqual(edge.kmsKeyArn.plain, true, "an ARN may be another resource's output");
    assert.equal(edge.originalsBucket.$ref, "#/types/rendorix:index:ExistingBucket");
    assert.equal(edge.domain.$ref, "#/types/rendorix:index:ImageEdgeDomain");
    assert.deepEqual(schema.types["rendorix:index:PriceClass"].enum!.map((member) => member.value), ["PriceClass_100", "PriceClass_200", "PriceClass_All"]);
    assert.deepEqual(schema.types["rendorix:index:Fit"].enum!.map((member) => member.value), ["cover", "contain", "inside", "outside", "fill"]);
    assert.deepEqual(schema.types["rendorix:index:Preset"].required, ["fit", "format"]);
    assert.deepEqual(schema.types["rendorix:index:InvokeMode"].enum!.map((member) => member.value), ["BUFFERED", "RESPONSE_STREAM"]);
    const alarms = schema.resources["rendorix:index:ServiceAlarms"].inputProperties;
    assert.equal(alarms.lambdas.items!.$ref, "#/types/rendorix:index:AlarmedLambda");
    assert.equal(alarms.thresholds.$ref, "#/types/rendorix:index:PartialAlarmThresholds");
    assert.equal(alarms.topicArns.$ref, "#/types/rendorix:index:AlarmTopicArns");
  });

  describe("the README's programs in other languages", () => {
    const readme = () => readFileSync(join(PROJECT_DIR, "README.md"), "utf8");
    const camel = (snake: string) => snake.replace(/_(\w)/g, (_, letter: string) => letter.toUpperCase());

    it("constructs the YAML program's ImageEdge as written, with the outputs it exports", async () => {
      const example = parseYaml(/```yaml\n(resources:[\s\S]*?)```/.exec(readme())![1]) as {
        resources: Record<string, { type: string; properties: Record<string, unknown> }>;
        outputs: Record<string, string>;
      };
      const [[name, images]] = Object.entries(example.resources);
      // Pulumi YAML lets `rendorix:ImageEdge` stand for the index module's type.
      const type = images.type.replace(/^rendorix:(?!index:)/, "rendorix:index:");
      const own = new StandInEngine("catalog", "dev", "eu-west-1");
      try {
        await own.start();
        const built = await plugin.construct(own, type, name, images.properties, { "aws:region": "eu-west-1" });
        assert.equal(built.urn, `urn:pulumi:dev::catalog::rendorix:index:ImageEdge::${name}`);
        for (const [output, expression] of Object.entries(example.outputs)) {
          const property = new RegExp(`^\\$\\{${name}\\.(\\w+)\\}$`).exec(expression)![1];
          assert.ok(typeof built.state[property] === "string" && built.state[property], `${output}: ${expression}`);
        }
      } finally {
        own.stop();
      }
    });

    it("uses in Python only arguments, types, enum members and outputs the schema has", () => {
      const python = /```python\n([\s\S]*?)```/.exec(readme())![1];
      const call = /rendorix\.ImageEdge\("\w+",([\s\S]*?)\)\n/.exec(python)![1];
      const inputs = schema.resources["rendorix:index:ImageEdge"].inputProperties;
      for (const [, argument] of call.matchAll(/^\s+(\w+)=/gm)) assert.ok(inputs[camel(argument)], argument);
      for (const [, typeName, args] of python.matchAll(/rendorix\.(\w+)Args\(([^)]*)\)/g)) {
        const type = schema.types[`rendorix:index:${typeName}`];
        for (const [, argument] of args.matchAll(/(\w+)=/g)) assert.ok(type.properties[camel(argument)], `${typeName}.${argument}`);
      }
      for (const [, enumName, member] of python.matchAll(/rendorix\.(\w+)\.([A-Z_]+)\b/g)) {
        assert.ok(schema.types[`rendorix:index:${enumName}`].enum!.some((value) => value.value.toUpperCase() === member), `${enumName}.${member}`);
      }
      const outputs = schema.resources["rendorix:index:ImageEdge"].properties;
      for (const [, output] of python.matchAll(/images\.(\w+)/g)) assert.ok(outputs[camel(output)], output);
    });
  });

  it("documents every property of every type", () => {
    for (const [name, type] of Object.entries(schema.types)) {
      for (const [property, definition] of Object.entries(type.properties ?? {})) assert.ok(definition.description, `${name}.${property}`);
    }
  });

  describe("Construct of an ImageEdge, its children registered with the engine's monitor", () => {
    const tags = { service: "catalog", environment: "dev" };
    let constructed: { urn: string; state: Record<string, unknown> };

    before(async () => {
      // Rotation-managed keys like the dev stack's, so the children's URNs compare with the program's.
      constructed = await plugin.construct(engine, "rendorix:index:ImageEdge", "products", { keyRotationDays: 7, priceClass: "PriceClass_200", tags }, { "aws:region": "eu-west-1" });
    });

    it("answers with the component's URN and its outputs, the children's names and ARNs among them", () => {
      assert.equal(constructed.urn, "urn:pulumi:dev::catalog::rendorix:index:ImageEdge::products");
      assert.match(String(constructed.state.baseUrl), /^https:\/\/\w+\.cloudfront\.net$/);
      assert.match(String(constructed.state.keyringSecretArn), /^arn:aws:secretsmanager:eu-west-1:\d{12}:secret:catalog\/dev\/products\/url-signing-keyring/);
      assert.equal(constructed.state.timeoutSeconds, 30);
      const registered = (name: string) => engine.registrations.find((registration) => registration.name === name)!.outputs;
      assert.equal(constructed.state.functionArn, registered("products-image-function").arn);
      assert.match(String(constructed.state.functionArn), /^arn:aws:lambda:eu-west-1:\d{12}:function:/);
      assert.equal(constructed.state.functionRoleName, registered("products-image-function-role").name);
      assert.equal(constructed.state.functionLogGroupName, registered("products-image-function-logs").name);
      assert.equal(constructed.state.distributionDomainName, registered("products-distribution").domainName);
      assert.equal(constructed.state.originalsBucketArn, registered("products-originals-bucket").arn);
      assert.equal(constructed.state.keyValueStoreArn, registered("products-key-value-store").arn);
      assert.equal(constructed.state.certificateArn, undefined, "no domain, no certificate");
      assert.equal(constructed.state.keyRotationFunctionArn, registered("products-key-rotation-function").arn);
      assert.equal(constructed.state.keyRotationFunctionRoleName, registered("products-key-rotation-function-role").name);
      assert.equal(constructed.state.keyRotationFunctionRoleArn, registered("products-key-rotation-function-role").arn);
      assert.match(String(constructed.state.keyRotationFunctionArn), /^arn:aws:lambda:eu-west-1:\d{12}:function:/);
      assert.match(String(constructed.state.keyRotationFunctionRoleName), /^products-key-rotation-function-role/);
      assert.match(String(constructed.state.keyRotationFunctionRoleArn), /^arn:aws:iam::\d{12}:role\//);
    });

    it("is one component of its type, the children under it as in a TypeScript program", async () => {
      const components = engine.registrations.filter((registration) => registration.type === "rendorix:index:ImageEdge");
      assert.deepEqual(components.map((component) => component.urn), [constructed.urn]);
      assert.ok(engine.registrations.every((registration) => !registration.urn.includes("ImageEdge$rendorix:index:ImageEdge")));
      // Children and their children: the buckets sit under the edge's PrivateBucket components.
      const under = (urn: string): typeof engine.registrations =>
        engine.registrations.filter((registration) => registration.parent === urn).flatMap((registration) => [registration, ...under(registration.urn)]);
      const children = under(constructed.urn);
      assert.ok(children.length > 25, `${children.length} children`);
      for (const child of children) assert.match(child.name, /^products-/);
      // A URN is the type chain and name of the resource and its ancestors. This repository's
      // TypeScript program (under mocks) builds its ImageEdge, named after the project, with a domain
      // and so a few children more; every child here has the same line of ancestors there.
      const program = (await captureStack("dev", "update")).resources;
      const lineage = <R>(resource: R | undefined, parentOf: (resource: R) => R | undefined, describe: (resource: R) => string): string =>
        resource ? `${lineage(parentOf(resource), parentOf, describe)}/${describe(resource)}` : "";
      const constructedByUrn = new Map(engine.registrations.map((registration) => [registration.urn, registration]));
      const programByUrn = new Map(program.map((resource) => [resource.urn, resource]));
      const inProgram = new Set(
        program.map((resource) =>
          lineage(resource, (child) => (child.type === "rendorix:index:ImageEdge" ? undefined : programByUrn.get(child.parentUrn ?? "")), (r) => `${r.type}::${r.name}`),
        ),
      );
      for (const child of children) {
        const line = lineage(child, (r) => (r.urn === constructed.urn ? undefined : constructedByUrn.get(r.parent)), (r) => `${r.type}::${r.name.replace(/^products/, "rendorix")}`);
        assert.ok(inProgram.has(line), `${line} is not in the TypeScript program`);
      }
      const byName = (name: string) => children.find((child) => child.name === name)!;
      assert.equal(byName("products-distribution").inputs.priceClass, "PriceClass_200");
      assert.equal(byName("products-keyring-secret").inputs.name, "catalog/dev/products/url-signing-keyring");
      assert.deepEqual(byName("products-image-function").inputs.tags, tags);
      assert.deepEqual(byName("products-image-function").inputs.architectures, ["arm64"]);
      // The plugin built the key-rotation bundle the package ships and handed it to the rotation function.
      assert.deepEqual(byName("products-key-rotation").inputs.rotationRules, { automaticallyAfterDays: 7 });
      assert.ok(byName("products-key-rotation-function").inputs.code, "the rotation function has its code");
    });

    it("keeps the children a stack deployed with 0.2.0 built under a wrapper of the same type", () => {
      const wrapped = (urn: string) => urn.replace("::rendorix:index:ImageEdge", "::rendorix:index:ImageEdge$rendorix:index:ImageEdge");
      const component = engine.registrations.find((registration) => registration.urn === constructed.urn)!;
      assert.deepEqual(component.aliases, [wrapped(constructed.urn)]);
      const children = engine.registrations.filter((registration) => registration.parent === constructed.urn);
      assert.ok(children.length > 20);
      for (const child of children) assert.ok(child.aliases.includes(wrapped(child.urn)), `${child.urn}: ${child.aliases.join(", ")}`);
    });

    it("registers no key with the engine: no random key, no secret value, no KeyValueStore entry, nothing key-shaped in its outputs", () => {
      const keyTypes = ["random:index/randomBytes:RandomBytes", "aws:secretsmanager/secretVersion:SecretVersion", "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey"];
      assert.deepEqual(engine.registrations.filter((registration) => keyTypes.includes(registration.type)), []);
      // A url-signing-v1 key is the padded base64 of 32 bytes.
      const keyShaped = JSON.stringify(constructed.state).match(/(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{43}=(?![A-Za-z0-9+/=])/g) ?? [];
      assert.deepEqual(keyShaped.filter((text) => Buffer.from(text, "base64").length === 32), []);
    });
  });
});
