import * as aws from "@pulumi/aws";
import { type EdgeScope, US_EAST_1 } from "./edge-scope";
import type { ImageEdgeDomain } from "./image-edge";

/** The resource arguments each child of an edge's own hostname is built from, by role. */
export interface EdgeDomainChildren {
  certificate: aws.acm.CertificateArgs;
  certificateRecord: aws.route53.RecordArgs;
  certificateValidation: aws.acm.CertificateValidationArgs;
  aliasRecord: aws.route53.RecordArgs;
}

/** An ACM certificate for the hostname in us-east-1, where CloudFront reads it, validated by a DNS record in the zone. */
export function createCertificate(scope: EdgeScope<EdgeDomainChildren>, domain: ImageEdgeDomain) {
  const { children } = scope;
  const certificate = children.create(aws.acm.Certificate, "certificate", { domainName: domain.name, validationMethod: "DNS", region: US_EAST_1, tags: scope.tags });
  const option = certificate.domainValidationOptions[0];
  const record = children.create(aws.route53.Record, "certificateRecord", {
    zoneId: domain.hostedZoneId,
    name: option.resourceRecordName,
    type: option.resourceRecordType,
    records: [option.resourceRecordValue],
    ttl: 300,
    allowOverwrite: true,
  });
  const validation = children.create(aws.acm.CertificateValidation, "certificateValidation", {
    certificateArn: certificate.arn,
    validationRecordFqdns: [record.fqdn],
    region: US_EAST_1,
  });
  return { certificate, arn: validation.certificateArn };
}

/** A and AAAA alias records from the hostname to the distribution. */
export function createAliasRecords(scope: EdgeScope<EdgeDomainChildren>, domain: ImageEdgeDomain, distribution: aws.cloudfront.Distribution): void {
  for (const type of ["A", "AAAA"]) {
    scope.children.create(
      aws.route53.Record,
      "aliasRecord",
      {
        zoneId: domain.hostedZoneId,
        name: domain.name,
        type,
        aliases: [{ name: distribution.domainName, zoneId: distribution.hostedZoneId, evaluateTargetHealth: false }],
      },
      {},
      type.toLowerCase(),
    );
  }
}
