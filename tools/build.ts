import { join, resolve } from "node:path";
import { bundleImageFunction } from "./bundle-image-fn";

async function main() {
  const outDir = join(resolve(__dirname, ".."), "dist", "image-fn");
  const result = await bundleImageFunction(outDir);
  console.log(`image Lambda bundle: ${result.dir} (linux-arm64, glibc)`);
  console.log(`zip: ${result.zipPath} ${(result.zipBytes / 1024 / 1024).toFixed(1)} MiB`);
}

main().catch((error) => {
  console.error(`build failed: ${error.message}`);
  process.exit(1);
});
