/**
 * `required-alarms` (mandatory): every Lambda function alarms on Errors and Throttles, every
 * CloudFront distribution on its 5xx rate and an unusual 403/4xx rate, and each of those alarms
 * notifies an SNS topic in its own region that has a subscription (directly, or through a composite
 * alarm that does).
 *
 * An alarm watches a resource only through the dimension CloudWatch publishes its metrics by: a
 * Lambda function's name (`FunctionName`, optionally `Resource` = name:alias or name:version) and a
 * distribution's id (`DistributionId`, with `Region` = `Global`)
 * (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html,
 * https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/programming-cloudwatch-metrics.html).
 * When the value is known it must equal that attribute; when it is unknown during preview it must
 * come from the resource while that attribute is unknown too, because the attribute itself would
 * be known when it is (a function's generated name is known during preview, its ARN is not).
 */
import { configStrings, containsUnknown, field, isUnknown, knownString, knownStrings, resourceLabel, StackResource, StackRule } from "./model";
import { listOf } from "./policy-documents";
import { CLOUDFRONT, CLOUDWATCH, LAMBDA, SNS } from "./resource-types";
import { identifiersOf, regionOf, sameRegion, StackIndex } from "./stack-index";

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
  /** The output the dimension must equal (`name`, `id`). */
  attribute: string;
  /** Dimensions the alarm must also carry with exactly these values. */
  fixedDimensions: Record<string, string>;
  /** Whether a `Resource` dimension (name:alias) may qualify the metric. */
  qualified: boolean;
  /** The alarm's region must be this one; otherwise it must be the resource's own region. */
  fixedRegion?: string;
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
  // Stryker disable next-line ArrayDeclaration: an entry without a namespace covers nothing and is no near miss
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

