/**
 * AWS's Origin Access Control pattern: all four Block Public Access settings on and a bucket policy
 * that lets only this distribution read, written with pulumi.jsonStringify and the ARNs.
 */
import * as aws from "@pulumi/aws";
import { originAccessControl, publicAccessBlock } from "../support/resources";

const bucket = new aws.s3.Bucket("content");
publicAccessBlock("content", bucket, true);
originAccessControl("content", bucket);
