/**
 * Principal "*" limited by aws:SourceArn to a distribution, passed as an object so the engine keeps its
 * statements and only the ARNs are unknown in a preview; Block Public Access off.
 */
import * as aws from "@pulumi/aws";
import { distribution, policiesLetThrough } from "../support/resources";

const bucket = new aws.s3.Bucket("media");
policiesLetThrough("media", bucket);
const cdn = distribution("cdn", { originId: "s3", domainName: bucket.bucketRegionalDomainName });
new aws.s3.BucketPolicy("media-policy", {
  bucket: bucket.id,
  policy: {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: "*",
        Action: "s3:GetObject",
        Resource: [bucket.arn.apply((arn) => `${arn}/*`)],
        Condition: { ArnLike: { "aws:SourceArn": cdn.arn } },
      },
    ],
  },
});
