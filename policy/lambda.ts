/** Lambda advisory: Function URLs require IAM authorization, so only CloudFront (through OAC) can call them. */
import { isUnknown, resourceLabel, ResourceRule } from "./model";
import { LAMBDA } from "./resource-types";

export const functionUrlIamAuth: ResourceRule = {
  scope: "resource",
  resourceTypes: [LAMBDA.functionUrl],
  name: "lambda-function-url-iam-auth",
  description: "Lambda Function URLs use authorizationType AWS_IAM, never NONE (a public URL).",
  enforcementLevel: "advisory",
  remediation: "Set authorizationType 'AWS_IAM' and let CloudFront sign its requests through an Origin Access Control of type lambda.",
  check(functionUrl, _config, report) {
    const authorization = functionUrl.inputs.authorizationType;
    if (authorization === "AWS_IAM") return;
    const problem = isUnknown(authorization) ? "its authorizationType is unknown during preview" : `its authorizationType is '${String(authorization)}', so anyone on the internet can invoke it`;
    report(`${resourceLabel(functionUrl)}: ${problem}. Fix: set authorizationType 'AWS_IAM' and front it with CloudFront Origin Access Control.`);
  },
};
