/** Account-level Block Public Access declared in the pack's config (managed outside this program) refuses the public policy. */
import * as aws from "@pulumi/aws";
import { policyDocument, publicAccessBlock, publicReadStatement } from "../support/resources";

const bucket = new aws.s3.Bucket("shared");
publicAccessBlock("shared", bucket, false);
new aws.s3.BucketPolicy("shared-policy", { bucket: bucket.id, policy: policyDocument(publicReadStatement(bucket)) });
