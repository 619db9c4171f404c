/**
 * The offline check: a program captured under mocks in preview and in update mode, and the policy
 * pack evaluated over each capture the way the engine would. Used by `npm run check` and by tests.
 */
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { captureProgram, readProjectName, readStackConfigFile } from "./capture";
import { evaluatePolicyPack, type PolicyPackConfig, type PolicyViolation } from "./evaluate";
import type { CapturedProgram, CheckMode } from "./model";

export interface CheckOptions {
  stack: string;
  /** The program's entry module. */
  program: string;
  /**
   * The folder holding `Pulumi.yaml` and `Pulumi.<stack>.yaml`.
   * @default the nearest folder above the program that has a `Pulumi.yaml`, as Pulumi finds it
   */
  projectDir?: string;
  policyConfig?: PolicyPackConfig;
  modes?: CheckMode[];
}

export interface ModeResult {
  program: CapturedProgram;
  violations: PolicyViolation[];
}

export interface CheckReport {
  stack: string;
  results: ModeResult[];
  mandatoryViolations: number;
}

function findProjectDir(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "Pulumi.yaml"))) return dir;
    if (dirname(dir) === dir) throw new Error(`No Pulumi.yaml in ${start} or any folder above it`);
  }
}

export async function runCheck(options: CheckOptions): Promise<CheckReport> {
  const program = resolve(options.program);
  const projectDir = options.projectDir ? resolve(options.projectDir) : findProjectDir(dirname(program));
  const project = readProjectName(projectDir);
  const config = readStackConfigFile(projectDir, options.stack);
  const results: ModeResult[] = [];
  for (const mode of options.modes ?? ["preview", "update"]) {
    const captured = await captureProgram({ program, project, stack: options.stack, mode, config });
    results.push({ program: captured, violations: evaluatePolicyPack(captured, options.policyConfig) });
  }
  const mandatoryViolations = results.reduce((count, result) => count + result.violations.filter((violation) => violation.level === "mandatory").length, 0);
  return { stack: options.stack, results, mandatoryViolations };
}
