import { strict as assert } from "node:assert";
import { join } from "node:path";
import { readStackConfigFile } from "../../check/capture";
import { evaluatePolicyPack } from "../../check/evaluate";
import { MOCK_ACCOUNT_ID } from "../../check/mock-state";
import type { CapturedProgram, CapturedResource } from "../../check/model";
import { KEY_ROTATION_TIMEOUT_SECONDS } from "../../components/key-rotation";
import { serverErrorMetric } from "../../image-fn/request-log";
import { readStackConfig, type StackConfig } from "../../stack-config";
import { captureStack, captureStacks, dependsThrough, onlyResourceOfType, PROJECT_DIR, resourcesOfType, type StackCaptures } from "../support/program";

const STACKS = ["dev", "prod"] as const;
const STACK_REGION = "eu-west-1";
const CLOUDFRONT_REGION = "us-east-1";
const WITHOUT_ALARMS = join(__dirname, "../fixtures/programs/edge-without-alarms/index.ts");

const METRIC_ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const COMPOSITE_ALARM = "aws:cloudwatch/compositeAlarm:CompositeAlarm";
const TOPIC = "aws:sns/topic:Topic";

/** What the test pins of each alarm: the series it reads, how it aggregates it, where it lives, when it fires. */
const PINNED = [
  "namespace",
  "metricName",
  "dimensions",
  "statistic",
  "extendedStatistic",
  "period",
  "evaluationPeriods",
  "datapointsToAlarm",
  "threshold",
  "comparisonOperator",
  "treatMissingData",
  "region",
] as const;

type PinnedAlarm = Partial<Record<(typeof PINNED)[number], unknown>>;

function pinned(alarm: CapturedResource): PinnedAlarm {
  return Object.fromEntries(PINNED.flatMap((key) => (alarm.inputs[key] === undefined ? [] : [[key, alarm.inputs[key]]])));
}

function settingsOf(stack: string): StackConfig {
  const config = readStackConfigFile(PROJECT_DIR, stack);
  return readStackConfig((key) => config[`rendorix:${key}`]);
}

