/**
 * CloudFront advisories: modern viewer TLS with HTTPS-only viewers, and S3 or Lambda origins
 * reached only through Origin Access Control.
 */
import { field, isUnknown, knownString, resourceLabel, ResourceRule, StackRule } from "./model";
import { listOf } from "./policy-documents";
import { CLOUDFRONT, LAMBDA, S3 } from "./resource-types";
import { StackIndex } from "./stack-index";

const HTTPS_VIEWER_POLICIES = ["redirect-to-https", "https-only"];
const S3_WEBSITE_DOMAIN = /\.s3-website[.-][a-z0-9.-]*amazonaws\.com(\.cn)?$/;
const S3_DOMAIN = /\.s3([.-][a-z0-9-]+)*\.amazonaws\.com(\.cn)?$/;
const LAMBDA_URL_DOMAIN = /\.lambda-url\.[a-z0-9-]+\.on\.aws$/;

/** Whether a CloudFront security policy name is `TLSv1.2_2021` or newer (e.g. `TLSv1.2_2025`, `TLSv1.3_2025`). */
export function isModernSecurityPolicy(name: string): boolean {
  const match = /^TLSv(\d+)\.(\d+)_(\d{4})$/.exec(name);
  if (!match) return false;
  const [major, minor, year] = match.slice(1).map(Number);
  return (major > 1 || minor >= 2) && year >= 2021;
}

function viewerCertificateProblems(certificate: unknown): string[] {
  if (isUnknown(certificate)) return ["its viewerCertificate is unknown during preview"];
  const usesDefault = field(certificate, "cloudfrontDefaultCertificate");
  if (usesDefault === true) return ["it uses the default *.cloudfront.net certificate, which accepts TLSv1"];
  if (isUnknown(usesDefault)) return ["whether it uses the default certificate is unknown during preview"];
  const minimum = field(certificate, "minimumProtocolVersion");
  if (isUnknown(minimum)) return ["its minimumProtocolVersion is unknown during preview"];
  if (minimum === undefined) return ["it sets no minimumProtocolVersion (CloudFront then accepts TLSv1)"];
  return isModernSecurityPolicy(String(minimum)) ? [] : [`its minimumProtocolVersion is ${String(minimum)}`];
}

function viewerProtocolProblems(defaultBehavior: unknown, orderedBehaviors: unknown): string[] {
  if (isUnknown(orderedBehaviors)) return ["its ordered cache behaviors are unknown during preview"];
  const behaviors = [{ label: "the default cache behavior", behavior: defaultBehavior }, ...listOf(orderedBehaviors).map((behavior, index) => ({ label: `ordered cache behavior ${index + 1}`, behavior }))];
  return behaviors.flatMap(({ label, behavior }) => {
    const policy = field(behavior, "viewerProtocolPolicy");
    if (isUnknown(policy)) return [`the viewerProtocolPolicy of ${label} is unknown during preview`];
    return HTTPS_VIEWER_POLICIES.includes(String(policy)) ? [] : [`${label} allows viewerProtocolPolicy '${String(policy)}'`];
  });
}

export const cloudfrontViewerTls: ResourceRule = {
  scope: "resource",
  resourceTypes: [CLOUDFRONT.distribution],
  name: "cloudfront-viewer-tls",
  description: "CloudFront distributions accept viewers over TLSv1.2_2021 or newer only, and HTTPS only.",
  enforcementLevel: "advisory",
  remediation: "Use a custom certificate with viewerCertificate.minimumProtocolVersion 'TLSv1.2_2021' (or newer) and viewerProtocolPolicy 'redirect-to-https' or 'https-only' on every cache behavior.",
  check(distribution, _config, report) {
    const problems = [
      ...viewerCertificateProblems(distribution.inputs.viewerCertificate),
      ...viewerProtocolProblems(distribution.inputs.defaultCacheBehavior, distribution.inputs.orderedCacheBehaviors),
    ];
    if (problems.length > 0) {
      report(`${resourceLabel(distribution)}: ${problems.join("; ")}. Fix: a custom certificate with minimumProtocolVersion TLSv1.2_2021 or newer, and redirect-to-https or https-only on every behavior.`);
    }
  },
};

type OriginKind = "s3" | "s3-website" | "lambda-url" | "other";

function originKind(domain: string): OriginKind {
  if (S3_WEBSITE_DOMAIN.test(domain)) return "s3-website";
  if (S3_DOMAIN.test(domain)) return "s3";
  return LAMBDA_URL_DOMAIN.test(domain) ? "lambda-url" : "other";
}

export const cloudfrontOriginAccessControl: StackRule = {
  scope: "stack",
  name: "cloudfront-origin-access-control",
  description: "CloudFront reaches S3 and Lambda Function URL origins only through Origin Access Control: no Origin Access Identity, no public S3 website endpoint.",
  enforcementLevel: "advisory",
  remediation:
    "Create an aws.cloudfront.OriginAccessControl (origin type s3 or lambda) and set originAccessControlId on the origin; drop s3OriginConfig.originAccessIdentity; use the bucket's regional domain, not its website endpoint.",
  check(stack, _config, report) {
    const index = new StackIndex(stack);
    for (const distribution of index.ofType(CLOUDFRONT.distribution)) {
      const origins = distribution.inputs.origins;
      const sourceTypes = index.sources(distribution, "origins").map((source) => source.type);
      const mayBeProtectedOrigin = sourceTypes.some((type) => (S3.buckets as readonly string[]).includes(type) || type === LAMBDA.functionUrl);
      const oacTraceable = sourceTypes.includes(CLOUDFRONT.originAccessControl);
      const problems: string[] = isUnknown(origins) ? ["its origins are unknown during preview"] : [];
      listOf(origins).forEach((origin, position) => {
        if (isUnknown(origin)) return;
        const label = `origin '${knownString(field(origin, "originId")) ?? position + 1}'`;
        const domain = field(origin, "domainName");
        const kind = isUnknown(domain) ? (mayBeProtectedOrigin ? "unknown" : "other") : originKind(String(domain));
        if (kind === "s3-website") problems.push(`${label} is an S3 website endpoint, a public URL`);
        if (kind === "other" || kind === "s3-website") return;
        const identity = field(field(origin, "s3OriginConfig"), "originAccessIdentity");
        if (knownString(identity)) problems.push(`${label} uses a legacy Origin Access Identity`);
        const control = field(origin, "originAccessControlId");
        const hasControl = knownString(control) ? true : isUnknown(control) && oacTraceable;
        if (hasControl) return;
        if (isUnknown(control)) problems.push(`the originAccessControlId of ${label} is unknown during preview and not traceable to an OriginAccessControl of this stack`);
        else if (kind === "unknown") problems.push(`the domain of ${label} is unknown during preview and may be an S3 bucket or Lambda Function URL of this stack, and it has no Origin Access Control`);
        else problems.push(`${label} (${kind === "s3" ? "an S3 bucket" : "a Lambda Function URL"}) has no Origin Access Control`);
      });
      if (problems.length > 0) {
        report(`${resourceLabel(distribution)}: ${problems.join("; ")}. Fix: reach S3 and Lambda origins through an aws.cloudfront.OriginAccessControl (originAccessControlId).`, distribution.urn);
      }
    }
  },
};
