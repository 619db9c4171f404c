/** Account-level Block Public Access in the program refuses the public policy the bucket's own settings would let through. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

new aws.s3.AccountPublicAccessBlock("account", {
  blockPublicAcls: true,
  blockPublicPolicy: true,
  ignorePublicAcls: true,
  restrictPublicBuckets: true,
});
const bucket = new aws.s3.Bucket("shared");
new aws.s3.BucketPublicAccessBlock("shared-public-access", {
  bucket: bucket.id,
  blockPublicAcls: false,
  blockPublicPolicy: false,
  ignorePublicAcls: false,
  restrictPublicBuckets: false,
});
new aws.s3.BucketPolicy("shared-policy", {
  bucket: bucket.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: pulumi.interpolate`${bucket.arn}/*` }],
  }),
});
