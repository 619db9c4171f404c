/** Account-level Block Public Access in the program refuses the public policy the bucket's own settings would let through. */
import * as aws from "@pulumi/aws";
import { policyDocument, publicAccessBlock, publicReadStatement } from "../support/resources";

new aws.s3.AccountPublicAccessBlock("account", { blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
const bucket = new aws.s3.Bucket("shared");
publicAccessBlock("shared", bucket, false);
new aws.s3.BucketPolicy("shared-policy", { bucket: bucket.id, policy: policyDocument(publicReadStatement(bucket)) });
