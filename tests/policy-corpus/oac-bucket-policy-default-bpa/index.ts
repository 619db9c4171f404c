/**
 * The Origin Access Control pattern without a BucketPublicAccessBlock: S3 turns Block Public Access on for
 * every new bucket, so the unknown policy cannot make it public.
 */
import * as aws from "@pulumi/aws";
import { originAccessControl } from "../support/resources";

originAccessControl("content", new aws.s3.Bucket("content"));
