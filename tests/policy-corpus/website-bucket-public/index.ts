/** Pulumi's static-website guide: website hosting, ACLs enabled, Block Public Access off, a public-read policy. */
import * as aws from "@pulumi/aws";
import { policyDocument, publicAccessBlock, publicReadStatement } from "../support/resources";

const bucket = new aws.s3.Bucket("site");
new aws.s3.BucketWebsiteConfiguration("site-website", { bucket: bucket.id, indexDocument: { suffix: "index.html" } });
new aws.s3.BucketOwnershipControls("site-ownership", { bucket: bucket.id, rule: { objectOwnership: "ObjectWriter" } });
const publicAccess = publicAccessBlock("site", bucket, false);
new aws.s3.BucketPolicy("site-policy", { bucket: bucket.id, policy: policyDocument(publicReadStatement(bucket)) }, { dependsOn: [publicAccess] });
