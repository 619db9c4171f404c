import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../check/model";
import { cloudfrontOriginAccessControl, cloudfrontViewerTls, isModernSecurityPolicy } from "../../policy/cloudfront";
import { type StackResource, UNKNOWN } from "../../policy/model";
import { CLOUDFRONT, LAMBDA, S3 } from "../../policy/resource-types";
import { assertViolatesOnly, evaluate, inBothModes, ProgramBuilder } from "../support/captured";
import { addAlertTopic, addMonitoredDistribution, addMonitoredFunction, MonitoredDistribution } from "../support/policy-fixtures";
import { reportsOf, stackOf, stackResource } from "../support/rule-check";

function withDistribution(mode: "update" | "preview"): { p: ProgramBuilder; edge: MonitoredDistribution; inputs: Record<string, unknown> } {
  const p = new ProgramBuilder(mode);
  const image = addMonitoredFunction(p, "image", addAlertTopic(p, "alerts"));
  const edge = addMonitoredDistribution(p, image.fn, addAlertTopic(p, "edge-alerts", "us-east-1"));
  return { p, edge, inputs: p.get(edge.distribution).inputs };
}

function firstOrigin(inputs: Record<string, unknown>): Record<string, unknown> {
  return (inputs.origins as Record<string, unknown>[])[0];
}

describe("cloudfront-viewer-tls", () => {
  const POLICY = "cloudfront-viewer-tls";

  it("accepts TLSv1.2_2021 and newer security policies only", () => {
    assert.deepEqual(
      ["TLSv1", "TLSv1_2016", "TLSv1.1_2016", "TLSv1.2_2018", "TLSv1.2_2019", "TLSv1.2_2021", "TLSv1.2_2025", "TLSv1.3_2025"].map(isModernSecurityPolicy),
      [false, false, false, false, false, true, true, true],
    );
  });

  inBothModes((mode) => {
    describe(`in ${mode}`, () => {
      it("fails an old minimum protocol version", () => {
        const { p, inputs } = withDistribution(mode);
        (inputs.viewerCertificate as Record<string, unknown>).minimumProtocolVersion = "TLSv1.2_2019";
        assertViolatesOnly(evaluate(p), POLICY, /its minimumProtocolVersion is TLSv1.2_2019/);
      });

      it("fails the default CloudFront certificate", () => {
        const { p, inputs } = withDistribution(mode);
        inputs.viewerCertificate = { cloudfrontDefaultCertificate: true };
        assertViolatesOnly(evaluate(p), POLICY, /default \*\.cloudfront\.net certificate/);
      });

      it("fails a cache behavior that allows plain HTTP", () => {
        const { p, inputs } = withDistribution(mode);
        inputs.orderedCacheBehaviors = [{ pathPattern: "/debug/*", targetOriginId: "image-fn", viewerProtocolPolicy: "allow-all" }];
        assertViolatesOnly(evaluate(p), POLICY, /ordered cache behavior 1 allows viewerProtocolPolicy 'allow-all'/);
      });
    });
  });

  it("reports a minimum protocol version that is unknown during preview", () => {
    const { p, inputs } = withDistribution("preview");
    (inputs.viewerCertificate as Record<string, unknown>).minimumProtocolVersion = UNKNOWN_VALUE;
    assertViolatesOnly(evaluate(p), POLICY, /its minimumProtocolVersion is unknown during preview/);
  });
});

