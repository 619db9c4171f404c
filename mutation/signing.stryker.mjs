// URL signing and verification, the viewer-request decision, keyring parsing and refresh.
import { mutationPart } from "./stryker.base.mjs";

export default mutationPart("signing", {
  mutate: [
    "core/url-signing.ts",
    "core/keyring.ts",
    "core/sign-url.ts",
    "edge-fn/viewer-request.ts",
    "image-fn/keyring-source.ts",
  ],
  spec: [
    "tests/core/url-signing.test.ts",
    "tests/core/keyring.test.ts",
    "tests/edge-fn/viewer-request.test.ts",
    "tests/image-fn/keyring-source.test.ts",
  ],
});
