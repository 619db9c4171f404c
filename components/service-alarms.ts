import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { dashboardBody } from "./alarm-dashboard";
import { type AlarmDefinition, CLOUDFRONT_METRICS_REGION } from "./alarm-series";
import { type AlarmTopicChildren, createAlarmTopic } from "./alarm-topic";
import { distributionAlarms, edgeFunctionAlarms } from "./cloudfront-alarms";
import { lambdaAlarms } from "./lambda-alarms";
import { stackScopedName } from "./physical-name";
import { ChildFactory, type Transforms } from "./transform";

/**
 * When each alarm fires. Counts fire when they reach their threshold; rates, shares and
 * percentiles fire when they go above it.
 */
export interface AlarmThresholds {
  /** Lambda errors in 5 minutes, and 5xx answers in one minute of a function that emits request metrics. */
  lambdaErrors: number;
  /** Lambda throttles in 5 minutes. */
  lambdaThrottles: number;
  /** p99 duration as a share of the timeout (0-1). */
  durationShareOfTimeout: number;
  /** Concurrent executions as a share of the reserved concurrency (0-1), where one is reserved. */
  concurrencyShareOfReserved: number;
  /** CloudFront 5xx error rate in percent. */
  cloudfront5xxRatePercent: number;
  /** Static ceiling on the CloudFront 403 rate in percent, beside the anomaly band. */
  cloudfront403RateCeilingPercent: number;
  /** CloudFront Function execution errors in 5 minutes. */
  edgeFunctionErrors: number;
  /** CloudFront Function throttles in 5 minutes. */
  edgeFunctionThrottles: number;
  /** Refused signatures per minute at the origin. */
  signatureFailuresPerMinute: number;
}

export const DEFAULT_ALARM_THRESHOLDS: AlarmThresholds = {
  lambdaErrors: 5,
  lambdaThrottles: 1,
  durationShareOfTimeout: 0.8,
  concurrencyShareOfReserved: 0.8,
  cloudfront5xxRatePercent: 1,
  cloudfront403RateCeilingPercent: 20,
  edgeFunctionErrors: 1,
  edgeFunctionThrottles: 1,
  signatureFailuresPerMinute: 100,
};

/** The thresholds that are a share of a limit (so at most 1), and what the limit is. */
export const SHARE_THRESHOLDS: Partial<Record<keyof AlarmThresholds, string>> = {
  durationShareOfTimeout: "the timeout",
  concurrencyShareOfReserved: "the reserved concurrency",
};

/** The component's type token; the plugin package's `ServiceAlarms` has the same. */
export const SERVICE_ALARMS_TYPE = "rendorix:index:ServiceAlarms";

/** A Lambda function, or one alias of it, to alarm on. */
export interface AlarmedLambda {
  /**
   * Short name for its alarms and their child resources, unique within the component.
   * @example "image"
   */
  name: string;
  /** Name of the function. */
  functionName: pulumi.Input<string>;
  /**
   * Alarm on the errors and duration of this alias (the traffic it serves) instead of all versions.
   * @default the whole function
   */
  aliasName?: pulumi.Input<string>;
  /** The function's timeout in seconds: the duration alarm compares p99 with a share of it. */
  timeoutSeconds: number;
  /**
   * The function's reserved concurrency: when set, an alarm watches concurrency approach it.
   * @default none, and no concurrency alarm
   */
  reservedConcurrency?: number;
  /**
   * Whether the function writes the request-log lines of `image-fn/request-log.ts` (Embedded Metric
   * Format, namespace `Rendorix`): its signature failures then get an alarm and its request metrics
   * a dashboard row.
   * @default false
   */
  emitsRequestMetrics?: boolean;
  /**
   * Whether its alarms are among `regionalAlarmNames`, the alarms a gradual rollout rolls back on.
   * Turn it off for a function that serves no traffic of the rolled-out one (a scheduled job).
   * @default true
   */
  rollbackTrigger?: boolean;
}

/** A CloudFront distribution to alarm on. */
export interface AlarmedDistribution {
  /** Short name for its alarms and their child resources, unique within the component. */
  name: string;
  /** Id of the distribution. */
  distributionId: pulumi.Input<string>;
}

/** A CloudFront Function to alarm on. */
export interface AlarmedEdgeFunction {
  /** Short name for its alarms and their child resources, unique within the component. */
  name: string;
  /** Name of the CloudFront Function. */
  functionName: pulumi.Input<string>;
}

/**
 * The two places alarms live: `regional` beside the Lambda functions, whose metrics are regional, and
 * `global` in us-east-1, where CloudFront publishes its metrics (dimension `Region=Global`). An alarm
 * can only notify a topic in its own region and a composite alarm only watch alarms in its own region,
 * so each place gets its own topic and its own "service unhealthy" alarm.
 */