describe("cloudfront-origin-access-control", () => {
  const POLICY = "cloudfront-origin-access-control";

  inBothModes((mode) => {
    describe(`in ${mode}`, () => {
      it("fails a Lambda Function URL origin without Origin Access Control", () => {
        const { p, edge, inputs } = withDistribution(mode);
        delete firstOrigin(inputs).originAccessControlId;
        p.get(edge.distribution).propertyDependencies.origins = [edge.functionUrl];
        if (mode === "update") {
          assertViolatesOnly(evaluate(p), POLICY, /origin 'image-fn' \(a Lambda Function URL\) has no Origin Access Control/);
        } else {
          assertViolatesOnly(evaluate(p), POLICY, /the domain of origin 'image-fn' is unknown during preview and may be an S3 bucket or Lambda Function URL/);
        }
      });

      it("fails an S3 origin through a legacy Origin Access Identity", () => {
        const { p, edge, inputs } = withDistribution(mode);
        const bucket = p.add(S3.buckets[0], "assets", {});
        inputs.origins = [{ originId: "assets", domainName: p.computed("assets-1a2b.s3.eu-west-1.amazonaws.com"), s3OriginConfig: { originAccessIdentity: "origin-access-identity/cloudfront/E1OAI" } }];
        p.get(edge.distribution).propertyDependencies.origins = [bucket];
        const violations = evaluate(p, { "s3-explicit-public-access-block": "disabled", "s3-bucket-encryption": "disabled" });
        assertViolatesOnly(violations, POLICY, mode === "update" ? /origin 'assets' uses a legacy Origin Access Identity/ : /origin 'assets' uses a legacy Origin Access Identity; the domain of origin 'assets' is unknown/);
      });
    });
  });

  it("fails an S3 website endpoint origin, a public URL", () => {
    const { p, inputs } = withDistribution("update");
    inputs.origins = [{ originId: "site", domainName: "assets.s3-website-eu-west-1.amazonaws.com", customOriginConfig: { originProtocolPolicy: "http-only" } }];
    assertViolatesOnly(evaluate(p), POLICY, /origin 'site' is an S3 website endpoint, a public URL/);
  });

  it("leaves custom origins outside S3 and Lambda alone", () => {
    const { p, edge, inputs } = withDistribution("update");
    inputs.origins = [{ originId: "api", domainName: "api.example.com", customOriginConfig: { originProtocolPolicy: "https-only" } }];
    p.get(edge.distribution).propertyDependencies.origins = [];
    assert.deepEqual(evaluate(p), []);
  });
});

