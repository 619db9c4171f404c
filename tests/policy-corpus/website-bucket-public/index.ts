/** Pulumi's static-website guide: website hosting, ACLs enabled, Block Public Access off, a public-read policy. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

const bucket = new aws.s3.Bucket("site");
new aws.s3.BucketWebsiteConfiguration("site-website", { bucket: bucket.id, indexDocument: { suffix: "index.html" } });
new aws.s3.BucketOwnershipControls("site-ownership", { bucket: bucket.id, rule: { objectOwnership: "ObjectWriter" } });
const publicAccess = new aws.s3.BucketPublicAccessBlock("site-public-access", {
  bucket: bucket.id,
  blockPublicAcls: false,
  blockPublicPolicy: false,
  ignorePublicAcls: false,
  restrictPublicBuckets: false,
});
new aws.s3.BucketPolicy(
  "site-policy",
  {
    bucket: bucket.id,
    policy: pulumi.jsonStringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: "*", Action: ["s3:GetObject"], Resource: [pulumi.interpolate`${bucket.arn}/*`] }],
    }),
  },
  { dependsOn: [publicAccess] },
);
