#!/usr/bin/env node
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { runCli, textTable } from "../cli/support";
import { loadPolicyPackConfig } from "./evaluate";
import type { CheckMode } from "./model";
import { type CheckReport, runCheck } from "./run";

const USAGE = "usage: rendorix-check --stack STACK [--program FILE] [--mode preview|update] [--policy-config FILE] [--json]  (npm run check -- … here)";

function printReport(report: CheckReport): void {
  for (const { program, violations } of report.results) {
    const counts = new Map<string, number>();
    for (const resource of program.resources) counts.set(resource.type, (counts.get(resource.type) ?? 0) + 1);
    console.log(`\n${program.project}/${program.stack} (${program.mode}): ${program.resources.length} resources`);
    console.log(textTable(["type", "count"], [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, count]) => [type, String(count)])));
    if (program.unmodelledInvokes?.length) console.log(`\nnot modelled (answered {}, so values built from them are not the provider's): ${program.unmodelledInvokes.join(", ")}`);
    if (violations.length === 0) {
      console.log("\nno policy violations");
      continue;
    }
    console.log("");
    console.log(
      textTable(
        ["policy", "level", "resource", "message"],
        violations.map((violation) => [violation.policy, violation.level, `${violation.resourceType}::${violation.resourceName}`, violation.message]),
      ),
    );
  }
  console.log(`\n${report.mandatoryViolations === 0 ? "PASS" : "FAIL"}: ${report.mandatoryViolations} mandatory violation(s) for stack ${report.stack}`);
}

runCli(USAGE, async () => {
  const { values } = parseArgs({
    options: {
      stack: { type: "string" },
      program: { type: "string", default: "index.ts" },
      mode: { type: "string" },
      "policy-config": { type: "string" },
      json: { type: "boolean", default: false },
    },
    strict: true,
  });
  if (!values.stack) throw new Error("--stack is required");
  if (values.mode !== undefined && values.mode !== "preview" && values.mode !== "update") throw new Error(`--mode must be preview or update, not "${values.mode}"`);
  const report = await runCheck({
    stack: values.stack,
    program: resolve(values.program!),
    policyConfig: values["policy-config"] ? loadPolicyPackConfig(values["policy-config"]) : undefined,
    modes: values.mode ? [values.mode as CheckMode] : undefined,
  });
  if (values.json) {
    console.log(JSON.stringify({ stack: report.stack, mandatoryViolations: report.mandatoryViolations, results: report.results.map(({ program, violations }) => ({ mode: program.mode, resources: program.resources.map(({ urn, type, name, inputs }) => ({ urn, type, name, inputs })), unmodelledInvokes: program.unmodelledInvokes ?? [], violations })) }, null, 2));
  } else {
    printReport(report);
  }
  process.exitCode = report.mandatoryViolations > 0 ? 1 : 0;
});
