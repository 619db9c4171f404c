/** The ACL-based public bucket of Pulumi's docs: ownership controls enable ACLs, Block Public Access off, a public-read BucketAclV2. */
import * as aws from "@pulumi/aws";

const bucket = new aws.s3.BucketV2("assets");
const ownership = new aws.s3.BucketOwnershipControls("assets-ownership", { bucket: bucket.id, rule: { objectOwnership: "ObjectWriter" } });
const publicAccess = new aws.s3.BucketPublicAccessBlock("assets-public-access", {
  bucket: bucket.id,
  blockPublicAcls: false,
  blockPublicPolicy: false,
  ignorePublicAcls: false,
  restrictPublicBuckets: false,
});
new aws.s3.BucketAclV2("assets-acl", { bucket: bucket.id, acl: "public-read" }, { dependsOn: [ownership, publicAccess] });
