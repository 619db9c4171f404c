/**
 * What the mocked provider answers for each new resource: its inputs plus the outputs a real
 * provider computes (ids, ARNs, generated names, random bytes). In preview mode every computed
 * output is unknown, as it is before a real `pulumi up`.
 */
import { createHash } from "node:crypto";
import { type CheckMode, UNKNOWN_VALUE } from "./model";
import { type PolicyDocumentArgs, renderPolicyDocument } from "./policy-document";

export const MOCK_ACCOUNT_ID = "123456789012";

type State = Record<string, unknown>;

interface NewResource {
  type: string;
  name: string;
  /** Stable text that makes generated names and random bytes differ per stack and resource. */
  seed: string;
  inputs: State;
  region: string;
}

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** The provider's service and resource kind from a type token such as `aws:s3/bucket:Bucket`. */
function typeParts(type: string): { service: string; kind: string } {
  const [, module = "", kind = ""] = type.split(":");
  return { service: module.split("/")[0], kind: kind.toLowerCase() };
}

function computedOutputs(resource: NewResource): State {
  const { type, seed, inputs, region } = resource;
  const suffix = digest(seed).toString("hex").slice(0, 7);
  const physicalName = String(inputs.name ?? (inputs.namePrefix ? `${inputs.namePrefix}${suffix}` : `${resource.name}-${suffix}`));
  const { service, kind } = typeParts(type);
  const arn = `arn:aws:${service}:${region}:${MOCK_ACCOUNT_ID}:${kind}/${physicalName}`;
  const common: State = { id: physicalName, arn, name: physicalName };

  switch (type) {
    case "pulumi:pulumi:StackReference":
      return { id: String(inputs.name ?? resource.name), outputs: {}, secretOutputNames: [] };
    case "random:index/randomBytes:RandomBytes": {
      const bytes = digest(`random-bytes:${seed}`).subarray(0, Number(inputs.length ?? 32));
      return { id: bytes.toString("base64"), base64: bytes.toString("base64"), hex: bytes.toString("hex") };
    }
    case "aws:s3/bucket:Bucket":
    case "aws:s3/bucketV2:BucketV2": {
      const bucket = String(inputs.bucket ?? `${resource.name}-${suffix}`);
      return { id: bucket, bucket, arn: `arn:aws:s3:::${bucket}`, bucketRegionalDomainName: `${bucket}.s3.${region}.amazonaws.com` };
    }
    case "aws:lambda/function:Function": {
      const functionArn = `arn:aws:lambda:${region}:${MOCK_ACCOUNT_ID}:function:${physicalName}`;
      return { ...common, arn: functionArn, version: "1", qualifiedArn: `${functionArn}:1`, invokeArn: `${functionArn}/invocations` };
    }
    case "aws:lambda/alias:Alias":
      return { id: `${inputs.functionName}:${inputs.name}`, arn: `arn:aws:lambda:${region}:${MOCK_ACCOUNT_ID}:function:${inputs.functionName}:${inputs.name}` };
    case "aws:lambda/functionUrl:FunctionUrl":
      return { id: String(inputs.functionName), functionUrl: `https://${suffix}abcdefghijklmnopqrstuvwx.lambda-url.${region}.on.aws/`, urlId: suffix };
    case "aws:cloudfront/distribution:Distribution":
      return {
        id: `E${suffix.toUpperCase()}ABCDEF`,
        arn: `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:distribution/E${suffix.toUpperCase()}ABCDEF`,
        domainName: `d${suffix}.cloudfront.net`,
        hostedZoneId: "Z2FDTNDATAQYW2",
      };
    case "aws:cloudfront/function:Function":
      return { ...common, arn: `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:function/${physicalName}` };
    case "aws:cloudfront/keyValueStore:KeyValueStore":
      return { ...common, arn: `arn:aws:cloudfront::${MOCK_ACCOUNT_ID}:key-value-store/${suffix}` };
    case "aws:acm/certificate:Certificate":
      return {
        ...common,
        arn: `arn:aws:acm:${region}:${MOCK_ACCOUNT_ID}:certificate/${suffix}`,
        domainValidationOptions: [
          {
            domainName: inputs.domainName,
            resourceRecordName: `_${suffix}.${inputs.domainName}.`,
            resourceRecordType: "CNAME",
            resourceRecordValue: `_${suffix}.acm-validations.aws.`,
          },
        ],
      };
    case "aws:acm/certificateValidation:CertificateValidation":
      return { id: String(inputs.certificateArn) };
    case "aws:route53/record:Record":
      return { id: `${inputs.zoneId}_${inputs.name}_${inputs.type}`, fqdn: inputs.name };
    case "aws:sns/topic:Topic":
      return { ...common, arn: `arn:aws:sns:${region}:${MOCK_ACCOUNT_ID}:${physicalName}` };
    case "aws:cloudwatch/logGroup:LogGroup":
      return { ...common, arn: `arn:aws:logs:${region}:${MOCK_ACCOUNT_ID}:log-group:${physicalName}` };
    case "aws:secretsmanager/secret:Secret":
      return { ...common, arn: `arn:aws:secretsmanager:${region}:${MOCK_ACCOUNT_ID}:secret:${physicalName}-${suffix.slice(0, 6)}` };
    case "aws:iam/role:Role":
      return { ...common, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:role/${physicalName}` };
    default:
      return common;
  }
}

/**
 * Pulumi auto-names a resource while checking its inputs, before the plan: a generated `name` (or a
 * bucket's `bucket`) is known during preview, unlike ids and ARNs. A `namePrefix` is completed by
 * the provider at create time, so it stays unknown.
 */
function knownInPreview(key: string, inputs: State): boolean {
  return (key === "name" || key === "bucket") && inputs.namePrefix === undefined;
}

/** The state a resource has after the mocked create: known in update mode, computed parts unknown in preview. */
export function mockResourceState(resource: NewResource, mode: CheckMode): { id: string | undefined; state: State } {
  const outputs = computedOutputs(resource);
  const computed = Object.fromEntries(
    Object.entries(outputs)
      .filter(([key]) => key !== "id" && resource.inputs[key] === undefined)
      .map(([key, value]) => [key, mode === "preview" && !knownInPreview(key, resource.inputs) ? UNKNOWN_VALUE : value]),
  );
  return { id: mode === "preview" ? undefined : String(outputs.id), state: { ...resource.inputs, ...computed } };
}

/**
 * What the provider answers for a provider function a program calls (they run in preview as well),
 * or `undefined` for a function the check does not model.
 */
export function mockInvokeResult(token: string, inputs: Record<string, unknown>, region: string): Record<string, unknown> | undefined {
  switch (token) {
    case "aws:iam/getPolicyDocument:getPolicyDocument":
      return { ...inputs, ...renderPolicyDocument(inputs as PolicyDocumentArgs) };
    case "aws:index/getPartition:getPartition":
      return { id: "aws", partition: "aws", dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return { id: MOCK_ACCOUNT_ID, accountId: MOCK_ACCOUNT_ID, arn: `arn:aws:iam::${MOCK_ACCOUNT_ID}:user/check`, userId: "AIDACHECK" };
    case "aws:index/getRegion:getRegion":
      return { id: region, name: region, region, endpoint: `ec2.${region}.amazonaws.com` };
    default:
      return undefined;
  }
}
