/** The legacy Origin Access Identity pattern: the bucket policy names the OAI's IAM ARN as the principal. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const bucket = new aws.s3.Bucket("content");
new aws.s3.BucketPublicAccessBlock("content-public-access", {
  bucket: bucket.id,
  blockPublicAcls: true,
  blockPublicPolicy: true,
  ignorePublicAcls: true,
  restrictPublicBuckets: true,
});
const identity = new aws.cloudfront.OriginAccessIdentity("content-oai", { comment: "read content" });
new aws.s3.BucketPolicy("content-policy", {
  bucket: bucket.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { AWS: identity.iamArn }, Action: "s3:GetObject", Resource: pulumi.interpolate`${bucket.arn}/*` }],
  }),
});
