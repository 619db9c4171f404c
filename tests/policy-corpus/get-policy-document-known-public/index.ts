/** aws.iam.getPolicyDocument with values known before any resource exists: the document is readable in a preview too. */
import * as aws from "@pulumi/aws";
import { policiesLetThrough } from "../support/resources";

const bucketName = "corpus-public-downloads";
const bucket = new aws.s3.Bucket("downloads", { bucket: bucketName });
policiesLetThrough("downloads", bucket);
const readEveryone = aws.iam.getPolicyDocumentOutput({
  statements: [
    {
      sid: "PublicRead",
      principals: [{ type: "AWS", identifiers: ["*"] }],
      actions: ["s3:GetObject", "s3:GetObjectVersion"],
      resources: [`arn:aws:s3:::${bucketName}/*`],
    },
  ],
});
new aws.s3.BucketPolicy("downloads-policy", { bucket: bucket.id, policy: readEveryone.json });
