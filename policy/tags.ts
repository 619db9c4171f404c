/**
 * Tagging advisory: the resources that carry cost and ownership carry the tags the pack's config
 * names. Tag conventions differ between teams, so without `requiredTags` the policy asks for nothing.
 */
import { configStrings, field, isRecord, isUnknown, resourceLabel, ResourceRule, ResourceView } from "./model";
import { CLOUDFRONT, CLOUDWATCH, IAM, LAMBDA, S3, SECRETS_MANAGER, SNS } from "./resource-types";

/** The tags a provider adds to every resource (`defaultTags.tags`); a default provider gets it from stack config as JSON text. */
function providerDefaultTags(resource: ResourceView): unknown {
  let defaults = resource.provider?.inputs.defaultTags;
  if (typeof defaults === "string" && !isUnknown(defaults)) {
    try {
      defaults = JSON.parse(defaults);
    }
    // Stryker disable next-line BlockStatement: without the return, the tags field of the unparsed text is undefined too
    catch {
      return undefined;
    }
  }
  return field(defaults, "tags");
}

export const requiredTags: ResourceRule = {
  scope: "resource",
  resourceTypes: [
    ...S3.buckets,
    CLOUDFRONT.distribution,
    CLOUDFRONT.function,
    CLOUDFRONT.keyValueStore,
    LAMBDA.function,
    CLOUDWATCH.logGroup,
    CLOUDWATCH.metricAlarm,
    CLOUDWATCH.compositeAlarm,
    SNS.topic,
    SECRETS_MANAGER.secret,
    IAM.role,
    IAM.policy,
    "aws:acm/certificate:Certificate",
    "aws:kms/key:Key",
  ],
  name: "required-tags",
  description: "Taggable resources carry the tags named in the requiredTags config, set on the resource or as provider default tags.",
  enforcementLevel: "advisory",
  remediation: "Set the tags on the resource, or once for all resources through the provider's defaultTags (stack config aws:defaultTags).",
  configSchema: {
    properties: {
      requiredTags: { type: "array", items: { type: "string" }, default: [], description: "Tag keys every taggable resource must carry; none when unset." },
    },
  },
  check(resource, config, report) {
    const tagSets = [resource.inputs.tags, resource.inputs.tagsAll, providerDefaultTags(resource)];
    const missing = configStrings(config, "requiredTags").filter((key) => !tagSets.some((tags) => isRecord(tags) && tags[key] !== undefined));
    if (missing.length === 0) return;
    const unknown = tagSets.some(isUnknown) ? " (some of its tags are unknown during preview)" : "";
    report(`${resourceLabel(resource)} lacks the tag${missing.length > 1 ? "s" : ""} ${missing.join(", ")}${unknown}. Fix: tag it, or set provider default tags.`);
  },
};
