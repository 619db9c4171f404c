/**
 * `required-alarms` (mandatory): every Lambda function alarms on Errors and Throttles, every
 * CloudFront distribution on its 5xx rate and an unusual 403/4xx rate, and each of those alarms
 * notifies an SNS topic in its own region that has a subscription (directly, or through a composite
 * alarm that does). Alarms are matched to their targets by dimension value when both are known and
 * by the dimensions' dependencies when they are not.
 */
import { configStrings, containsUnknown, field, isUnknown, knownString, knownStrings, resourceLabel, StackResource, StackRule } from "./model";
import { listOf } from "./policy-documents";
import { CLOUDFRONT, CLOUDWATCH, LAMBDA, SNS } from "./resource-types";
import { identifiersOf, Region, regionOf, StackIndex } from "./stack-index";

/** CloudFront publishes its metrics in us-east-1 only. */
export const CLOUDFRONT_METRICS_REGION = "us-east-1";

interface Requirement {
  label: string;
  metricNames: readonly string[];
}

interface Target {
  resource: StackResource;
  namespace: string;
  dimension: string;
  /** Dimensions the alarm must also carry with exactly these values. */
  fixedDimensions: Record<string, string>;
  identifiers: string[];
  /** URNs an alarm's dimensions may come from to mean this target (the resource, its aliases). */
  sourceUrns: Set<string>;
  /** Types whose resources an alarm's dimensions may come from to mean a target of this kind. */
  sourceTypes: readonly string[];
  region: Region;
  requirements: readonly Requirement[];
}

interface AlarmMetric {
  namespace: unknown;
  metricName: unknown;
  dimensions: unknown;
  /** The alarm property whose dependencies cover these dimensions. */
  property: "dimensions" | "metricQueries";
}

type Verdict = { covers: true } | { covers: false; nearMiss?: string };

function alarmMetrics(alarm: StackResource): AlarmMetric[] {
  const { inputs } = alarm;
  const metrics: AlarmMetric[] = [];
  if (inputs.metricName !== undefined) {
    metrics.push({ namespace: inputs.namespace, metricName: inputs.metricName, dimensions: inputs.dimensions, property: "dimensions" });
  }
  for (const query of listOf(inputs.metricQueries)) {
    const metric = field(query, "metric");
    if (metric === undefined) continue;
    metrics.push({ namespace: field(metric, "namespace"), metricName: field(metric, "metricName"), dimensions: field(metric, "dimensions"), property: "metricQueries" });
  }
  return metrics;
}

class AlarmCoverage {
  private readonly subscriptions: StackResource[];
  private readonly topics: StackResource[];
  private readonly composites: StackResource[];

  constructor(
    private readonly index: StackIndex,
    private readonly trustedTopicArns: readonly string[],
  ) {
    this.subscriptions = index.ofType(SNS.subscription);
    this.topics = index.ofType(SNS.topic);
    this.composites = index.ofType(CLOUDWATCH.compositeAlarm);
  }

  /** Whether `alarm`'s `metric` is an alarm of `requirement` on `target` that notifies someone, or why not. */
  verdict(alarm: StackResource, metric: AlarmMetric, target: Target, requirement: Requirement): Verdict {
    if (isUnknown(metric.namespace)) return { covers: false, nearMiss: "its metric namespace is unknown during preview" };
    if (metric.namespace !== target.namespace) return { covers: false };
    if (isUnknown(metric.metricName)) return { covers: false, nearMiss: "its metric name is unknown during preview" };
    if (!requirement.metricNames.includes(String(metric.metricName))) return { covers: false };

    const sources = this.index.sources(alarm, metric.property);
    const dimensionValue = field(metric.dimensions, target.dimension);
    const known = knownString(dimensionValue);
    const refersToTarget = known !== undefined && target.identifiers.length > 0 ? target.identifiers.includes(known) : sources.some((source) => target.sourceUrns.has(source.urn));
    if (!refersToTarget) {
      const untraceable = isUnknown(dimensionValue) && !sources.some((source) => target.sourceTypes.includes(source.type));
      return untraceable ? { covers: false, nearMiss: `its ${target.dimension} dimension is unknown during preview and not traceable to any resource` } : { covers: false };
    }
    for (const [name, value] of Object.entries(target.fixedDimensions)) {
      const actual = field(metric.dimensions, name);
      if (isUnknown(actual)) return { covers: false, nearMiss: `its ${name} dimension is unknown during preview` };
      if (actual !== value) return { covers: false, nearMiss: `its ${name} dimension is ${actual === undefined ? "missing" : `'${String(actual)}'`}, not '${value}'` };
    }
    if ("unknownBecause" in target.region) return { covers: false, nearMiss: target.region.unknownBecause };
    const alarmRegion = regionOf(alarm);
    if ("unknownBecause" in alarmRegion) return { covers: false, nearMiss: alarmRegion.unknownBecause };
    if (alarmRegion.region !== target.region.region) return { covers: false, nearMiss: `it is in ${alarmRegion.region}, not ${target.region.region}` };
    const notifyProblem = this.notifyProblem(alarm, alarmRegion.region);
    return notifyProblem ? { covers: false, nearMiss: notifyProblem } : { covers: true };
  }

