/** An inline public-read ACL on a new bucket with nothing else: S3 disables ACLs and blocks public ACLs by default. */
import * as aws from "@pulumi/aws";

new aws.s3.Bucket("assets", { acl: "public-read" });
