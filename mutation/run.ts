/**
 * `npm run mutate [part ...]`: runs StrykerJS over the security core, one part after the other
 * (all parts when none is named), then prints each part's mutation score, its mutant counts and how
 * long it took, and the score over all parts. Not part of `npm test`: see docs/mutation-testing.md.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { runCli, textTable } from "../cli/support";

const PARTS = ["signing", "edge-function", "policy"] as const;
const ROOT = join(__dirname, "..");
const REPORTS = join(ROOT, "reports", "mutation");
const STRYKER = join(dirname(require.resolve("@stryker-mutator/core/package.json")), "bin", "stryker.js");
const USAGE = `usage: npm run mutate [-- ${PARTS.join(" | ")} ...]`;

/** Mutant states of Stryker's JSON report (mutation-testing-report-schema) that count towards the score. */
const DETECTED = ["Killed", "Timeout"];
const UNDETECTED = ["Survived", "NoCoverage"];

interface PartResult {
  part: string;
  seconds: number;
  counts: Record<string, number>;
}

function countStates(reportFile: string): Record<string, number> {
  const report = JSON.parse(readFileSync(reportFile, "utf8")) as { files: Record<string, { mutants: { status: string }[] }> };
  const counts: Record<string, number> = {};
  for (const file of Object.values(report.files)) {
    for (const mutant of file.mutants) counts[mutant.status] = (counts[mutant.status] ?? 0) + 1;
  }
  return counts;
}

function sum(counts: Record<string, number>, states: string[]): number {
  return states.reduce((total, state) => total + (counts[state] ?? 0), 0);
}

/** Detected over detected plus undetected, as Stryker scores; ignored mutants and errors are left out. */
function score(counts: Record<string, number>): string {
  const detected = sum(counts, DETECTED);
  const valid = detected + sum(counts, UNDETECTED);
  return valid === 0 ? "n/a" : `${((100 * detected) / valid).toFixed(2)} %`;
}

function runPart(part: string): PartResult {
  const reportFile = join(REPORTS, part, "mutation.json");
  const started = process.hrtime.bigint();
  const stryker = spawnSync(process.execPath, [STRYKER, "run", join("mutation", `${part}.stryker.mjs`)], {
    cwd: ROOT,
    stdio: "inherit",
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (stryker.status !== 0 || !existsSync(reportFile)) {
    throw new Error(`the ${part} part did not finish (exit ${stryker.status ?? stryker.signal}); see the output above`);
  }
  return { part, seconds, counts: countStates(reportFile) };
}

function row(name: string, seconds: number, counts: Record<string, number>): string[] {
  const minutes = `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return [
    name,
    score(counts),
    String(sum(counts, ["Killed"])),
    String(sum(counts, ["Timeout"])),
    String(sum(counts, ["Survived"])),
    String(sum(counts, ["NoCoverage"])),
    String(sum(counts, ["Ignored"])),
    minutes,
  ];
}

runCli(USAGE, () => {
  const { positionals } = parseArgs({ allowPositionals: true, strict: true });
  const unknown = positionals.filter((part) => !(PARTS as readonly string[]).includes(part));
  if (unknown.length > 0) throw new Error(`unknown part ${unknown.join(", ")}; the parts are ${PARTS.join(", ")}`);
  const results = (positionals.length > 0 ? positionals : [...PARTS]).map(runPart);

  const total: Record<string, number> = {};
  for (const result of results) for (const [state, count] of Object.entries(result.counts)) total[state] = (total[state] ?? 0) + count;
  const seconds = results.reduce((all, result) => all + result.seconds, 0);
  const rows = results.map((result) => row(result.part, result.seconds, result.counts));
  if (results.length > 1) rows.push(row("all parts", seconds, total));
  console.log(`\n${textTable(["part", "score", "killed", "timeout", "survived", "no coverage", "ignored", "run time"], rows)}`);

  mkdirSync(REPORTS, { recursive: true });
  writeFileSync(join(REPORTS, "summary.json"), `${JSON.stringify({ parts: results, total: { seconds, counts: total, score: score(total) } }, null, 2)}\n`);
});
