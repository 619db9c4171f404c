/** Allow with NotPrincipal: everyone but one account may read, which is public; Block Public Access off. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policiesLetThrough, policyDocument } from "../support/resources";

const bucket = new aws.s3.Bucket("exports");
policiesLetThrough("exports", bucket);
new aws.s3.BucketPolicy("exports-policy", {
  bucket: bucket.id,
  policy: policyDocument({ Effect: "Allow", NotPrincipal: { AWS: "arn:aws:iam::111122223333:root" }, Action: "s3:GetObject", Resource: pulumi.interpolate`${bucket.arn}/*` }),
});
