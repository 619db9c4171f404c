import { mkdirSync, rmSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { build } from "esbuild";
import { type BundleResult, LAMBDA_BUILD_OPTIONS, writeZip } from "./bundle-image-fn";

const ROOT = resolve(__dirname, "..");

/**
 * Bundles the key-rotation Lambda into `outDir` (one index.js, the AWS SDK and the SigV4A signer
 * inlined: it has no native dependency) and zips the folder to `${outDir}.zip`.
 */
export async function bundleKeyRotationFunction(outDir: string): Promise<BundleResult> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(ROOT, "key-rotation-fn/index.ts")],
    outfile: join(outDir, "index.js"),
    ...LAMBDA_BUILD_OPTIONS,
    mainFields: [...LAMBDA_BUILD_OPTIONS.mainFields],
  });
  const zipPath = `${outDir}.zip`;
  const zipBytes = await writeZip(outDir, zipPath);
  return { dir: relative(process.cwd(), outDir) || ".", zipPath, zipBytes };
}
