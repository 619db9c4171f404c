/**
 * `npm run github-environments -- --repository OWNER/NAME`: checks the GitHub environments the
 * deploy roles rely on. The deploy roles trust any job that names the stack's environment, so each
 * environment must deploy from `main` only, and `prod` must wait for a required reviewer. Reads the
 * settings with the REST API (token in GH_TOKEN or GITHUB_TOKEN) and exits 1 naming what is missing.
 * https://docs.github.com/en/rest/deployments/environments
 */
import { parseArgs } from "node:util";
import { DEPLOY_BRANCH } from "../deploy/bootstrap/permissions";
import { runCli } from "../cli/support";

/** The environments of the deploy workflow, and whether each needs a required reviewer. */
export const ENVIRONMENTS = { dev: { reviewers: false }, prod: { reviewers: true } } as const;

interface Environment {
  protection_rules?: { type: string; reviewers?: unknown[] }[];
  deployment_branch_policy?: { protected_branches: boolean; custom_branch_policies: boolean } | null;
}

interface BranchPolicies {
  branch_policies: { name: string; type?: string }[];
}

export interface CheckOptions {
  repository: string;
  token?: string;
  /** @default https://api.github.com */
  apiUrl?: string;
}

/** What is missing from the repository's environments; empty when they hold. */
export async function environmentProblems(options: CheckOptions): Promise<string[]> {
  const api = options.apiUrl ?? "https://api.github.com";
  const get = async <T>(path: string): Promise<T | undefined> => {
    const response = await fetch(`${api}/repos/${options.repository}/${path}`, {
      headers: { accept: "application/vnd.github+json", ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
    });
    if (response.status === 404) return undefined;
    if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}`);
    return (await response.json()) as T;
  };
  const problems: string[] = [];
  for (const [name, rules] of Object.entries(ENVIRONMENTS)) {
    const environment = await get<Environment>(`environments/${name}`);
    if (!environment) {
      problems.push(`${name}: the environment does not exist`);
      continue;
    }
    const policy = environment.deployment_branch_policy;
    if (!policy?.custom_branch_policies) {
      problems.push(`${name}: deployments are not limited to chosen branches (set deployment_branch_policy.custom_branch_policies)`);
    } else {
      const branches = (await get<BranchPolicies>(`environments/${name}/deployment-branch-policies`))?.branch_policies ?? [];
      const names = branches.map((branch) => branch.name);
      if (names.length !== 1 || names[0] !== DEPLOY_BRANCH || branches[0].type === "tag") {
        problems.push(`${name}: deploys from ${JSON.stringify(names)}; only "${DEPLOY_BRANCH}" may`);
      }
    }
    const reviewers = (environment.protection_rules ?? []).find((rule) => rule.type === "required_reviewers");
    if (rules.reviewers && !(reviewers?.reviewers && reviewers.reviewers.length > 0)) problems.push(`${name}: no required reviewers`);
  }
  return problems;
}

if (require.main === module) {
  runCli("usage: npm run github-environments -- --repository OWNER/NAME [--api-url URL]", async () => {
    const { values } = parseArgs({ options: { repository: { type: "string" }, "api-url": { type: "string" } }, strict: true });
    if (!values.repository || !/^[\w.-]+\/[\w.-]+$/.test(values.repository)) throw new Error("--repository must be OWNER/NAME");
    const problems = await environmentProblems({ repository: values.repository, apiUrl: values["api-url"], token: process.env.GH_TOKEN ?? process.env.GITHUB_TOKEN });
    for (const problem of problems) console.log(`missing: ${problem}`);
    if (problems.length === 0) console.log(`environments ${Object.keys(ENVIRONMENTS).join(", ")}: deploy from ${DEPLOY_BRANCH} only; prod waits for a reviewer`);
    process.exitCode = problems.length === 0 ? 0 : 1;
  });
}
