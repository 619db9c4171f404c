/** Metric-math alarms (metricQueries): an error rate over invocations and throttles, both on the function's name. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const role = new aws.iam.Role("fn-role", {
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
  }),
});
const fn = new aws.lambda.Function("fn", {
  runtime: aws.lambda.Runtime.NodeJS22dX,
  handler: "index.handler",
  role: role.arn,
  code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => 'ok';") }),
});
const topic = new aws.sns.Topic("alerts");
new aws.sns.TopicSubscription("alerts-email", { topic: topic.arn, protocol: "email", endpoint: "oncall@example.com" });
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
