/**
 * The dashboard of a `ServiceAlarms`: every alarm's state on top, then the series each target's alarms
 * watch, with the alarm thresholds drawn on them.
 */
import * as pulumi from "@pulumi/pulumi";
import { METRICS_NAMESPACE, REQUESTS_METRIC, serverErrorMetric } from "../image-fn/request-log";
import {
  anomalyBand,
  CLOUDFRONT_METRICS_REGION,
  type Dimensions,
  distributionDimensions,
  durationLimitMs,
  edgeFunctionDimensions,
  servedDimensions,
  wholeFunctionDimensions,
} from "./alarm-series";
import type { AlarmedDistribution, AlarmedEdgeFunction, AlarmedLambda, AlarmThresholds } from "./service-alarms";

export interface DashboardContent {
  /** Every alarm, metric and composite, whose state the dashboard shows. */
  alarms: { arn: pulumi.Output<string> }[];
  lambdas: AlarmedLambda[];
  distributions: AlarmedDistribution[];
  edgeFunctions: AlarmedEdgeFunction[];
  /** Region of the Lambda functions. */
  region: pulumi.Input<string>;
  thresholds: AlarmThresholds;
}

/** The dashboard's body, as CloudWatch's `PutDashboard` takes it. */
export function dashboardBody(content: DashboardContent): pulumi.Output<string> {
  const widgets = [
    alarmStatusWidget(content.alarms),
    ...content.lambdas.flatMap((lambda) => lambdaWidgets(lambda, content.region, content.thresholds)),
    ...content.distributions.map(distributionWidget),
    ...content.edgeFunctions.map(edgeFunctionWidget),
  ];
  return pulumi.jsonStringify({ widgets });
}

/** A line of a metric widget: namespace, metric name, dimension names and values, then its options. */
function metricLine(namespace: string, metricName: string, dimensions: Dimensions, options: Record<string, unknown>): unknown[] {
  return [namespace, metricName, ...Object.entries(dimensions).flat(), options];
}

function metricWidget(title: string, region: pulumi.Input<string>, metrics: unknown[][], extra: Record<string, unknown> = {}) {
  return { type: "metric", width: 8, height: 6, properties: { title, region, view: "timeSeries", period: 300, metrics, ...extra } };
}

function alarmStatusWidget(alarms: { arn: pulumi.Output<string> }[]) {
  return { type: "alarm", width: 24, height: 4, properties: { title: "Alarms", alarms: alarms.map((alarm) => alarm.arn), sortBy: "stateUpdatedTimestamp" } };
}

function lambdaWidgets(lambda: AlarmedLambda, region: pulumi.Input<string>, thresholds: AlarmThresholds) {
  const served = servedDimensions(lambda);
  const wholeFunction = wholeFunctionDimensions(lambda);
  const widgets = [
    metricWidget(`${lambda.name}: invocations, errors, throttles`, region, [
      metricLine("AWS/Lambda", "Invocations", served, { stat: "Sum" }),
      metricLine("AWS/Lambda", "Errors", served, { stat: "Sum" }),
      metricLine("AWS/Lambda", "Throttles", wholeFunction, { stat: "Sum" }),
    ]),
    metricWidget(
      `${lambda.name}: duration`,
      region,
      [metricLine("AWS/Lambda", "Duration", served, { stat: "p50" }), metricLine("AWS/Lambda", "Duration", served, { stat: "p99" })],
      { annotations: { horizontal: [{ label: "alarm", value: durationLimitMs(lambda, thresholds) }] } },
    ),
    metricWidget(
      `${lambda.name}: concurrency`,
      region,
      [metricLine("AWS/Lambda", "ConcurrentExecutions", wholeFunction, { stat: "Maximum" })],
      lambda.reservedConcurrency === undefined ? {} : { annotations: { horizontal: [{ label: "reserved", value: lambda.reservedConcurrency }] } },
    ),
  ];
  if (!lambda.emitsRequestMetrics) return widgets;
  const serverErrors = serverErrorMetric(lambda.functionName);
  const search = (dimension: string, metricName: string) =>
    pulumi.interpolate`SEARCH('{${METRICS_NAMESPACE},FunctionName,${dimension}} MetricName="${metricName}" FunctionName="${lambda.functionName}"', 'Sum', 60)`;
  return [
    ...widgets,
    metricWidget(
      `${lambda.name}: requests by status class`,
      region,
      [[{ expression: search("StatusClass", REQUESTS_METRIC), id: "requests" }], metricLine(serverErrors.namespace, serverErrors.metricName, serverErrors.dimensions, { stat: "Sum", label: "5xx (alarm)" })],
      { period: 60, annotations: { horizontal: [{ label: "5xx alarm", value: thresholds.lambdaErrors }] } },
    ),
    metricWidget(
      `${lambda.name}: signature failures`,
      region,
      [metricLine(METRICS_NAMESPACE, "SignatureFailures", wholeFunction, { stat: "Sum", label: "all codes" }), [{ expression: search("ErrorCode", "SignatureFailures"), id: "byCode" }]],
      { period: 60, annotations: { horizontal: [{ label: "alarm", value: thresholds.signatureFailuresPerMinute }] } },
    ),
    metricWidget(`${lambda.name}: source bytes and transform time`, region, [
      metricLine(METRICS_NAMESPACE, "SourceBytes", wholeFunction, { stat: "p99" }),
      metricLine(METRICS_NAMESPACE, "TransformMs", wholeFunction, { stat: "p99", yAxis: "right" }),
    ]),
  ];
}

function distributionWidget(distribution: AlarmedDistribution) {
  const dimensions = distributionDimensions(distribution);
  return metricWidget(`${distribution.name}: error rates`, CLOUDFRONT_METRICS_REGION, [
    metricLine("AWS/CloudFront", "5xxErrorRate", dimensions, { stat: "Average" }),
    metricLine("AWS/CloudFront", "4xxErrorRate", dimensions, { stat: "Average" }),
    metricLine("AWS/CloudFront", "403ErrorRate", dimensions, { stat: "Average", id: "m1" }),
    [{ expression: anomalyBand("m1"), label: "403ErrorRate (expected)", id: "ad1" }],
    metricLine("AWS/CloudFront", "Requests", dimensions, { stat: "Sum", yAxis: "right" }),
  ]);
}

function edgeFunctionWidget(edgeFunction: AlarmedEdgeFunction) {
  return metricWidget(
    `${edgeFunction.name}: CloudFront Function`,
    CLOUDFRONT_METRICS_REGION,
    ["FunctionInvocations", "FunctionExecutionErrors", "FunctionValidationErrors", "FunctionThrottles"].map((metricName) =>
      metricLine("AWS/CloudFront", metricName, edgeFunctionDimensions(edgeFunction), { stat: "Sum" }),
    ),
  );
}
