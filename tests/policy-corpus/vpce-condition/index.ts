/** A bucket readable by anyone inside one VPC endpoint (the S3 user guide's aws:SourceVpce example), Block Public Access off. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const bucket = new aws.s3.Bucket("internal");
new aws.s3.BucketPublicAccessBlock("internal-public-access", {
  bucket: bucket.id,
  blockPublicAcls: true,
  blockPublicPolicy: false,
  ignorePublicAcls: true,
  restrictPublicBuckets: false,
});
new aws.s3.BucketPolicy("internal-policy", {
  bucket: bucket.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccessFromOneEndpoint",
        Effect: "Allow",
        Principal: "*",
        Action: ["s3:GetObject", "s3:ListBucket"],
        Resource: [bucket.arn, pulumi.interpolate`${bucket.arn}/*`],
        Condition: { StringEquals: { "aws:SourceVpce": "vpce-1a2b3c4d" } },
      },
    ],
  }),
});
