import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../check/model";
import { CLOUDWATCH, SNS } from "../../policy/resource-types";
import { assertViolatesOnly, evaluate, inBothModes, ProgramBuilder } from "../support/captured";
import { ACCOUNT, addAlertTopic, addMonitoredDistribution, addMonitoredFunction, AlertTopic, MonitoredDistribution, MonitoredFunction } from "../support/policy-fixtures";

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

  describe("in preview, where names and ids are unknown", () => {
    it("matches alarms to the function and distribution through the dependencies of their dimensions", () => {
      const { p, image, edge } = monitoredService("preview");
      assert.equal((p.get(image.errorsAlarm).inputs.dimensions as Record<string, unknown>).FunctionName, UNKNOWN_VALUE);
      assert.equal((p.get(edge.errorRateAlarm).inputs.dimensions as Record<string, unknown>).DistributionId, UNKNOWN_VALUE);
      assert.deepEqual(evaluate(p), []);
    });

    it("reports an alarm whose unknown FunctionName comes from no function of the stack", () => {
      const { p, image } = monitoredService("preview");
      p.get(image.errorsAlarm).propertyDependencies.dimensions = [];
      assertViolatesOnly(evaluate(p), POLICY, /MetricAlarm 'image-errors': its FunctionName dimension is unknown during preview and not traceable to any resource/);
    });

    it("reports alarm actions that are unknown and come from no topic of the stack", () => {
      const { p, image } = monitoredService("preview");
      p.get(image.errorsAlarm).propertyDependencies.alarmActions = [];
      assertViolatesOnly(evaluate(p), POLICY, /its alarm actions are unknown during preview and not traceable to an SNS topic of this stack/);
    });
  });
});
