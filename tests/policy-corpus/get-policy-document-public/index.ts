/** aws.iam.getPolicyDocumentOutput over the bucket's ARN granting everyone read, on a bucket with Block Public Access off. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policiesLetThrough } from "../support/resources";

const bucket = new aws.s3.Bucket("downloads");
policiesLetThrough("downloads", bucket);
const readEveryone = aws.iam.getPolicyDocumentOutput({
  statements: [{ principals: [{ type: "*", identifiers: ["*"] }], actions: ["s3:GetObject"], resources: [pulumi.interpolate`${bucket.arn}/*`] }],
});
new aws.s3.BucketPolicy("downloads-policy", { bucket: bucket.id, policy: readEveryone.json });
