/**
 * The components as a Pulumi plugin package, for programs in any Pulumi language. Consumers run
 * `pulumi package add` on this repository; Pulumi's Node.js language host loads this file (the `main`
 * of package.json, as `PulumiPlugin.yaml` asks) and hosts the classes it exports, with a schema read
 * from their TypeScript types and JSDoc.
 *
 * Each class wraps its TypeScript component, named alike, and passes on its outputs: the schema can
 * hold neither `transform` (TypeScript functions) nor `nodes` (resources of the AWS SDK), and the
 * schema reader takes only a class that extends `ComponentResource` itself and declares nothing but
 * outputs.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { componentProviderHost } from "@pulumi/pulumi/provider/experimental";
import * as edge from "./components/image-edge";
import { PACKAGE_NAME, packageRoot } from "./components/package-root";
import * as alarms from "./components/service-alarms";
import { bundleImageFunction } from "./tools/bundle-image-fn";

/** The named outputs of a wrapped component, which its wrapper takes on as its own. */
function outputsOf<Component, Key extends keyof Component & string>(component: Component, keys: readonly Key[]): Pick<Component, Key> {
  return Object.fromEntries(keys.map((key) => [key, component[key]])) as Pick<Component, Key>;
}

let bundle: Promise<pulumi.asset.Archive> | undefined;

/**
 * The image Lambda's code. Pulumi runs the plugin from a checkout of this repository, where no one has
 * run `npm run build`: the first ImageEdge builds the bundle, once.
 */
function imageFunctionCode(): Promise<pulumi.asset.Archive> {
  bundle ??= (async () => {
    const root = packageRoot();
    if (!existsSync(join(root, edge.IMAGE_FUNCTION_ZIP))) await bundleImageFunction(join(root, "dist", "image-fn"));
    return edge.defaultImageFunctionCode(root);
  })();
  return bundle;
}

/**
 * A signed-URL image CDN: private buckets, an in-stack keyring, the image Lambda behind a Function
 * URL only CloudFront can call, a viewer-request function that checks every signature, and optional
 * DNS and TLS.
 */
export class ImageEdge extends pulumi.ComponentResource {
  /** Hostname the images are served on: the domain, or the distribution's cloudfront.net name. */
  declare readonly hostname: pulumi.Output<string>;
  /** `https://` and the hostname: the base of every signed URL. */
  declare readonly baseUrl: pulumi.Output<string>;
  /** Id of the CloudFront distribution. */
  declare readonly distributionId: pulumi.Output<string>;
  /** ARN of the CloudFront distribution. */
  declare readonly distributionArn: pulumi.Output<string>;
  /** Bucket the originals are read from. */
  declare readonly originalsBucketName: pulumi.Output<string>;
  /** ARN of the keyring secret backends read their signing keys from; never a key itself. */
  declare readonly keyringSecretArn: pulumi.Output<string>;
  /** Name of the image Lambda. */
  declare readonly functionName: pulumi.Output<string>;
  /** Name of the alias CloudFront invokes (`live`). */
  declare readonly functionAliasName: pulumi.Output<string>;
  /** ARN of the alias CloudFront invokes. */
  declare readonly functionAliasArn: pulumi.Output<string>;
  /** The image Lambda's latest published version. */
  declare readonly functionVersion: pulumi.Output<string>;
  /** Name of the viewer-request CloudFront Function. */
  declare readonly edgeFunctionName: pulumi.Output<string>;
  /** Timeout of the image Lambda in seconds, for alarms on its duration. */
  declare readonly timeoutSeconds: number;
  /** Reserved concurrency of the image Lambda, when set. */
  declare readonly reservedConcurrency?: number;

  constructor(name: string, args: edge.ImageEdgeSettings, opts?: pulumi.ComponentResourceOptions) {
    super(edge.IMAGE_EDGE_TYPE, name, {}, opts);
    const code = args.imageFunctionCode ?? pulumi.output(imageFunctionCode());
    const outputs = outputsOf(new edge.ImageEdge(name, { ...args, imageFunctionCode: code }, { parent: this }), [
      "hostname", "baseUrl", "distributionId", "distributionArn", "originalsBucketName", "keyringSecretArn", "functionName",
      "functionAliasName", "functionAliasArn", "functionVersion", "edgeFunctionName", "timeoutSeconds", "reservedConcurrency",
    ]);
    Object.assign(this, outputs);
    this.registerOutputs(outputs);
  }
}

/**
 * Alarms that page people when a Lambda and CloudFront service breaks, one composite "service
 * unhealthy" alarm per place notifying a KMS-encrypted SNS topic, and a dashboard.
 */
export class ServiceAlarms extends pulumi.ComponentResource {
  /** Topic the alarms beside the functions notify; absent without `lambdas`. */
  declare readonly regionalTopicArn?: pulumi.Output<string>;
  /** Topic the CloudFront alarms notify, in us-east-1; absent without distributions or edge functions. */
  declare readonly globalTopicArn?: pulumi.Output<string>;
  /** Name of the dashboard. */
  declare readonly dashboardName: pulumi.Output<string>;
  /** Link to the dashboard in the CloudWatch console. */
  declare readonly dashboardUrl: pulumi.Output<string>;
  /** Names of the alarms beside the functions: the rollback triggers of a gradual rollout. */
  declare readonly regionalAlarmNames: pulumi.Output<string>[];

  constructor(name: string, args: alarms.ServiceAlarmsSettings, opts?: pulumi.ComponentResourceOptions) {
    super(alarms.SERVICE_ALARMS_TYPE, name, {}, opts);
    const outputs = outputsOf(new alarms.ServiceAlarms(name, args, { parent: this }), [
      "regionalTopicArn", "globalTopicArn", "dashboardName", "dashboardUrl", "regionalAlarmNames",
    ]);
    Object.assign(this, outputs);
    this.registerOutputs(outputs);
  }
}

// The language host's `run-plugin` would find the exported classes and host them by itself; hosting
// them here says which components the package has, and under which name, in one place.
componentProviderHost({ name: PACKAGE_NAME, dirname: __dirname, components: [ImageEdge, ServiceAlarms] });
