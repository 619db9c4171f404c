/**
 * What `actionlint` would catch in this repository's workflows, for a suite that cannot install it:
 * the shape of a workflow (JSON schema), actions pinned to a commit with the release in a comment,
 * references between jobs, steps, matrix and inputs, and `run` lines that name scripts and files
 * of the repository that exist.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv";
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

const SCOPES = [
  "actions", "attestations", "checks", "contents", "deployments", "discussions", "id-token", "issues",
  "models", "packages", "pages", "pull-requests", "repository-projects", "security-events", "statuses",
];
const scalar = { type: ["string", "number", "boolean"] };
const permissions = { type: "object", propertyNames: { enum: SCOPES }, additionalProperties: { enum: ["read", "write", "none"] } };
const step = {
  type: "object",
  additionalProperties: false,
  properties: {
    id: { type: "string", pattern: "^[A-Za-z_][A-Za-z0-9_-]*$" },
    name: { type: "string" },
    uses: { type: "string" },
    run: { type: "string" },
    with: { type: "object", additionalProperties: scalar },
    env: { type: "object", additionalProperties: scalar },
    if: { type: "string" },
    shell: { type: "string" },
    "working-directory": { type: "string" },
    "continue-on-error": { type: ["boolean", "string"] },
    "timeout-minutes": { type: "number" },
  },
  oneOf: [{ required: ["uses"] }, { required: ["run"] }],
};
const job = {
  type: "object",
  additionalProperties: false,
  required: ["permissions"],
  properties: {
    name: { type: "string" },
    needs: { anyOf: [{ type: "string" }, { type: "array", items: { type: "string" } }] },
    if: { type: "string" },
    "runs-on": { type: "string" },
    "timeout-minutes": { type: "number" },
    permissions,
    environment: { anyOf: [{ type: "string" }, { type: "object", required: ["name"], additionalProperties: false, properties: { name: { type: "string" }, url: { type: "string" } } }] },
    strategy: { type: "object" },
    outputs: { type: "object", additionalProperties: { type: "string" } },
    env: { type: "object", additionalProperties: scalar },
    concurrency: {},
    steps: { type: "array", minItems: 1, items: step },
    uses: { type: "string" },
    with: { type: "object", additionalProperties: scalar },
  },
  // A job runs steps on a runner with a time limit, or calls a reusable workflow.
  oneOf: [{ required: ["runs-on", "steps", "timeout-minutes"] }, { required: ["uses"] }],
};
const WORKFLOW_SCHEMA = {
  type: "object",
  additionalProperties: false,
  required: ["name", "on", "permissions", "jobs"],
  properties: {
    name: { type: "string" },
    on: { type: "object", propertyNames: { enum: ["push", "pull_request", "workflow_dispatch", "workflow_call", "schedule"] } },
    permissions,
    concurrency: { type: "object", required: ["group"] },
    env: { type: "object" },
    jobs: { type: "object", minProperties: 1, propertyNames: { pattern: "^[A-Za-z_][A-Za-z0-9_-]*$" }, additionalProperties: job },
  },
};

const validateShape = new Ajv({ allErrors: true, allowUnionTypes: true }).compile(WORKFLOW_SCHEMA);
const PINNED_ACTION = /^[\w.-]+\/[\w.-]+(\/[\w./-]+)?@[0-9a-f]{40}$/;
const EXPRESSION = /\$\{\{(.*?)\}\}/gs;
const CONTEXT_REFERENCE = /\b(steps|needs|matrix|inputs)\.([A-Za-z_][A-Za-z0-9_-]*)(?:\.outputs\.([A-Za-z_][A-Za-z0-9_-]*))?/g;
/** Repository paths a `run` line may name; build output (`dist/`) does not exist before the build. */
const REPO_PATH = /(?<![\w$/.-])((?:tools|samples|policy|local|check|deploy|docs)\/[\w./-]+\.\w+)(?![\w$])/g;

export function readWorkflow(file: string): Workflow {
  return parseYaml(readFileSync(join(WORKFLOWS_DIR, file), "utf8"), { uniqueKeys: true }) as Workflow;
}