/** Why the metric's dimensions do not name `target`, or undefined when they do. `false` means: not about this target at all. */
function dimensionProblem(index: StackIndex, alarm: StackResource, metric: AlarmMetric, target: Target): string | false | undefined {
  const value = field(metric.dimensions, target.dimension);
  if (value === undefined) return false;
  const expected = target.resource.outputs[target.attribute];
  const wanted = knownString(expected);
  const sources = index.sources(alarm, metric.property);
  const fromTarget = sources.some((source) => source.urn === target.resource.urn);
  const what = `${resourceLabel(target.resource)}'s ${target.attribute}`;
  if (isUnknown(value)) {
    if (!fromTarget) return sources.length === 0 ? `its ${target.dimension} dimension is unknown during preview and not traceable to any resource` : false;
    if (wanted !== undefined) return `its ${target.dimension} dimension is unknown during preview while ${what} is known, so it is not that ${target.attribute} but a value derived from the resource (such as its ARN)`;
  } else if (wanted !== undefined) {
    if (value !== wanted) return fromTarget ? `its ${target.dimension} dimension '${String(value)}' comes from ${resourceLabel(target.resource)} but is not its ${target.attribute} '${wanted}'` : false;
  } else if (!fromTarget) {
    return false;
  }
  const qualifier = knownString(field(metric.dimensions, "Resource"));
  if (target.qualified && qualifier !== undefined && wanted !== undefined && qualifier !== wanted && !qualifier.startsWith(`${wanted}:`)) {
    return `its Resource dimension '${qualifier}' is not '${wanted}' or '${wanted}:<alias or version>'`;
  }
  return undefined;
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
    // Stryker disable next-line ObjectLiteral: {} neither covers nor names a near miss
    if (metric.namespace !== target.namespace) return { covers: false };
    if (isUnknown(metric.metricName)) return { covers: false, nearMiss: "its metric name is unknown during preview" };
    // Stryker disable next-line ObjectLiteral: {} neither covers nor names a near miss
    if (!requirement.metricNames.includes(String(metric.metricName))) return { covers: false };

    const problem = dimensionProblem(this.index, alarm, metric, target);
    // Stryker disable next-line BooleanLiteral,ObjectLiteral: a problem of false is no near miss on the next line either
    if (problem === false) return { covers: false };
    if (problem !== undefined) return { covers: false, nearMiss: problem };
    for (const [name, value] of Object.entries(target.fixedDimensions)) {
      const actual = field(metric.dimensions, name);
      if (isUnknown(actual)) return { covers: false, nearMiss: `its ${name} dimension is unknown during preview` };
      if (actual !== value) return { covers: false, nearMiss: `its ${name} dimension is ${actual === undefined ? "missing" : `'${String(actual)}'`}, not '${value}'` };
    }
    const regionProblem = this.regionProblem(alarm, target);
    if (regionProblem) return { covers: false, nearMiss: regionProblem };
    const notifyProblem = this.notifyProblem(alarm);
    return notifyProblem ? { covers: false, nearMiss: notifyProblem } : { covers: true };
  }

  private regionProblem(alarm: StackResource, target: Target): string | undefined {
    if (target.fixedRegion !== undefined) {
      const region = regionOf(alarm);
      if ("unknownBecause" in region) return `${region.unknownBecause}; set region: "${target.fixedRegion}" on the alarm or its provider`;
      return region.region === target.fixedRegion ? undefined : `it is in ${region.region}, not ${target.fixedRegion}`;
    }
    const same = sameRegion(alarm, target.resource);
    if ("unknownBecause" in same) return same.unknownBecause;
    return same.same ? undefined : `it is not in the region of ${resourceLabel(target.resource)}`;
  }

  /** Why `alarm` notifies no subscribed SNS topic in its region, or undefined when it does. */
  private notifyProblem(alarm: StackResource): string | undefined {
    const direct = this.actionProblem(alarm);
    if (!direct) return undefined;
    const alarmNames = identifiersOf(alarm, ["name", "alarmName"]);
    const composites = this.composites.filter((composite) => {
      // Stryker disable next-line ArrayDeclaration: no alarm has a URN of "Stryker was here"
      if ((composite.propertyDependencies.alarmRule ?? []).includes(alarm.urn)) return true;
      const rule = knownString(composite.inputs.alarmRule);
      return rule !== undefined && alarmNames.some((name) => rule.includes(name));
    });
    if (composites.some((composite) => !this.actionProblem(composite))) return undefined;
    const viaComposites = composites.length > 0 ? ` (nor does ${composites.map(resourceLabel).join(", ")})` : "";
    return `${direct}${viaComposites}`;
  }

  private actionProblem(alarm: StackResource): string | undefined {
    const { actionsEnabled, alarmActions } = alarm.inputs;
    if (actionsEnabled === false) return "its actions are disabled (actionsEnabled: false)";
    if (isUnknown(actionsEnabled)) return "whether its actions are enabled is unknown during preview";
    if (listOf(alarmActions).length === 0) return "it has no alarm actions";

    const problems: string[] = [];
    // Stryker disable next-line ArrayDeclaration: a topic has no input named "Stryker was here"
    const topics = this.topics.filter((topic) => this.index.refersTo(alarm, "alarmActions", topic, identifiersOf(topic, [])));
    for (const topic of topics) {
      const same = sameRegion(topic, alarm);
      if ("unknownBecause" in same) problems.push(same.unknownBecause);
      else if (!same.same) problems.push(`its topic ${resourceLabel(topic)} is in ${regionName(topic)}, not ${regionName(alarm)}`);
      else if (this.isSubscribed(topic)) return undefined;
      else problems.push(`its topic ${resourceLabel(topic)} has no subscription`);
    }
    // Stryker disable next-line ArrayDeclaration: a topic has no input named "Stryker was here"
    const topicArns = topics.flatMap((topic) => identifiersOf(topic, []));
    const alarmRegion = regionOf(alarm);
    for (const action of knownStrings(alarmActions).filter((arn) => !topicArns.includes(arn))) {
      if (!this.trustedTopicArns.includes(action)) {
        problems.push(`its action ${action} is not an SNS topic of this stack (list it in trustedTopicArns if it is a subscribed topic elsewhere)`);
      } else if ("unknownBecause" in alarmRegion) {
        problems.push(alarmRegion.unknownBecause);
      } else if (action.split(":")[3] === alarmRegion.region) {
        return undefined;
      } else {
        problems.push(`its trusted topic ${action} is not in ${alarmRegion.region}`);
      }
    }
    if (containsUnknown(alarmActions) && topics.length === 0) problems.push("its alarm actions are unknown during preview and not traceable to an SNS topic of this stack");
    return problems.length > 0 ? problems.join("; ") : "it has no action to a subscribed SNS topic in its region";
  }

  private isSubscribed(topic: StackResource): boolean {
    // Stryker disable next-line ArrayDeclaration: a topic has no input named "Stryker was here"
    const identifiers = identifiersOf(topic, []);
    return this.subscriptions.some((subscription) => this.index.refersTo(subscription, "topic", topic, identifiers));
  }
}

function regionName(resource: StackResource): string {
  const region = regionOf(resource);
  return "region" in region ? region.region : "an unknown region";
}

function lambdaTargets(index: StackIndex): Target[] {
  return index.ofType(LAMBDA.function).map((fn) => ({
    resource: fn,
    namespace: "AWS/Lambda",
    dimension: "FunctionName",
    attribute: "name",
    fixedDimensions: {},
    qualified: true,
    requirements: [
      { label: "Errors", metricNames: ["Errors"] },
      { label: "Throttles", metricNames: ["Throttles"] },
    ],
  }));
}

function distributionTargets(index: StackIndex): Target[] {
  return index.ofType(CLOUDFRONT.distribution).map((distribution) => ({
    resource: distribution,
    namespace: "AWS/CloudFront",
    dimension: "DistributionId",
    attribute: "id",
    fixedDimensions: { Region: "Global" },
    qualified: false,
    fixedRegion: CLOUDFRONT_METRICS_REGION,
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
        const region = target.fixedRegion ?? regionName(target.resource);
        const candidates = nearMisses.length > 0 ? ` Candidates that do not count: ${nearMisses.join("; ")}.` : "";
        report(
          `${resourceLabel(target.resource)} has no ${target.namespace} ${requirement.label} alarm on its ${target.dimension} in ${region} that notifies a subscribed SNS topic.${candidates} ` +
            `Fix: add an aws.cloudwatch.MetricAlarm on ${requirement.label} with the ${target.dimension} dimension set to this resource's ${target.attribute} output and an alarmActions topic that has a subscription.`,
          target.resource.urn,
        );
      }
    }
  },
};
