import { join, resolve } from "node:path";
import { bundleImageFunction } from "./bundle-image-fn";
import { bundleKeyRotationFunction } from "./bundle-key-rotation-fn";

async function main() {
  const outDir = join(resolve(__dirname, ".."), "dist", "image-fn");
  const result = await bundleImageFunction(outDir);
  console.log(`image Lambda bundle: ${result.dir} (linux-arm64, glibc)`);
  console.log(`zip: ${result.zipPath} ${(result.zipBytes / 1024 / 1024).toFixed(1)} MiB`);
  const rotation = await bundleKeyRotationFunction(join(resolve(__dirname, ".."), "dist", "key-rotation-fn"));
  console.log(`key-rotation Lambda bundle: ${rotation.zipPath} ${(rotation.zipBytes / 1024).toFixed(0)} KiB`);
}

main().catch((error) => {
  console.error(`build failed: ${error.message}`);
  process.exit(1);
});
