import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { build, type BuildOptions, type Plugin } from "esbuild";
import { ZipFile } from "yazl";
import { CREDENTIAL_CHAIN_PACKAGE, FULL_CREDENTIAL_CHAIN_FILE } from "../image-fn/lambda-credentials";

/** The platform sharp's native binaries are installed for. */
export interface BundleTarget {
  os: string;
  cpu: string;
  libc: string;
}

/** Lambda's arm64 runtime (Amazon Linux 2023, glibc). */
export const LAMBDA_TARGET: BundleTarget = { os: "linux", cpu: "arm64", libc: "glibc" };

const ROOT = resolve(__dirname, "..");
const FIXED_MTIME = new Date("2026-01-01T00:00:00Z");

function sharpVersion(): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
  return manifest.devDependencies.sharp;
}

function filesBelow(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((path) => statSync(join(dir, path)).isFile())
    .sort();
}

/** Zips a folder with fixed times, so the same files give the same zip (and Lambda sees no change). */
export function writeZip(dir: string, zipPath: string): Promise<number> {
  const zip = new ZipFile();
  for (const path of filesBelow(dir)) {
    const mode = statSync(join(dir, path)).mode;
    zip.addFile(join(dir, path), path.split("\\").join("/"), { mtime: FIXED_MTIME, mode });
  }
  zip.end();
  return new Promise((done, fail) => {
    zip.outputStream
      .pipe(createWriteStream(zipPath))
      .on("close", () => done(statSync(zipPath).size))
      .on("error", fail);
  });
}

/** The bundled function, CommonJS as sharp and the SDK load fastest. */
export const BUNDLED_FILE = "image-fn.cjs";
/** What Lambda loads for handler `index.*`: an ES module awaiting the warm-up during init. */
export const ENTRY_FILE = "index.mjs";
const ENTRY_SOURCE = join(ROOT, "image-fn/entry.mjs");

export interface BundleResult {
  dir: string;
  zipPath: string;
  zipBytes: number;
}

/**
 * How every Lambda of the package is bundled for Node.js 20+ as one CommonJS file. The SDK's ES
 * modules, not its one-file CommonJS builds, so only the commands and middleware a Lambda uses are
 * bundled: the bundle shrinks by a third and loads that much faster on a cold start.
 */
export const LAMBDA_BUILD_OPTIONS = {
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  mainFields: ["module", "main"],
  minify: true,
  legalComments: "none",
  logLevel: "warning",
} as const satisfies BuildOptions;

/** The image Lambda's code by file name: the AWS SDK inlined, sharp external. */
type BundledCode = Record<string, string>;

/**
 * In the function's own file, the SDK's default credential chain becomes image-fn/lambda-credentials.ts,
 * which reads the keys Lambda puts in the environment and loads the whole chain, bundled on its own,
 * only where they are missing.
 */
const environmentCredentialsFirst: Plugin = {
  name: "environment-credentials-first",
  setup(build) {
    build.onResolve({ filter: new RegExp(`^${CREDENTIAL_CHAIN_PACKAGE}$`) }, () => ({ path: join(ROOT, "image-fn/lambda-credentials.ts") }));
  },
};

async function bundle(entry: Pick<BuildOptions, "entryPoints" | "stdin">, plugins: Plugin[] = []): Promise<string> {
  const result = await build({
    ...entry,
    write: false,
    ...LAMBDA_BUILD_OPTIONS,
    mainFields: [...LAMBDA_BUILD_OPTIONS.mainFields],
    external: ["sharp"],
    plugins,
  });
  return result.outputFiles[0].text;
}

async function bundledCode(): Promise<BundledCode> {
  return {
    [BUNDLED_FILE]: await bundle({ entryPoints: [join(ROOT, "image-fn/index.ts")] }, [environmentCredentialsFirst]),
    [FULL_CREDENTIAL_CHAIN_FILE]: await bundle({ stdin: { contents: `export { defaultProvider } from "${CREDENTIAL_CHAIN_PACKAGE}";`, resolveDir: ROOT } }),
  };
}

/** What a zip is built from: the bundled code, the entry, the sharp version and the platform sharp is installed for. */
function fingerprint(code: BundledCode, target: BundleTarget): string {
  const hash = createHash("sha256");
  const parts = [...Object.entries(code).flat(), readFileSync(ENTRY_SOURCE, "utf8"), sharpVersion(), JSON.stringify(target)];
  for (const part of parts) hash.update(part).update("\0");
  return hash.digest("hex");
}

/** Beside the zip: the fingerprint of what it was built from. */
function stampPath(zipPath: string): string {
  return `${zipPath}.sha256`;
}

/**
 * Bundles the image Lambda into `outDir` (image-fn.cjs with the AWS SDK inlined, sharp external, the
 * SDK's wider credential chain in a file of its own, and the index.mjs entry) and installs sharp for
 * `target` beside it, then zips the folder to `${outDir}.zip`.
 */
export async function bundleImageFunction(outDir: string, target: BundleTarget = LAMBDA_TARGET, code?: BundledCode): Promise<BundleResult> {
  code ??= await bundledCode();
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const [file, text] of Object.entries(code)) writeFileSync(join(outDir, file), text);
  copyFileSync(ENTRY_SOURCE, join(outDir, ENTRY_FILE));
  writeFileSync(
    join(outDir, "package.json"),
    JSON.stringify({ name: "rendorix-image-fn", private: true, dependencies: { sharp: sharpVersion() } }, null, 2),
  );
  execFileSync(
    "npm",
    ["install", "--omit=dev", "--no-audit", "--no-fund", "--no-package-lock", `--os=${target.os}`, `--cpu=${target.cpu}`, `--libc=${target.libc}`],
    { cwd: outDir, stdio: ["ignore", "ignore", "inherit"] },
  );
  const zipPath = `${outDir}.zip`;
  const zipBytes = await writeZip(outDir, zipPath);
  writeFileSync(stampPath(zipPath), fingerprint(code, target));
  return { dir: relative(process.cwd(), outDir) || ".", zipPath, zipBytes };
}

/**
 * The same, unless `${outDir}.zip` was built from the very same code, sharp version and target: then
 * it is kept. Bundling the code takes a second; installing sharp and zipping, most of a minute.
 */
export async function bundleImageFunctionIfStale(outDir: string, target: BundleTarget = LAMBDA_TARGET): Promise<BundleResult> {
  const code = await bundledCode();
  const zipPath = `${outDir}.zip`;
  const stamp = stampPath(zipPath);
  if (existsSync(zipPath) && existsSync(stamp) && readFileSync(stamp, "utf8") === fingerprint(code, target)) {
    return { dir: relative(process.cwd(), outDir) || ".", zipPath, zipBytes: statSync(zipPath).size };
  }
  return bundleImageFunction(outDir, target, code);
}