export type AlarmPlace = "regional" | "global";

/** The resource arguments each child of a `ServiceAlarms` is built from, by role. */
export interface ServiceAlarmsChildren extends AlarmTopicChildren {
  lambdaErrors: aws.cloudwatch.MetricAlarmArgs;
  lambdaThrottles: aws.cloudwatch.MetricAlarmArgs;
  lambdaDuration: aws.cloudwatch.MetricAlarmArgs;
  lambdaConcurrency: aws.cloudwatch.MetricAlarmArgs;
  signatureFailures: aws.cloudwatch.MetricAlarmArgs;
  originServerErrors: aws.cloudwatch.MetricAlarmArgs;
  monitoringSubscription: aws.cloudfront.MonitoringSubscriptionArgs;
  distribution5xxRate: aws.cloudwatch.MetricAlarmArgs;
  distribution403Ceiling: aws.cloudwatch.MetricAlarmArgs;
  distribution403Anomaly: aws.cloudwatch.MetricAlarmArgs;
  edgeFunctionErrors: aws.cloudwatch.MetricAlarmArgs;
  edgeFunctionThrottles: aws.cloudwatch.MetricAlarmArgs;
  serviceUnhealthy: aws.cloudwatch.CompositeAlarmArgs;
  dashboard: aws.cloudwatch.DashboardArgs;
}

/** The roles of the metric alarms, each alarm's child name before its target's name. */
export type MetricAlarmRole = {
  [Role in keyof ServiceAlarmsChildren]: ServiceAlarmsChildren[Role] extends aws.cloudwatch.MetricAlarmArgs ? Role : never;
}[keyof ServiceAlarmsChildren];

/** Existing SNS topics to notify instead of new ones, by place. */
export interface AlarmTopicArns {
  /** A topic in the Lambda functions' region. */
  regional?: pulumi.Input<string>;
  /** A topic in us-east-1, for the CloudFront alarms. */
  global?: pulumi.Input<string>;
}

/**
 * What a `ServiceAlarms` takes from any Pulumi language: everything but `transform`. The plugin
 * package (`provider.ts`) builds its schema from this interface.
 */
export interface ServiceAlarmsSettings {
  /**
   * Lambda functions to alarm on: errors, throttles, p99 duration, concurrency near the reserved limit.
   * @default none
   * @example [{ name: "api", functionName: fn.name, aliasName: alias.name, timeoutSeconds: 10 }]
   */
  lambdas?: AlarmedLambda[];
  /**
   * CloudFront distributions to alarm on: 5xx rate, and the 403 rate against an anomaly band and a
   * static ceiling. Turns on each distribution's additional metrics, which CloudFront bills per metric.
   * @default none
   * @example [{ name: "cdn", distributionId: distribution.id }]
   */
  distributions?: AlarmedDistribution[];
  /**
   * CloudFront Functions to alarm on: execution errors and throttles.
   * @default none
   */
  edgeFunctions?: AlarmedEdgeFunction[];
  /**
   * Who is paged: each address is subscribed to the new topic of each place that has alarms, and
   * confirms each subscription once from the e-mail AWS sends.
   * @default none: then `topicArns` must name a topic for each place that has alarms
   */
  emails?: string[];
  /**
   * Existing topics to notify instead of new ones, by place: `regional` in the functions' region,
   * `global` in us-east-1. Their policies and subscriptions stay yours.
   * @default a new KMS-encrypted topic per place, with `emails` subscribed
   * @example { global: "arn:aws:sns:us-east-1:123456789012:cdn-oncall" }
   */
  topicArns?: AlarmTopicArns;
  /**
   * Also notify when the service is healthy again.
   * @default false
   */
  okActions?: boolean;
  /**
   * When each alarm fires; unset thresholds keep their default.
   * @default DEFAULT_ALARM_THRESHOLDS
   * @example { lambdaErrors: 1, cloudfront5xxRatePercent: 0.5 }
   */
  thresholds?: Partial<AlarmThresholds>;
  /**
   * Region of the Lambda functions: their alarms, topic and the dashboard are created there.
   * @default the region of this component's AWS provider
   */
  region?: string;
  /**
   * Tags on every taggable child.
   * @default {}
   */
  tags?: Record<string, string>;
}

export interface ServiceAlarmsArgs extends ServiceAlarmsSettings {
  /**
   * Adjust any child before it is created, by role.
   * @example { lambdaDuration: { evaluationPeriods: 5 }, topic: { displayName: "Images on-call" } }
   */
  transform?: Transforms<ServiceAlarmsChildren>;
}

