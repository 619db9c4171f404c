/**
 * S3: `no-public-buckets` (mandatory), the Block Public Access, encryption and versioning advisories.
 *
 * Buckets are `aws.s3.Bucket` and the deprecated `aws.s3.BucketV2`; their public access blocks,
 * ownership controls, ACLs, policies, encryption and versioning resources are matched to a bucket
 * through their `bucket` property: by its dependencies, which hold during preview when the bucket's
 * name is still unknown, or by a known value equal to the bucket's name or ARN.
 *
 * A bucket is public the way S3 means it (see `s3-public-policy.ts`): through a public policy or a
 * public ACL that its effective Block Public Access lets through. Website hosting alone serves only
 * what a policy or ACL already makes public, so it is not a finding of its own.
 */
import { configStrings, field, isUnknown, knownString, PolicyConfig, resourceLabel, StackResource, StackRule } from "./model";
import { listOf, readPolicyDocument } from "./policy-documents";
import { S3 } from "./resource-types";
import { policyVerdict } from "./s3-public-policy";
import { identifiersOf, StackIndex } from "./stack-index";

export const PUBLIC_ACCESS_FLAGS = ["blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls", "restrictPublicBuckets"] as const;
type Flag = (typeof PUBLIC_ACCESS_FLAGS)[number];
type Tri = boolean | "unknown";
type Settings = Record<Flag, Tri>;

const PUBLIC_CANNED_ACLS = ["public-read", "public-read-write", "authenticated-read"];
const PUBLIC_GRANTEES = ["http://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"];
const ACLS_DISABLED = "BucketOwnerEnforced";

function bucketIdentifiers(bucket: StackResource): string[] {
  return identifiersOf(bucket, ["bucket"]);
}

/** The resources of `types` whose `bucket` refers to `bucket`. */
function attachedTo(index: StackIndex, bucket: StackResource, types: string | readonly string[]): StackResource[] {
  const identifiers = bucketIdentifiers(bucket);
  return index.ofType(types).filter((resource) => index.refersTo(resource, "bucket", bucket, identifiers));
}

/** The resources of `types` whose bucket is unknown and cannot be traced to a bucket of the stack. */
function untraced(index: StackIndex, types: string | readonly string[]): StackResource[] {
  return index.ofType(types).filter((resource) => index.untraceable(resource, "bucket", S3.buckets));
}

/** A sentence naming the resources of `types` whose bucket is unknown and cannot be traced to a bucket, or "". */
function untracedAttachments(index: StackIndex, types: string | readonly string[]): string {
  const found = untraced(index, types);
  if (found.length === 0) return "";
  return ` (${found.map(resourceLabel).join(", ")}: bucket unknown during preview and not traceable to a bucket of this stack)`;
}

function tri(value: unknown): Tri {
  return isUnknown(value) ? "unknown" : value === true;
}

/** True when any is true (the most restrictive combination), else unknown when any is unknown. */
function anyTrue(values: Tri[]): Tri {
  if (values.includes(true)) return true;
  return values.includes("unknown") ? "unknown" : false;
}

/** True when all are true, else false when any is false. */
function allTrue(values: Tri[]): Tri {
  if (values.includes(false)) return false;
  return values.includes("unknown") ? "unknown" : true;
}

function settingsOf(blocks: StackResource[], combine: (values: Tri[]) => Tri, extra: (flag: Flag) => Tri[] = () => []): Settings {
  return Object.fromEntries(PUBLIC_ACCESS_FLAGS.map((flag) => [flag, combine([...blocks.map((block) => tri(block.inputs[flag])), ...extra(flag)])])) as Settings;
}

/**
 * The account's Block Public Access: `aws.s3.AccountPublicAccessBlock` resources of the program and
 * the settings the pack's config declares on (`accountBlockPublicAccess`).
 */
function accountSettings(index: StackIndex, config: PolicyConfig): Settings {
  const declared = configStrings(config, "accountBlockPublicAccess");
  return settingsOf(index.ofType(S3.accountPublicAccessBlock), anyTrue, (flag) => [declared.includes(flag)]);
}

/**
 * A bucket's own Block Public Access: its `BucketPublicAccessBlock`, else S3's default for new
 * buckets, all four settings on since April 2023 ("Amazon S3 now automatically enables S3 Block
 * Public Access and disables ACLs for all new buckets",
 * https://aws.amazon.com/blogs/storage/understanding-s3-block-public-access/). A block whose bucket
 * cannot be traced may be this bucket's, so its settings then count as unknown unless they are on.
 */
function bucketSettings(index: StackIndex, bucket: StackResource): Settings {
  const blocks = attachedTo(index, bucket, S3.publicAccessBlock);
  if (blocks.length > 0) return settingsOf(blocks, allTrue);
  const stray = untraced(index, S3.publicAccessBlock);
  return settingsOf(stray, (values) => (values.every((value) => value === true) ? true : "unknown"));
}

