// The CloudFront Function: its handler, run as the runtime runs it (tests/support/cloudfront-runtime.ts),
// and its build. A part of its own because the bundle takes in whatever it imports: mutated together
// with url-signing.ts, the instrumented code would exceed CloudFront's 10 KB and the build would refuse it.
import { mutationPart } from "./stryker.base.mjs";

export default mutationPart("edge-function", {
  mutate: ["edge-fn/cloudfront-function.ts", "edge-fn/build.ts"],
  spec: ["tests/edge-fn/cloudfront-function.test.ts"],
});