export function needsOf(job: Job): string[] {
  return job.needs === undefined ? [] : Array.isArray(job.needs) ? job.needs : [job.needs];
}

/** Every string of a value, with where it was found. */
function strings(value: unknown, at: string): [string, string][] {
  if (typeof value === "string") return [[at, value]];
  if (Array.isArray(value)) return value.flatMap((item, index) => strings(item, `${at}[${index}]`));
  if (value && typeof value === "object") return Object.entries(value).flatMap(([key, item]) => strings(item, `${at}.${key}`));
  return [];
}

function expressions(text: string, bare: boolean): string[] {
  const found = [...text.matchAll(EXPRESSION)].map((match) => match[1]);
  return found.length === 0 && bare ? [text] : found;
}

function matrixKeys(job: Job): Set<string> {
  const matrix = job.strategy?.matrix ?? {};
  const keys = new Set(Object.keys(matrix).filter((key) => key !== "include" && key !== "exclude"));
  for (const entry of matrix.include ?? []) for (const key of Object.keys(entry)) keys.add(key);
  return keys;
}

function declaredInputs(workflow: Workflow): Record<string, WorkflowInput> {
  return { ...(workflow.on.workflow_dispatch?.inputs ?? {}), ...(workflow.on.workflow_call?.inputs ?? {}) };
}

function referenceProblems(workflow: Workflow, jobId: string, job: Job): string[] {
  const problems: string[] = [];
  const inputs = declaredInputs(workflow);
  const needs = needsOf(job);
  const stepIds = (job.steps ?? []).map((step) => step.id);
  const check = (where: string, text: string, bare: boolean, stepsBefore: number) => {
    for (const expression of expressions(text, bare)) {
      for (const [, context, name, output] of expression.matchAll(CONTEXT_REFERENCE)) {
        if (context === "steps" && !stepIds.slice(0, stepsBefore).includes(name)) problems.push(`${where}: no step "${name}" before it`);
        if (context === "matrix" && !matrixKeys(job).has(name)) problems.push(`${where}: no matrix key "${name}"`);
        if (context === "inputs" && !(name in inputs)) problems.push(`${where}: no input "${name}"`);
        if (context === "needs") {
          const needed = workflow.jobs[name];
          if (!needs.includes(name)) problems.push(`${where}: "${name}" is not in needs`);
          else if (output && !(needed?.outputs && output in needed.outputs)) problems.push(`${where}: job "${name}" has no output "${output}"`);
        }
      }
    }
  };
  const { steps, ...jobFields } = job;
  const everyStep = (steps ?? []).length;
  for (const [where, text] of strings(jobFields, `jobs.${jobId}`)) check(where, text, where === `jobs.${jobId}.if`, everyStep);
  (steps ?? []).forEach((step, index) => {
    for (const [where, text] of strings(step, `jobs.${jobId}.steps[${index}]`)) check(where, text, where.endsWith(".if"), index);
  });
  for (const needed of needs) if (!workflow.jobs[needed]) problems.push(`jobs.${jobId}.needs: no job "${needed}"`);
  const duplicate = stepIds.find((id, index) => id !== undefined && stepIds.indexOf(id) !== index);
  if (duplicate) problems.push(`jobs.${jobId}: step id "${duplicate}" is used twice`);
  return problems;
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
export function lintWorkflowText(text: string, file: string): string[] {
  const workflow = parseYaml(text, { uniqueKeys: true }) as Workflow;
  if (!validateShape(workflow)) return (validateShape.errors ?? []).map((error) => `${file}${error.instancePath}: ${error.message}`);
  const problems = pinProblems(text, workflow.jobs);
  for (const [jobId, job] of Object.entries(workflow.jobs)) {
    problems.push(...referenceProblems(workflow, jobId, job), ...reusableCallProblems(jobId, job));
    (job.steps ?? []).forEach((step, index) => {
      if (step.run) problems.push(...runProblems(step.run, `jobs.${jobId}.steps[${index}]`));
    });
  }
  return problems.map((problem) => `${file}: ${problem}`);
}

export function lintWorkflow(file: string): string[] {
  return lintWorkflowText(readFileSync(join(WORKFLOWS_DIR, file), "utf8"), file);
}
