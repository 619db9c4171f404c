import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { PROJECT_DIR } from "./program";

/** Everything the packed code is built from; a change to any of it packs again (the docs it carries do not). */
const PACKAGE_SOURCES = [
  "components", "core", "image-fn", "edge-fn", "policy", "check", "tools/pack.ts", "tools/bundle-image-fn.ts", "cli/support.ts",
  "package.json", "package-lock.json", "tsconfig.json", "tsconfig.build.json",
];

const CACHE_DIR = join(PROJECT_DIR, "node_modules", ".cache", "rendorix-pack");

function filesBelow(path: string): string[] {
  if (!existsSync(path)) return [];
  if (statSync(path).isFile()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .filter((entry) => entry.name !== "node_modules")
    .flatMap((entry) => filesBelow(join(path, entry.name)));
}

function sourcesDigest(): string {
  const hash = createHash("sha256");
  for (const file of PACKAGE_SOURCES.flatMap((source) => filesBelow(join(PROJECT_DIR, source))).sort()) {
    hash.update(relative(PROJECT_DIR, file)).update("\0").update(readFileSync(file)).update("\0");
  }
  return hash.digest("hex").slice(0, 16);
}

/**
 * The tarball `npm pack` makes (its `prepack` compiles, bundles the Lambda and builds the CloudFront
 * Function), kept under `node_modules/.cache` while the sources it was packed from stay the same:
 * packing takes a minute, and most test runs change nothing in the package.
 */
export function packedTarball(): string {
  const tarball = join(CACHE_DIR, `rendorix-${sourcesDigest()}.tgz`);
  if (existsSync(tarball)) return tarball;
  rmSync(CACHE_DIR, { recursive: true, force: true });
  mkdirSync(CACHE_DIR, { recursive: true });
  const output = execFileSync("npm", ["pack", "--pack-destination", CACHE_DIR, "--silent"], { cwd: PROJECT_DIR, encoding: "utf8", timeout: 600_000 });
  renameSync(join(CACHE_DIR, output.trim().split("\n").pop()!), tarball);
  return tarball;
}
