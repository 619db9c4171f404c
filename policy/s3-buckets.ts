/**
 * S3: `no-public-buckets` (mandatory), and the bucket encryption and versioning advisories.
 *
 * Buckets are `aws.s3.Bucket` and the deprecated `aws.s3.BucketV2`; their public access blocks,
 * ACLs, policies, website, encryption and versioning resources are matched to a bucket through
 * their `bucket` property: by its dependencies, which hold during preview when the bucket's name is
 * still unknown, or by a known value equal to the bucket's name or ARN.
 */
import { configStrings, field, isRecord, isUnknown, knownString, resourceLabel, StackResource, StackRule } from "./model";
import { listOf, readPolicyDocument, statementLabel } from "./policy-documents";
import { CLOUDFRONT, S3 } from "./resource-types";
import { identifiersOf, StackIndex } from "./stack-index";

const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
const PUBLIC_CANNED_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GRANTEES = ["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"];
/** Condition operators under which `AWS:SourceArn` must match; `...IfExists` variants pass when the key is absent, so they do not limit. */
const SOURCE_ARN_OPERATORS = ["stringequals", "stringlike", "arnequals", "arnlike"];
const CLOUDFRONT_DISTRIBUTION_ARN = /^arn:aws[a-z-]*:cloudfront::\d{12}:distribution\/[A-Za-z0-9]+$/;

function bucketIdentifiers(bucket: StackResource): string[] {
  return identifiersOf(bucket, ["bucket"]);
}

/** The resources of `types` whose `bucket` refers to `bucket`. */
function attachedTo(index: StackIndex, bucket: StackResource, types: string | readonly string[]): StackResource[] {
  const identifiers = bucketIdentifiers(bucket);
  return index.ofType(types).filter((resource) => index.refersTo(resource, "bucket", bucket, identifiers));
}

/** A sentence naming the resources of `types` whose bucket is unknown and cannot be traced to a bucket, or "". */
function untracedAttachments(index: StackIndex, types: string | readonly string[]): string {
  const untraced = index.ofType(types).filter((resource) => index.untraceable(resource, "bucket", S3.buckets));
  if (untraced.length === 0) return "";
  return ` (${untraced.map(resourceLabel).join(", ")}: bucket unknown during preview and not traceable to a bucket of this stack)`;
}

function sourceNames(index: StackIndex, resource: StackResource, property: string): string {
  const sources = index.sources(resource, property);
  return sources.length > 0 ? ` (it depends on ${sources.map(resourceLabel).join(", ")})` : "";
}

function publicAclProblems(acl: unknown): string[] {
  if (isUnknown(acl)) return ["its canned ACL (`acl`) is unknown during preview"];
  const canned = knownString(acl);
  return canned !== undefined && PUBLIC_CANNED_ACLS.includes(canned) ? [`its canned ACL '${canned}' opens it to everyone`] : [];
}

/** Problems with ACL grants; `granteeUri` reads a grant's grantee URI (its place differs between resources). */
function publicGrantProblems(grants: unknown, granteeUri: (grant: unknown) => unknown): string[] {
  if (isUnknown(grants)) return ["its ACL grants are unknown during preview"];
  return listOf(grants).flatMap((grant, index) => {
    const uri = granteeUri(grant);
    if (isUnknown(uri)) return [`the grantee of ACL grant ${index + 1} is unknown during preview`];
    const known = knownString(uri);
    return known !== undefined && PUBLIC_GRANTEES.includes(known) ? [`ACL grant ${index + 1} grants access to ${known.split("/").pop()}`] : [];
  });
}

function isWildcardPrincipal(principal: unknown): boolean {
  if (principal === "*") return true;
  // An unknown entry inside a principal map comes from another resource's output (a role ARN, an
  // account id); the wildcard is always written literally, so only a known "*" makes it public.
  return isRecord(principal) && Object.values(principal).some((entry) => listOf(entry).includes("*"));
}

type SourceArnLimit = "cloudfront" | "none" | "unknown";

/** Whether a statement's condition limits it to CloudFront distributions through `AWS:SourceArn`. */
function sourceArnLimit(condition: unknown, dependsOnDistribution: boolean): SourceArnLimit {
  if (isUnknown(condition)) return "unknown";
  if (!isRecord(condition)) return "none";
  let sawUnknown = false;
  for (const [operator, block] of Object.entries(condition)) {
    if (!SOURCE_ARN_OPERATORS.includes(operator.toLowerCase())) continue;
    if (isUnknown(block)) {
      sawUnknown = true;
      continue;
    }
    if (!isRecord(block)) continue;
    for (const [key, value] of Object.entries(block)) {
      if (key.toLowerCase() !== "aws:sourcearn") continue;
      const arns = listOf(value);
      if (arns.length === 0) continue;
      const verdicts = arns.map((arn) => (isUnknown(arn) ? (dependsOnDistribution ? "cloudfront" : "unknown") : CLOUDFRONT_DISTRIBUTION_ARN.test(String(arn)) ? "cloudfront" : "none"));
      if (verdicts.every((verdict) => verdict === "cloudfront")) return "cloudfront";
      if (!verdicts.includes("none")) sawUnknown = true;
    }
  }
  return sawUnknown ? "unknown" : "none";
}

