import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packedTarball } from "../support/packed";
import { PROJECT_DIR } from "../support/program";

const FIXTURE = join(PROJECT_DIR, "tests/package/consumer");
const SDKS = ["@pulumi/pulumi", "@pulumi/aws", "@pulumi/random"];
/** What the README tells a consumer to run after `npx tsc`. */
const CHECK_ARGS = ["--stack", "dev", "--program", "bin/index.js"];

interface CheckedResource {
  urn: string;
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

interface CheckJson {
  mandatoryViolations: number;
  results: { mode: string; resources: CheckedResource[]; violations: { policy: string; level: string; message: string }[] }[];
}

/** Properties that carry a name AWS holds unique per account and region, by resource type. */
const PHYSICAL_NAME_PROPERTIES: Record<string, string> = {
  "aws:secretsmanager/secret:Secret": "name",
  "aws:cloudwatch/logGroup:LogGroup": "name",
  "aws:cloudwatch/compositeAlarm:CompositeAlarm": "alarmName",
  "aws:cloudwatch/metricAlarm:MetricAlarm": "alarmName",
  "aws:cloudwatch/dashboard:Dashboard": "dashboardName",
  "aws:s3/bucket:Bucket": "bucket",
  "aws:lambda/function:Function": "name",
  "aws:cloudfront/function:Function": "name",
};

/** The consumer program's components; their children's names begin with theirs. */
const COMPONENTS = ["products", "avatars", "catalog-images"];

function componentOf(resource: CheckedResource): string | undefined {
  if (!resource.urn.includes("rendorix:index:")) return undefined;
  return COMPONENTS.find((component) => resource.name.startsWith(`${component}-`));
}

describe("the packed package in another team's project", function () {
  this.timeout(600_000);
  let consumer: string;
  let report: CheckJson;

  before(() => {
    const tarball = packedTarball();
    consumer = mkdtempSync(join(tmpdir(), "rendorix-consumer-"));
    for (const file of ["index.ts", "Pulumi.yaml", "Pulumi.dev.yaml", "tsconfig.json"]) cpSync(join(FIXTURE, file), join(consumer, file));
    // The SDKs are linked from this repository's node_modules: nothing is downloaded.
    const sdks = Object.fromEntries(SDKS.map((sdk) => [sdk, `file:${join(PROJECT_DIR, "node_modules", sdk)}`]));
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "catalog", private: true, dependencies: { rendorix: `file:${tarball}`, ...sdks } }, null, 2));
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--legacy-peer-deps"], { cwd: consumer, stdio: "pipe", timeout: 300_000 });
    execFileSync(process.execPath, [join(PROJECT_DIR, "node_modules/typescript/bin/tsc"), "-p", consumer], { stdio: "pipe", timeout: 300_000 });
    const stdout = execFileSync(join(consumer, "node_modules/.bin/rendorix-check"), [...CHECK_ARGS, "--json"], {
      cwd: consumer,
      encoding: "utf8",
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    });
    report = JSON.parse(stdout);
  });

  after(() => {
    if (consumer) rmSync(consumer, { recursive: true, force: true });
  });

  it("is the program and the command the README's reuse section shows", () => {
    const readme = readFileSync(join(PROJECT_DIR, "README.md"), "utf8");
    const section = readme.slice(readme.indexOf("## Reusing the components"), readme.indexOf("## Signing URLs"));
    assert.ok(section.includes("```ts\n" + readFileSync(join(FIXTURE, "index.ts"), "utf8") + "```"), "the README shows tests/package/consumer/index.ts");
    assert.ok(section.includes(`npx tsc && npx rendorix-check ${CHECK_ARGS.join(" ")}`));
  });

  it("installs compiled code with declarations and the prebuilt Lambda and CloudFront Function code, and no build tool", () => {
    const installed = join(consumer, "node_modules/rendorix");
    for (const file of ["lib/components/image-edge.js", "lib/components/image-edge.d.ts", "lib/core/sign-url.d.ts", "dist/image-fn.zip", "dist/edge-fn/viewer-request.js"]) {
      assert.ok(existsSync(join(installed, file)), file);
    }
    for (const absent of ["node_modules/esbuild", "node_modules/typescript", "node_modules/sharp", "node_modules/rendorix/components"]) {
      assert.ok(!existsSync(join(consumer, absent)), absent);
    }
  });

  it("passes the policy pack in preview and update", () => {
    assert.deepEqual(report.results.map((result) => result.mode), ["preview", "update"]);
    const mandatory = report.results.flatMap((result) => result.violations.filter((violation) => violation.level === "mandatory"));
    assert.deepEqual(mandatory, []);
  });

  for (const mode of ["preview", "update"]) {
    describe(`in ${mode}`, () => {
      const resources = () => report.results.find((result) => result.mode === mode)!.resources;

      it("builds two image edges (each with its private buckets) and one set of alarms, each child once", () => {
        const components = resources().filter((resource) => resource.type.startsWith("rendorix:index:"));
        assert.deepEqual(components.map((resource) => `${resource.type}::${resource.name}`).sort(), [
          "rendorix:index:ImageEdge::avatars",
          "rendorix:index:ImageEdge::products",
          "rendorix:index:PrivateBucket::avatars-logs",
          "rendorix:index:PrivateBucket::avatars-originals",
          "rendorix:index:PrivateBucket::products-logs",
          "rendorix:index:PrivateBucket::products-originals",
          "rendorix:index:ServiceAlarms::catalog-images",
        ]);
        const urns = resources().map((resource) => resource.urn);
        assert.equal(new Set(urns).size, urns.length, "every URN is unique");
      });

      it("gives every physical name a component chooses the project, the stack and the component's name", () => {
        const chosen = resources().flatMap((resource) => {
          const property = PHYSICAL_NAME_PROPERTIES[resource.type];
          const value = property ? resource.inputs[property] : undefined;
          return typeof value === "string" && componentOf(resource) ? [{ resource, value }] : [];
        });
        assert.ok(chosen.length >= 5, `only ${chosen.length} chosen names`);
        for (const { resource, value } of chosen) {
          for (const part of ["catalog", "dev", componentOf(resource)!]) assert.ok(value.includes(part), `${resource.name}: ${value} lacks ${part}`);
        }
      });

      it("never gives two resources of a kind the same physical name", () => {
        const names = resources().flatMap((resource) => {
          const value = resource.inputs[PHYSICAL_NAME_PROPERTIES[resource.type] ?? ""];
          return typeof value === "string" ? [`${resource.type} ${value}`] : [];
        });
        assert.equal(new Set(names).size, names.length, names.join("\n"));
      });
    });
  }

  it("lets the consumer adjust a child and build on another", () => {
    const resources = report.results.find((result) => result.mode === "update")!.resources;
    const fn = (edge: string) => resources.find((resource) => resource.type === "aws:lambda/function:Function" && resource.name === `${edge}-image-function`)!;
    assert.equal(fn("avatars").inputs.memorySize, 1024);
    assert.equal(fn("products").inputs.memorySize, 1536);
    const own = resources.find((resource) => resource.name === "products-slow-p50")!;
    assert.match(String((own.inputs.dimensions as Record<string, string>).FunctionName), /^products-image-function-/);
  });
});
