/** A public-read policy on a new bucket whose Block Public Access nothing turns off: S3 refuses the policy. */
import * as aws from "@pulumi/aws";
import { policyDocument, publicReadStatement } from "../support/resources";

const bucket = new aws.s3.Bucket("assets");
new aws.s3.BucketPolicy("assets-policy", { bucket: bucket.id, policy: policyDocument(publicReadStatement(bucket)) });