/** Problems with a bucket policy held in `property` of `holder`. */
function publicPolicyProblems(index: StackIndex, holder: StackResource, property: string): string[] {
  const read = readPolicyDocument(holder.inputs[property]);
  if ("unknownBecause" in read) {
    return [
      `${read.unknownBecause} during preview${sourceNames(index, holder, property)}, so it cannot be shown to grant no public access; ` +
        "build the document from values known at preview (such as the bucket's name rather than its ARN) or pass it as an object so its statements stay readable",
    ];
  }
  if ("invalidBecause" in read) return [`${read.invalidBecause}, so it cannot be shown to grant no public access`];
  const dependsOnDistribution = index.sources(holder, property).some((source) => source.type === CLOUDFRONT.distribution);
  return read.statements.flatMap((statement, position) => {
    const label = statementLabel(statement, position);
    if (isUnknown(statement.Effect)) return [`the Effect of ${label} is unknown during preview`];
    if (statement.Effect !== "Allow") return [];
    if (statement.NotPrincipal !== undefined) return [`${label} allows everyone outside its NotPrincipal`];
    if (isUnknown(statement.Principal)) return [`the Principal of ${label} is unknown during preview`];
    if (!isWildcardPrincipal(statement.Principal)) return [];
    switch (sourceArnLimit(statement.Condition, dependsOnDistribution)) {
      case "cloudfront":
        return [];
      case "unknown":
        return [`${label} allows Principal "*" and its AWS:SourceArn condition is unknown during preview and not traceable to a CloudFront distribution of this stack`];
      case "none":
        return [`${label} allows Principal "*" without an AWS:SourceArn condition limiting it to a CloudFront distribution`];
    }
  });
}

function websiteProblems(bucket: StackResource): string[] {
  const website = bucket.inputs.website ?? bucket.inputs.websites;
  if (isUnknown(website)) return ["its website configuration is unknown during preview"];
  return listOf(website).length > 0 ? ["it has a website hosting configuration"] : [];
}

function checkPublicAccessBlock(index: StackIndex, bucket: StackResource, report: (message: string, urn: string) => void): void {
  const blocks = attachedTo(index, bucket, S3.publicAccessBlock);
  if (blocks.length === 0) {
    report(
      `${resourceLabel(bucket)} has no public access block${untracedAttachments(index, S3.publicAccessBlock)}. ` +
        `Fix: add an aws.s3.BucketPublicAccessBlock for it with ${PUBLIC_ACCESS_FLAGS.join(", ")} all true.`,
      bucket.urn,
    );
  }
  for (const block of blocks) {
    const unknown = PUBLIC_ACCESS_FLAGS.filter((flag) => isUnknown(block.inputs[flag]));
    const off = PUBLIC_ACCESS_FLAGS.filter((flag) => block.inputs[flag] !== true && !isUnknown(block.inputs[flag]));
    if (off.length > 0) {
      report(`${resourceLabel(block)} for ${resourceLabel(bucket)} leaves ${off.join(", ")} off. Fix: set all four settings to true.`, block.urn);
    }
    if (unknown.length > 0) {
      report(`${resourceLabel(block)} for ${resourceLabel(bucket)}: ${unknown.join(", ")} unknown during preview, so cannot be shown true. Fix: set them to the literal true.`, block.urn);
    }
  }
}

function reportProblems(report: (message: string, urn: string) => void, resource: StackResource, problems: string[], fix: string): void {
  if (problems.length > 0) report(`${resourceLabel(resource)} may be public: ${problems.join("; ")}. Fix: ${fix}`, resource.urn);
}

