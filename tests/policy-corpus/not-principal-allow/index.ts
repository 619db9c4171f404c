/** Allow with NotPrincipal: everyone but one account may read, which is public; Block Public Access off. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const bucket = new aws.s3.Bucket("exports");
new aws.s3.BucketPublicAccessBlock("exports-public-access", {
  bucket: bucket.id,
  blockPublicAcls: true,
  blockPublicPolicy: false,
  ignorePublicAcls: true,
  restrictPublicBuckets: false,
});
new aws.s3.BucketPolicy("exports-policy", {
  bucket: bucket.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "s3:GetObject", Resource: pulumi.interpolate`${bucket.arn}/*` }],
  }),
});
