/**
 * The Rendorix program: reads the stack's configuration and composes the image edge and its alarms.
 * Everything it creates lives in `components/`; `Pulumi.<stack>.yaml` holds what differs per stack.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ImageEdge } from "./components/image-edge";
import { KEY_ROTATION_TIMEOUT_SECONDS } from "./components/key-rotation";
import { LambdaCanary } from "./components/lambda-canary";
import { ServiceAlarms } from "./components/service-alarms";
import { ownershipTags, permissionsBoundaryArn } from "./deploy/ownership";
import { keyringSecretName } from "./key-rotation-fn/keyring-secret";
import { CONFIG_NAMESPACE, readStackConfig } from "./stack-config";

const config = new pulumi.Config(CONFIG_NAMESPACE);
const settings = readStackConfig((key) => config.get(key));
const tags = ownershipTags(pulumi.getStack());
// Made by the bootstrap; the deploy role may create no role without it.
const permissionsBoundary = pulumi
  .all([aws.getPartitionOutput().partition, aws.getCallerIdentityOutput().accountId])
  .apply(([partition, accountId]) => permissionsBoundaryArn(partition, accountId, pulumi.getStack()));

const edge = new ImageEdge("rendorix", {
  // No signingKeys: keys are generated and rotated inside AWS, so neither state nor preview holds one.
  keyRotationDays: settings.keyRotationDays,
  // The name `npm run keys` and the runbooks look the keyring up by, kept from before component names
  // carried the edge's name, so deployed stacks keep their keyring secret.
  keyringSecretName: keyringSecretName(pulumi.getProject(), pulumi.getStack()),
  presets: settings.presets,
  maxUrlLifetimeSeconds: settings.maxUrlLifetimeSeconds,
  memoryMb: settings.memoryMb,
  timeoutSeconds: settings.timeoutSeconds,
  reservedConcurrency: settings.reservedConcurrency,
  logRetentionDays: settings.logRetentionDays,
  domain: settings.domain,
  priceClass: settings.priceClass,
  protect: settings.protect,
  gradualRollout: true,
  permissionsBoundary,
  tags,
});

const alarms = new ServiceAlarms("rendorix", {
  region: aws.config.region,
  lambdas: [
    {
      name: "image",
      functionName: edge.functionName,
      aliasName: edge.functionAliasName,
      timeoutSeconds: edge.timeoutSeconds,
      reservedConcurrency: edge.reservedConcurrency,
      emitsRequestMetrics: true,
    },
    ...(edge.keyRotationFunctionName
      ? [
          {
            name: "key-rotation",
            functionName: edge.keyRotationFunctionName,
            timeoutSeconds: KEY_ROTATION_TIMEOUT_SECONDS,
            // A failed rotation leaves the current key signing: it pages, but is no reason to roll back an image deployment.
            rollbackTrigger: false,
          },
        ]
      : []),
  ],
  distributions: [{ name: "edge", distributionId: edge.distributionId }],
  edgeFunctions: [{ name: "viewer-request", functionName: edge.edgeFunctionName }],
  emails: settings.alarmEmails,
  okActions: true,
  thresholds: settings.alarms,
  tags,
});

const canary = new LambdaCanary("rendorix", { rollbackAlarms: alarms.regionalAlarmNames, permissionsBoundary, tags });

export const hostname = edge.hostname;
export const baseUrl = edge.baseUrl;
export const distributionId = edge.distributionId;
export const distributionArn = edge.distributionArn;
export const originalsBucketName = edge.originalsBucketName;
export const keyringSecretArn = edge.keyringSecretArn;
export const functionName = edge.functionName;
export const functionAliasArn = edge.functionAliasArn;
export const alarmTopicArn = alarms.regionalTopicArn;
export const globalAlarmTopicArn = alarms.globalTopicArn;
export const dashboardUrl = alarms.dashboardUrl;
export const functionVersion = edge.functionVersion;
export const deployApplication = canary.applicationName;
export const deploymentGroup = canary.deploymentGroupName;
