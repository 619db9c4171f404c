import { strict as assert } from "node:assert";
import { readdirSync } from "node:fs";
import { dirname } from "node:path";
import { deploySubjects, previewSubjects } from "../../deploy/bootstrap/permissions";
import { DEFAULT_PROBE_KEY, SMOKE_PRESET } from "../../tools/smoke";
import { type Job, lintWorkflow, lintWorkflowText, needsOf, readWorkflow, type Step, type Workflow, WORKFLOWS_DIR } from "./workflow-lint";

const FILES = ["ci.yml", "deploy-stack.yml", "deploy.yml", "preview.yml"];

function stepsOf(job: Job): Step[] {
  return job.steps ?? [];
}

function usesAction(step: Step, action: string): boolean {
  return step.uses?.split("@")[0] === action;
}

function onlyStep(job: Job, predicate: (step: Step) => boolean, what: string): Step {
  const found = stepsOf(job).filter(predicate);
  assert.equal(found.length, 1, `one step that ${what}`);
  return found[0];
}

function indexOfStep(job: Job, predicate: (step: Step) => boolean): number {
  return stepsOf(job).findIndex(predicate);
}

describe("GitHub workflows", () => {
  it("are ci, preview, deploy and the per-stack deploy it calls", () => {
    assert.deepEqual(readdirSync(WORKFLOWS_DIR).sort(), FILES);
  });

  for (const file of FILES) {
    it(`${file} passes actionlint, pins every action and names only scripts, files and workflows that exist`, async () => {
      assert.deepEqual(await lintWorkflow(file), []);
    });
  }

  it("the lint finds what actionlint finds, an unpinned action, a missing script and a missing reusable workflow", async () => {
    const broken = (steps: string[], extraJobs: string[] = []) =>
      [
        "name: broken",
        "on: { push: {} }",
        "permissions: {}",
        "jobs:",
        "  a:",
        "    runs-on: ubuntu-24.04",
        "    timeout-minutes: 5",
        "    permissions: { contents: read }",
        "    steps:",
        ...steps.map((step) => `      - ${step}`),
        ...extraJobs,
      ].join("\n");
    const actionlint = await lintWorkflowText(broken(["run: echo ${{ steps.later.outputs.x }}", "id: later\n        run: echo"]), "broken.yml");
    assert.deepEqual(actionlint, ['broken.yml:10:23: property "later" is not defined in object type {} [expression]']);
    assert.deepEqual(await lintWorkflowText(broken(["uses: actions/checkout@v4", "run: npm run no-such-script && npx tsx tools/no-such-file.ts"], ["  b:", "    uses: ./.github/workflows/nowhere.yml"]), "broken.yml"), [
      "broken.yml: jobs.a: actions/checkout@v4 is not pinned to a full commit SHA",
      'broken.yml: jobs.a.steps[1]: npm script "no-such-script" does not exist',
      "broken.yml: jobs.a.steps[1]: tools/no-such-file.ts does not exist",
      "broken.yml: jobs.b.uses: ./.github/workflows/nowhere.yml does not exist",
    ]);
  });

  it("pin one commit per action across all workflows", () => {
    const pins = new Map<string, Set<string>>();
    for (const file of FILES) {
      for (const job of Object.values(readWorkflow(file).jobs)) {
        for (const step of stepsOf(job)) {
          if (!step.uses || step.uses.startsWith("./")) continue;
          const [action, sha] = step.uses.split("@");
          pins.set(action, (pins.get(action) ?? new Set()).add(sha));
        }
      }
    }
    for (const [action, shas] of pins) assert.equal(shas.size, 1, `${action} is pinned to ${[...shas].join(", ")}`);
    assert.deepEqual([...pins.keys()].sort(), [
      "actions/checkout",
      "actions/download-artifact",
      "actions/setup-node",
      "actions/upload-artifact",
      "aws-actions/configure-aws-credentials",
      "pulumi/actions",
    ]);
  });

  it("install the policy pack from its lockfile before every Pulumi run that uses it", () => {
    for (const file of FILES) {
      for (const [jobId, job] of Object.entries(readWorkflow(file).jobs)) {
        const pulumi = indexOfStep(job, (step) => usesAction(step, "pulumi/actions"));
        if (pulumi < 0) continue;
        assert.equal(stepsOf(job)[pulumi].with?.policyPacks, "policy", `${file} jobs.${jobId}`);
        assert.equal(stepsOf(job)[pulumi].with?.policyPackConfigs, "deploy/policy-config.json", `${file} jobs.${jobId}`);
        const install = indexOfStep(job, (step) => step.run === "npm ci --prefix policy");
        assert.ok(install >= 0 && install < pulumi, `${file} jobs.${jobId} installs the pack first`);
      }
    }
  });

  it("grant nothing at the top level and each job only what its steps use", () => {
    for (const file of FILES) {
      const workflow = readWorkflow(file);
      assert.deepEqual(workflow.permissions, {}, `${file}: top-level permissions`);
      for (const [jobId, job] of Object.entries(workflow.jobs)) {
        const where = `${file} jobs.${jobId}`;
        const granted = job.permissions ?? {};
        if (job.uses) {
          const called = readWorkflow(job.uses.replace("./.github/workflows/", ""));
          const needed: Record<string, string> = {};
          for (const calledJob of Object.values(called.jobs)) Object.assign(needed, calledJob.permissions);
          assert.deepEqual(granted, needed, `${where}: grants what the called jobs use`);
          continue;
        }
        const steps = stepsOf(job);
        const expected: Record<string, string> = {};
        if (steps.some((step) => usesAction(step, "actions/checkout"))) expected.contents = "read";
        if (steps.some((step) => usesAction(step, "aws-actions/configure-aws-credentials"))) expected["id-token"] = "write";
        if (steps.some((step) => step.with?.["comment-on-pr"] === true)) expected["pull-requests"] = "write";
        if (steps.some((step) => step.run?.includes("gh issue create"))) expected.issues = "write";
        assert.deepEqual(granted, expected, where);
      }
    }
  });

  describe("ci.yml", () => {
    const workflow = readWorkflow("ci.yml");
    const job = workflow.jobs.test;

    it("runs on every push and pull request: npm ci, typecheck, test, build, then the offline check of dev and prod", () => {
      assert.deepEqual(Object.keys(workflow.on).sort(), ["pull_request", "push"]);
      assert.equal(workflow.on.push, null, "every branch");
      assert.deepEqual(
        stepsOf(job).flatMap((step) => (step.run ? [step.run] : [])),
        ["npm ci", "npm run typecheck", "npm test", "npm run build", "npm run check -- --stack dev", "npm run check -- --stack prod"],
      );
    });

    it("needs no cloud credentials", () => {
      assert.ok(!stepsOf(job).some((step) => step.uses?.startsWith("aws-actions/") || step.uses?.startsWith("pulumi/")));
      assert.equal(job.permissions?.["id-token"], undefined);
    });
  });

  describe("preview.yml", () => {
    const workflow = readWorkflow("preview.yml");
    const job = workflow.jobs.preview;
    const pulumi = onlyStep(job, (step) => usesAction(step, "pulumi/actions"), "runs the Pulumi action");

    it("runs for pull requests, again when a label is added or removed", () => {
      assert.deepEqual(Object.keys(workflow.on), ["pull_request"]);
      const types = (workflow.on.pull_request as { types: string[] }).types;
      for (const type of ["opened", "synchronize", "reopened", "labeled", "unlabeled"]) assert.ok(types.includes(type), type);
    });

    it("previews dev under the policy pack and comments on the pull request", () => {
      assert.equal(pulumi.with?.command, "preview");
      assert.equal(pulumi.with?.policyPacks, "policy");
      assert.equal(pulumi.with?.["comment-on-pr"], true);
      assert.equal(pulumi.with?.["stack-name"], "dev");
    });

    it("runs the guard on the JSON preview with the pull request's labels, and never for a fork", () => {
      const preview = indexOfStep(job, (step) => /pulumi preview .*--json/.test(step.run ?? ""));
      const guard = indexOfStep(job, (step) => (step.run ?? "").includes("tools/plan-guard.ts"));
      assert.ok(preview > indexOfStep(job, (step) => step === pulumi) && guard > preview, "the guard reads the JSON preview made before it");
      const guardStep = stepsOf(job)[guard];
      assert.match(guardStep.run!, /"preview-\$STACK\.json" .*--labels-json "\$PR_LABELS"/);
      assert.equal(guardStep.env?.PR_LABELS, "${{ toJSON(github.event.pull_request.labels.*.name) }}");
      assert.equal(job.if, "github.event.pull_request.head.repo.full_name == github.repository");
    });
  });

  describe("deploy.yml and deploy-stack.yml", () => {
    const deploy = readWorkflow("deploy.yml");
    const stack = readWorkflow("deploy-stack.yml");
    const { plan, apply } = stack.jobs;
    const up = onlyStep(apply, (step) => usesAction(step, "pulumi/actions"), "runs pulumi up");

    it("deploys main: builds once, then dev, then prod after dev, each with the same artifact", () => {
      assert.deepEqual(deploy.on.push, { branches: ["main"] });
      const builds = Object.entries(deploy.jobs).filter(([, job]) => stepsOf(job).some((step) => step.run === "npm run build"));
      assert.deepEqual(builds.map(([id]) => id), ["build"]);
      const upload = onlyStep(deploy.jobs.build, (step) => usesAction(step, "actions/upload-artifact"), "uploads the bundle");
      assert.equal(upload.with?.name, "${{ steps.name.outputs.artifact }}");
      for (const [id, needs] of [["dev", ["build"]], ["prod", ["build", "dev"]]] as const) {
        const job = deploy.jobs[id];
        assert.equal(job.uses, "./.github/workflows/deploy-stack.yml");
        assert.deepEqual(needsOf(job), needs);
        assert.equal(job.with?.stack, id);
        assert.equal(job.with?.artifact, "${{ needs.build.outputs.artifact }}");
        assert.equal(job.with?.["artifact-sha256"], "${{ needs.build.outputs.sha256 }}");
        assert.equal(job.with?.["deploy-role"], `\${{ vars.RENDORIX_${id.toUpperCase()}_DEPLOY_ROLE_ARN }}`);
      }
    });

    it("keeps each plan exactly as long as its stack's approval window, and refuses a plan older than it", () => {
      assert.equal(deploy.jobs.prod.with?.["approval-window-days"], 7);
      assert.equal(deploy.jobs.dev.with?.["approval-window-days"], 1);
      const upload = onlyStep(plan, (step) => usesAction(step, "actions/upload-artifact"), "uploads the plan");
      assert.equal(upload.with?.["retention-days"], "${{ inputs.approval-window-days }}");
      const [first] = stepsOf(apply);
      assert.deepEqual(first.env, { PLANNED_AT: "${{ needs.plan.outputs.planned-at }}", WINDOW_DAYS: "${{ inputs.approval-window-days }}" });
      assert.equal(plan.outputs?.["planned-at"], "${{ steps.clock.outputs.planned-at }}");
    });

    it("plans with the preview role under the policy pack, then updates in the stack's GitHub environment held to that plan", () => {
      const preview = onlyStep(plan, (step) => usesAction(step, "pulumi/actions"), "previews");
      assert.equal(preview.with?.command, "preview");
      assert.equal(preview.with?.policyPacks, "policy");
      assert.equal(preview.with?.plan, "plan-${{ inputs.stack }}.json");
      assert.equal(onlyStep(plan, (step) => usesAction(step, "aws-actions/configure-aws-credentials"), "assumes a role").with?.["role-to-assume"], "${{ inputs.preview-role }}");

      assert.deepEqual(needsOf(apply), ["plan"]);
      assert.deepEqual(apply.environment, { name: "${{ inputs.stack }}", url: "${{ steps.up.outputs.baseUrl }}" });
      assert.equal(onlyStep(apply, (step) => usesAction(step, "aws-actions/configure-aws-credentials"), "assumes a role").with?.["role-to-assume"], "${{ inputs.deploy-role }}");
      assert.equal(up.with?.command, "up");
      assert.equal(up.with?.policyPacks, "policy");
      assert.equal(up.with?.plan, "${{ inputs.use-plan && format('plan-{0}.json', inputs.stack) || '' }}");
      for (const job of [plan, apply]) {
        assert.ok(stepsOf(job).some((step) => step.run?.includes("sha256sum --check")), "checks it deploys the artifact built for the run");
        assert.ok(!stepsOf(job).some((step) => step.run?.includes("npm run build")), "never builds again");
      }
    });

    it("shifts live to the published version through CodeDeploy and waits for it, then smoke-tests and publishes the address, nothing secret", () => {
      const upIndex = indexOfStep(apply, (step) => step === up);
      const shift = indexOfStep(apply, (step) => /aws deploy create-deployment[\s\S]*aws deploy wait deployment-successful/.test(step.run ?? ""));
      const probe = indexOfStep(apply, (step) => (step.run ?? "").includes("samples/coffee.png") && (step.run ?? "").includes("/smoke/probe.png"));
      const smoke = indexOfStep(apply, (step) => (step.run ?? "").startsWith("npm run smoke -- "));
      const summary = indexOfStep(apply, (step) => (step.run ?? "").includes("GITHUB_STEP_SUMMARY"));
      assert.ok(upIndex < shift && shift < probe && probe < smoke && smoke < summary, `order: up ${upIndex}, shift ${shift}, probe ${probe}, smoke ${smoke}, summary ${summary}`);
      assert.deepEqual(stepsOf(apply)[shift].env, {
        FUNCTION: "${{ steps.up.outputs.functionName }}",
        TARGET: "${{ steps.up.outputs.functionVersion }}",
        APPLICATION: "${{ steps.up.outputs.deployApplication }}",
        GROUP: "${{ steps.up.outputs.deploymentGroup }}",
      });
      assert.equal(stepsOf(apply)[smoke].env?.KEYRING_SECRET_ARN, "${{ steps.up.outputs.keyringSecretArn }}");
      const probeRun = stepsOf(apply)[probe].run!;
      assert.ok(probeRun.includes(`"s3://$BUCKET/${DEFAULT_PROBE_KEY}"`), "uploads the key the smoke test signs by default");
      assert.ok(probeRun.includes(`--paths '/${SMOKE_PRESET}/${dirname(DEFAULT_PROBE_KEY)}/*'`), "drops the cached variants the smoke test would get");
      const published = Object.values(stepsOf(apply)[summary].env ?? {}).join(" ");
      assert.deepEqual([...published.matchAll(/steps\.up\.outputs\.(\w+)/g)].map((match) => match[1]).sort(), ["baseUrl", "hostname"]);
      assert.doesNotMatch(published, /secret/i);
    });

    it("reports a failure of any job", () => {
      const notify = deploy.jobs.notify;
      assert.equal(notify.if, "failure()");
      assert.deepEqual(needsOf(notify).sort(), Object.keys(deploy.jobs).filter((id) => id !== "notify").sort());
    });
  });
});

