/**
 * Principal "*" limited by aws:SourceArn to a distribution, as a JSON string built with pulumi.jsonStringify:
 * unknown as a whole in a preview, on a bucket whose Block Public Access would let a public policy
 * through, so a preview must report it.
 */
import * as aws from "@pulumi/aws";
import { distribution, policiesLetThrough, policyDocument, publicReadStatement } from "../support/resources";

const bucket = new aws.s3.Bucket("media");
policiesLetThrough("media", bucket);
const cdn = distribution("cdn", { originId: "s3", domainName: bucket.bucketRegionalDomainName });
new aws.s3.BucketPolicy("media-policy", {
  bucket: bucket.id,
  policy: policyDocument({ ...publicReadStatement(bucket), Condition: { ArnLike: { "aws:SourceArn": cdn.arn } } }),
});
