import { strict as assert } from "node:assert";
import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { environmentProblems } from "../../tools/github-environments";

type Routes = Record<string, unknown>;

/** A local stand-in for GitHub's REST API answering the given paths, 404 elsewhere; records the auth header. */
async function fakeGitHub(routes: Routes): Promise<{ server: Server; url: string; auth: string[] }> {
  const auth: string[] = [];
  const server = createServer((req, res) => {
    auth.push(String(req.headers.authorization));
    const body = routes[req.url ?? ""];
    res.writeHead(body === undefined ? 404 : 200, { "content-type": "application/json" }).end(JSON.stringify(body ?? { message: "Not Found" }));
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, auth };
}

const base = "/repos/example-org/rendorix/environments";
const mainOnly = { protected_branches: false, custom_branch_policies: true };
const branches = (...names: string[]) => ({ branch_policies: names.map((name) => ({ name, type: "branch" })) });

function settings(overrides: Routes = {}): Routes {
  return {
    [`${base}/dev`]: { protection_rules: [], deployment_branch_policy: mainOnly },
    [`${base}/dev/deployment-branch-policies`]: branches("main"),
    [`${base}/prod`]: { protection_rules: [{ type: "required_reviewers", reviewers: [{ type: "Team" }] }], deployment_branch_policy: mainOnly },
    [`${base}/prod/deployment-branch-policies`]: branches("main"),
    ...overrides,
  };
}

describe("npm run github-environments", () => {
  const servers: Server[] = [];
  after(() => servers.forEach((server) => server.close()));

  async function check(routes: Routes): Promise<string[]> {
    const github = await fakeGitHub(routes);
    servers.push(github.server);
    const problems = await environmentProblems({ repository: "example-org/rendorix", apiUrl: github.url, token: "t0ken" });
    assert.ok(github.auth.every((header) => header === "Bearer t0ken"));
    return problems;
  }

  it("passes environments that deploy from main only, prod with required reviewers", async () => {
    assert.deepEqual(await check(settings()), []);
  });

  it("names a missing environment, a branch rule that lets other branches deploy, and prod without reviewers", async () => {
    assert.deepEqual(
      await check(
        settings({
          [`${base}/dev`]: undefined,
          [`${base}/prod`]: { protection_rules: [], deployment_branch_policy: mainOnly },
          [`${base}/prod/deployment-branch-policies`]: branches("main", "release/*"),
        }),
      ),
      ["dev: the environment does not exist", 'prod: deploys from ["main","release/*"]; only "main" may', "prod: no required reviewers"],
    );
    assert.deepEqual(await check(settings({ [`${base}/dev`]: { deployment_branch_policy: null } })), [
      "dev: deployments are not limited to chosen branches (set deployment_branch_policy.custom_branch_policies)",
    ]);
  });
});
