/** The ACL-based public bucket of Pulumi's docs: ownership controls enable ACLs, Block Public Access off, a public-read BucketAclV2. */
import * as aws from "@pulumi/aws";
import { publicAccessBlock } from "../support/resources";

const bucket = new aws.s3.BucketV2("assets");
const ownership = new aws.s3.BucketOwnershipControls("assets-ownership", { bucket: bucket.id, rule: { objectOwnership: "ObjectWriter" } });
const publicAccess = publicAccessBlock("assets", bucket, false);
new aws.s3.BucketAclV2("assets-acl", { bucket: bucket.id, acl: "public-read" }, { dependsOn: [ownership, publicAccess] });