/** The repository the bootstrap's trust policies name in these tests. */
const REPOSITORY = "example-org/rendorix";
const ROLE_VARIABLE = /vars\.RENDORIX_(DEV|PROD)_(PREVIEW|DEPLOY)_ROLE_ARN/;

interface Reach {
  /** `workflow.yml jobs.a` or `workflow.yml jobs.a → called.yml jobs.b`. */
  job: string;
  event: string;
  /** The OIDC token subject GitHub gives the job. */
  subject: string;
  role: string;
  /** The role's trust policy accepts that subject. */
  trusted: boolean;
}

/** `${{ inputs.x }}` of a called workflow, replaced by what the caller passes. */
function resolveInputs(text: string, given: Record<string, unknown>): string {
  return text.replace(/\$\{\{\s*inputs\.([\w-]+)\s*\}\}/g, (_, name: string) => String(given[name] ?? ""));
}

function environmentOf(job: Job, given: Record<string, unknown>): string | undefined {
  const name = typeof job.environment === "string" ? job.environment : job.environment?.name;
  return name === undefined ? undefined : resolveInputs(name, given);
}

/** The roles every job of `file` assumes, for each event that starts it and the subject GitHub issues then. */
function reachOf(file: string, ref = "refs/heads/main"): Reach[] {
  const workflow: Workflow = readWorkflow(file);
  const reach: Reach[] = [];
  for (const event of Object.keys(workflow.on).filter((name) => name !== "workflow_call")) {
    const visit = (label: string, job: Job, given: Record<string, unknown>) => {
      for (const step of stepsOf(job).filter((s) => usesAction(s, "aws-actions/configure-aws-credentials"))) {
        const expression = resolveInputs(String(step.with?.["role-to-assume"]), given);
        const match = ROLE_VARIABLE.exec(expression);
        assert.ok(match, `${label}: assumes ${expression}, not a role the bootstrap made`);
        const [stack, kind] = [match[1].toLowerCase(), match[2].toLowerCase()];
        const environment = environmentOf(job, given);
        const subject = environment ? `repo:${REPOSITORY}:environment:${environment}` : event === "pull_request" ? `repo:${REPOSITORY}:pull_request` : `repo:${REPOSITORY}:ref:${ref}`;
        const trusts = kind === "deploy" ? deploySubjects(REPOSITORY, stack) : previewSubjects(REPOSITORY, stack);
        reach.push({ job: label, event, subject: subject.replace(`repo:${REPOSITORY}:`, ""), role: `${stack} ${kind}`, trusted: trusts.includes(subject) });
      }
    };
    for (const [id, job] of Object.entries(workflow.jobs)) {
      if (!job.uses) {
        visit(`${file} jobs.${id}`, job, {});
        continue;
      }
      const called = job.uses.replace("./.github/workflows/", "");
      for (const [calledId, calledJob] of Object.entries(readWorkflow(called).jobs)) visit(`${file} jobs.${id} → ${called} jobs.${calledId}`, calledJob, job.with ?? {});
    }
  }
  return reach;
}