export const noPublicBuckets: StackRule = {
  scope: "stack",
  name: "no-public-buckets",
  description: "Every S3 bucket blocks all public access: a full public access block, no public ACL, no public policy, no website hosting.",
  enforcementLevel: "mandatory",
  remediation:
    "Give each bucket an aws.s3.BucketPublicAccessBlock with all four settings true; remove public canned ACLs and AllUsers/AuthenticatedUsers grants; " +
    'allow Principal "*" only under an AWS:SourceArn condition naming a CloudFront distribution; serve content through CloudFront instead of S3 website hosting.',
  check(stack, _config, report) {
    const index = new StackIndex(stack);
    for (const bucket of index.ofType(S3.buckets)) {
      checkPublicAccessBlock(index, bucket, report);
      const problems = [
        ...publicAclProblems(bucket.inputs.acl),
        ...publicGrantProblems(bucket.inputs.grants, (grant) => field(grant, "uri")),
        ...websiteProblems(bucket),
        ...publicPolicyProblems(index, bucket, "policy"),
      ];
      reportProblems(report, bucket, problems, "keep its acl private, drop public grants, website and public policy statements.");
    }
    for (const acl of index.ofType(S3.acls)) {
      const grants = field(acl.inputs.accessControlPolicy, "grants");
      const problems = [...publicAclProblems(acl.inputs.acl), ...publicGrantProblems(grants, (grant) => field(field(grant, "grantee"), "uri"))];
      reportProblems(report, acl, problems, "use the 'private' canned ACL and no AllUsers/AuthenticatedUsers grants.");
    }
    for (const policy of index.ofType(S3.policy)) {
      reportProblems(report, policy, publicPolicyProblems(index, policy, "policy"), 'remove the public statements or limit Principal "*" to a CloudFront distribution with AWS:SourceArn.');
    }
    for (const website of index.ofType(S3.websites)) {
      report(`${resourceLabel(website)} turns on S3 website hosting, a public endpoint. Fix: remove it and serve the bucket through CloudFront with Origin Access Control.`, website.urn);
    }
  },
};

export const bucketEncryption: StackRule = {
  scope: "stack",
  name: "s3-bucket-encryption",
  description: "Every S3 bucket declares default server-side encryption.",
  enforcementLevel: "advisory",
  remediation: "Add an aws.s3.BucketServerSideEncryptionConfiguration for the bucket (SSE-S3 or SSE-KMS).",
  check(stack, _config, report) {
    const index = new StackIndex(stack);
    for (const bucket of index.ofType(S3.buckets)) {
      const inline = bucket.inputs.serverSideEncryptionConfiguration ?? bucket.inputs.serverSideEncryptionConfigurations;
      if (listOf(inline).length > 0 && !isUnknown(inline)) continue;
      if (attachedTo(index, bucket, S3.encryption).length > 0) continue;
      const unknown = isUnknown(inline) ? "; its inline encryption configuration is unknown during preview" : "";
      report(
        `${resourceLabel(bucket)} declares no server-side encryption${unknown}${untracedAttachments(index, S3.encryption)}. ` +
          "Fix: add an aws.s3.BucketServerSideEncryptionConfiguration for it.",
        bucket.urn,
      );
    }
  },
};

function versioningState(index: StackIndex, bucket: StackResource): "enabled" | "unknown" | "off" {
  const inline = [field(bucket.inputs.versioning, "enabled"), ...listOf(bucket.inputs.versionings).map((entry) => field(entry, "enabled"))];
  const attached = attachedTo(index, bucket, S3.versioning).map((resource) => field(resource.inputs.versioningConfiguration, "status"));
  if (inline.includes(true) || attached.includes("Enabled")) return "enabled";
  return [...inline, ...attached, bucket.inputs.versionings].some(isUnknown) ? "unknown" : "off";
}

export const bucketVersioning: StackRule = {
  scope: "stack",
  name: "s3-bucket-versioning",
  description: "Buckets holding originals (names matching bucketNamePatterns) have versioning enabled.",
  enforcementLevel: "advisory",
  remediation: "Add an aws.s3.BucketVersioning for the bucket with versioningConfiguration.status 'Enabled'.",
  configSchema: {
    properties: {
      bucketNamePatterns: {
        type: "array",
        items: { type: "string" },
        default: ["originals"],
        description: "Case-insensitive substrings of a bucket's logical or bucket name that mark it as holding originals.",
      },
    },
  },
  check(stack, config, report) {
    const patterns = configStrings(config, "bucketNamePatterns", ["originals"]).map((pattern) => pattern.toLowerCase());
    const index = new StackIndex(stack);
    for (const bucket of index.ofType(S3.buckets)) {
      const names = [bucket.name, knownString(bucket.inputs.bucket) ?? ""].map((name) => name.toLowerCase());
      if (!patterns.some((pattern) => names.some((name) => name.includes(pattern)))) continue;
      const state = versioningState(index, bucket);
      if (state === "enabled") continue;
      const why = state === "unknown" ? "its versioning status is unknown during preview" : "versioning is not enabled";
      report(`${resourceLabel(bucket)} holds originals but ${why}${untracedAttachments(index, S3.versioning)}. Fix: add an aws.s3.BucketVersioning with status 'Enabled'.`, bucket.urn);
    }
  },
};
