import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../check/model";
import { isModernSecurityPolicy } from "../../policy/cloudfront";
import { S3 } from "../../policy/resource-types";
import { assertViolatesOnly, evaluate, inBothModes, ProgramBuilder } from "../support/captured";
import { addAlertTopic, addMonitoredDistribution, addMonitoredFunction, MonitoredDistribution } from "../support/policy-fixtures";

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
