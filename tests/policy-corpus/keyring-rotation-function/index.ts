/** A keyring secret without a value, rotated by a Lambda function of the stack that Secrets Manager may invoke for this secret only: no key is an input or output of any resource. */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { emailTopic, lambdaAlarms, lambdaFunction, rotatedKeyring } from "../support/resources";

const rotation = lambdaFunction("key-rotation");
lambdaAlarms("key-rotation", rotation.name, emailTopic("alerts"));
const secretName = `app/${pulumi.getStack()}/url-signing-keyring`;
const permission = new aws.lambda.Permission("key-rotation-invoke", {
  function: rotation.name,
  action: "lambda:InvokeFunction",
  principal: "secretsmanager.amazonaws.com",
  sourceAccount: aws.getCallerIdentityOutput().accountId,
});
rotatedKeyring("keyring", secretName, rotation.arn, [permission]);
