import { fromEnv } from "@aws-sdk/credential-provider-env";
import type * as CredentialProviderNode from "@aws-sdk/credential-provider-node";

/** Beside image-fn.cjs in the image Lambda's bundle: the SDK's whole default credential chain, on its own. */
export const FULL_CREDENTIAL_CHAIN_FILE = "aws-credential-chain.cjs";

/** The package this module stands in for in the image Lambda's bundle. */
export const CREDENTIAL_CHAIN_PACKAGE = "@aws-sdk/credential-provider-node";

/**
 * Stands in for the SDK's `defaultProvider` in the image Lambda's bundle (tools/bundle-image-fn.ts).
 * Lambda gives a function its execution role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY
 * and AWS_SESSION_TOKEN
 * (https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime),
 * which the SDK's chain reads first. The chain's other links (SSO, shared files, processes, web
 * identity, container and instance metadata, and the STS and SSO clients they bring) are never reached
 * there, yet V8 would compile them on every cold start; they are bundled in a file of their own, loaded
 * only where the SDK's chain would look past the environment: no keys in it, or a profile named.
 */
export function defaultProvider(init: Parameters<typeof CredentialProviderNode.defaultProvider>[0] = {}): ReturnType<typeof fromEnv> {
  const keysInEnvironment = process.env.AWS_ACCESS_KEY_ID && process.env.AWS_SECRET_ACCESS_KEY;
  if (keysInEnvironment && !(init.profile ?? process.env.AWS_PROFILE)) return fromEnv(init);
  // A path esbuild leaves to run time: the file is bundled separately and sits beside this one.
  const beside = `./${FULL_CREDENTIAL_CHAIN_FILE}`;
  const chain: typeof CredentialProviderNode = require(beside);
  return chain.defaultProvider(init);
}
