/**
 * The pack's entry point as `pulumi preview --policy-pack policy` starts it: a process that serves the
 * analyzer over gRPC and prints its port. The test asks it what it serves.
 */
import assert from "node:assert/strict";
import { once } from "node:events";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import { AnalyzerInfo, EnforcementLevel } from "@pulumi/pulumi/proto/analyzer_pb";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { rules } from "../../policy/rules";
import { startProcess, stopProcesses } from "../support/processes";

const PACK_DIR = join(__dirname, "../../policy");

describe("the policy pack entry point", () => {
  afterEach(stopProcesses);

  it("serves rendorix-guard with every policy at its level and its config schema", async () => {
    const pack = startProcess(process.execPath, ["--require", "tsx/cjs", "--eval", "require('./index.ts')"], { cwd: PACK_DIR, stdio: ["ignore", "pipe", "inherit"] });
    const [firstLine] = (await once(pack.stdout!, "data")) as [Buffer];
    const client = new AnalyzerClient(`127.0.0.1:${firstLine.toString().trim()}`, grpc.credentials.createInsecure());
    let info: AnalyzerInfo;
    try {
      info = await new Promise<AnalyzerInfo>((resolve, reject) => client.getAnalyzerInfo(new Empty(), (error, response) => (error ? reject(error) : resolve(response))));
    } finally {
      client.close();
    }

    assert.equal(info.getName(), "rendorix-guard");
    const served = info.getPoliciesList().map((policy) => ({
      name: policy.getName(),
      level: policy.getEnforcementlevel() === EnforcementLevel.MANDATORY ? "mandatory" : "advisory",
      config: Object.keys(policy.getConfigschema()?.getProperties()?.toJavaScript() ?? {}).sort(),
    }));
    assert.deepEqual(
      served,
      rules.map((rule) => ({ name: rule.name, level: rule.enforcementLevel, config: Object.keys(rule.configSchema?.properties ?? {}).sort() })),
    );
    assert.deepEqual(served.find((policy) => policy.name === "no-shared-hmac-secrets")?.config, ["allowUntracedOutputs", "deniedKeyFingerprints"]);
  });
});
