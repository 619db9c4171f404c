/**
 * The CloudWatch series a `ServiceAlarms` watches, defined once for its alarms and its dashboard: the
 * dimensions of each target, where CloudFront's metrics live, and the limits derived from thresholds.
 */
import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AlarmedDistribution, AlarmedEdgeFunction, AlarmedLambda, AlarmThresholds, MetricAlarmRole } from "./service-alarms";

/**
 * One metric alarm on a target, before it is created: `ServiceAlarms` names it `<role>-<instance>`
 * and gives it its place's region and the tags.
 *
 * Missing data is treated per kind of metric: counts are not published when nothing happened, so a
 * missing count is a zero ("notBreaching"); a rate or percentile over no traffic says nothing either
 * way, so those alarms keep their state ("ignore") and a quiet night neither raises nor clears them.
 */
export interface AlarmDefinition {
  role: MetricAlarmRole;
  /** The target's name. */
  instance: string;
  args: aws.cloudwatch.MetricAlarmArgs;
  /** It reads one of a distribution's additional metrics, published only once they are subscribed to. */
  readsAdditionalMetrics?: boolean;
}

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
