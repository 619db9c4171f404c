import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../check/model";
import { requiredAlarms } from "../../policy/alarms";
import { type ProviderView, type StackResource, UNKNOWN } from "../../policy/model";
import { CLOUDFRONT, CLOUDWATCH, LAMBDA, SNS } from "../../policy/resource-types";
import { assertViolatesOnly, evaluate, inBothModes, ProgramBuilder } from "../support/captured";
import { ACCOUNT, addAlertTopic, addMonitoredDistribution, addMonitoredFunction, AlertTopic, MonitoredDistribution, MonitoredFunction } from "../support/policy-fixtures";
import { AWS_PROVIDER, reportsOf, stackOf, stackResource } from "../support/rule-check";

const POLICY = "required-alarms";

interface Service {
  p: ProgramBuilder;
  image: MonitoredFunction;
  edge: MonitoredDistribution;
  alerts: AlertTopic;
  edgeAlerts: AlertTopic;
}

function monitoredService(mode: "update" | "preview"): Service {
  const p = new ProgramBuilder(mode);
  const alerts = addAlertTopic(p, "alerts");
  const edgeAlerts = addAlertTopic(p, "edge-alerts", "us-east-1");
  const image = addMonitoredFunction(p, "image", alerts);
  const edge = addMonitoredDistribution(p, image.fn, edgeAlerts);
  return { p, image, edge, alerts, edgeAlerts };
}

