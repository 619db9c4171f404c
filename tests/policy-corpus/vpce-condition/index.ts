/** A bucket readable by anyone inside one VPC endpoint (the S3 user guide's aws:SourceVpce example), Block Public Access off. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policiesLetThrough, policyDocument } from "../support/resources";

const bucket = new aws.s3.Bucket("internal");
policiesLetThrough("internal", bucket);
new aws.s3.BucketPolicy("internal-policy", {
  bucket: bucket.id,
  policy: policyDocument({
    Sid: "AccessFromOneEndpoint",
    Effect: "Allow",
    Principal: "*",
    Action: ["s3:GetObject", "s3:ListBucket"],
    Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
    Condition: { StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } },
  }),
});