  /** Why `alarm` notifies no subscribed SNS topic in `region`, or undefined when it does. */
  private notifyProblem(alarm: StackResource, region: string): string | undefined {
    const direct = this.actionProblem(alarm, region);
    if (!direct) return undefined;
    const alarmNames = identifiersOf(alarm, ["name", "alarmName"]);
    const composites = this.composites.filter((composite) => {
      if ((composite.propertyDependencies.alarmRule ?? []).includes(alarm.urn)) return true;
      const rule = knownString(composite.inputs.alarmRule);
      return rule !== undefined && alarmNames.some((name) => rule.includes(name));
    });
    for (const composite of composites) {
      const compositeRegion = regionOf(composite);
      if ("region" in compositeRegion && !this.actionProblem(composite, compositeRegion.region)) return undefined;
    }
    const viaComposites = composites.length > 0 ? ` (nor does ${composites.map(resourceLabel).join(", ")})` : "";
    return `${direct}${viaComposites}`;
  }

  private actionProblem(alarm: StackResource, region: string): string | undefined {
    const { actionsEnabled, alarmActions } = alarm.inputs;
    if (actionsEnabled === false) return "its actions are disabled (actionsEnabled: false)";
    if (isUnknown(actionsEnabled)) return "whether its actions are enabled is unknown during preview";
    if (listOf(alarmActions).length === 0) return "it has no alarm actions";

    const problems: string[] = [];
    const topics = this.topics.filter((topic) => this.index.refersTo(alarm, "alarmActions", topic, identifiersOf(topic, [])));
    for (const topic of topics) {
      const topicRegion = regionOf(topic);
      if ("unknownBecause" in topicRegion) problems.push(topicRegion.unknownBecause);
      else if (topicRegion.region !== region) problems.push(`its topic ${resourceLabel(topic)} is in ${topicRegion.region}, not ${region}`);
      else if (this.isSubscribed(topic)) return undefined;
      else problems.push(`its topic ${resourceLabel(topic)} has no subscription`);
    }
    const topicArns = topics.flatMap((topic) => identifiersOf(topic, []));
    for (const action of knownStrings(alarmActions).filter((arn) => !topicArns.includes(arn))) {
      if (!this.trustedTopicArns.includes(action)) {
        problems.push(`its action ${action} is not an SNS topic of this stack (list it in trustedTopicArns if it is a subscribed topic elsewhere)`);
      } else if (action.split(":")[3] === region) {
        return undefined;
      } else {
        problems.push(`its trusted topic ${action} is not in ${region}`);
      }
    }
    if (containsUnknown(alarmActions) && topics.length === 0) problems.push("its alarm actions are unknown during preview and not traceable to an SNS topic of this stack");
    return problems.length > 0 ? problems.join("; ") : `it has no action to a subscribed SNS topic in ${region}`;
  }

  private isSubscribed(topic: StackResource): boolean {
    const identifiers = identifiersOf(topic, []);
    return this.subscriptions.some((subscription) => this.index.refersTo(subscription, "topic", topic, identifiers));
  }
}

