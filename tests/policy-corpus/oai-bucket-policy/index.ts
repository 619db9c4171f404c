/** The legacy Origin Access Identity pattern: the bucket policy names the OAI's IAM ARN as the principal. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument, publicAccessBlock } from "../support/resources";

const bucket = new aws.s3.Bucket("content");
publicAccessBlock("content", bucket, true);
const identity = new aws.cloudfront.OriginAccessIdentity("content-oai", { comment: "read content" });
new aws.s3.BucketPolicy("content-policy", {
  bucket: bucket.id,
  policy: policyDocument({ Effect: "Allow", Principal: { AWS: identity.iamArn }, Action: "s3:GetObject", Resource: pulumi.interpolate`${bucket.arn}/*` }),
});