describe(POLICY, () => {
  inBothModes((mode) => {
    describe(`in ${mode}`, () => {
      it("passes a function and a distribution whose alarms notify subscribed topics in their regions", () => {
        assert.deepEqual(evaluate(monitoredService(mode).p), []);
      });

      it("fails a Lambda function without an Errors alarm", () => {
        const { p, image } = monitoredService(mode);
        p.remove(image.errorsAlarm);
        assertViolatesOnly(evaluate(p), POLICY, /Function 'image' has no AWS\/Lambda Errors alarm on its FunctionName in eu-west-1/);
      });

      it("fails a Lambda function without a Throttles alarm", () => {
        const { p, image } = monitoredService(mode);
        p.remove(image.throttlesAlarm);
        assertViolatesOnly(evaluate(p), POLICY, /Function 'image' has no AWS\/Lambda Throttles alarm/);
      });

      it("fails an alarm without actions", () => {
        const { p, image } = monitoredService(mode);
        p.get(image.errorsAlarm).inputs.alarmActions = [];
        assertViolatesOnly(evaluate(p), POLICY, /MetricAlarm 'image-errors': it has no alarm actions/);
      });

      it("fails an alarm whose actions are disabled", () => {
        const { p, image } = monitoredService(mode);
        p.get(image.throttlesAlarm).inputs.actionsEnabled = false;
        assertViolatesOnly(evaluate(p), POLICY, /its actions are disabled \(actionsEnabled: false\)/);
      });

      it("fails an alarm whose topic has no subscription", () => {
        const { p, alerts } = monitoredService(mode);
        p.remove(p.resources.find((resource) => resource.type === SNS.subscription && resource.propertyDependencies.topic.includes(alerts.topic))!.urn);
        assertViolatesOnly(evaluate(p), POLICY, /its topic Topic 'alerts' has no subscription/);
      });

      it("fails an alarm that notifies a topic in another region", () => {
        const { p, image, edgeAlerts } = monitoredService(mode);
        const alarm = p.get(image.errorsAlarm);
        alarm.inputs.alarmActions = [p.computed(edgeAlerts.arn)];
        alarm.propertyDependencies.alarmActions = [edgeAlerts.topic];
        assertViolatesOnly(evaluate(p), POLICY, /its topic Topic 'edge-alerts' is in us-east-1, not eu-west-1/);
      });

      it("fails a CloudFront alarm created in the stack's region instead of us-east-1", () => {
        const { p, edge } = monitoredService(mode);
        delete p.get(edge.errorRateAlarm).inputs.region;
        assertViolatesOnly(evaluate(p), POLICY, /Distribution 'edge' has no AWS\/CloudFront 5xxErrorRate alarm .* MetricAlarm 'edge-5xx-rate': it is in eu-west-1, not us-east-1/);
      });

      it("fails a CloudFront alarm without the Region=Global dimension", () => {
        const { p, edge } = monitoredService(mode);
        delete (p.get(edge.errorRateAlarm).inputs.dimensions as Record<string, unknown>).Region;
        assertViolatesOnly(evaluate(p), POLICY, /its Region dimension is missing, not 'Global'/);
      });

      it("fails a distribution without a 403 or 4xx rate alarm", () => {
        const { p, edge } = monitoredService(mode);
        p.remove(edge.forbiddenRateAlarm);
        assertViolatesOnly(evaluate(p), POLICY, /Distribution 'edge' has no AWS\/CloudFront 403ErrorRate or 4xxErrorRate alarm/);
      });

      it("fails a function whose alarms watch another function", () => {
        const { p, image } = monitoredService(mode);
        for (const alarm of [image.errorsAlarm, image.throttlesAlarm]) {
          const resource = p.get(alarm);
          resource.inputs.dimensions = { FunctionName: "some-other-function" };
          resource.propertyDependencies.dimensions = [];
        }
        const violations = evaluate(p);
        assertViolatesOnly(violations, POLICY, /Function 'image' has no AWS\/Lambda Errors alarm/);
        assert.equal(violations.length, 2);
      });

      it("fails an alarm whose action is a topic outside the stack, unless that topic is trusted", () => {
        const { p, image } = monitoredService(mode);
        const external = `arn:aws:sns:eu-west-1:${ACCOUNT}:central-oncall`;
        const alarm = p.get(image.errorsAlarm);
        alarm.inputs.alarmActions = [external];
        alarm.propertyDependencies.alarmActions = [];
        assertViolatesOnly(evaluate(p), POLICY, /its action arn:aws:sns:eu-west-1:111122223333:central-oncall is not an SNS topic of this stack/);
        assert.deepEqual(evaluate(p, { [POLICY]: { trustedTopicArns: [external] } }), []);
      });

      it("passes an alarm without actions of its own that a composite alarm with a subscribed topic watches", () => {
        const { p, image, alerts } = monitoredService(mode);
        p.get(image.errorsAlarm).inputs.alarmActions = [];
        p.add(
          CLOUDWATCH.compositeAlarm,
          "image-health",
          { alarmName: "image-health", alarmRule: p.computed('ALARM("image-errors-1a2b")'), alarmActions: [p.computed(alerts.arn)] },
          { from: { alarmRule: [image.errorsAlarm], alarmActions: [alerts.topic] } },
        );
        assert.deepEqual(evaluate(p), []);
      });
    });
  });

  describe("regions from providers", () => {
    it("takes a CloudFront alarm's region from its explicit us-east-1 provider", () => {
      const { p, edge } = monitoredService("update");
      const provider = p.add("pulumi:providers:aws", "us-east-1", { region: "us-east-1", defaultTags: p.config["aws:defaultTags"] });
      for (const alarm of [edge.errorRateAlarm, edge.forbiddenRateAlarm]) {
        const resource = p.get(alarm);
        delete resource.inputs.region;
        resource.provider = `${provider}::us-east-1-provider-id`;
      }
      assert.deepEqual(evaluate(p), []);
    });

    it("reports an alarm whose provider's region is unknown", () => {
      const { p, edge } = monitoredService("preview");
      const provider = p.add("pulumi:providers:aws", "edge-region", { region: UNKNOWN_VALUE, defaultTags: p.config["aws:defaultTags"] });
      const resource = p.get(edge.errorRateAlarm);
      delete resource.inputs.region;
      resource.provider = `${provider}::edge-region-provider-id`;
      assertViolatesOnly(evaluate(p), POLICY, /the region of MetricAlarm 'edge-5xx-rate''s provider is unknown/);
    });
  });

  describe("which dimension values name the resource", () => {
    function dimensions(p: ProgramBuilder, alarm: string): Record<string, unknown> {
      return p.get(alarm).inputs.dimensions as Record<string, unknown>;
    }

    inBothModes((mode) => {
      it(`fails a FunctionName taken from the function's ARN (${mode})`, () => {
        const { p, image } = monitoredService(mode);
        dimensions(p, image.errorsAlarm).FunctionName = p.computed(`arn:aws:lambda:eu-west-1:${ACCOUNT}:function:image-5d2e8b0`);
        delete dimensions(p, image.errorsAlarm).Resource;
        const reason =
          mode === "update"
            ? /MetricAlarm 'image-errors': its FunctionName dimension 'arn:aws:lambda:eu-west-1:111122223333:function:image-5d2e8b0' comes from Function 'image' but is not its name 'image-5d2e8b0'/
            : /MetricAlarm 'image-errors': its FunctionName dimension is unknown during preview while Function 'image''s name is known, so it is not that name but a value derived from the resource/;
        assertViolatesOnly(evaluate(p), POLICY, reason);
      });

      it(`fails a Resource dimension that does not qualify the function's name (${mode})`, () => {
        const { p, image } = monitoredService(mode);
        dimensions(p, image.errorsAlarm).Resource = "image-5d2e8b0-live";
        assertViolatesOnly(evaluate(p), POLICY, /its Resource dimension 'image-5d2e8b0-live' is not 'image-5d2e8b0' or 'image-5d2e8b0:<alias or version>'/);
        dimensions(p, image.errorsAlarm).Resource = "image-5d2e8b0";
        assert.deepEqual(evaluate(p), []);
      });

      it(`passes a literal FunctionName equal to the function's name, with no dependency (${mode})`, () => {
        const { p, image } = monitoredService(mode);
        p.get(image.errorsAlarm).propertyDependencies.dimensions = [];
        assert.deepEqual(evaluate(p), []);
      });

      it(`ignores an alarm whose FunctionName names another function (${mode})`, () => {
        const { p, image } = monitoredService(mode);
        p.get(image.errorsAlarm).propertyDependencies.dimensions = [];
        dimensions(p, image.errorsAlarm).FunctionName = "someone-elses-function";
        const violations = evaluate(p);
        assertViolatesOnly(violations, POLICY, /Function 'image' has no AWS\/Lambda Errors alarm on its FunctionName in eu-west-1 that notifies a subscribed SNS topic\. Fix/);
        assert.doesNotMatch(violations[0].message, /Candidates/);
      });
    });

    it("fails a Lambda alarm in another region than its function", () => {
      const { p, image } = monitoredService("update");
      p.get(image.errorsAlarm).inputs.region = "us-east-1";
      assertViolatesOnly(evaluate(p), POLICY, /MetricAlarm 'image-errors': it is not in the region of Function 'image'/);
    });

    it("fails a DistributionId taken from the distribution's ARN once values are known", () => {
      const { p, edge } = monitoredService("update");
      dimensions(p, edge.errorRateAlarm).DistributionId = `arn:aws:cloudfront::${ACCOUNT}:distribution/E2QWRUHAPOMQZL`;
      assertViolatesOnly(evaluate(p), POLICY, /its DistributionId dimension 'arn:aws:cloudfront::111122223333:distribution\/E2QWRUHAPOMQZL' comes from Distribution 'edge' but is not its id 'E2QWRUHAPOMQZL'/);
    });

    it("fails a FunctionName derived from the function's name once values are known", () => {
      const { p, image } = monitoredService("update");
      dimensions(p, image.errorsAlarm).FunctionName = "image-5d2e8b0-errors";
      assertViolatesOnly(evaluate(p), POLICY, /comes from Function 'image' but is not its name 'image-5d2e8b0'/);
    });
  });

  describe("regions the engine does not know", () => {
    /** A monitored service on default providers whose region comes from the environment (no aws:region). */
    function regionFromEnvironment() {
      const service = monitoredService("preview");
      delete service.p.config["aws:region"];
      return service;
    }

    it("passes a function and its alarms and topic on the same provider, although its region is unknown", () => {
      const { p, edge } = regionFromEnvironment();
      for (const urn of [edge.distribution, edge.errorRateAlarm, edge.forbiddenRateAlarm]) p.remove(urn);
      assert.deepEqual(evaluate(p), []);
    });

    it("fails a CloudFront alarm on a provider whose region is not set, asking for us-east-1", () => {
      const { p, edge } = regionFromEnvironment();
      delete p.get(edge.errorRateAlarm).inputs.region;
      assertViolatesOnly(evaluate(p), POLICY, /the region of MetricAlarm 'edge-5xx-rate''s provider is not set \(it comes from the environment, such as AWS_REGION\); set region: "us-east-1" on the alarm or its provider/);
    });

    it("fails an alarm with its own region beside a function whose region is unknown", () => {
      const { p, image } = regionFromEnvironment();
      p.get(image.errorsAlarm).inputs.region = "eu-west-1";
      assertViolatesOnly(evaluate(p), POLICY, /the region of Function 'image''s provider is not set/);
    });

    it("fails a trusted topic when the alarm's region is unknown", () => {
      const { p, image } = regionFromEnvironment();
      const trusted = "arn:aws:sns:eu-west-1:111122223333:central";
      p.get(image.errorsAlarm).inputs.alarmActions = [trusted];
      p.get(image.errorsAlarm).propertyDependencies.alarmActions = [];
      assertViolatesOnly(evaluate(p, { "required-alarms": { trustedTopicArns: [trusted] } }), POLICY, /MetricAlarm 'image-errors': the region of MetricAlarm 'image-errors''s provider is not set/);
    });
  });

  describe("in preview, where ids are unknown", () => {
    it("matches a distribution's alarms through the dependencies of their dimensions while its id is unknown", () => {
      const { p, edge } = monitoredService("preview");
      assert.equal((p.get(edge.errorRateAlarm).inputs.dimensions as Record<string, unknown>).DistributionId, UNKNOWN_VALUE);
      assert.deepEqual(evaluate(p), []);
    });

    it("reports an alarm whose unknown DistributionId comes from no resource of the stack", () => {
      const { p, edge } = monitoredService("preview");
      p.get(edge.errorRateAlarm).propertyDependencies.dimensions = [];
      assertViolatesOnly(evaluate(p), POLICY, /MetricAlarm 'edge-5xx-rate': its DistributionId dimension is unknown during preview and not traceable to any resource/);
    });

    it("ignores an alarm whose unknown DistributionId comes from another resource", () => {
      const { p, edge, image } = monitoredService("preview");
      p.get(edge.errorRateAlarm).propertyDependencies.dimensions = [image.fn];
      const violations = evaluate(p);
      assertViolatesOnly(violations, POLICY, /Distribution 'edge' has no AWS\/CloudFront 5xxErrorRate alarm on its DistributionId in us-east-1/);
      assert.doesNotMatch(violations[0].message, /Candidates/);
    });

    it("reports alarm actions that are unknown and come from no topic of the stack", () => {
      const { p, image } = monitoredService("preview");
      p.get(image.errorsAlarm).propertyDependencies.alarmActions = [];
      assertViolatesOnly(evaluate(p), POLICY, /its alarm actions are unknown during preview and not traceable to an SNS topic of this stack/);
    });
  });
});

describe(`${POLICY} messages, exactly`, () => {
  const TOPIC_ARN = `arn:aws:sns:eu-west-1:${ACCOUNT}:alerts`;
  const EDGE_TOPIC_ARN = `arn:aws:sns:us-east-1:${ACCOUNT}:edge-alerts`;
  const US_EAST: ProviderView = { ...AWS_PROVIDER, urn: "urn:pulumi:dev::rendorix::pulumi:providers:aws::us-east-1", inputs: { region: "us-east-1" } };
  const topic = stackResource(SNS.topic, "alerts", { arn: TOPIC_ARN });
  const subscription = stackResource(SNS.subscription, "alerts-email", { topic: TOPIC_ARN });
  const edgeTopic = stackResource(SNS.topic, "edge-alerts", { arn: EDGE_TOPIC_ARN }, { provider: US_EAST });
  const edgeSubscription = stackResource(SNS.subscription, "edge-alerts-email", { topic: EDGE_TOPIC_ARN }, { provider: US_EAST });
  const fn = stackResource(LAMBDA.function, "image", { name: "image-fn" });

  function alarm(name: string, inputs: Record<string, unknown>, more: Partial<StackResource> = {}): StackResource {
    return stackResource(CLOUDWATCH.metricAlarm, name, { namespace: "AWS/Lambda", alarmActions: [TOPIC_ARN], ...inputs }, more);
  }
  const errors = (inputs: Record<string, unknown> = {}, more: Partial<StackResource> = {}) =>
    alarm("errors", { metricName: "Errors", dimensions: { FunctionName: "image-fn" }, ...inputs }, more);
  const throttles = alarm("throttles", { metricName: "Throttles", dimensions: { FunctionName: "image-fn" } });

  /** The report for a missing alarm, with its near misses. */
  function missing(label: string, candidates: string[] = [], subject = "Function 'image'", region = "eu-west-1"): string {
    const [namespace, dimension, attribute] = subject.startsWith("Function") ? ["AWS/Lambda", "FunctionName", "name"] : ["AWS/CloudFront", "DistributionId", "id"];
    const near = candidates.length > 0 ? ` Candidates that do not count: ${candidates.join("; ")}.` : "";
    return (
      `${subject} has no ${namespace} ${label} alarm on its ${dimension} in ${region} that notifies a subscribed SNS topic.${near} ` +
      `Fix: add an aws.cloudwatch.MetricAlarm on ${label} with the ${dimension} dimension set to this resource's ${attribute} output and an alarmActions topic that has a subscription.`
    );
  }
  const check = (resources: StackResource[], config: Record<string, unknown> = {}) =>
    reportsOf(requiredAlarms, stackOf([topic, subscription, edgeTopic, edgeSubscription, ...resources]), config);
  /** What the rule says about the function's Errors alarm `candidate` (its Throttles alarm is fine). */
  const errorsVerdict = (candidate: StackResource, more: StackResource[] = [fn], config: Record<string, unknown> = {}) => check([...more, throttles, candidate], config);

  it("counts an alarm on the function's name that notifies a subscribed topic, however it lists its metric", () => {
    assert.deepEqual(errorsVerdict(errors()), []);
    const query = { metric: { namespace: "AWS/Lambda", metricName: "Errors", dimensions: { FunctionName: "image-fn", Resource: "image-fn:live" } } };
    assert.deepEqual(errorsVerdict(alarm("errors", { metricQueries: [{ id: "e", expression: "m1" }, query] })), []);
    assert.deepEqual(errorsVerdict(alarm("errors", { metricName: "Invocations", dimensions: { FunctionName: "image-fn" }, metricQueries: [query] })), []);
    assert.deepEqual(check([fn]), [missing("Errors"), missing("Throttles")]);
  });

  it("names each near miss on the metric and its dimensions", () => {
    const cases: [StackResource, string[]][] = [
      [errors({ namespace: UNKNOWN }), ["MetricAlarm 'errors': its metric namespace is unknown during preview"]],
      [errors({ metricName: UNKNOWN }), ["MetricAlarm 'errors': its metric name is unknown during preview"]],
      [errors({ namespace: "AWS/Other" }), []],
      [errors({ metricName: "Invocations" }), []],
      [errors({ dimensions: {} }, { propertyDependencies: { dimensions: [fn.urn] } }), []],
      [errors({ dimensions: { FunctionName: UNKNOWN } }), ["MetricAlarm 'errors': its FunctionName dimension is unknown during preview and not traceable to any resource"]],
      [errors({ dimensions: { FunctionName: UNKNOWN } }, { propertyDependencies: { dimensions: [topic.urn] } }), []],
      [
        errors({ dimensions: { FunctionName: UNKNOWN } }, { propertyDependencies: { dimensions: [fn.urn] } }),
        ["MetricAlarm 'errors': its FunctionName dimension is unknown during preview while Function 'image''s name is known, so it is not that name but a value derived from the resource (such as its ARN)"],
      ],
      [
        errors({ dimensions: { FunctionName: "image" } }, { propertyDependencies: { dimensions: [fn.urn] } }),
        ["MetricAlarm 'errors': its FunctionName dimension 'image' comes from Function 'image' but is not its name 'image-fn'"],
      ],
      [errors({ dimensions: { FunctionName: "image" } }), []],
      [errors({ dimensions: { FunctionName: "image-fn", Resource: "image-fnx" } }), ["MetricAlarm 'errors': its Resource dimension 'image-fnx' is not 'image-fn' or 'image-fn:<alias or version>'"]],
      [errors({ region: "us-east-1" }), ["MetricAlarm 'errors': it is not in the region of Function 'image'"]],
      [errors({ region: UNKNOWN }), ["MetricAlarm 'errors': the region of MetricAlarm 'errors' is unknown"]],
    ];
    for (const [candidate, nearMisses] of cases) assert.deepEqual(errorsVerdict(candidate), [missing("Errors", nearMisses)], JSON.stringify(candidate.inputs));
    const twice = [errors({ namespace: UNKNOWN }), alarm("errors-2", { metricName: UNKNOWN })];
    assert.deepEqual(check([fn, throttles, ...twice]), [
      missing("Errors", ["MetricAlarm 'errors': its metric namespace is unknown during preview", "MetricAlarm 'errors-2': its metric name is unknown during preview"]),
    ]);
  });

  it("reads a function whose name is unknown by where the dimension came from", () => {
    const unnamed = stackResource(LAMBDA.function, "image", { name: UNKNOWN });
    const fromFunction = { propertyDependencies: { dimensions: [unnamed.urn] } };
    const named = (name: string, more: Partial<StackResource> = {}) => alarm(name.toLowerCase(), { metricName: name, dimensions: { FunctionName: "derived" } }, more);
    assert.deepEqual(check([unnamed, named("Errors", fromFunction), named("Throttles", fromFunction)]), []);
    assert.deepEqual(check([unnamed, named("Errors"), named("Throttles", fromFunction)]), [missing("Errors")]);
    const qualified = alarm("errors", { metricName: "Errors", dimensions: { FunctionName: "derived", Resource: "derived:live" } }, fromFunction);
    assert.deepEqual(check([unnamed, qualified, named("Throttles", fromFunction)]), []);
  });

  it("names each reason an alarm notifies no one", () => {
    const other = stackResource(SNS.topic, "other", { arn: `arn:aws:sns:eu-west-1:${ACCOUNT}:other` });
    const placeless = stackResource(SNS.topic, "placeless", { arn: `arn:aws:sns:eu-west-1:${ACCOUNT}:placeless`, region: UNKNOWN });
    const cases: [Record<string, unknown>, string, StackResource[]?][] = [
      [{ actionsEnabled: false }, "its actions are disabled (actionsEnabled: false)"],
      [{ actionsEnabled: UNKNOWN }, "whether its actions are enabled is unknown during preview"],
      [{ alarmActions: [] }, "it has no alarm actions"],
      [{ alarmActions: [EDGE_TOPIC_ARN] }, `its topic Topic 'edge-alerts' is in us-east-1, not eu-west-1`],
      [{ alarmActions: [other.inputs.arn] }, "its topic Topic 'other' has no subscription", [other]],
      [{ alarmActions: [other.inputs.arn, `arn:aws:sns:eu-west-1:${ACCOUNT}:elsewhere`] }, `its topic Topic 'other' has no subscription; its action arn:aws:sns:eu-west-1:${ACCOUNT}:elsewhere is not an SNS topic of this stack (list it in trustedTopicArns if it is a subscribed topic elsewhere)`, [other]],
      [{ alarmActions: UNKNOWN }, "its alarm actions are unknown during preview and not traceable to an SNS topic of this stack"],
      [{ alarmActions: [other.inputs.arn, UNKNOWN] }, "its topic Topic 'other' has no subscription", [other]],
      [{ alarmActions: [placeless.inputs.arn] }, "the region of Topic 'placeless' is unknown", [placeless]],
      [{ alarmActions: [{}] }, "it has no action to a subscribed SNS topic in its region"],
      [{ alarmActions: [`arn:aws:sns:us-east-1:${ACCOUNT}:trusted`] }, `its trusted topic arn:aws:sns:us-east-1:${ACCOUNT}:trusted is not in eu-west-1`],
    ];
    const trusted = { trustedTopicArns: [`arn:aws:sns:us-east-1:${ACCOUNT}:trusted`, `arn:aws:sns:eu-west-1:${ACCOUNT}:trusted`] };
    for (const [inputs, problem, more = []] of cases) {
      assert.deepEqual(errorsVerdict(errors(inputs), [fn, ...more], trusted), [missing("Errors", [`MetricAlarm 'errors': ${problem}`])], problem);
    }
    assert.deepEqual(errorsVerdict(errors({ alarmActions: [`arn:aws:sns:eu-west-1:${ACCOUNT}:trusted`] }), [fn], trusted), []);
  });

  it("cannot place a trusted topic when the alarm's region is unknown", () => {
    const unknownRegion: ProviderView = { ...AWS_PROVIDER, urn: "urn:pulumi:dev::rendorix::pulumi:providers:aws::unknown", inputs: { region: UNKNOWN } };
    const placed = { provider: unknownRegion };
    const trustedArn = `arn:aws:sns:eu-west-1:${ACCOUNT}:trusted`;
    const unplacedFn = stackResource(LAMBDA.function, "image", { name: "image-fn" }, placed);
    const unplaced = (name: string) => alarm(name.toLowerCase(), { metricName: name, dimensions: { FunctionName: "image-fn" }, alarmActions: [trustedArn] }, placed);
    assert.deepEqual(check([unplacedFn, unplaced("Errors"), unplaced("Throttles")], { trustedTopicArns: [trustedArn] }), [
      missing("Errors", ["MetricAlarm 'errors': the region of MetricAlarm 'errors''s provider is unknown"], "Function 'image'", "an unknown region"),
      missing("Throttles", ["MetricAlarm 'throttles': the region of MetricAlarm 'throttles''s provider is unknown"], "Function 'image'", "an unknown region"),
    ]);
  });

  it("counts an alarm whose composite alarm notifies, named by dependency or in its rule", () => {
    const silent = errors({ alarmActions: [], alarmName: "image-errors" });
    const composite = (alarmRule: string, more: Partial<StackResource> = {}, alarmActions: unknown[] = [TOPIC_ARN]) =>
      stackResource(CLOUDWATCH.compositeAlarm, "composite", { alarmRule, alarmActions }, more);
    assert.deepEqual(errorsVerdict(silent, [fn, composite(UNKNOWN, { propertyDependencies: { alarmRule: [silent.urn] } })]), []);
    assert.deepEqual(errorsVerdict(silent, [fn, composite('ALARM("image-errors")')]), []);
    assert.deepEqual(errorsVerdict(silent, [fn, composite('ALARM("other")')]), [missing("Errors", ["MetricAlarm 'errors': it has no alarm actions"])]);
    const byName = errors({ alarmActions: [], name: "errors-by-name", alarmName: "image-errors" });
    assert.deepEqual(errorsVerdict(byName, [fn, composite('ALARM("errors-by-name")')]), []);
    assert.deepEqual(errorsVerdict(byName, [fn, stackResource(CLOUDWATCH.compositeAlarm, "composite", { alarmActions: [TOPIC_ARN] })]), [
      missing("Errors", ["MetricAlarm 'errors': it has no alarm actions"]),
    ]);
    const twoSilent = [composite('ALARM("image-errors")', {}, []), stackResource(CLOUDWATCH.compositeAlarm, "composite-2", { alarmRule: 'ALARM("image-errors")', alarmActions: [] })];
    assert.deepEqual(errorsVerdict(silent, [fn, ...twoSilent]), [
      missing("Errors", ["MetricAlarm 'errors': it has no alarm actions (nor does CompositeAlarm 'composite', CompositeAlarm 'composite-2')"]),
    ]);
    assert.deepEqual(errorsVerdict(silent, [fn, composite('ALARM("image-errors")', {}, [])]), [
      missing("Errors", ["MetricAlarm 'errors': it has no alarm actions (nor does CompositeAlarm 'composite')"]),
    ]);
  });

  it("wants a distribution's alarms in us-east-1 on its id with Region Global, any Resource dimension", () => {
    const distribution = stackResource(CLOUDFRONT.distribution, "edge", { id: "E123" });
    const edgeAlarm = (metricName: string, dimensions: Record<string, unknown> = {}, more: Partial<StackResource> = { provider: US_EAST }) =>
      stackResource(CLOUDWATCH.metricAlarm, metricName, { namespace: "AWS/CloudFront", metricName, dimensions: { DistributionId: "E123", Region: "Global", ...dimensions }, alarmActions: [EDGE_TOPIC_ARN] }, more);
    const fivexx = edgeAlarm("5xxErrorRate");
    const subject = "Distribution 'edge'";
    assert.deepEqual(check([distribution, fivexx, edgeAlarm("4xxErrorRate", { Resource: "anything" })]), []);
    assert.deepEqual(check([distribution, fivexx, edgeAlarm("403ErrorRate")]), []);
    const cases: [StackResource, string][] = [
      [edgeAlarm("4xxErrorRate", { Region: UNKNOWN }), "its Region dimension is unknown during preview"],
      [edgeAlarm("4xxErrorRate", { Region: undefined }), "its Region dimension is missing, not 'Global'"],
      [edgeAlarm("4xxErrorRate", { Region: "us-east-1" }), "its Region dimension is 'us-east-1', not 'Global'"],
      [edgeAlarm("4xxErrorRate", {}, {}), "it is in eu-west-1, not us-east-1"],
      [edgeAlarm("4xxErrorRate", {}, { provider: undefined }), 'MetricAlarm \'4xxErrorRate\' has no provider, so its region is unknown; set region: "us-east-1" on the alarm or its provider'],
    ];
    for (const [candidate, problem] of cases) {
      assert.deepEqual(check([distribution, fivexx, candidate]), [missing("403ErrorRate or 4xxErrorRate", [`MetricAlarm '4xxErrorRate': ${problem}`], subject, "us-east-1")], problem);
    }
  });

  it("says the function's region is unknown when it has no provider", () => {
    assert.deepEqual(check([stackResource(LAMBDA.function, "image", { name: "image-fn" }, { provider: undefined })]), [
      missing("Errors", [], "Function 'image'", "an unknown region"),
      missing("Throttles", [], "Function 'image'", "an unknown region"),
    ]);
  });
});