function lambdaTargets(index: StackIndex): Target[] {
  const aliases = index.ofType(LAMBDA.alias);
  return index.ofType(LAMBDA.function).map((fn) => {
    const identifiers = identifiersOf(fn, ["name"]);
    const ownAliases = aliases.filter((alias) => index.refersTo(alias, "functionName", fn, identifiers));
    return {
      resource: fn,
      namespace: "AWS/Lambda",
      dimension: "FunctionName",
      fixedDimensions: {},
      identifiers,
      sourceUrns: new Set([fn.urn, ...ownAliases.map((alias) => alias.urn)]),
      sourceTypes: [LAMBDA.function, LAMBDA.alias],
      region: regionOf(fn),
      requirements: [
        { label: "Errors", metricNames: ["Errors"] },
        { label: "Throttles", metricNames: ["Throttles"] },
      ],
    };
  });
}

function distributionTargets(index: StackIndex): Target[] {
  return index.ofType(CLOUDFRONT.distribution).map((distribution) => ({
    resource: distribution,
    namespace: "AWS/CloudFront",
    dimension: "DistributionId",
    fixedDimensions: { Region: "Global" },
    identifiers: identifiersOf(distribution, []),
    sourceUrns: new Set([distribution.urn]),
    sourceTypes: [CLOUDFRONT.distribution],
    region: { region: CLOUDFRONT_METRICS_REGION },
    requirements: [
      { label: "5xxErrorRate", metricNames: ["5xxErrorRate"] },
      { label: "403ErrorRate or 4xxErrorRate", metricNames: ["403ErrorRate", "4xxErrorRate"] },
    ],
  }));
}

export const requiredAlarms: StackRule = {
  scope: "stack",
  name: "required-alarms",
  description: "Every Lambda function and CloudFront distribution has its required CloudWatch alarms, each notifying a subscribed SNS topic in the alarm's region.",
  enforcementLevel: "mandatory",
  remediation:
    "Add aws.cloudwatch.MetricAlarm resources: AWS/Lambda Errors and Throttles per function (FunctionName dimension, function's region); AWS/CloudFront 5xxErrorRate " +
    `and 403ErrorRate or 4xxErrorRate per distribution (DistributionId and Region=Global dimensions, region: "${CLOUDFRONT_METRICS_REGION}"); ` +
    "give each an alarmActions entry pointing at an aws.sns.Topic in the alarm's region with an aws.sns.TopicSubscription.",
  configSchema: {
    properties: {
      trustedTopicArns: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "ARNs of SNS topics outside this stack that are known to have subscriptions and may receive the required alarms.",
      },
    },
  },
  check(stack, config, report) {
    const index = new StackIndex(stack);
    const coverage = new AlarmCoverage(index, configStrings(config, "trustedTopicArns"));
    const alarms = index.ofType(CLOUDWATCH.metricAlarm);
    for (const target of [...lambdaTargets(index), ...distributionTargets(index)]) {
      for (const requirement of target.requirements) {
        const nearMisses: string[] = [];
        const covered = alarms.some((alarm) =>
          alarmMetrics(alarm).some((metric) => {
            const verdict = coverage.verdict(alarm, metric, target, requirement);
            if (!verdict.covers && verdict.nearMiss) nearMisses.push(`${resourceLabel(alarm)}: ${verdict.nearMiss}`);
            return verdict.covers;
          }),
        );
        if (covered) continue;
        const region = "region" in target.region ? target.region.region : "its region";
        const candidates = nearMisses.length > 0 ? ` Candidates that do not count: ${nearMisses.join("; ")}.` : "";
        report(
          `${resourceLabel(target.resource)} has no ${target.namespace} ${requirement.label} alarm on its ${target.dimension} in ${region} that notifies a subscribed SNS topic.${candidates} ` +
            `Fix: add an aws.cloudwatch.MetricAlarm on ${requirement.label} with the ${target.dimension} dimension taken from this resource and an alarmActions topic that has a subscription.`,
          target.resource.urn,
        );
      }
    }
  },
};
