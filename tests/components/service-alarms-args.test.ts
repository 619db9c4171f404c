/**
 * Every argument of `ServiceAlarms`, one at a time: each changes the graph the way its JSDoc says.
 * The stack tests (`service-alarms.test.ts`) check the alarms the program deploys; these check the
 * component as another team calls it.
 */
import { strict as assert } from "node:assert";
import type { CapturedProgram, CapturedResource } from "../../check/model";
import { DEFAULT_ALARM_THRESHOLDS, ServiceAlarms, type ServiceAlarmsArgs } from "../../components/service-alarms";
import { captureInline, dependsThrough, onlyResourceOfType, resourcesOfType } from "../support/program";

const STACK_REGION = "eu-west-1";
const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const TOPIC = "aws:sns/topic:Topic";
const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";
const KEY = "aws:kms/key:Key";
const REGIONAL_TOPIC = "arn:aws:sns:eu-west-1:123456789012:team-oncall";
const GLOBAL_TOPIC = "arn:aws:sns:us-east-1:123456789012:cdn-oncall";

/** One of each target, paging one address: what each test changes one argument of. */
const BASE: ServiceAlarmsArgs = {
  lambdas: [{ name: "api", functionName: "team-api", timeoutSeconds: 10 }],
  distributions: [{ name: "cdn", distributionId: "E2EXAMPLE" }],
  edgeFunctions: [{ name: "viewer", functionName: "team-viewer" }],
  emails: ["oncall@example.com"],
};

function alarmsWith(args: Partial<ServiceAlarmsArgs>): Promise<CapturedProgram> {
  return captureInline(() => {
    const alarms = new ServiceAlarms("svc", { ...BASE, ...args });
    const outputs = { regionalTopicArn: alarms.regionalTopicArn, globalTopicArn: alarms.globalTopicArn, dashboardUrl: alarms.dashboardUrl };
    return Object.fromEntries(Object.entries(outputs).filter(([, value]) => value !== undefined));
  });
}

function alarm(program: CapturedProgram, name: string): CapturedResource {
  const found = resourcesOfType(program, METRIC_ALARM).find((resource) => resource.name === name);
  if (!found) throw new Error(`no alarm ${name}; there are ${resourcesOfType(program, METRIC_ALARM).map((resource) => resource.name)}`);
  return found;
}

function regionOf(resource: CapturedResource): string {
  return String(resource.inputs.region ?? STACK_REGION);
}

function composite(program: CapturedProgram, place: "regional" | "global"): CapturedResource {
  const found = resourcesOfType(program, COMPOSITE_ALARM).find((resource) => resource.name === `svc-service-unhealthy-${place}`);
  if (!found) throw new Error(`no ${place} composite alarm`);
  return found;
}

function names(resources: CapturedResource[]): string[] {
  return resources.map((resource) => resource.name).sort();
}