describe("cloudfront messages, exactly", () => {
  const FIX_TLS =
    "Fix: a custom certificate with minimumProtocolVersion TLSv1.2_2021 or newer, and redirect-to-https or https-only on every behavior.";
  const FIX_OAC = "Fix: reach S3 and Lambda origins through an aws.cloudfront.OriginAccessControl (originAccessControlId).";
  const HTTPS = { viewerProtocolPolicy: "redirect-to-https" };
  const MODERN = { minimumProtocolVersion: "TLSv1.2_2021", acmCertificateArn: "arn:aws:acm:us-east-1:1:certificate/c" };

  function tlsReports(inputs: Record<string, unknown>): string[] {
    const distribution = stackResource(CLOUDFRONT.distribution, "edge", { viewerCertificate: MODERN, defaultCacheBehavior: HTTPS, ...inputs });
    return reportsOf(cloudfrontViewerTls, distribution);
  }

  it("tells each way a certificate or behavior can fall short of modern TLS", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ viewerCertificate: UNKNOWN }, "its viewerCertificate is unknown during preview"],
      [{ viewerCertificate: { cloudfrontDefaultCertificate: UNKNOWN } }, "whether it uses the default certificate is unknown during preview"],
      [{ viewerCertificate: { acmCertificateArn: "arn" } }, "it sets no minimumProtocolVersion (CloudFront then accepts TLSv1)"],
      [{ orderedCacheBehaviors: UNKNOWN }, "its ordered cache behaviors are unknown during preview"],
      [{ defaultCacheBehavior: { viewerProtocolPolicy: UNKNOWN } }, "the viewerProtocolPolicy of the default cache behavior is unknown during preview"],
      [{ defaultCacheBehavior: { viewerProtocolPolicy: "allow-all" } }, "the default cache behavior allows viewerProtocolPolicy 'allow-all'"],
      [{ orderedCacheBehaviors: [HTTPS, { viewerProtocolPolicy: UNKNOWN }] }, "the viewerProtocolPolicy of ordered cache behavior 2 is unknown during preview"],
    ];
    for (const [inputs, problem] of cases) assert.deepEqual(tlsReports(inputs), [`Distribution 'edge': ${problem}. ${FIX_TLS}`], problem);
    assert.deepEqual(tlsReports({ orderedCacheBehaviors: [HTTPS, { viewerProtocolPolicy: "https-only" }] }), []);
    assert.deepEqual(tlsReports({ viewerCertificate: { cloudfrontDefaultCertificate: true }, defaultCacheBehavior: { viewerProtocolPolicy: "allow-all" } }), [
      `Distribution 'edge': it uses the default *.cloudfront.net certificate, which accepts TLSv1; the default cache behavior allows viewerProtocolPolicy 'allow-all'. ${FIX_TLS}`,
    ]);
  });

  it("reads a security policy name as TLSv<major>.<minor>_<year>, any number of digits each", () => {
    const cases: [string, boolean][] = [
      ["TLSv1.0_2021", false],
      ["TLSv1.1_2021", false],
      ["TLSv2.0_2021", true],
      ["TLSv10.0_2021", true],
      ["TLSv1.10_2021", true],
      ["TLSv1.2_2020", false],
      ["xTLSv1.2_2021", false],
      ["TLSv1.2_2021x", false],
    ];
    for (const [name, modern] of cases) assert.equal(isModernSecurityPolicy(name), modern, name);
  });

  function oacReports(origins: unknown, sources: StackResource[] = []): string[] {
    const distribution = stackResource(CLOUDFRONT.distribution, "edge", { origins }, { propertyDependencies: { origins: sources.map((source) => source.urn) } });
    return reportsOf(cloudfrontOriginAccessControl, stackOf([...sources, distribution]));
  }

  it("tells each way an origin can bypass Origin Access Control", () => {
    const bucket = stackResource(S3.buckets[1], "assets");
    const control = stackResource(CLOUDFRONT.originAccessControl, "oac");
    const other = stackResource(LAMBDA.function, "fn");
    const s3 = "assets.s3.eu-west-1.amazonaws.com";
    const cases: [unknown, StackResource[], string][] = [
      [UNKNOWN, [], "its origins are unknown during preview"],
      [[{ domainName: s3 }], [], "origin '1' (an S3 bucket) has no Origin Access Control"],
      [[{ originId: "a", domainName: "x.lambda-url.eu-west-1.on.aws" }], [], "origin 'a' (a Lambda Function URL) has no Origin Access Control"],
      [[{ originId: "a", domainName: s3, originAccessControlId: UNKNOWN }], [bucket], "the originAccessControlId of origin 'a' is unknown during preview and not traceable to an OriginAccessControl of this stack"],
      [[{ originId: "a", domainName: UNKNOWN }], [bucket, other], "the domain of origin 'a' is unknown during preview and may be an S3 bucket or Lambda Function URL of this stack, and it has no Origin Access Control"],
      [[{ originId: "a", domainName: "a.s3-website.eu-west-1.amazonaws.com" }], [], "origin 'a' is an S3 website endpoint, a public URL"],
    ];
    for (const [origins, sources, problem] of cases) assert.deepEqual(oacReports(origins, sources), [`Distribution 'edge': ${problem}. ${FIX_OAC}`], problem);
    const clean: [unknown, StackResource[]][] = [
      [[{ originId: "a", domainName: s3, originAccessControlId: UNKNOWN }], [bucket, control]],
      [[{ originId: "a", domainName: s3, originAccessControlId: "E2OAC" }], []],
      [[{ originId: "a", domainName: UNKNOWN }], [other]],
      [[UNKNOWN], [bucket]],
      [[{ originId: "api", domainName: "api.example.com" }], []],
    ];
    for (const [origins, sources] of clean) assert.deepEqual(oacReports(origins, sources), [], JSON.stringify(origins));
  });
});
