import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ImageEdge, KEY_ROTATION_TIMEOUT_SECONDS, ServiceAlarms } from "rendorix";

const tags = { service: "catalog", environment: pulumi.getStack() };

// Two image CDNs in one stack: each has its own buckets, keyring, functions and distribution.
// Products' signing keys are generated and rotated inside AWS (the default); avatars keeps its keys
// in Pulumi state, which the policy pack's signing-keys-in-state advisory points out.
const products = new ImageEdge("products", { keyRotationDays: 30, tags });
const avatars = new ImageEdge("avatars", {
  signingKeys: ["a2", "a1"],
  presets: { face: { width: 96, height: 96, fit: "cover", format: "auto" } },
  transform: { imageFunction: { memorySize: 1024 } },
  tags,
});

// One set of alarms and one page for both.
const edges = { products, avatars };
const alarms = new ServiceAlarms("catalog-images", {
  lambdas: [
    ...Object.entries(edges).map(([name, edge]) => ({
      name,
      functionName: edge.functionName,
      aliasName: edge.functionAliasName,
      timeoutSeconds: edge.timeoutSeconds,
      emitsRequestMetrics: true,
    })),
    // A failed rotation leaves the current key signing, but someone should know.
    { name: "products-key-rotation", functionName: products.nodes.keyRotationFunction!.name, timeoutSeconds: KEY_ROTATION_TIMEOUT_SECONDS, rollbackTrigger: false },
  ],
  distributions: Object.entries(edges).map(([name, edge]) => ({ name, distributionId: edge.distributionId })),
  edgeFunctions: Object.entries(edges).map(([name, edge]) => ({ name, functionName: edge.edgeFunctionName })),
  emails: ["oncall@example.com"],
  tags,
});

// The children are there to build on: an alarm of our own on the products Lambda's memory-heavy path.
new aws.cloudwatch.MetricAlarm("products-slow-p50", {
  namespace: "AWS/Lambda",
  metricName: "Duration",
  dimensions: { FunctionName: products.nodes.imageFunction.name },
  extendedStatistic: "p50",
  period: 300,
  evaluationPeriods: 3,
  threshold: 2000,
  comparisonOperator: "GreaterThanThreshold",
  alarmActions: [alarms.nodes.topics.regional!.arn],
  tags,
});

export const productsUrl = products.baseUrl;
export const avatarsUrl = avatars.baseUrl;
export const dashboardUrl = alarms.dashboardUrl;
