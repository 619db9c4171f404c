// Written by `npm run plugin-schema` (tools/plugin-schema.ts) from plugin/components.ts and the
// components it extends: edit those, then run it. Pulumi's schema reader takes the plugin package's
// components from these declarations; the classes provider.ts hosts are the ones in plugin/components.ts.
import type * as pulumi from "@pulumi/pulumi";
import type { ImageEdgeSettings } from "../components/image-edge";
import type { ServiceAlarmsSettings } from "../components/service-alarms";
import type * as hosted from "./components";

/**
 * A signed-URL image CDN: private buckets, a keyring whose keys are generated and rotated inside AWS,
 * the image Lambda behind a Function URL only CloudFront can call, a viewer-request function that
 * checks every signature, and optional DNS and TLS.
 * Outside TypeScript there is no `transform` argument and no `nodes` output: the children's names
 * and ARNs are outputs instead.
 */
export declare class ImageEdge extends pulumi.ComponentResource {
  constructor(name: string, args: ImageEdgeSettings, opts?: pulumi.ComponentResourceOptions);
  /** Hostname the images are served on: the domain, or the distribution's cloudfront.net name. */
  readonly hostname: hosted.ImageEdge["hostname"];
  /** `https://` and the hostname: the base of every signed URL. */
  readonly baseUrl: hosted.ImageEdge["baseUrl"];
  /** Id of the CloudFront distribution. */
  readonly distributionId: hosted.ImageEdge["distributionId"];
  /** ARN of the CloudFront distribution. */
  readonly distributionArn: hosted.ImageEdge["distributionArn"];
  /** Bucket the originals are read from. */
  readonly originalsBucketName: hosted.ImageEdge["originalsBucketName"];
  /** ARN of the keyring secret backends read their signing keys from; never a key itself. */
  readonly keyringSecretArn: hosted.ImageEdge["keyringSecretArn"];
  /** Name of the image Lambda. */
  readonly functionName: hosted.ImageEdge["functionName"];
  /** Name of the alias CloudFront invokes (`live`). */
  readonly functionAliasName: hosted.ImageEdge["functionAliasName"];
  /** ARN of the alias CloudFront invokes. */
  readonly functionAliasArn: hosted.ImageEdge["functionAliasArn"];
  /** The image Lambda's latest published version, which a gradual rollout moves the alias to. */
  readonly functionVersion: hosted.ImageEdge["functionVersion"];
  /** Name of the viewer-request CloudFront Function. */
  readonly edgeFunctionName: hosted.ImageEdge["edgeFunctionName"];
  /** Name of the key-rotation Lambda, for its alarms; absent when keys are generated in state (`signingKeys`). */
  readonly keyRotationFunctionName: hosted.ImageEdge["keyRotationFunctionName"];
  /** Timeout of the image Lambda in seconds, for alarms that compare its duration to it. */
  readonly timeoutSeconds: hosted.ImageEdge["timeoutSeconds"];
  /** Reserved concurrency of the image Lambda, when set. */
  readonly reservedConcurrency: hosted.ImageEdge["reservedConcurrency"];
  /** ARN of the image Lambda (unqualified), for IAM policies and alarms of your own. */
  readonly functionArn: hosted.ImageEdge["functionArn"];
  /** Name of the image Lambda's IAM role, to attach policies of your own. */
  readonly functionRoleName: hosted.ImageEdge["functionRoleName"];
  /** ARN of the image Lambda's IAM role. */
  readonly functionRoleArn: hosted.ImageEdge["functionRoleArn"];
  /** Log group of the image Lambda, for metric filters and subscriptions. */
  readonly functionLogGroupName: hosted.ImageEdge["functionLogGroupName"];
  /** ARN of the viewer-request CloudFront Function. */
  readonly edgeFunctionArn: hosted.ImageEdge["edgeFunctionArn"];
  /** The distribution's own `*.cloudfront.net` name, the target of DNS records of your own. */
  readonly distributionDomainName: hosted.ImageEdge["distributionDomainName"];
  /** Route 53 zone id of CloudFront (for alias records pointing at the distribution). */
  readonly distributionHostedZoneId: hosted.ImageEdge["distributionHostedZoneId"];
  /** ARN of the bucket the originals are read from, for upload policies. */
  readonly originalsBucketArn: hosted.ImageEdge["originalsBucketArn"];
  /** Bucket the access logs are delivered to. */
  readonly logsBucketName: hosted.ImageEdge["logsBucketName"];
  /** ARN of the bucket the access logs are delivered to. */
  readonly logsBucketArn: hosted.ImageEdge["logsBucketArn"];
  /** ARN of the CloudFront KeyValueStore the viewer-request function reads key ids from. */
  readonly keyValueStoreArn: hosted.ImageEdge["keyValueStoreArn"];
  /** ARN of the TLS certificate, when `domain` is set. */
  readonly certificateArn: hosted.ImageEdge["certificateArn"];
  /** ARN of the key-rotation Lambda; absent when keys are generated in state (`signingKeys`). */
  readonly keyRotationFunctionArn: hosted.ImageEdge["keyRotationFunctionArn"];
  /** Name of the key-rotation Lambda's IAM role; absent when keys are generated in state (`signingKeys`). */
  readonly keyRotationFunctionRoleName: hosted.ImageEdge["keyRotationFunctionRoleName"];
  /** ARN of the key-rotation Lambda's IAM role; absent when keys are generated in state (`signingKeys`). */
  readonly keyRotationFunctionRoleArn: hosted.ImageEdge["keyRotationFunctionRoleArn"];
}

/**
 * Alarms that page people when a Lambda and CloudFront service breaks, one composite "service
 * unhealthy" alarm per place notifying a KMS-encrypted SNS topic, and a dashboard. Outside TypeScript
 * there is no `transform` argument and no `nodes` output: the alarms' and the dashboard's ARNs are
 * outputs instead.
 */
export declare class ServiceAlarms extends pulumi.ComponentResource {
  constructor(name: string, args: ServiceAlarmsSettings, opts?: pulumi.ComponentResourceOptions);
  /** Topic the alarms beside the functions notify; absent without `lambdas`. */
  readonly regionalTopicArn: hosted.ServiceAlarms["regionalTopicArn"];
  /** Topic the CloudFront alarms notify, in us-east-1; absent without distributions or edge functions. */
  readonly globalTopicArn: hosted.ServiceAlarms["globalTopicArn"];
  /** Name of the dashboard. */
  readonly dashboardName: hosted.ServiceAlarms["dashboardName"];
  /** Link to the dashboard in the CloudWatch console. */
  readonly dashboardUrl: hosted.ServiceAlarms["dashboardUrl"];
  /** Names of the alarms beside the functions (those of `rollbackTrigger` functions): the rollback triggers of a gradual rollout. */
  readonly regionalAlarmNames: hosted.ServiceAlarms["regionalAlarmNames"];
  /** ARNs of every metric alarm, in the order the composite alarms watch them. */
  readonly alarmArns: hosted.ServiceAlarms["alarmArns"];
  /** Names of the "service unhealthy" composite alarms, one per place: the alarms that page. */
  readonly serviceUnhealthyAlarmNames: hosted.ServiceAlarms["serviceUnhealthyAlarmNames"];
  /** ARNs of the "service unhealthy" composite alarms, for actions of your own. */
  readonly serviceUnhealthyAlarmArns: hosted.ServiceAlarms["serviceUnhealthyAlarmArns"];
  /** ARN of the dashboard. */
  readonly dashboardArn: hosted.ServiceAlarms["dashboardArn"];
}
