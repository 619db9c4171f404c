/**
 * Principal "*" limited by aws:SourceArn to a distribution, passed as an object so the engine keeps its
 * statements and only the ARNs are unknown in a preview; Block Public Access off.
 */
import * as aws from "@pulumi/aws";

const bucket = new aws.s3.Bucket("media");
new aws.s3.BucketPublicAccessBlock("media-public-access", {
  bucket: bucket.id,
  blockPublicAcls: true,
  blockPublicPolicy: false,
  ignorePublicAcls: true,
  restrictPublicBuckets: false,
});
const distribution = new aws.cloudfront.Distribution("cdn", {
  enabled: true,
  origins: [{ originId: "s3", domainName: bucket.bucketRegionalDomainName }],
  defaultCacheBehavior: {
    targetOriginId: "s3",
    viewerProtocolPolicy: "redirect-to-https",
    allowedMethods: ["GET", "HEAD"],
    cachedMethods: ["GET", "HEAD"],
    cachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
  },
  restrictions: { geoRestriction: { restrictionType: "none" } },
  viewerCertificate: { cloudfrontDefaultCertificate: true },
});
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
        Condition: { ArnLike: { "aws:SourceArn": distribution.arn } },
      },
    ],
  },
});
