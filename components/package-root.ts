import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as pulumi from "@pulumi/pulumi";

/** The package's name in `package.json`, which marks its root folder. */
export const PACKAGE_NAME = "rendorix";

/**
 * The folder of this package's `package.json`: the repository when running from the TypeScript
 * sources, the installed package (`node_modules/rendorix`) when running compiled. What the package
 * ships beside its code (the Lambda bundle, the CloudFront Function template) is found from here.
 */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).name === PACKAGE_NAME) return dir;
    if (dirname(dir) === dir) throw new Error(`No package.json named "${PACKAGE_NAME}" in ${from} or any folder above it`);
  }
}

/**
 * A Lambda bundle the package ships (`zip`, relative to the package's folder `root`) as an archive;
 * `what` names the bundle when `npm run build` has not made it yet.
 */
export function shippedArchive(zip: string, what: string, root: string = packageRoot()): pulumi.asset.FileArchive {
  const path = join(root, zip);
  if (!existsSync(path)) throw new Error(`The ${what} bundle ${path} is missing: run \`npm run build\` first.`);
  return new pulumi.asset.FileArchive(path);
}
