/**
 * The alarms on one Lambda function: what makes it fail its callers (errors, and the 5xx answers and
 * refused signatures of a function that writes request metrics), turns them away (throttles,
 * concurrency near its reservation) or nearly times out.
 */
import type * as aws from "@pulumi/aws";
import { METRICS_NAMESPACE, serverErrorMetric } from "../image-fn/request-log";
import { type AlarmDefinition, durationLimitMs, servedDimensions, wholeFunctionDimensions } from "./alarm-series";
import type { AlarmedLambda, AlarmThresholds, MetricAlarmRole } from "./service-alarms";

export function lambdaAlarms(lambda: AlarmedLambda, thresholds: AlarmThresholds): AlarmDefinition[] {
  const alarms: AlarmDefinition[] = [];
  const alarm = (role: MetricAlarmRole, args: aws.cloudwatch.MetricAlarmArgs) => alarms.push({ role, instance: lambda.name, args });
  const served = servedDimensions(lambda);
  const wholeFunction = wholeFunctionDimensions(lambda);
  alarm("lambdaErrors", {
    alarmDescription: `${lambda.name}: ${thresholds.lambdaErrors} or more Lambda errors in 5 minutes. Check the function's log group for the failing requests.`,
    namespace: "AWS/Lambda",
    metricName: "Errors",
    dimensions: served,
    statistic: "Sum",
    period: 300,
    evaluationPeriods: 1,
    threshold: thresholds.lambdaErrors,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
  });
  alarm("lambdaThrottles", {
    alarmDescription: `${lambda.name}: ${thresholds.lambdaThrottles} or more Lambda throttles in 5 minutes: requests are turned away for lack of concurrency.`,
    namespace: "AWS/Lambda",
    metricName: "Throttles",
    dimensions: wholeFunction,
    statistic: "Sum",
    period: 300,
    evaluationPeriods: 1,
    threshold: thresholds.lambdaThrottles,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
  });
  const durationLimit = durationLimitMs(lambda, thresholds);
  alarm("lambdaDuration", {
    alarmDescription: `${lambda.name}: p99 duration above ${durationLimit} ms (${thresholds.durationShareOfTimeout} of the ${lambda.timeoutSeconds} s timeout) in 2 of 3 five-minute periods: requests are close to timing out.`,
    namespace: "AWS/Lambda",
    metricName: "Duration",
    dimensions: served,
    extendedStatistic: "p99",
    evaluateLowSampleCountPercentiles: "ignore",
    period: 300,
    evaluationPeriods: 3,
    datapointsToAlarm: 2,
    threshold: durationLimit,
    comparisonOperator: "GreaterThanThreshold",
    treatMissingData: "ignore",
  });
  if (lambda.reservedConcurrency !== undefined) {
    const concurrencyLimit = Math.ceil(lambda.reservedConcurrency * thresholds.concurrencyShareOfReserved);
    alarm("lambdaConcurrency", {
      alarmDescription: `${lambda.name}: ${concurrencyLimit} or more concurrent executions of the ${lambda.reservedConcurrency} reserved, in 3 of 5 minutes: throttling is near.`,
      namespace: "AWS/Lambda",
      metricName: "ConcurrentExecutions",
      dimensions: wholeFunction,
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      threshold: concurrencyLimit,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
  }
  if (lambda.emitsRequestMetrics) {
    // The handler answers 5xx instead of throwing, so Lambda's Errors misses them; its own count is
    // what viewers see fail, in the function's region where a gradual deployment can watch it.
    alarm("originServerErrors", {
      alarmDescription: `${lambda.name}: ${thresholds.lambdaErrors} or more 5xx answers in one minute. A gradual deployment rolls back on it; check the function's log group for the failing requests.`,
      ...serverErrorMetric(lambda.functionName),
      statistic: "Sum",
      period: 60,
      evaluationPeriods: 1,
      threshold: thresholds.lambdaErrors,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
    alarm("signatureFailures", {
      alarmDescription: `${lambda.name}: ${thresholds.signatureFailuresPerMinute} or more refused signatures per minute at the origin, in 3 of 5 minutes. The edge checks signatures first, so these got past it: look for a keyring the edge and the origin disagree on.`,
      namespace: METRICS_NAMESPACE,
      metricName: "SignatureFailures",
      dimensions: wholeFunction,
      statistic: "Sum",
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      threshold: thresholds.signatureFailuresPerMinute,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    });
  }
  return alarms;
}
