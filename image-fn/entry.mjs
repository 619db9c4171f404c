// The image Lambda's entry point (handler `index.handler` or `index.streamingHandler`), copied into the
// bundle as index.mjs beside the bundled image-fn.cjs. An ES module, so that its top-level await runs in
// Lambda's init phase: the keyring is read and the encoders set up before the first request arrives
// (https://docs.aws.amazon.com/lambda/latest/dg/nodejs-handler.html#nodejs-initialization).
import { createRequire } from "node:module";

const imageFunction = createRequire(import.meta.url)("./image-fn.cjs");
await imageFunction.warmUp();

export const { handler, streamingHandler, handlerFromEnvironment, streamingHandlerFromEnvironment } = imageFunction;