/** S3 applies the most restrictive combination of the bucket's and the account's settings. */
function effectiveSettings(own: Settings, account: Settings): Settings {
  return Object.fromEntries(PUBLIC_ACCESS_FLAGS.map((flag) => [flag, anyTrue([own[flag], account[flag]])])) as Settings;
}

/**
 * Whether ACLs are disabled (Object Ownership `BucketOwnerEnforced`), which makes S3 ignore and
 * refuse every ACL but the owner's. New buckets get it by default since April 2023.
 */
function aclsDisabled(ownership: StackResource[]): Tri {
  if (ownership.length === 0) return true;
  return allTrue(ownership.map((resource) => {
    const setting = field(resource.inputs.rule, "objectOwnership");
    return isUnknown(setting) ? "unknown" : setting === ACLS_DISABLED;
  }));
}

interface Findings {
  public: string[];
  unknown: string[];
}

function aclFindings(acl: unknown, grants: unknown, granteeUri: (grant: unknown) => unknown, where: string): Findings {
  const found: Findings = { public: [], unknown: [] };
  if (isUnknown(acl)) found.unknown.push(`the canned ACL of ${where} is unknown`);
  const canned = knownString(acl);
  if (canned !== undefined && PUBLIC_CANNED_ACLS.includes(canned)) found.public.push(`${where} sets the canned ACL '${canned}'`);
  if (isUnknown(grants)) found.unknown.push(`the ACL grants of ${where} are unknown`);
  // Stryker disable next-line ArrayDeclaration: a string grant has no grantee, so it finds nothing either
  listOf(isUnknown(grants) ? [] : grants).forEach((grant, position) => {
    const uri = granteeUri(grant);
    if (isUnknown(uri)) found.unknown.push(`the grantee of ACL grant ${position + 1} of ${where} is unknown`);
    const known = knownString(uri);
    if (known !== undefined && PUBLIC_GRANTEES.includes(known)) found.public.push(`ACL grant ${position + 1} of ${where} grants access to ${known.split("/").pop()}`);
  });
  return found;
}

function bucketAclFindings(bucket: StackResource | undefined, acls: StackResource[]): Findings {
  const all = [
    ...(bucket ? [aclFindings(bucket.inputs.acl, bucket.inputs.grants, (grant) => field(grant, "uri"), "the bucket")] : []),
    ...acls.map((acl) =>
      aclFindings(acl.inputs.acl, field(acl.inputs.accessControlPolicy, "grants"), (grant) => field(field(grant, "grantee"), "uri"), resourceLabel(acl)),
    ),
  ];
  return { public: all.flatMap((found) => found.public), unknown: all.flatMap((found) => found.unknown) };
}

function sourceNames(index: StackIndex, resource: StackResource, property: string): string {
  const sources = index.sources(resource, property);
  return sources.length > 0 ? ` (it depends on ${sources.map(resourceLabel).join(", ")})` : "";
}

function policyFindings(index: StackIndex, holders: StackResource[]): Findings {
  const found: Findings = { public: [], unknown: [] };
  for (const holder of holders) {
    const read = readPolicyDocument(holder.inputs.policy);
    const verdict = policyVerdict(read);
    if (verdict.verdict === "not-public") continue;
    const where = holder.type === S3.policy ? resourceLabel(holder) : "the bucket's inline policy";
    const text = `${where}: ${verdict.reasons.join("; ")}`;
    if (verdict.verdict === "public") found.public.push(text);
    else if ("invalidBecause" in read) found.unknown.push(`${text}, so it cannot be shown non-public`);
    else found.unknown.push(`${text} during preview${sourceNames(index, holder, "policy")}`);
  }
  return found;
}

function refusalText(refused: Tri, flags: string): string {
  return refused === "unknown" ? `whether ${flags} is on is unknown` : `nothing turns on ${flags}`;
}

/** The problems of one bucket (or of policies and ACLs on a bucket outside the stack) given its effective settings. */
function exposure(findings: { acl: Findings; policy: Findings }, settings: Settings, aclsOff: Tri): string[] {
  const problems: string[] = [];
  const aclsRefused = anyTrue([aclsOff, settings.blockPublicAcls, settings.ignorePublicAcls]);
  const policyRefused = anyTrue([settings.blockPublicPolicy, settings.restrictPublicBuckets]);
  if (aclsRefused !== true) {
    const flags = refusalText(anyTrue([settings.blockPublicAcls, settings.ignorePublicAcls]), "blockPublicAcls or ignorePublicAcls");
    const ownership = aclsOff === false ? `ACLs are enabled (Object Ownership is not ${ACLS_DISABLED}) and ` : "whether Object Ownership disables ACLs is unknown and ";
    if (findings.acl.public.length > 0) problems.push(`${findings.acl.public.join("; ")}, and ${ownership}${flags}`);
    if (findings.acl.unknown.length > 0) problems.push(`${findings.acl.unknown.join("; ")} during preview, and ${ownership}${flags}`);
  }
  if (policyRefused !== true) {
    const why = refusalText(policyRefused, "blockPublicPolicy or restrictPublicBuckets");
    for (const text of [...findings.policy.public, ...findings.policy.unknown]) problems.push(`${text}, and ${why}`);
  }
  return problems;
}

