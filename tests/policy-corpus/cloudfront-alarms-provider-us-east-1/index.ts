/** CloudFront alarms through an explicit us-east-1 provider, where CloudFront publishes its metrics, with the topic beside them. */
import * as aws from "@pulumi/aws";

const distribution = new aws.cloudfront.Distribution("cdn", {
  enabled: true,
  origins: [{ originId: "api", domainName: "api.example.com", customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] } }],
  defaultCacheBehavior: {
    targetOriginId: "api",
    viewerProtocolPolicy: "redirect-to-https",
    allowedMethods: ["GET", "HEAD"],
    cachedMethods: ["GET", "HEAD"],
    cachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  },
  restrictions: { geoRestriction: { restrictionType: "none" } },
  viewerCertificate: { cloudfrontDefaultCertificate: true },
});
const useast1 = new aws.Provider("us-east-1", { region: "us-east-1" });
const topic = new aws.sns.Topic("cdn-alerts", {}, { provider: useast1 });
new aws.sns.TopicSubscription("cdn-alerts-email", { topic: topic.arn, protocol: "email", endpoint: "oncall@example.com" }, { provider: useast1 });
for (const metricName of ["5xxErrorRate", "4xxErrorRate"]) {
  new aws.cloudwatch.MetricAlarm(
    `cdn-${metricName.toLowerCase()}`,
    {
      namespace: "AWS/CloudFront",
      metricName,
      dimensions: { DistributionId: distribution.id, Region: "Global" },
      statistic: "Average",
      period: 300,
      evaluationPeriods: 2,
      threshold: 5,
      comparisonOperator: "GreaterThanThreshold",
      alarmActions: [topic.arn],
    },
    { provider: useast1 },
  );
}