/** The children of a `ServiceAlarms` a consumer may build on. */
export interface ServiceAlarmsNodes {
  /** The topics it created, by place; a place notifying one of `topicArns` has none. */
  topics: Partial<Record<AlarmPlace, aws.sns.Topic>>;
  /** Every metric alarm, which the composite alarms watch. */
  alarms: aws.cloudwatch.MetricAlarm[];
  /** One "service unhealthy" composite alarm per place, the alarms that page. */
  serviceUnhealthy: aws.cloudwatch.CompositeAlarm[];
  dashboard: aws.cloudwatch.Dashboard;
}

/** The alarms of one place and where they notify. */
interface AlarmGroup {
  place: AlarmPlace;
  /** Explicit region of the group's children; `undefined` means the provider's. */
  region: string | undefined;
  /** The topic the component created, if it did. */
  topic: aws.sns.Topic | undefined;
  topicArn: pulumi.Output<string>;
  alarms: aws.cloudwatch.MetricAlarm[];
}

/**
 * Alarms that page people when a Lambda + CloudFront service breaks: Lambda errors, throttles, slow
 * p99 and concurrency near its reservation; CloudFront 5xx rate and unusual 403 rates; CloudFront
 * Function errors; refused signatures from the service's own Embedded Metric Format lines. One
 * composite "service unhealthy" alarm per place notifies a KMS-encrypted SNS topic, so a bad hour is
 * one page instead of five; a dashboard shows the metrics and every alarm's state.
 *
 * @example
 * ```ts
 * const alarms = new ServiceAlarms("images", {
 *   lambdas: [{ name: "image", functionName: edge.functionName, aliasName: edge.functionAliasName, timeoutSeconds: 30 }],
 *   distributions: [{ name: "cdn", distributionId: edge.distributionId }],
 *   edgeFunctions: [{ name: "viewer-request", functionName: edge.edgeFunctionName }],
 *   emails: ["oncall@example.com"],
 * });
 * export const dashboardUrl = alarms.dashboardUrl;
 * ```
 */
export class ServiceAlarms extends pulumi.ComponentResource {
  /** Topic the alarms beside the functions notify; absent without `lambdas`. */
  public readonly regionalTopicArn: pulumi.Output<string> | undefined;
  /** Topic the CloudFront alarms notify, in us-east-1; absent without distributions or edge functions. */
  public readonly globalTopicArn: pulumi.Output<string> | undefined;
  /** Name of the dashboard. */
  public readonly dashboardName: pulumi.Output<string>;
  /** Link to the dashboard in the CloudWatch console. */
  public readonly dashboardUrl: pulumi.Output<string>;
  /** Names of the alarms beside the functions (those of `rollbackTrigger` functions): the rollback triggers of a gradual rollout. */
  public readonly regionalAlarmNames: pulumi.Output<string>[];
  /** The child resources themselves, for what the arguments do not cover. */
  public readonly nodes: ServiceAlarmsNodes;

  private readonly children: ChildFactory<ServiceAlarmsChildren>;
  private readonly tags: Record<string, string>;

