import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import ts from "typescript";
import { parse as parseYaml } from "yaml";
import { PluginUnderTest, StandInEngine } from "../support/plugin-host";
import { PROJECT_DIR } from "../support/program";

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
    { type: "rendorix:index:ImageEdge", args: ["components/image-edge.ts", "ImageEdgeSettings"], outputs: ["provider.ts", "ImageEdge"] },
    { type: "rendorix:index:ServiceAlarms", args: ["components/service-alarms.ts", "ServiceAlarmsSettings"], outputs: ["provider.ts", "ServiceAlarms"] },
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

  it("gives each argument the type other languages need", () => {
    const edge = schema.resources["rendorix:index:ImageEdge"].inputProperties;
    assert.deepEqual({ ...edge.signingKeys, description: undefined }, { type: "array", items: { type: "string", plain: true }, plain: true, description: undefined });
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

  it("takes every property of the README's YAML example", () => {
    const readme = readFileSync(join(PROJECT_DIR, "README.md"), "utf8");
    const example = parseYaml(/```yaml\n(resources:[\s\S]*?)```/.exec(readme)![1]) as { resources: Record<string, { type: string; properties: Record<string, unknown> }> };
    const images = example.resources.images;
    assert.equal(images.type.replace(/^rendorix:/, "rendorix:index:"), "rendorix:index:ImageEdge");
    const inputs = schema.resources["rendorix:index:ImageEdge"].inputProperties;
    for (const property of Object.keys(images.properties)) assert.ok(inputs[property], property);
    assert.ok(schema.types["rendorix:index:PriceClass"].enum!.some((member) => member.value === images.properties.priceClass));
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
      constructed = await plugin.construct(engine, "rendorix:index:ImageEdge", "products", { signingKeys: ["k1"], priceClass: "PriceClass_200", tags }, { "aws:region": "eu-west-1" });
    });

    it("answers with the component's URN and its outputs", () => {
      assert.equal(constructed.urn, "urn:pulumi:dev::catalog::rendorix:index:ImageEdge::products");
      assert.match(String(constructed.state.baseUrl), /^https:\/\/\w+\.cloudfront\.net$/);
      assert.match(String(constructed.state.keyringSecretArn), /^arn:aws:secretsmanager:eu-west-1:\d{12}:secret:catalog\/dev\/products\/url-signing-keyring/);
      assert.equal(constructed.state.timeoutSeconds, 30);
    });

    it("builds the TypeScript component under it, with every child named after it", () => {
      const inner = engine.registrations.find((registration) => registration.parent === constructed.urn)!;
      assert.equal(inner.urn, "urn:pulumi:dev::catalog::rendorix:index:ImageEdge$rendorix:index:ImageEdge::products");
      // Children and their children: the buckets sit under the edge's PrivateBucket components.
      const under = (urn: string): typeof engine.registrations =>
        engine.registrations.filter((registration) => registration.parent === urn).flatMap((registration) => [registration, ...under(registration.urn)]);
      const children = under(inner.urn);
      assert.ok(children.length > 25, `${children.length} children`);
      for (const child of children) assert.match(child.name, /^products-/);
      const byName = (name: string) => children.find((child) => child.name === name)!;
      assert.equal(byName("products-distribution").inputs.priceClass, "PriceClass_200");
      assert.equal(byName("products-keyring-secret").inputs.name, "catalog/dev/products/url-signing-keyring");
      assert.deepEqual(byName("products-image-function").inputs.tags, tags);
      assert.deepEqual(byName("products-image-function").inputs.architectures, ["arm64"]);
    });

    it("puts no key in the component's outputs", () => {
      const keyMaterial = engine.registrations.flatMap((registration) => {
        if (registration.type === "random:index/randomBytes:RandomBytes") return [registration.outputs.base64, registration.outputs.hex];
        if (registration.type === "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey") return [registration.inputs.value];
        return [];
      });
      assert.ok(keyMaterial.length > 0);
      const state = JSON.stringify(constructed.state);
      for (const key of keyMaterial) assert.ok(!state.includes(String(key)));
    });
  });
});
