/**
 * What `npm pack` and `npm publish` run first (`prepack`): everything a consumer of the package needs
 * without a build step of their own. The compiled JavaScript with its declarations goes to `lib/`, the
 * image Lambda bundle (sharp for linux-arm64) to `dist/image-fn.zip`, the key-rotation Lambda bundle to
 * `dist/key-rotation-fn.zip`, and the CloudFront Function's
 * code, with the stack's settings still to fill in, to `dist/edge-fn/`.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { buildEdgeFunctionTemplate, EDGE_FUNCTION_TEMPLATE_FILE } from "../edge-fn/build";
import { bundleImageFunctionIfStale } from "./bundle-image-fn";
import { bundleKeyRotationFunction } from "./bundle-key-rotation-fn";
import { runCli } from "../cli/support";

const ROOT = resolve(__dirname, "..");

export async function buildPackageContents(root: string = ROOT): Promise<void> {
  rmSync(join(root, "lib"), { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", join(root, "tsconfig.build.json")], { stdio: "inherit" });
  await bundleImageFunctionIfStale(join(root, "dist", "image-fn"));
  await bundleKeyRotationFunction(join(root, "dist", "key-rotation-fn"));
  const template = join(root, EDGE_FUNCTION_TEMPLATE_FILE);
  mkdirSync(dirname(template), { recursive: true });
  writeFileSync(template, buildEdgeFunctionTemplate());
}

if (require.main === module) runCli("usage: npm pack (runs this first as prepack)", () => buildPackageContents());