describe("who reaches which AWS role, by the bootstrap's trust policies", () => {
  it("pull requests reach dev's preview role only; main plans with each stack's preview role and deploys in each stack's environment", () => {
    const reach = FILES.flatMap((file) => reachOf(file)).map(({ job, event, subject, role, trusted }) => `${job} [${event}] as ${subject}: ${role}${trusted ? "" : " (refused)"}`);
    assert.deepEqual(reach, [
      "deploy.yml jobs.dev → deploy-stack.yml jobs.plan [push] as ref:refs/heads/main: dev preview",
      "deploy.yml jobs.dev → deploy-stack.yml jobs.apply [push] as environment:dev: dev deploy",
      "deploy.yml jobs.prod → deploy-stack.yml jobs.plan [push] as ref:refs/heads/main: prod preview",
      "deploy.yml jobs.prod → deploy-stack.yml jobs.apply [push] as environment:prod: prod deploy",
      "deploy.yml jobs.dev → deploy-stack.yml jobs.plan [workflow_dispatch] as ref:refs/heads/main: dev preview",
      "deploy.yml jobs.dev → deploy-stack.yml jobs.apply [workflow_dispatch] as environment:dev: dev deploy",
      "deploy.yml jobs.prod → deploy-stack.yml jobs.plan [workflow_dispatch] as ref:refs/heads/main: prod preview",
      "deploy.yml jobs.prod → deploy-stack.yml jobs.apply [workflow_dispatch] as environment:prod: prod deploy",
      "preview.yml jobs.preview [pull_request] as pull_request: dev preview",
    ]);
  });

  it("no job started by a pull request gets prod's roles, which decrypt prod's state: prod's roles refuse a pull request's token", () => {
    const fromPullRequests = FILES.flatMap((file) => reachOf(file)).filter((reach) => reach.event === "pull_request");
    assert.ok(fromPullRequests.length > 0);
    assert.deepEqual(fromPullRequests.filter((reach) => reach.role.startsWith("prod")), []);
    for (const file of FILES) {
      const workflow = readWorkflow(file);
      if (!("pull_request" in workflow.on)) continue;
      for (const job of Object.values(workflow.jobs)) assert.equal(job.environment, undefined, `${file}: a pull request job names no environment, whose token deploy roles trust`);
    }
    const pullRequest = `repo:${REPOSITORY}:pull_request`;
    assert.ok(!previewSubjects(REPOSITORY, "prod").includes(pullRequest) && !deploySubjects(REPOSITORY, "prod").includes(pullRequest));
  });

  it("a run started by hand on another branch is refused prod's preview role; its deploy jobs are left to the environments' branch rule", () => {
    const reach = reachOf("deploy.yml", "refs/heads/feature").filter((r) => r.event === "workflow_dispatch");
    assert.deepEqual(
      reach.filter((r) => !r.subject.startsWith("environment:")).map((r) => `${r.role}${r.trusted ? "" : " refused"}`),
      ["dev preview refused", "prod preview refused"],
    );
    assert.ok(reach.filter((r) => r.subject.startsWith("environment:")).every((r) => r.trusted), "GitHub's deployment-branch rule is what stops these");
  });

  it("every deploy role is reached only from a job in its own stack's environment", () => {
    for (const reach of FILES.flatMap((file) => reachOf(file)).filter((r) => r.role.endsWith("deploy"))) {
      assert.equal(reach.subject, `environment:${reach.role.split(" ")[0]}`, reach.job);
      assert.ok(reach.trusted, reach.job);
    }
  });
});
