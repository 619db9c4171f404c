/** A public-read ACL on a bucket whose ownership controls disable ACLs (BucketOwnerEnforced): S3 ignores and refuses it. */
import * as aws from "@pulumi/aws";
import { publicAccessBlock } from "../support/resources";

const bucket = new aws.s3.BucketV2("assets");
new aws.s3.BucketOwnershipControls("assets-ownership", { bucket: bucket.id, rule: { objectOwnership: "BucketOwnerEnforced" } });
publicAccessBlock("assets", bucket, false);
new aws.s3.BucketAclV2("assets-acl", { bucket: bucket.id, acl: "public-read" });
