/**
 * The CloudWatch series a `ServiceAlarms` watches, defined once for its alarms and its dashboard: the
 * dimensions of each target, where CloudFront's metrics live, and the limits derived from thresholds.
 */
import * as pulumi from "@pulumi/pulumi";
import type { AlarmedDistribution, AlarmedEdgeFunction, AlarmedLambda, AlarmThresholds } from "./service-alarms";

export type Dimensions = Record<string, pulumi.Input<string>>;

/** CloudFront publishes its metrics, and the Function's, in us-east-1 only (dimension `Region=Global`). */
export const CLOUDFRONT_METRICS_REGION = "us-east-1";

/** Width of the 403-rate anomaly band, in standard deviations of the learned model. */
const ANOMALY_BAND_WIDTH = 2;

/** The metric-math expression of the band CloudWatch learns for the series with id `metricId`. */
export function anomalyBand(metricId: string): string {
  return `ANOMALY_DETECTION_BAND(${metricId}, ${ANOMALY_BAND_WIDTH})`;
}

/** The dimensions of the traffic a function serves: its alias when one is given. */
export function servedDimensions(lambda: AlarmedLambda): Dimensions {
  if (lambda.aliasName === undefined) return { FunctionName: lambda.functionName };
  return { FunctionName: lambda.functionName, Resource: pulumi.interpolate`${lambda.functionName}:${lambda.aliasName}` };
}

/**
 * The dimensions of a whole function, all versions: reserved concurrency belongs to the function and
 * is shared by its versions, so throttles and concurrency are watched here.
 */
export function wholeFunctionDimensions(lambda: AlarmedLambda): Dimensions {
  return { FunctionName: lambda.functionName };
}

export function distributionDimensions(distribution: AlarmedDistribution): Dimensions {
  return { DistributionId: distribution.distributionId, Region: "Global" };
}

export function edgeFunctionDimensions(edgeFunction: AlarmedEdgeFunction): Dimensions {
  return { FunctionName: edgeFunction.functionName, Region: "Global" };
}

/** The p99 duration above which a function is close to timing out, in milliseconds. */
export function durationLimitMs(lambda: AlarmedLambda, thresholds: AlarmThresholds): number {
  return Math.round(lambda.timeoutSeconds * 1000 * thresholds.durationShareOfTimeout);
}
