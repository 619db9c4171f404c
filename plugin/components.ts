/**
 * The components as the plugin package hosts them for other Pulumi languages: the TypeScript
 * components themselves (same type token, same children, so the same URNs as in a TypeScript
 * program), plus what those languages cannot reach otherwise. `transform` takes TypeScript functions
 * and `nodes` holds `@pulumi/aws` objects, so neither crosses into a schema; instead the children's
 * names and ARNs are outputs, enough to attach alarms, IAM policies or DNS records of one's own.
 *
 * `plugin/schema.ts`, which Pulumi's schema reader takes these classes' arguments, outputs and
 * descriptions from, is written from this file and the components by `npm run plugin-schema`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import * as pulumi from "@pulumi/pulumi";
import * as edge from "../components/image-edge";
import { packageRoot } from "../components/package-root";
import * as alarms from "../components/service-alarms";
import { bundleImageFunctionIfStale } from "../tools/bundle-image-fn";
import { bundleKeyRotationFunction } from "../tools/bundle-key-rotation-fn";

/**
 * Up to 0.2.0 the plugin built each component under a wrapper of the same type, so a stack deployed
 * from another language holds its children under `<type>$<type>`. An alias to that former inner
 * component, which the children inherit, keeps every one of them where it is.
 */
function formerlyWrapped(type: string, name: string, opts: pulumi.ComponentResourceOptions = {}): pulumi.ComponentResourceOptions {
  return { ...opts, aliases: [...(opts.aliases ?? []), pulumi.createUrn(name, `${type}$${type}`, opts.parent)] };
}

let bundle: Promise<pulumi.asset.Archive> | undefined;

/**
 * The image Lambda's code. Pulumi runs the plugin from a checkout of this repository, where no one has
 * run `npm run build`: the first ImageEdge builds the bundle unless an up-to-date one is there.
 */
function imageFunctionCode(): Promise<pulumi.asset.Archive> {
  bundle ??= (async () => {
    const root = packageRoot();
    await bundleImageFunctionIfStale(join(root, "dist", "image-fn"));
    return edge.defaultImageFunctionCode(root);
  })();
  return bundle;
}

let rotationBundle: Promise<pulumi.asset.Archive> | undefined;

/** The key-rotation Lambda's code, for edges whose keys are rotation-managed, built once like the image Lambda's. */
function keyRotationFunctionCode(): Promise<pulumi.asset.Archive> {
  rotationBundle ??= (async () => {
    const root = packageRoot();
    if (!existsSync(join(root, edge.KEY_ROTATION_FUNCTION_ZIP))) await bundleKeyRotationFunction(join(root, "dist", "key-rotation-fn"));
    return edge.defaultKeyRotationFunctionCode(root);
  })();
  return rotationBundle;
}

/**
 * A signed-URL image CDN: private buckets, a keyring whose keys are generated and rotated inside AWS,
 * the image Lambda behind a Function URL only CloudFront can call, a viewer-request function that
 * checks every signature, and optional DNS and TLS.
 * Outside TypeScript there is no `transform` argument and no `nodes` output: the children's names
 * and ARNs are outputs instead.
 */
export class ImageEdge extends edge.ImageEdge {
  /** ARN of the image Lambda (unqualified), for IAM policies and alarms of your own. */
  public readonly functionArn = this.nodes.imageFunction.arn;
  /** Name of the image Lambda's IAM role, to attach policies of your own. */
  public readonly functionRoleName = this.nodes.imageFunctionRole.name;
  /** ARN of the image Lambda's IAM role. */
  public readonly functionRoleArn = this.nodes.imageFunctionRole.arn;
  /** Log group of the image Lambda, for metric filters and subscriptions. */
  public readonly functionLogGroupName = this.nodes.imageFunctionLogs.name;
  /** ARN of the viewer-request CloudFront Function. */
  public readonly edgeFunctionArn = this.nodes.edgeFunction.arn;
  /** The distribution's own `*.cloudfront.net` name, the target of DNS records of your own. */
  public readonly distributionDomainName = this.nodes.distribution.domainName;
  /** Route 53 zone id of CloudFront (for alias records pointing at the distribution). */
  public readonly distributionHostedZoneId = this.nodes.distribution.hostedZoneId;
  /** ARN of the bucket the originals are read from, for upload policies. */
  public readonly originalsBucketArn: pulumi.Output<string>;
  /** Bucket the access logs are delivered to. */
  public readonly logsBucketName = this.nodes.logsBucket.bucket;
  /** ARN of the bucket the access logs are delivered to. */
  public readonly logsBucketArn = this.nodes.logsBucket.arn;
  /** ARN of the CloudFront KeyValueStore the viewer-request function reads key ids from. */
  public readonly keyValueStoreArn = this.nodes.keyValueStore.arn;
  /** ARN of the TLS certificate, when `domain` is set. */
  public readonly certificateArn = this.nodes.certificate?.arn;
  /** ARN of the key-rotation Lambda; absent when keys are generated in state (`signingKeys`). */
  public readonly keyRotationFunctionArn = this.nodes.keyRotationFunction?.arn;
  /** Name of the key-rotation Lambda's IAM role; absent when keys are generated in state (`signingKeys`). */
  public readonly keyRotationFunctionRoleName = this.nodes.keyRotationFunctionRole?.name;
  /** ARN of the key-rotation Lambda's IAM role; absent when keys are generated in state (`signingKeys`). */
  public readonly keyRotationFunctionRoleArn = this.nodes.keyRotationFunctionRole?.arn;

  constructor(name: string, args: edge.ImageEdgeSettings, opts?: pulumi.ComponentResourceOptions) {
    const code = {
      imageFunctionCode: args.imageFunctionCode ?? pulumi.output(imageFunctionCode()),
      keyRotationFunctionCode: args.keyRotationFunctionCode ?? (args.signingKeys ? undefined : pulumi.output(keyRotationFunctionCode())),
    };
    super(name, { ...args, ...code }, formerlyWrapped(edge.IMAGE_EDGE_TYPE, name, opts));
    this.originalsBucketArn = pulumi.output(this.nodes.originalsBucket?.arn ?? args.originalsBucket!.arn);
  }
}

/**
 * Alarms that page people when a Lambda and CloudFront service breaks, one composite "service
 * unhealthy" alarm per place notifying a KMS-encrypted SNS topic, and a dashboard. Outside TypeScript
 * there is no `transform` argument and no `nodes` output: the alarms' and the dashboard's ARNs are
 * outputs instead.
 */
export class ServiceAlarms extends alarms.ServiceAlarms {
  /** ARNs of every metric alarm, in the order the composite alarms watch them. */
  public readonly alarmArns = this.nodes.alarms.map((alarm) => alarm.arn);
  /** Names of the "service unhealthy" composite alarms, one per place: the alarms that page. */
  public readonly serviceUnhealthyAlarmNames = this.nodes.serviceUnhealthy.map((alarm) => alarm.alarmName);
  /** ARNs of the "service unhealthy" composite alarms, for actions of your own. */
  public readonly serviceUnhealthyAlarmArns = this.nodes.serviceUnhealthy.map((alarm) => alarm.arn);
  /** ARN of the dashboard. */
  public readonly dashboardArn = this.nodes.dashboard.dashboardArn;

  constructor(name: string, args: alarms.ServiceAlarmsSettings, opts?: pulumi.ComponentResourceOptions) {
    super(name, args, formerlyWrapped(alarms.SERVICE_ALARMS_TYPE, name, opts));
  }
}