/** The metric alarms the program must have, by logical name, for a stack's settings and the names its resources got. */
function expectedAlarms(settings: StackConfig, functionName: string, distributionId: string, edgeFunctionName: string, keyRotationFunctionName: string): Record<string, PinnedAlarm> {
  const { alarms: t } = settings;
  const lambda = { namespace: "AWS/Lambda", region: STACK_REGION };
  const aliasServed = { FunctionName: functionName, Resource: `${functionName}:live` };
  const wholeFunction = { FunctionName: functionName };
  const fiveMinuteCount = { statistic: "Sum", period: 300, evaluationPeriods: 1, comparisonOperator: "GreaterThanOrEqualToThreshold", treatMissingData: "notBreaching" };
  const distribution = { namespace: "AWS/CloudFront", dimensions: { DistributionId: distributionId, Region: "Global" }, region: CLOUDFRONT_REGION };
  const fiveMinuteRate = { statistic: "Average", period: 300, evaluationPeriods: 1, comparisonOperator: "GreaterThanThreshold", treatMissingData: "ignore" };
  const edgeFunction = { namespace: "AWS/CloudFront", dimensions: { FunctionName: edgeFunctionName, Region: "Global" }, region: CLOUDFRONT_REGION };
  const expected: Record<string, PinnedAlarm> = {
    "rendorix-lambda-errors-image": { ...lambda, ...fiveMinuteCount, metricName: "Errors", dimensions: aliasServed, threshold: t.lambdaErrors },
    "rendorix-lambda-throttles-image": { ...lambda, ...fiveMinuteCount, metricName: "Throttles", dimensions: wholeFunction, threshold: t.lambdaThrottles },
    "rendorix-lambda-duration-image": {
      ...lambda,
      metricName: "Duration",
      dimensions: aliasServed,
      extendedStatistic: "p99",
      period: 300,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      threshold: settings.timeoutSeconds * 1000 * t.durationShareOfTimeout,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "ignore",
    },
    "rendorix-signature-failures-image": {
      namespace: "Rendorix",
      region: STACK_REGION,
      metricName: "SignatureFailures",
      dimensions: wholeFunction,
      statistic: "Sum",
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      threshold: t.signatureFailuresPerMinute,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    },
    "rendorix-origin-server-errors-image": {
      ...serverErrorMetric(functionName),
      region: STACK_REGION,
      statistic: "Sum",
      period: 60,
      evaluationPeriods: 1,
      threshold: t.lambdaErrors,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    },
    // The key-rotation function: errors (a failed rotation), throttles and a duration near its timeout.
    "rendorix-lambda-errors-key-rotation": { ...lambda, ...fiveMinuteCount, metricName: "Errors", dimensions: { FunctionName: keyRotationFunctionName }, threshold: t.lambdaErrors },
    "rendorix-lambda-throttles-key-rotation": { ...lambda, ...fiveMinuteCount, metricName: "Throttles", dimensions: { FunctionName: keyRotationFunctionName }, threshold: t.lambdaThrottles },
    "rendorix-lambda-duration-key-rotation": {
      ...lambda,
      metricName: "Duration",
      dimensions: { FunctionName: keyRotationFunctionName },
      extendedStatistic: "p99",
      period: 300,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      threshold: KEY_ROTATION_TIMEOUT_SECONDS * 1000 * t.durationShareOfTimeout,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "ignore",
    },
    "rendorix-distribution5xx-rate-edge": { ...distribution, ...fiveMinuteRate, metricName: "5xxErrorRate", threshold: t.cloudfront5xxRatePercent },
    "rendorix-distribution403-ceiling-edge": { ...distribution, ...fiveMinuteRate, metricName: "403ErrorRate", threshold: t.cloudfront403RateCeilingPercent },
    "rendorix-distribution403-anomaly-edge": {
      region: CLOUDFRONT_REGION,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      comparisonOperator: "GreaterThanUpperThreshold",
      treatMissingData: "ignore",
    },
    "rendorix-edge-function-errors-viewer-request": { ...edgeFunction, ...fiveMinuteCount, metricName: "FunctionExecutionErrors", threshold: t.edgeFunctionErrors },
    "rendorix-edge-function-throttles-viewer-request": { ...edgeFunction, ...fiveMinuteCount, metricName: "FunctionThrottles", threshold: t.edgeFunctionThrottles },
  };
  if (settings.reservedConcurrency !== undefined) {
    expected["rendorix-lambda-concurrency-image"] = {
      ...lambda,
      metricName: "ConcurrentExecutions",
      dimensions: wholeFunction,
      statistic: "Maximum",
      period: 60,
      evaluationPeriods: 5,
      datapointsToAlarm: 3,
      threshold: Math.ceil(settings.reservedConcurrency * t.concurrencyShareOfReserved),
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      treatMissingData: "notBreaching",
    };
  }
  return expected;
}

function named(program: CapturedProgram, type: string, name: string): CapturedResource {
  const found = resourcesOfType(program, type).find((resource) => resource.name === name);
  if (!found) throw new Error(`no ${type} named ${name}`);
  return found;
}

function regionOf(resource: CapturedResource): string {
  return String(resource.inputs.region ?? STACK_REGION);
}

interface Statement {
  Sid?: string;
  Effect: string;
  Principal: Record<string, string>;
  Action: string | string[];
  Resource: string;
  Condition?: Record<string, Record<string, string>>;
}

function statements(policy: unknown): Statement[] {
  return JSON.parse(String(policy)).Statement;
}

/** A dashboard metric line as the series it draws: namespace, metric name and dimensions. */
function seriesOf(line: unknown[]): { namespace: unknown; metricName: unknown; dimensions: Record<string, unknown> } | undefined {
  if (typeof line[0] !== "string") return undefined;
  const pairs = line.slice(2).filter((item) => typeof item === "string");
  const dimensions = Object.fromEntries(Array.from({ length: pairs.length / 2 }, (_, i) => [pairs[2 * i], pairs[2 * i + 1]]));
  return { namespace: line[0], metricName: line[1], dimensions };
}

