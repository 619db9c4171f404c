/** A public-read policy on a new bucket whose Block Public Access nothing turns off: S3 refuses the policy. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const bucket = new aws.s3.Bucket("assets");
new aws.s3.BucketPolicy("assets-policy", {
  bucket: bucket.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: pulumi.interpolate`${bucket.arn}/*` }],
  }),
});
