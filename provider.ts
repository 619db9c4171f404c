/**
 * The components as a Pulumi plugin package, for programs in any Pulumi language. Consumers run
 * `pulumi package add` on this repository; Pulumi's Node.js language host loads this file (the `main`
 * of package.json, as `PulumiPlugin.yaml` asks) and hosts the classes of `plugin/components.ts`: the
 * TypeScript components themselves, so a component built from Python has the URN and the children it
 * has in a TypeScript program.
 */
// The schema reader follows this file's imports in order and takes the first class of each hosted
// name that extends ComponentResource itself: the generated declarations, which must come first.
import type * as schema from "./plugin/schema";
import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import { PACKAGE_NAME } from "./components/package-root";
import { ImageEdge, ServiceAlarms } from "./plugin/components";

// The hosted classes must construct from the declared arguments and carry every declared output.
const components: [typeof schema.ImageEdge, typeof schema.ServiceAlarms] = [ImageEdge, ServiceAlarms];

componentProviderHost({ name: PACKAGE_NAME, dirname: __dirname, components });
