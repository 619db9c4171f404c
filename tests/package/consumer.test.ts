import { strict as assert } from "node:assert";
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import ts from "typescript";
import { packedTarball } from "../support/packed";
import { runProcess, stopProcesses } from "../support/processes";
import { PROJECT_DIR } from "../support/program";

const FIXTURE = join(PROJECT_DIR, "tests/package/consumer");
const TSC = join(PROJECT_DIR, "node_modules/typescript/bin/tsc");

/** The README's section on reuse: what the test installs, compiles and runs is read from it. */
function reuseSection(): string {
  const readme = readFileSync(join(PROJECT_DIR, "README.md"), "utf8");
  return readme.slice(readme.indexOf("## Reusing the components"), readme.indexOf("## Signing URLs"));
}

/** The packages of the README's `npm install` line: the package, then the Pulumi SDKs it is used with. */
function readmeInstall(): { packages: string[] } {
  return { packages: /^npm install (.+)$/m.exec(reuseSection())![1].trim().split(/\s+/) };
}

/** The arguments of `rendorix-check` in the README's `npx tsc && npx rendorix-check …` line. */
function readmeCheckArgs(): string[] {
  return /^npx tsc && npx rendorix-check ([^#\n]+)/m.exec(reuseSection())![1].trim().split(/\s+/);
}

/**
 * `npx tsc` in two halves run side by side with the program: the type check alone, with
 * `isolatedModules` (which fails wherever compiling one file by itself would emit other code than the
 * whole program does), and the emit of each file by itself with the project's options.
 */
function emitEachFile(project: string): void {
  const config = ts.getParsedCommandLineOfConfigFile(join(project, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (diagnostic) => assert.fail(String(diagnostic.messageText)) })!;
  for (const file of config.fileNames) {
    const output = ts.transpileModule(readFileSync(file, "utf8"), { compilerOptions: config.options, fileName: file });
    const out = join(config.options.outDir!, relative(project, file).replace(/\.ts$/, ".js"));
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, output.outputText);
  }
}

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

  before(async () => {
    const tarball = packedTarball();
    const [rendorix, ...sdks] = readmeInstall().packages;
    assert.equal(rendorix, "rendorix");
    consumer = mkdtempSync(join(tmpdir(), "rendorix-consumer-"));
    for (const file of ["index.ts", "Pulumi.yaml", "Pulumi.dev.yaml", "tsconfig.json"]) cpSync(join(FIXTURE, file), join(consumer, file));
    // The SDKs are linked from this repository's node_modules: nothing is downloaded.
    const links = Object.fromEntries(sdks.map((sdk) => [sdk, `file:${join(PROJECT_DIR, "node_modules", sdk)}`]));
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "catalog", private: true, dependencies: { rendorix: `file:${tarball}`, ...links } }, null, 2));
    execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--legacy-peer-deps"], { cwd: consumer, stdio: "pipe", timeout: 300_000 });
    const typeCheck = runProcess(process.execPath, [TSC, "-p", consumer, "--noEmit", "--isolatedModules"]);
    emitEachFile(consumer);
    const check = runProcess(join(consumer, "node_modules/.bin/rendorix-check"), [...readmeCheckArgs(), "--json"], { cwd: consumer });
    const [typed, checked] = await Promise.all([typeCheck, check]);
    assert.equal(typed.code, 0, `tsc:\n${typed.stdout}${typed.stderr}`);
    assert.equal(checked.code, 0, `rendorix-check:\n${checked.stderr}`);
    report = JSON.parse(checked.stdout);
  });

  after(async () => {
    await stopProcesses();
    if (consumer) rmSync(consumer, { recursive: true, force: true });
  });

  it("is the program the README's reuse section shows, compiled and checked as it says", () => {
    assert.ok(reuseSection().includes("```ts\n" + readFileSync(join(FIXTURE, "index.ts"), "utf8") + "```"), "the README shows tests/package/consumer/index.ts");
    assert.deepEqual(readmeCheckArgs(), ["--stack", "dev", "--program", "bin/index.js"]);
    assert.deepEqual(readmeInstall().packages, ["rendorix", "@pulumi/pulumi", "@pulumi/aws", "@pulumi/random"]);
  });

  it("installs compiled code with declarations and the prebuilt Lambda and CloudFront Function code, and no build tool", () => {
    const installed = join(consumer, "node_modules/rendorix");
    for (const file of ["lib/components/image-edge.js", "lib/components/image-edge.d.ts", "lib/core/sign-url.d.ts", "dist/image-fn.zip", "dist/key-rotation-fn.zip", "dist/edge-fn/viewer-request.js"]) {
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
