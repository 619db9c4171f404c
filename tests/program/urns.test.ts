/**
 * Golden URN lists. A resource's URN is its identity in the state: a change of name, type or parent
 * makes `pulumi up` delete the deployed resource and create a new one (a new bucket, a new
 * distribution, a new keyring), unless the resource declares its old URN through `aliases`. These
 * tests capture every stack in both modes and compare each resource's identity with the committed
 * lists in `tests/program/urns/`: its URN, computed as the engine does, or the alias it declares that
 * is in the list. A resource that moves without an alias to its listed URN fails the test.
 *
 * After a deliberate change (a new resource, or a move covered by `aliases`), rewrite the lists with
 * `RENDORIX_WRITE_URNS=1 npx mocha tests/program/urns.test.ts` and review the diff.
 */
import { strict as assert } from "node:assert";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { captureProgram, readProjectName, readStackConfigFile } from "../../check/capture";
import type { CapturedAlias, CapturedProgram, CapturedResource, CheckMode } from "../../check/model";
import { captureStack } from "../support/program";

const GOLDEN_DIR = join(__dirname, "urns");
const BOOTSTRAP_DIR = join(__dirname, "../../deploy/bootstrap");
const MODES: readonly CheckMode[] = ["preview", "update"];
const WRITE = process.env.RENDORIX_WRITE_URNS === "1";

interface Program {
  /** Name of the golden file in `tests/program/urns/`. */
  golden: string;
  capture(mode: CheckMode): Promise<CapturedProgram>;
}

function bootstrapStack(stack: string): Program {
  return {
    golden: `bootstrap-${stack}.txt`,
    capture: (mode) =>
      captureProgram({
        program: join(BOOTSTRAP_DIR, "index.ts"),
        project: readProjectName(BOOTSTRAP_DIR),
        stack,
        mode,
        config: readStackConfigFile(BOOTSTRAP_DIR, stack),
      }),
  };
}

const PROGRAMS: Program[] = [
  { golden: "dev.txt", capture: (mode) => captureStack("dev", mode) },
  { golden: "prod.txt", capture: (mode) => captureStack("prod", mode) },
  bootstrapStack("dev"),
  bootstrapStack("prod"),
];

/**
 * URNs as the engine makes them. Pulumi's mocks qualify a child's type with its parent's type only;
 * the engine uses the parent's whole type chain (`a$b$c`), so a component inside a component gets a
 * different URN in a real deployment than under mocks. The chain is rebuilt here from the captured
 * parents, for current URNs and for aliases alike.
 */
class EngineUrns {
  private readonly byUrn: Map<string, CapturedResource>;

  constructor(private readonly program: CapturedProgram) {
    this.byUrn = new Map(program.resources.map((resource) => [resource.urn, resource]));
  }

  /** The type chain of the resource with this (mock) URN; undefined for the stack and for no parent. */
  private chain(urn: string | undefined): string | undefined {
    const resource = urn === undefined ? undefined : this.byUrn.get(urn);
    if (!resource || resource.type === "pulumi:pulumi:Stack") return undefined;
    const parentChain = this.chain(resource.parentUrn);
    return parentChain === undefined ? resource.type : `${parentChain}$${resource.type}`;
  }

  private urn(parentUrn: string | undefined, type: string, name: string, stack = this.program.stack, project = this.program.project): string {
    const parentChain = this.chain(parentUrn);
    return `urn:pulumi:${stack}::${project}::${parentChain === undefined ? type : `${parentChain}$${type}`}::${name}`;
  }

  current(resource: CapturedResource): string {
    return this.urn(resource.parentUrn, resource.type, resource.name);
  }

  /** The old URN an alias stands for; unset parts are the resource's current ones. */
  alias(resource: CapturedResource, alias: CapturedAlias): string {
    if (alias.urn) return alias.urn;
    const parentUrn = alias.noParent ? undefined : (alias.parentUrn ?? resource.parentUrn);
    return this.urn(parentUrn, alias.type ?? resource.type, alias.name ?? resource.name, alias.stack, alias.project);
  }
}

/** Each resource's identity in the state: the alias it declares that the golden list holds, else its own URN. */
function identities(program: CapturedProgram, golden: Set<string>): string[] {
  const urns = new EngineUrns(program);
  return program.resources
    .map((resource) => (resource.aliases ?? []).map((alias) => urns.alias(resource, alias)).find((urn) => golden.has(urn)) ?? urns.current(resource))
    .sort();
}

function readGolden(path: string): string[] {
  return existsSync(path) ? readFileSync(path, "utf8").split("\n").filter(Boolean) : [];
}

describe("URNs of the deployed resources", function () {
  this.timeout(180_000);

  for (const program of PROGRAMS) {
    it(`keeps every URN of ${program.golden.replace(/\.txt$/, "")} as committed in tests/program/urns/${program.golden}, in preview and update`, async () => {
      const path = join(GOLDEN_DIR, program.golden);
      for (const mode of MODES) {
        const urns = identities(await program.capture(mode), new Set(readGolden(path)));
        assert.equal(new Set(urns).size, urns.length, "URNs are unique");
        if (WRITE) writeFileSync(path, `${urns.join("\n")}\n`);
        const golden = readGolden(path);
        const gone = golden.filter((urn) => !urns.includes(urn));
        const added = urns.filter((urn) => !golden.includes(urn));
        assert.ok(
          gone.length === 0 && added.length === 0,
          `${mode}: the URNs differ from ${path}.\n` +
            `A resource whose URN changes is deleted and created anew by \`pulumi up\`; give it \`aliases\` with its old name, type or parent.\n` +
            `gone:\n  ${gone.join("\n  ") || "(none)"}\nnew:\n  ${added.join("\n  ") || "(none)"}`,
        );
      }
    });
  }
});
