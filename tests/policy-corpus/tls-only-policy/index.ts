/** A Deny-only policy that refuses requests without TLS, built from the bucket's ARN; no BucketPublicAccessBlock (S3's default). */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../support/resources";

const bucket = new aws.s3.Bucket("data");
new aws.s3.BucketPolicy("data-tls-only", {
  bucket: bucket.id,
  policy: policyDocument({
    Sid: "DenyInsecureTransport",
    Effect: "Deny",
    Principal: "*",
    Action: "s3:*",
    Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
    Condition: { Bool: { "aws:SecureTransport": "false" } },
  }),
});
