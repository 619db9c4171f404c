/**
 * Builds the policy pack other teams run, `rendorix-guard`, into a folder that stands on its own:
 * `policy/` imports the facts it shares with the components (the keyring tag, the `kid:` prefix, the
 * key fingerprint, the unknown marker) from `core/`, so the pack is bundled into one `index.js` with
 * them, beside its `PulumiPolicy.yaml`, its README and a `package.json` that needs only the Pulumi
 * SDKs. `pulumi preview --policy-pack <folder>` runs it once its dependencies are installed, and
 * `npm publish <folder>` publishes it.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { build } from "esbuild";
import { runCli } from "../cli/support";

const ROOT = resolve(__dirname, "..");
const POLICY_DIR = join(ROOT, "policy");
export const POLICY_PACK_DIR = join(ROOT, "dist", "policy-pack");

/** What the built pack's `package.json` takes from `policy/package.json`; the rest is for working in this repository. */
const MANIFEST_FIELDS = ["name", "version", "description", "license", "keywords", "dependencies"];

export async function buildPolicyPack(outDir: string = POLICY_PACK_DIR): Promise<string> {
  const manifest = JSON.parse(readFileSync(join(POLICY_DIR, "package.json"), "utf8"));
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: [join(POLICY_DIR, "index.ts")],
    outfile: join(outDir, "index.js"),
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // The engine's analyzer protocol lives in the SDKs the pack is installed with.
    external: Object.keys(manifest.dependencies),
    logLevel: "warning",
  });
  const packManifest = Object.fromEntries(MANIFEST_FIELDS.flatMap((field) => (field in manifest ? [[field, manifest[field]]] : [])));
  writeFileSync(join(outDir, "package.json"), `${JSON.stringify({ ...packManifest, main: "index.js" }, null, 2)}\n`);
  for (const file of ["PulumiPolicy.yaml", "README.md"]) copyFileSync(join(POLICY_DIR, file), join(outDir, file));
  return outDir;
}

if (require.main === module) {
  runCli("usage: npm run policy-pack", async () => {
    const outDir = await buildPolicyPack();
    console.log(`policy pack: ${relative(process.cwd(), outDir)} (npm publish it, or pulumi preview --policy-pack it after npm install)`);
  });
}
