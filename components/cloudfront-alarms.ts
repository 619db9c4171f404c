/**
 * The alarms on CloudFront, all in us-east-1 where it publishes its metrics: a distribution's 5xx
 * rate and its 403 rate (against a learned band and a static ceiling), a CloudFront Function's errors
 * and throttles.
 */
import type * as aws from "@pulumi/aws";
import { type AlarmDefinition, anomalyBand, distributionDimensions, edgeFunctionDimensions } from "./alarm-series";
import type { AlarmedDistribution, AlarmedEdgeFunction, AlarmThresholds, MetricAlarmRole } from "./service-alarms";

export function distributionAlarms(distribution: AlarmedDistribution, thresholds: AlarmThresholds): AlarmDefinition[] {
  const dimensions = distributionDimensions(distribution);
  const alarm = (role: MetricAlarmRole, args: aws.cloudwatch.MetricAlarmArgs, readsAdditionalMetrics = false): AlarmDefinition => ({
    role,
    instance: distribution.name,
    args,
    readsAdditionalMetrics,
  });
  return [
    alarm("distribution5xxRate", {
      alarmDescription: `${distribution.name}: more than ${thresholds.cloudfront5xxRatePercent}% of viewer requests answered 5xx over 5 minutes.`,
      namespace: "AWS/CloudFront",
      metricName: "5xxErrorRate",
      dimensions,
      statistic: "Average",
      period: 300,
      evaluationPeriods: 1,
      threshold: thresholds.cloudfront5xxRatePercent,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "ignore",
    }),
    alarm(
      "distribution403Ceiling",
      {
        alarmDescription: `${distribution.name}: more than ${thresholds.cloudfront403RateCeilingPercent}% of viewer requests refused with 403 over 5 minutes, whatever the usual rate.`,
        namespace: "AWS/CloudFront",
        metricName: "403ErrorRate",
        dimensions,
        statistic: "Average",
        period: 300,
        evaluationPeriods: 1,
        threshold: thresholds.cloudfront403RateCeilingPercent,
        comparisonOperator: "GreaterThanThreshold",
        treatMissingData: "ignore",
      },
      true,
    ),
    alarm(
      "distribution403Anomaly",
      {
        alarmDescription: `${distribution.name}: the 403 rate is above the band CloudWatch learned for it, for 10 minutes: a burst of bad or expired signatures.`,
        metricQueries: [
          {
            id: "m1",
            returnData: true,
            metric: { namespace: "AWS/CloudFront", metricName: "403ErrorRate", dimensions, stat: "Average", period: 300 },
          },
          { id: "ad1", expression: anomalyBand("m1"), label: "403ErrorRate (expected)", returnData: true },
        ],
        thresholdMetricId: "ad1",
        comparisonOperator: "GreaterThanUpperThreshold",
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        treatMissingData: "ignore",
      },
      true,
    ),
  ];
}

export function edgeFunctionAlarms(edgeFunction: AlarmedEdgeFunction, thresholds: AlarmThresholds): AlarmDefinition[] {
  const counted = {
    namespace: "AWS/CloudFront",
    dimensions: edgeFunctionDimensions(edgeFunction),
    statistic: "Sum",
    period: 300,
    evaluationPeriods: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
  };
  return [
    {
      role: "edgeFunctionErrors",
      instance: edgeFunction.name,
      args: {
        ...counted,
        alarmDescription: `${edgeFunction.name}: ${thresholds.edgeFunctionErrors} or more CloudFront Function execution errors in 5 minutes; each one failed a viewer request.`,
        metricName: "FunctionExecutionErrors",
        threshold: thresholds.edgeFunctionErrors,
      },
    },
    {
      role: "edgeFunctionThrottles",
      instance: edgeFunction.name,
      args: {
        ...counted,
        alarmDescription: `${edgeFunction.name}: ${thresholds.edgeFunctionThrottles} or more CloudFront Function throttles in 5 minutes: the function exceeds its compute limit.`,
        metricName: "FunctionThrottles",
        threshold: thresholds.edgeFunctionThrottles,
      },
    },
  ];
}
