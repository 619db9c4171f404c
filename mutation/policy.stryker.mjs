// Every rule of the rendorix-guard pack, the helpers they read resources with, and the adapter that
// runs them in the Pulumi engine.
import { mutationPart } from "./stryker.base.mjs";

export default mutationPart("policy", {
  mutate: ["policy/*.ts", "!policy/index.ts"],
  spec: [
    "tests/policy/alarms.test.ts",
    "tests/policy/cloudfront.test.ts",
    "tests/policy/engine-adapter.test.ts",
    "tests/policy/evaluate.test.ts",
    "tests/policy/iam.test.ts",
    "tests/policy/lambda.test.ts",
    "tests/policy/logs.test.ts",
    "tests/policy/policy-documents.test.ts",
    "tests/policy/s3-buckets.test.ts",
    "tests/policy/signing-keys.test.ts",
    "tests/policy/stack-index.test.ts",
    "tests/policy/tags.test.ts",
  ],
});
