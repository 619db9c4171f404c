/**
 * The policy corpus: small programs written the way the AWS and Pulumi documentation write them, each
 * with what it really does once deployed and what the pack must report for it in a preview and in an
 * update. The README's policy tables are generated from it (`npx tsx tests/policy-corpus/readme.ts`)
 * and a test keeps them equal.
 */
import { join } from "node:path";

/** The mandatory policies the corpus measures. */
export const CORPUS_POLICIES = ["no-public-buckets", "no-shared-hmac-secrets", "required-alarms"] as const;
export type CorpusPolicy = (typeof CORPUS_POLICIES)[number];

export const CORPUS_DIR = __dirname;

export interface CorpusProgram {
  /** Its folder under `tests/policy-corpus/`. */
  name: string;
  /** @default "dev" */
  stack?: string;
  /** A `--policy-pack-config` object. */
  policyConfig?: Record<string, unknown>;
  /** The policies the deployed program really violates: a bucket anyone can read or write, a signing key shared between stacks or readers of the code, a resource no alarm can watch. */
  violates: CorpusPolicy[];
  /** The mandatory policies the pack reports, by mode; where they differ from `violates` the README counts the miss. */
  expected: { preview: CorpusPolicy[]; update: CorpusPolicy[] };
}

const PUBLIC: CorpusPolicy = "no-public-buckets";
const ALARMS: CorpusPolicy = "required-alarms";
const KEYS: CorpusPolicy = "no-shared-hmac-secrets";
const both = (...policies: CorpusPolicy[]) => ({ preview: policies, update: policies });

export const CORPUS: readonly CorpusProgram[] = [
  { name: "website-bucket-public", violates: [PUBLIC], expected: both(PUBLIC) },
  { name: "website-bucket-private", violates: [], expected: both() },
  { name: "oac-bucket-policy", violates: [ALARMS], expected: both(ALARMS) },
  { name: "oac-bucket-policy-default-bpa", violates: [ALARMS], expected: both(ALARMS) },
  { name: "oai-bucket-policy", violates: [], expected: both() },
  { name: "tls-only-policy", violates: [], expected: both() },
  { name: "get-policy-document-public", violates: [PUBLIC], expected: both(PUBLIC) },
  { name: "get-policy-document-known-public", violates: [PUBLIC], expected: both(PUBLIC) },
  { name: "acl-public-read-object-writer", violates: [PUBLIC], expected: both(PUBLIC) },
  { name: "acl-public-read-enforced", violates: [], expected: both() },
  { name: "acl-public-read-default", violates: [], expected: both() },
  { name: "account-bpa-in-program", violates: [], expected: both() },
  {
    name: "account-bpa-in-config",
    policyConfig: { "no-public-buckets": { accountBlockPublicAccess: ["blockPublicPolicy", "restrictPublicBuckets"] } },
    violates: [],
    expected: both(),
  },
  // A JSON string built from an unknown ARN is unknown as a whole during preview; with Block Public
  // Access off nothing else can vouch for it.
  { name: "vpce-condition", violates: [], expected: { preview: [PUBLIC], update: [] } },
  { name: "source-arn-object-policy", violates: [ALARMS], expected: both(ALARMS) },
  { name: "source-arn-string-policy-open", violates: [ALARMS], expected: { preview: [PUBLIC, ALARMS], update: [ALARMS] } },
  { name: "not-principal-allow", violates: [PUBLIC], expected: both(PUBLIC) },
  { name: "public-policy-default-bpa", violates: [], expected: both() },
  { name: "lambda-alarms-by-name", violates: [], expected: both() },
  { name: "lambda-alarms-by-arn", violates: [ALARMS], expected: both(ALARMS) },
  { name: "lambda-alarms-derived-name", violates: [ALARMS], expected: both(ALARMS) },
  { name: "lambda-alarms-metric-queries", violates: [], expected: both() },
  { name: "lambda-alarms-region-from-env", stack: "envregion", violates: [], expected: both() },
  { name: "cloudfront-alarms-provider-us-east-1", violates: [], expected: both() },
  { name: "cloudfront-alarms-region-argument", violates: [], expected: both() },
  // A distribution's id and ARN are both unknown during preview and both come from it: only the update tells them apart.
  { name: "cloudfront-alarms-by-arn", violates: [ALARMS], expected: { preview: [], update: [ALARMS] } },
  { name: "cloudfront-alarms-stack-region", violates: [ALARMS], expected: both(ALARMS) },
  { name: "keyring-random-bytes", violates: [], expected: both() },
  { name: "keyring-literal", violates: [KEYS], expected: both(KEYS) },
  { name: "keyring-from-config", violates: [KEYS], expected: both(KEYS) },
  { name: "keyring-shared-name", violates: [KEYS], expected: both(KEYS) },
  { name: "keyring-rotation-function", violates: [], expected: both() },
  { name: "keyring-rotation-shared-function", violates: [KEYS], expected: both(KEYS) },
];

export function programPath(program: CorpusProgram): string {
  return join(CORPUS_DIR, program.name, "index.ts");
}