describe("ServiceAlarms on the image edge", function () {
  this.timeout(120_000);
  const captured: StackCaptures = {};
  before(() => captureStacks(STACKS, captured));

  for (const stack of STACKS) {
    describe(`stack ${stack}`, () => {
      const program = () => captured[stack].update;
      const settings = settingsOf(stack);
      const metricAlarms = () => resourcesOfType(program(), METRIC_ALARM);
      const edgeFunctionName = () => {
        const alarm = named(program(), METRIC_ALARM, "rendorix-edge-function-errors-viewer-request");
        assert.ok(dependsThrough(alarm, "dimensions", onlyResourceOfType(program(), "aws:cloudfront/function:Function")));
        return String((alarm.inputs.dimensions as Record<string, string>).FunctionName);
      };

      it("has exactly the expected alarms: namespace, metric, dimensions, statistic, period, threshold and region", () => {
        const keyRotationFunction = named(program(), "aws:lambda/function:Function", "rendorix-key-rotation-function");
        const expected = expectedAlarms(
          settings,
          String(program().outputs.functionName),
          String(program().outputs.distributionId),
          edgeFunctionName(),
          String((keyRotationFunction.outputs as { name: string }).name),
        );
        const actual = Object.fromEntries(metricAlarms().map((alarm) => [alarm.name, pinned(alarm)]));
        assert.deepEqual(actual, expected);
      });

      it("alarms on unusual 403 rates with an anomaly band on the distribution's 403ErrorRate in us-east-1", () => {
        const anomaly = named(program(), METRIC_ALARM, "rendorix-distribution403-anomaly-edge");
        assert.equal(anomaly.inputs.threshold, undefined);
        assert.equal(anomaly.inputs.thresholdMetricId, "ad1");
        assert.deepEqual(anomaly.inputs.metricQueries, [
          {
            id: "m1",
            returnData: true,
            metric: {
              namespace: "AWS/CloudFront",
              metricName: "403ErrorRate",
              dimensions: { DistributionId: program().outputs.distributionId, Region: "Global" },
              stat: "Average",
              period: 300,
            },
          },
          { id: "ad1", expression: "ANOMALY_DETECTION_BAND(m1, 2)", label: "403ErrorRate (expected)", returnData: true },
        ]);
      });

      it("turns on the distribution's additional metrics before the 403 alarms read them", () => {
        const subscription = onlyResourceOfType(program(), "aws:cloudfront/monitoringSubscription:MonitoringSubscription");
        assert.equal(subscription.inputs.distributionId, program().outputs.distributionId);
        assert.deepEqual(subscription.inputs.monitoringSubscription, { realtimeMetricsSubscriptionConfig: { realtimeMetricsSubscriptionStatus: "Enabled" } });
        for (const name of ["rendorix-distribution403-ceiling-edge", "rendorix-distribution403-anomaly-edge"]) {
          assert.ok(named(program(), METRIC_ALARM, name).dependencies.includes(subscription.urn), name);
        }
      });

      it("pages once per region: alarms have no actions of their own, a composite over them notifies a topic in its region", () => {
        for (const alarm of metricAlarms()) assert.equal(alarm.inputs.alarmActions, undefined, alarm.name);
        const composites = resourcesOfType(program(), COMPOSITE_ALARM);
        assert.deepEqual(composites.map(regionOf).sort(), [STACK_REGION, CLOUDFRONT_REGION].sort());
        for (const composite of composites) {
          const region = regionOf(composite);
          const watched = metricAlarms().filter((alarm) => regionOf(alarm) === region);
          assert.ok(watched.length >= 4, `${region} has its alarms`);
          for (const alarm of watched) assert.ok(dependsThrough(composite, "alarmRule", alarm), `${composite.name} watches ${alarm.name}`);
          assert.equal(String(composite.inputs.alarmRule).split(" OR ").length, watched.length);
          assert.match(String(composite.inputs.alarmRule), /^ALARM\("[^"]+"\)( OR ALARM\("[^"]+"\))*$/);
          assert.equal(composite.inputs.alarmName, `rendorix-${stack}-rendorix-service-unhealthy-${region === CLOUDFRONT_REGION ? "global" : "regional"}`);
          const [topicArn] = composite.inputs.alarmActions as string[];
          const topic = resourcesOfType(program(), TOPIC).find((candidate) => dependsThrough(composite, "alarmActions", candidate));
          assert.ok(topic, `${composite.name} notifies a topic of the stack`);
          assert.equal(regionOf(topic), region);
          assert.equal(topicArn.split(":")[3], region);
          assert.deepEqual(composite.inputs.okActions, [topicArn]);
        }
      });

      it("subscribes every on-call address to the topic of each region", () => {
        for (const topic of resourcesOfType(program(), TOPIC)) {
          const subscriptions = resourcesOfType(program(), "aws:sns/topicSubscription:TopicSubscription").filter((subscription) =>
            dependsThrough(subscription, "topic", topic),
          );
          assert.deepEqual(subscriptions.map((subscription) => subscription.inputs.endpoint).sort(), [...settings.alarmEmails].sort());
          for (const subscription of subscriptions) {
            assert.equal(subscription.inputs.protocol, "email");
            assert.equal(regionOf(subscription), regionOf(topic));
          }
        }
      });

      it("encrypts each topic with a key of its region that CloudWatch may use, and lets only this account's alarms publish", () => {
        const topics = resourcesOfType(program(), TOPIC);
        assert.equal(topics.length, 2);
        for (const topic of topics) {
          const key = resourcesOfType(program(), "aws:kms/key:Key").find((candidate) => dependsThrough(topic, "kmsMasterKeyId", candidate));
          assert.ok(key, `${topic.name} is encrypted with a key of the stack`);
          assert.equal(regionOf(key), regionOf(topic));
          assert.equal(key.inputs.enableKeyRotation, true);
          const keyPolicy = resourcesOfType(program(), "aws:kms/keyPolicy:KeyPolicy").find((candidate) => dependsThrough(candidate, "keyId", key));
          assert.ok(keyPolicy, `${key.name} has a key policy`);
          assert.ok(topic.dependencies.includes(keyPolicy.urn), "the topic waits for the key policy");
          const forCloudWatch = statements(keyPolicy.inputs.policy).filter((statement) => statement.Principal.Service === "cloudwatch.amazonaws.com");
          assert.deepEqual(forCloudWatch.map((statement) => [statement.Effect, statement.Action]), [["Allow", ["kms:Decrypt", "kms:GenerateDataKey*"]]]);
          assert.ok(
            statements(keyPolicy.inputs.policy).some((statement) => statement.Principal.AWS === `arn:aws:iam::${MOCK_ACCOUNT_ID}:root`),
            "the account keeps administering the key",
          );

          const topicPolicy = resourcesOfType(program(), "aws:sns/topicPolicy:TopicPolicy").find((candidate) => dependsThrough(candidate, "arn", topic));
          assert.ok(topicPolicy, `${topic.name} has a topic policy`);
          const region = regionOf(topic);
          assert.deepEqual(statements(topicPolicy.inputs.policy), [
            {
              Sid: "CloudWatchAlarmsPublish",
              Effect: "Allow",
              Principal: { Service: "cloudwatch.amazonaws.com" },
              Action: "sns:Publish",
              Resource: topicPolicy.inputs.arn,
              Condition: {
                StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID },
                ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:${region}:${MOCK_ACCOUNT_ID}:alarm:*` },
              },
            },
          ]);
        }
      });

      it("draws every alarmed series in its region on one dashboard, with every alarm's state", () => {
        const dashboard = onlyResourceOfType(program(), "aws:cloudwatch/dashboard:Dashboard");
        assert.equal(dashboard.inputs.dashboardName, `rendorix-${stack}-rendorix-dashboard`);
        assert.equal(program().outputs.dashboardUrl, `https://console.aws.amazon.com/cloudwatch/home?region=${STACK_REGION}#dashboards/dashboard/rendorix-${stack}-rendorix-dashboard`);
        const widgets = JSON.parse(String(dashboard.inputs.dashboardBody)).widgets as { type: string; properties: Record<string, unknown> }[];
        const alarms = [...metricAlarms(), ...resourcesOfType(program(), COMPOSITE_ALARM)];
        const [statusWidget] = widgets.filter((widget) => widget.type === "alarm");
        assert.equal((statusWidget.properties.alarms as string[]).length, alarms.length);
        for (const alarm of alarms) assert.ok(dependsThrough(dashboard, "dashboardBody", alarm), `the dashboard shows ${alarm.name}`);

        const drawn = widgets
          .filter((widget) => widget.type === "metric")
          .flatMap((widget) => (widget.properties.metrics as unknown[][]).map((line) => ({ region: widget.properties.region, series: seriesOf(line) })));
        for (const alarm of metricAlarms().filter((candidate) => candidate.inputs.metricName !== undefined)) {
          const wanted = { namespace: alarm.inputs.namespace, metricName: alarm.inputs.metricName, dimensions: alarm.inputs.dimensions };
          assert.ok(
            drawn.some(({ region, series }) => region === regionOf(alarm) && JSON.stringify(series) === JSON.stringify(wanted)),
            `the dashboard draws the series of ${alarm.name}`,
          );
        }
      });

      it("ties every alarm's dimensions to the function, alias, distribution or edge function through dependencies in preview", () => {
        const preview = captured[stack].preview;
        const source = (type: string, name?: string) =>
          resourcesOfType(preview, type).find((resource) => name === undefined || resource.name === name) as CapturedResource;
        const fn = source("aws:lambda/function:Function", "rendorix-image-function");
        const keyRotation = source("aws:lambda/function:Function", "rendorix-key-rotation-function");
        const alias = source("aws:lambda/alias:Alias");
        const distribution = source("aws:cloudfront/distribution:Distribution");
        const edgeFunction = source("aws:cloudfront/function:Function");
        for (const alarm of resourcesOfType(preview, METRIC_ALARM)) {
          const dimensions = alarm.inputs.dimensions as Record<string, string> | undefined;
          const property = dimensions ? "dimensions" : "metricQueries";
          if (alarm.name.endsWith("-key-rotation")) {
            assert.ok(dependsThrough(alarm, property, keyRotation), alarm.name);
          } else if (alarm.name.includes("-image")) {
            assert.ok(dependsThrough(alarm, property, fn), alarm.name);
            if (dimensions?.Resource) assert.ok(dependsThrough(alarm, property, alias), alarm.name);
          } else if (alarm.name.includes("-viewer-request")) {
            assert.ok(dependsThrough(alarm, property, edgeFunction), alarm.name);
          } else {
            assert.ok(dependsThrough(alarm, property, distribution), alarm.name);
          }
        }
      });

      it("passes required-alarms in preview and in update", () => {
        for (const mode of ["preview", "update"] as const) {
          const violations = evaluatePolicyPack(captured[stack][mode]).filter((violation) => violation.policy === "required-alarms");
          assert.deepEqual(violations, [], mode);
        }
      });
    });
  }

  it("is stricter in prod: every threshold both stacks set is lower there", () => {
    const thresholds = (stack: string) =>
      Object.fromEntries(resourcesOfType(captured[stack].update, METRIC_ALARM).flatMap((alarm) => (alarm.inputs.threshold === undefined ? [] : [[alarm.name, alarm.inputs.threshold as number]])));
    const [dev, prod] = STACKS.map(thresholds);
    const configured = ["lambda-errors", "lambda-throttles", "lambda-duration", "signature-failures", "distribution5xx-rate", "distribution403-ceiling"];
    for (const [name, devThreshold] of Object.entries(dev)) {
      if (configured.some((role) => name.includes(role))) assert.ok(prod[name] < devThreshold, `${name}: prod ${prod[name]} < dev ${devThreshold}`);
      else assert.ok(prod[name] <= devThreshold, name);
    }
  });

  it("is what required-alarms asks for: the same edge without it fails for its function and its distribution", async () => {
    for (const mode of ["preview", "update"] as const) {
      const withoutAlarms = await captureStack("dev", mode, WITHOUT_ALARMS);
      const violations = evaluatePolicyPack(withoutAlarms).filter((violation) => violation.policy === "required-alarms");
      assert.deepEqual(
        violations.map((violation) => [violation.level, violation.resourceType, violation.message.split(" alarm on ")[0].split(" has no ")[1]]).sort(),
        [
          ["mandatory", "aws:cloudfront/distribution:Distribution", "AWS/CloudFront 403ErrorRate or 4xxErrorRate"],
          ["mandatory", "aws:cloudfront/distribution:Distribution", "AWS/CloudFront 5xxErrorRate"],
          ["mandatory", "aws:lambda/function:Function", "AWS/Lambda Errors"],
          ["mandatory", "aws:lambda/function:Function", "AWS/Lambda Throttles"],
        ],
        mode,
      );
    }
  });
});
