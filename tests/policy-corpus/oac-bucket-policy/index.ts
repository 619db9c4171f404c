/**
 * AWS's Origin Access Control pattern: all four Block Public Access settings on and a bucket policy
 * that lets only this distribution read, written with pulumi.jsonStringify and the ARNs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const bucket = new aws.s3.Bucket("content");
new aws.s3.BucketPublicAccessBlock("content-public-access", {
  bucket: bucket.id,
  blockPublicAcls: true,
  blockPublicPolicy: true,
  ignorePublicAcls: true,
  restrictPublicBuckets: true,
});
const oac = new aws.cloudfront.OriginAccessControl("content-oac", {
  originAccessControlOriginType: "s3",
  signingBehavior: "always",
  signingProtocol: "sigv4",
});
const distribution = new aws.cloudfront.Distribution("cdn", {
  enabled: true,
  defaultRootObject: "index.html",
  origins: [{ originId: "s3", domainName: bucket.bucketRegionalDomainName, originAccessControlId: oac.id }],
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
new aws.s3.BucketPolicy("content-policy", {
  bucket: bucket.id,
  policy: pulumi.jsonStringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AllowCloudFrontServicePrincipalReadOnly",
        Effect: "Allow",
        Principal: { Service: "cloudfront.amazonaws.com" },
        Action: "s3:GetObject",
        Resource: pulumi.interpolate`${bucket.arn}/*`,
        Condition: { StringEquals: { "AWS:SourceArn": distribution.arn } },
      },
    ],
  }),
});
