/** Website hosting on a bucket that nothing makes public: S3's default Block Public Access stays on. */
import * as aws from "@pulumi/aws";

const bucket = new aws.s3.Bucket("site");
new aws.s3.BucketWebsiteConfiguration("site-website", {
  bucket: bucket.id,
  indexDocument: { suffix: "index.html" },
  errorDocument: { key: "error.html" },
});
