/** Metric-math alarms (metricQueries): an error rate over invocations and throttles, both on the function's name. */
import * as aws from "@pulumi/aws";
import { emailTopic, lambdaFunction } from "../support/resources";

const fn = lambdaFunction("fn");
const topic = emailTopic("alerts");
const metric = (id: string, metricName: string) => ({
  id,
  metric: { namespace: "AWS/Lambda", metricName, dimensions: { FunctionName: fn.name }, period: 300, stat: "Sum" },
});
new aws.cloudwatch.MetricAlarm("fn-error-rate", {
  comparisonOperator: "GreaterThanThreshold",
  evaluationPeriods: 2,
  threshold: 5,
  metricQueries: [metric("errors", "Errors"), metric("invocations", "Invocations"), { id: "rate", expression: "100 * errors / MAX([invocations, 1])", returnData: true }],
  alarmActions: [topic.arn],
});
new aws.cloudwatch.MetricAlarm("fn-throttles-anomaly", {
  comparisonOperator: "GreaterThanUpperThreshold",
  evaluationPeriods: 3,
  thresholdMetricId: "band",
  metricQueries: [{ ...metric("throttles", "Throttles"), returnData: true }, { id: "band", expression: "ANOMALY_DETECTION_BAND(throttles, 2)", returnData: true }],
  alarmActions: [topic.arn],
});