describe("ServiceAlarms, argument by argument", function () {
  this.timeout(60_000);
  let base: CapturedProgram;
  before(async () => {
    base = await alarmsWith({});
  });

  describe("lambdas", () => {
    it("alarm on each function's errors, throttles and p99 duration against its timeout, beside it", () => {
      assert.deepEqual(names(resourcesOfType(base, METRIC_ALARM).filter((resource) => regionOf(resource) === STACK_REGION)), [
        "svc-lambda-duration-api",
        "svc-lambda-errors-api",
        "svc-lambda-throttles-api",
      ]);
      assert.deepEqual(alarm(base, "svc-lambda-errors-api").inputs.dimensions, { FunctionName: "team-api" });
      assert.equal(alarm(base, "svc-lambda-duration-api").inputs.threshold, 10 * 1000 * DEFAULT_ALARM_THRESHOLDS.durationShareOfTimeout);
    });

    it("aliasName: errors and duration watch the alias's traffic, throttles the whole function", async () => {
      const program = await alarmsWith({ lambdas: [{ ...BASE.lambdas![0], aliasName: "live" }] });
      const served = { FunctionName: "team-api", Resource: "team-api:live" };
      assert.deepEqual(alarm(program, "svc-lambda-errors-api").inputs.dimensions, served);
      assert.deepEqual(alarm(program, "svc-lambda-duration-api").inputs.dimensions, served);
      assert.deepEqual(alarm(program, "svc-lambda-throttles-api").inputs.dimensions, { FunctionName: "team-api" });
    });

    it("reservedConcurrency: adds an alarm on concurrency near the reservation; emitsRequestMetrics: on the handler's 5xx and refused signatures", async () => {
      const program = await alarmsWith({ lambdas: [{ ...BASE.lambdas![0], reservedConcurrency: 50, emitsRequestMetrics: true }] });
      const concurrency = alarm(program, "svc-lambda-concurrency-api");
      assert.equal(concurrency.inputs.metricName, "ConcurrentExecutions");
      assert.equal(concurrency.inputs.threshold, Math.ceil(50 * DEFAULT_ALARM_THRESHOLDS.concurrencyShareOfReserved));
      assert.equal(alarm(program, "svc-signature-failures-api").inputs.namespace, "Rendorix");
      assert.equal(alarm(program, "svc-origin-server-errors-api").inputs.namespace, "Rendorix");
      assert.equal(resourcesOfType(program, METRIC_ALARM).length, resourcesOfType(base, METRIC_ALARM).length + 3);
    });
  });

  it("distributions: turn on the additional metrics and alarm on the 5xx rate and the 403 rate in us-east-1", async () => {
    const program = await alarmsWith({ lambdas: [], edgeFunctions: [] });
    assert.deepEqual(names(resourcesOfType(program, METRIC_ALARM)), ["svc-distribution403-anomaly-cdn", "svc-distribution403-ceiling-cdn", "svc-distribution5xx-rate-cdn"]);
    for (const resource of resourcesOfType(program, METRIC_ALARM)) assert.equal(resource.inputs.region, "us-east-1", resource.name);
    assert.equal(onlyResourceOfType(program, "aws:cloudfront/monitoringSubscription:MonitoringSubscription").inputs.distributionId, "E2EXAMPLE");
    assert.equal(resourcesOfType(program, COMPOSITE_ALARM).length, 1, "no regional alarms, so no regional composite");
  });

  it("edgeFunctions: alarm on the CloudFront Function's errors and throttles in us-east-1", async () => {
    const program = await alarmsWith({ lambdas: [], distributions: [] });
    const alarms = resourcesOfType(program, METRIC_ALARM);
    assert.deepEqual(names(alarms), ["svc-edge-function-errors-viewer", "svc-edge-function-throttles-viewer"]);
    for (const resource of alarms) {
      assert.deepEqual(resource.inputs.dimensions, { FunctionName: "team-viewer", Region: "Global" });
      assert.equal(resource.inputs.region, "us-east-1");
    }
  });

  it("emails: each address is subscribed to the topic of each place, by e-mail", async () => {
    const program = await alarmsWith({ emails: ["a@example.com", "b@example.com"] });
    const subscriptions = resourcesOfType(program, SUBSCRIPTION);
    assert.deepEqual(names(subscriptions), [
      "svc-subscription-global-a@example.com",
      "svc-subscription-global-b@example.com",
      "svc-subscription-regional-a@example.com",
      "svc-subscription-regional-b@example.com",
    ]);
    for (const subscription of subscriptions) {
      assert.equal(subscription.inputs.protocol, "email");
      const topic = resourcesOfType(program, TOPIC).find((candidate) => dependsThrough(subscription, "topic", candidate));
      assert.ok(topic && subscription.name.includes(topic.name.replace("svc-topic-", "")), subscription.name);
    }
  });

  describe("topicArns", () => {
    it("regional: its alarms notify the given topic, and no topic, key or subscription is made beside the functions", async () => {
      const program = await alarmsWith({ topicArns: { regional: REGIONAL_TOPIC } });
      assert.deepEqual(composite(program, "regional").inputs.alarmActions, [REGIONAL_TOPIC]);
      assert.equal(program.outputs.regionalTopicArn, REGIONAL_TOPIC);
      assert.deepEqual(names(resourcesOfType(program, TOPIC)), ["svc-topic-global"]);
      assert.deepEqual(resourcesOfType(program, KEY).map(regionOf), ["us-east-1"]);
      assert.deepEqual(names(resourcesOfType(program, SUBSCRIPTION)), ["svc-subscription-global-oncall@example.com"]);
    });

    it("global: the CloudFront alarms notify the given topic, and the regional ones still get a new topic", async () => {
      const program = await alarmsWith({ topicArns: { global: GLOBAL_TOPIC } });
      assert.deepEqual(composite(program, "global").inputs.alarmActions, [GLOBAL_TOPIC]);
      assert.equal(program.outputs.globalTopicArn, GLOBAL_TOPIC);
      const [topic] = resourcesOfType(program, TOPIC);
      assert.deepEqual(names([topic]), ["svc-topic-regional"]);
      assert.ok(dependsThrough(composite(program, "regional"), "alarmActions", topic));
    });

    it("both, without emails: nothing to subscribe and no topic of its own", async () => {
      const program = await alarmsWith({ emails: [], topicArns: { regional: REGIONAL_TOPIC, global: GLOBAL_TOPIC } });
      for (const type of [TOPIC, KEY, SUBSCRIPTION, "aws:sns/topicPolicy:TopicPolicy", "aws:kms/keyPolicy:KeyPolicy"]) {
        assert.deepEqual(resourcesOfType(program, type), [], type);
      }
    });

    it("are required, with emails, for each place that has alarms: the error names the place", async () => {
      await assert.rejects(alarmsWith({ emails: [], topicArns: { global: GLOBAL_TOPIC } }), /regional alarms would notify nobody; give emails or topicArns\.regional/);
      await assert.rejects(alarmsWith({ lambdas: [], distributions: [], edgeFunctions: [] }), /needs at least one of lambdas, distributions or edgeFunctions/);
    });
  });

  it("okActions: also notify each topic when the service is healthy again; by default only when it is not", async () => {
    const program = await alarmsWith({ okActions: true, topicArns: { regional: REGIONAL_TOPIC } });
    assert.deepEqual(composite(program, "regional").inputs.okActions, [REGIONAL_TOPIC]);
    assert.equal((composite(program, "global").inputs.okActions as string[]).length, 1);
    for (const place of ["regional", "global"] as const) assert.deepEqual(composite(base, place).inputs.okActions, [], place);
  });

  it("thresholds: each one sets its alarm's threshold, and the unset ones keep their defaults", async () => {
    const thresholds = {
      lambdaErrors: 2,
      lambdaThrottles: 3,
      durationShareOfTimeout: 0.5,
      concurrencyShareOfReserved: 0.5,
      cloudfront5xxRatePercent: 0.25,
      cloudfront403RateCeilingPercent: 7,
      edgeFunctionErrors: 4,
      edgeFunctionThrottles: 6,
      signatureFailuresPerMinute: 30,
    };
    const lambdas = [{ ...BASE.lambdas![0], reservedConcurrency: 50, emitsRequestMetrics: true }];
    const program = await alarmsWith({ lambdas, thresholds });
    const expected: Record<string, number> = {
      "svc-lambda-errors-api": 2,
      "svc-origin-server-errors-api": 2,
      "svc-lambda-throttles-api": 3,
      "svc-lambda-duration-api": 5000,
      "svc-lambda-concurrency-api": 25,
      "svc-distribution5xx-rate-cdn": 0.25,
      "svc-distribution403-ceiling-cdn": 7,
      "svc-edge-function-errors-viewer": 4,
      "svc-edge-function-throttles-viewer": 6,
      "svc-signature-failures-api": 30,
    };
    const actual = Object.fromEntries(resourcesOfType(program, METRIC_ALARM).flatMap((resource) => (resource.inputs.threshold === undefined ? [] : [[resource.name, resource.inputs.threshold]])));
    assert.deepEqual(actual, expected);

    const partial = await alarmsWith({ thresholds: { lambdaErrors: 9 } });
    assert.equal(alarm(partial, "svc-lambda-errors-api").inputs.threshold, 9);
    assert.equal(alarm(partial, "svc-lambda-throttles-api").inputs.threshold, DEFAULT_ALARM_THRESHOLDS.lambdaThrottles);
    assert.equal(alarm(partial, "svc-edge-function-errors-viewer").inputs.threshold, DEFAULT_ALARM_THRESHOLDS.edgeFunctionErrors);
  });

  it("region: the functions' alarms, their topic and key and the dashboard go there; CloudFront's stay in us-east-1", async () => {
    const program = await alarmsWith({ region: "ap-southeast-2" });
    for (const resource of program.resources.filter((candidate) => candidate.custom)) {
      const global = /-(global|cdn|viewer)(-|$)/.test(resource.name);
      if (resource.type.startsWith("pulumi:providers:") || resource.type === "aws:cloudfront/monitoringSubscription:MonitoringSubscription") continue;
      assert.equal(resource.inputs.region, global ? "us-east-1" : "ap-southeast-2", resource.name);
    }
    assert.match(String(program.outputs.dashboardUrl), /^https:\/\/console\.aws\.amazon\.com\/cloudwatch\/home\?region=ap-southeast-2#/);
    assert.match(String(base.outputs.dashboardUrl), new RegExp(`region=${STACK_REGION}#`), "by default, the provider's region");
    for (const resource of resourcesOfType(base, METRIC_ALARM).filter((candidate) => candidate.name.endsWith("-api"))) assert.equal(resource.inputs.region, undefined);
  });

  it("tags: every taggable child carries them", async () => {
    const program = await alarmsWith({ tags: { team: "images" } });
    const taggable = [METRIC_ALARM, COMPOSITE_ALARM, TOPIC, KEY];
    for (const resource of program.resources.filter((candidate) => taggable.includes(candidate.type))) {
      assert.deepEqual(resource.inputs.tags, { team: "images" }, resource.name);
    }
    for (const resource of base.resources.filter((candidate) => taggable.includes(candidate.type))) assert.deepEqual(resource.inputs.tags, {}, resource.name);
  });

  it("transform: adjusts a child by role, as properties or as a function", async () => {
    const program = await alarmsWith({
      transform: {
        lambdaDuration: { evaluationPeriods: 5 },
        topic: (args, opts) => {
          args.displayName = "Images on-call";
          opts.ignoreChanges = ["displayName"];
        },
      },
    });
    assert.equal(alarm(program, "svc-lambda-duration-api").inputs.evaluationPeriods, 5);
    assert.equal(alarm(base, "svc-lambda-duration-api").inputs.evaluationPeriods, 3);
    for (const topic of resourcesOfType(program, TOPIC)) {
      assert.equal(topic.inputs.displayName, "Images on-call");
      assert.deepEqual(topic.ignoreChanges, ["displayName"]);
    }
  });
});
