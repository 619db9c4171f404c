/** Lambda alarms by the function's name in a stack whose region comes from the environment (AWS_REGION): function, alarms and topic share the default provider. */
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
for (const metricName of ["Errors", "Throttles"]) {
  new aws.cloudwatch.MetricAlarm(`fn-${metricName.toLowerCase()}`, {
    namespace: "AWS/Lambda",
    metricName,
    dimensions: { FunctionName: fn.name },
    statistic: "Sum",
    period: 60,
    evaluationPeriods: 1,
    threshold: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    alarmActions: [topic.arn],
  });
}
