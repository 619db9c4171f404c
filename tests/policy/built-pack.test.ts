/**
 * The pack other teams run, as they get it: built by `npm run policy-pack`, packed by `npm pack`,
 * installed from the tarball into a folder outside this repository beside nothing but its own
 * dependencies (offline), and started the way the Pulumi CLI's Node.js language
 * host starts a policy pack (`@pulumi/pulumi`'s `cmd/run-policy-pack`, from that folder's SDK). The
 * test asks it over gRPC what it serves and has it judge a keyring, which takes the facts the pack
 * shares with the components (the keyring tag) from the bundle.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { builtinModules } from "node:module";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzer from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { KEYRING_PURPOSE, KEYRING_TAG } from "../../core/contract";
import { rules } from "../../policy/rules";
import { buildPolicyPack } from "../../tools/policy-pack";
import { PROJECT_DIR } from "../support/program";
import { startProcess, stopProcesses } from "../support/processes";

const NPM_QUIET = ["--no-audit", "--no-fund", "--loglevel=error"];

function call<Request, Response>(method: (request: Request, callback: (error: grpc.ServiceError | null, response: Response) => void) => unknown, request: Request): Promise<Response> {
  return new Promise((resolve, reject) => method(request, (error, response) => (error ? reject(error) : resolve(response))));
}

describe("the policy pack built for other teams, installed on its own", function () {
  this.timeout(300_000);
  let work: string;
  let installed: string;
  let client: AnalyzerClient;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), "rendorix-guard-"));
    const built = await buildPolicyPack(join(work, "build"));
    const tarball = execFileSync("npm", ["pack", built, "--pack-destination", work, ...NPM_QUIET], { cwd: work, encoding: "utf8" }).trim().split("\n").pop()!;
    const team = join(work, "team");
    mkdirSync(team);
    // The SDKs are linked from this repository's node_modules (nothing is downloaded); the pack itself
    // is a copy from the tarball, so what it needs of ours must be inside it.
    const sdks = Object.keys(JSON.parse(readFileSync(join(built, "package.json"), "utf8")).dependencies);
    const dependencies = { "rendorix-guard": `file:${join(work, tarball)}`, ...Object.fromEntries(sdks.map((sdk) => [sdk, `file:${join(PROJECT_DIR, "node_modules", sdk)}`])) };
    writeFileSync(join(team, "package.json"), JSON.stringify({ name: "platform-checks", private: true, dependencies }));
    execFileSync("npm", ["install", "--offline", ...NPM_QUIET], { cwd: team, stdio: "pipe", timeout: 240_000 });
    installed = join(team, "node_modules", "rendorix-guard");
    const pack = startProcess(process.execPath, [join(team, "node_modules/@pulumi/pulumi/cmd/run-policy-pack"), "127.0.0.1:0", "."], {
      cwd: installed,
      stdio: ["ignore", "pipe", "inherit"],
    });
    const [firstLine] = (await once(pack.stdout!, "data")) as [Buffer];
    client = new AnalyzerClient(`127.0.0.1:${firstLine.toString().trim()}`, grpc.credentials.createInsecure());
  });

  after(async () => {
    client?.close();
    await stopProcesses();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("holds one bundled index.js that needs only the Pulumi SDKs, beside its PulumiPolicy.yaml and README", () => {
    assert.deepEqual(readdirSync(installed).filter((file) => file !== "node_modules").sort(), ["PulumiPolicy.yaml", "README.md", "index.js", "package.json"]);
    const requires = [...readFileSync(join(installed, "index.js"), "utf8").matchAll(/require\("([^"]+)"\)/g)].map((match) => match[1]);
    const own = JSON.parse(readFileSync(join(PROJECT_DIR, "policy/package.json"), "utf8"));
    const packages = requires.filter((module) => !module.startsWith("node:") && !builtinModules.includes(module));
    assert.ok(packages.includes("@pulumi/policy"));
    for (const module of packages) assert.ok(module in own.dependencies, `index.js requires ${module}, which is not a dependency of the pack`);
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    assert.equal(manifest.version, own.version);
    assert.equal(manifest.private, undefined, "publishable");
  });

  it("serves rendorix-guard at its version with every policy", async () => {
    const info = await call<Empty, analyzer.AnalyzerInfo>(client.getAnalyzerInfo.bind(client), new Empty());
    assert.equal(info.getName(), "rendorix-guard");
    assert.equal(info.getVersion(), JSON.parse(readFileSync(join(PROJECT_DIR, "policy/package.json"), "utf8")).version);
    assert.deepEqual(info.getPoliciesList().map((policy) => policy.getName()), rules.map((rule) => rule.name));
  });

  it("refuses a keyring that every stack shares, known as one by the tag the components set", async () => {
    const stackUrn = "urn:pulumi:dev::catalog::pulumi:pulumi:Stack::catalog-dev";
    const resource = (type: string, name: string, properties: Record<string, unknown>) => {
      const message = new analyzer.AnalyzerResource();
      message.setType(type);
      message.setName(name);
      message.setUrn(type === "pulumi:pulumi:Stack" ? stackUrn : `urn:pulumi:dev::catalog::${type}::${name}`);
      message.setProperties(Struct.fromJavaScript(properties as Record<string, never>));
      message.setOptions(new analyzer.AnalyzerResourceOptions());
      return message;
    };
    const request = new analyzer.AnalyzeStackRequest();
    request.setResourcesList([
      resource("pulumi:pulumi:Stack", "catalog-dev", {}),
      resource("aws:secretsmanager/secret:Secret", "keys", { name: "catalog/keys", tags: { [KEYRING_TAG]: KEYRING_PURPOSE } }),
    ]);
    const response = await call<analyzer.AnalyzeStackRequest, analyzer.AnalyzeResponse>(client.analyzeStack.bind(client), request);
    const messages = response.getDiagnosticsList().filter((diagnostic) => diagnostic.getPolicyname() === "no-shared-hmac-secrets").map((diagnostic) => diagnostic.getMessage());
    assert.ok(messages.some((message) => message.includes("'catalog/keys', which does not contain the stack name 'dev'")), messages.join("\n"));
  });
});