const FIX =
  "drop the public statements and grants, or limit each Allow to fixed principals or fixed aws:SourceArn/aws:SourceAccount/aws:SourceVpce values; " +
  "where a value is unknown during preview, build it from values known at preview (the bucket's name rather than its ARN) or keep blockPublicPolicy and restrictPublicBuckets on so S3 refuses a public policy.";

export const noPublicBuckets: StackRule = {
  scope: "stack",
  name: "no-public-buckets",
  description: "No S3 bucket is public as S3 means it: no public policy or ACL that the effective Block Public Access lets through.",
  enforcementLevel: "mandatory",
  remediation:
    "Remove public bucket-policy statements (Allow of s3:Get*/List*/Put*/Delete* to a wildcard principal without a fixed aws:SourceArn, aws:SourceAccount, aws:SourceVpce or similar condition) " +
    "and AllUsers/AuthenticatedUsers ACLs, or keep the bucket's Block Public Access on; serve content through CloudFront with Origin Access Control.",
  configSchema: {
    properties: {
      accountBlockPublicAccess: {
        type: "array",
        items: { type: "string", pattern: `^(${PUBLIC_ACCESS_FLAGS.join("|")})$` },
        default: [],
        description: "Block Public Access settings turned on for the whole account outside this program (S3 applies them to every bucket).",
      },
    },
  },
  check(stack, config, report) {
    const index = new StackIndex(stack);
    const account = accountSettings(index, config);
    const claimed = new Set<string>();
    for (const bucket of index.ofType(S3.buckets)) {
      const acls = attachedTo(index, bucket, S3.acls);
      const policies = [bucket, ...attachedTo(index, bucket, S3.policy)];
      for (const resource of [...acls, ...policies]) claimed.add(resource.urn);
      const settings = effectiveSettings(bucketSettings(index, bucket), account);
      const problems = exposure({ acl: bucketAclFindings(bucket, acls), policy: policyFindings(index, policies) }, settings, aclsDisabled(attachedTo(index, bucket, S3.ownershipControls)));
      if (problems.length > 0) report(`${resourceLabel(bucket)} is or may be public: ${problems.join("; ")}. Fix: ${FIX}`, bucket.urn);
    }
    const unknownBucket: Settings = { blockPublicAcls: "unknown", blockPublicPolicy: "unknown", ignorePublicAcls: "unknown", restrictPublicBuckets: "unknown" };
    for (const resource of index.ofType(S3.acls, S3.policy).filter((candidate) => !claimed.has(candidate.urn))) {
      const findings = resource.type === S3.policy ? { acl: { public: [], unknown: [] }, policy: policyFindings(index, [resource]) } : { acl: bucketAclFindings(undefined, [resource]), policy: { public: [], unknown: [] } };
      const problems = exposure(findings, effectiveSettings(unknownBucket, account), "unknown");
      if (problems.length > 0) report(`${resourceLabel(resource)} is on a bucket outside this stack, whose Block Public Access is unknown, and may make it public: ${problems.join("; ")}. Fix: ${FIX}`, resource.urn);
    }
  },
};

export const explicitPublicAccessBlock: StackRule = {
  scope: "stack",
  name: "s3-explicit-public-access-block",
  description: "Every S3 bucket declares its Block Public Access with all four settings on, so a change made outside Pulumi shows as drift.",
  enforcementLevel: "advisory",
  remediation: `Add an aws.s3.BucketPublicAccessBlock for the bucket with ${PUBLIC_ACCESS_FLAGS.join(", ")} all true.`,
  check(stack, _config, report) {
    const index = new StackIndex(stack);
    for (const bucket of index.ofType(S3.buckets)) {
      const blocks = attachedTo(index, bucket, S3.publicAccessBlock);
      if (blocks.length === 0) {
        report(
          `${resourceLabel(bucket)} relies on S3's default Block Public Access${untracedAttachments(index, S3.publicAccessBlock)}. ` +
            `Fix: add an aws.s3.BucketPublicAccessBlock for it with ${PUBLIC_ACCESS_FLAGS.join(", ")} all true.`,
          bucket.urn,
        );
      }
      for (const block of blocks) {
        const off = PUBLIC_ACCESS_FLAGS.filter((flag) => tri(block.inputs[flag]) !== true);
        if (off.length > 0) report(`${resourceLabel(block)} for ${resourceLabel(bucket)} leaves ${off.join(", ")} off or unknown. Fix: set all four settings to the literal true.`, block.urn);
      }
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