  constructor(name: string, args: ServiceAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super(SERVICE_ALARMS_TYPE, name, {}, opts);
    this.children = new ChildFactory(this, name, args.transform);
    this.tags = args.tags ?? {};
    const thresholds = { ...DEFAULT_ALARM_THRESHOLDS, ...args.thresholds };
    const lambdas = args.lambdas ?? [];
    const distributions = args.distributions ?? [];
    const edgeFunctions = args.edgeFunctions ?? [];
    checkTargets(args);

    const regional = lambdas.length > 0 ? this.alarmGroup("regional", args.region, args) : undefined;
    const global = distributions.length + edgeFunctions.length > 0 ? this.alarmGroup("global", CLOUDFRONT_METRICS_REGION, args) : undefined;
    const rollbackAlarms: aws.cloudwatch.MetricAlarm[] = [];
    if (regional) {
      for (const lambda of lambdas) {
        const before = regional.alarms.length;
        this.createAlarms(regional, lambdaAlarms(lambda, thresholds));
        if (lambda.rollbackTrigger ?? true) rollbackAlarms.push(...regional.alarms.slice(before));
      }
    }
    if (global) {
      for (const distribution of distributions) {
        this.createAlarms(global, distributionAlarms(distribution, thresholds), this.subscribeToAdditionalMetrics(distribution));
      }
      for (const edgeFunction of edgeFunctions) this.createAlarms(global, edgeFunctionAlarms(edgeFunction, thresholds));
    }
    const groups = [regional, global].filter((group): group is AlarmGroup => group !== undefined);
    const composites = groups.map((group) => this.alarmOnServiceHealth(group, args.okActions ?? false));

    const region = args.region ?? aws.getRegionOutput({}, { parent: this }).region;
    const dashboard = this.children.create(aws.cloudwatch.Dashboard, "dashboard", {
      dashboardName: stackScopedName(this.children.name("dashboard")),
      dashboardBody: dashboardBody({ alarms: [...groups.flatMap((group) => group.alarms), ...composites], lambdas, distributions, edgeFunctions, region, thresholds }),
      region: args.region,
    });

    this.regionalAlarmNames = rollbackAlarms.map((alarm) => alarm.name);
    this.regionalTopicArn = regional?.topicArn;
    this.globalTopicArn = global?.topicArn;
    this.dashboardName = dashboard.dashboardName;
    this.nodes = {
      topics: Object.fromEntries(groups.flatMap((group) => (group.topic ? [[group.place, group.topic]] : []))),
      alarms: groups.flatMap((group) => group.alarms),
      serviceUnhealthy: composites,
      dashboard,
    };
    this.dashboardUrl = pulumi.interpolate`https://console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${dashboard.dashboardName}`;
    this.registerOutputs({
      regionalTopicArn: this.regionalTopicArn,
      globalTopicArn: this.globalTopicArn,
      dashboardName: this.dashboardName,
      dashboardUrl: this.dashboardUrl,
    });
  }

  private alarmGroup(place: AlarmPlace, region: string | undefined, args: ServiceAlarmsArgs): AlarmGroup {
    const existing = args.topicArns?.[place];
    const topic = existing ? undefined : createAlarmTopic(this.children, { place, region, emails: args.emails ?? [], tags: this.tags });
    return { place, region, topic, topicArn: topic ? topic.arn : pulumi.output(existing!), alarms: [] };
  }

  /**
   * The alarms of `group`. They have no actions of their own: the group's composite alarm pages, once,
   * for all of them.
   * @param additionalMetrics the subscription the alarms reading additional metrics wait for.
   */
  private createAlarms(group: AlarmGroup, definitions: AlarmDefinition[], additionalMetrics?: pulumi.Resource): void {
    for (const { role, instance, args, readsAdditionalMetrics } of definitions) {
      const opts = readsAdditionalMetrics && additionalMetrics ? { dependsOn: [additionalMetrics] } : {};
      group.alarms.push(this.children.create(aws.cloudwatch.MetricAlarm, role, { ...args, region: group.region, tags: this.tags }, opts, instance));
    }
  }

  /** 403ErrorRate is one of the distribution's additional metrics, published only once subscribed to. */
  private subscribeToAdditionalMetrics(distribution: AlarmedDistribution): aws.cloudfront.MonitoringSubscription {
    return this.children.create(
      aws.cloudfront.MonitoringSubscription,
      "monitoringSubscription",
      {
        distributionId: distribution.distributionId,
        monitoringSubscription: { realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: "Enabled" } },
      },
      {},
      distribution.name,
    );
  }

  private alarmOnServiceHealth(group: AlarmGroup, okActions: boolean): aws.cloudwatch.CompositeAlarm {
    const alarmRule = pulumi.all(group.alarms.map((alarm) => alarm.name)).apply((names) => names.map((name) => `ALARM("${name}")`).join(" OR "));
    return this.children.create(
      aws.cloudwatch.CompositeAlarm,
      "serviceUnhealthy",
      {
        alarmName: stackScopedName(this.children.name("serviceUnhealthy", group.place)),
        alarmDescription: `Service unhealthy: at least one of its ${group.place} alarms is firing. The dashboard shows which.`,
        alarmRule,
        alarmActions: [group.topicArn],
        okActions: okActions ? [group.topicArn] : [],
        region: group.region,
        tags: this.tags,
      },
      {},
      group.place,
    );
  }
}

function checkTargets(args: ServiceAlarmsArgs): void {
  const places: [AlarmPlace, number][] = [
    ["regional", args.lambdas?.length ?? 0],
    ["global", (args.distributions?.length ?? 0) + (args.edgeFunctions?.length ?? 0)],
  ];
  if (places.every(([, count]) => count === 0)) throw new Error("ServiceAlarms needs at least one of lambdas, distributions or edgeFunctions.");
  for (const [place, count] of places) {
    if (count > 0 && !args.topicArns?.[place] && (args.emails ?? []).length === 0) {
      throw new Error(`ServiceAlarms: ${place} alarms would notify nobody; give emails or topicArns.${place}.`);
    }
  }
}
