/**
 * The gradual deployment rolls back on what viewers see: the handler answers failures with 5xx
 * instead of throwing, so Lambda's `Errors` misses them, and CloudFront's alarms live in us-east-1,
 * where CodeDeploy cannot use them. The canary's rollback alarms must include a regional alarm on
 * the handler's own 5xx count, read from the EMF lines the handler writes.
 */
import { strict as assert } from "node:assert";
import type { CapturedProgram, CapturedResource } from "../../check/model";
import { requestLogLine, type RequestRecord } from "../../image-fn/request-log";
import { captureStack, dependsThrough, onlyResourceOfType, resourcesOfType } from "../support/program";

interface EmfDirective {
  Namespace: string;
  Dimensions: string[][];
  Metrics: { Name: string }[];
}

/** Sums per metric and dimension values, as CloudWatch extracts them from EMF lines of one period. */
function extractMetrics(lines: string[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const line of lines) {
    const document = JSON.parse(line) as Record<string, unknown> & { _aws: { CloudWatchMetrics: EmfDirective[] } };
    for (const directive of document._aws.CloudWatchMetrics) {
      for (const dimensionSet of directive.Dimensions) {
        const dimensions = Object.fromEntries(dimensionSet.map((key) => [key, document[key]]));
        for (const metric of directive.Metrics) {
          const key = metricKey(directive.Namespace, metric.Name, dimensions);
          sums.set(key, (sums.get(key) ?? 0) + Number(document[metric.Name]));
        }
      }
    }
  }
  return sums;
}

function metricKey(namespace: string, metricName: string, dimensions: Record<string, unknown>): string {
  return JSON.stringify([namespace, metricName, Object.entries(dimensions).sort(([a], [b]) => a.localeCompare(b))]);
}

/** The alarm's state after one period of these lines (it evaluates one period of a minute). */
function alarmState(alarm: CapturedResource, lines: string[]): "ALARM" | "OK" {
  const { namespace, metricName, dimensions, statistic, period, evaluationPeriods, threshold, comparisonOperator } = alarm.inputs as Record<string, never>;
  assert.deepEqual([statistic, period, evaluationPeriods, comparisonOperator], ["Sum", 60, 1, "GreaterThanOrEqualToThreshold"]);
  const sum = extractMetrics(lines).get(metricKey(namespace, metricName, dimensions)) ?? 0;
  return sum >= Number(threshold) ? "ALARM" : "OK";
}

function answer(status: number, error: string | null = null): RequestRecord {
  return { requestId: "r", preset: "thumb", status, sourceBytes: 1000, sourcePixels: 100, outputBytes: 10, durationMs: 50, transformMs: 20, error };
}

describe("the canary rolls back on the handler's own 5xx answers", function () {
  this.timeout(120_000);
  for (const stack of ["dev", "prod"]) {
    describe(`stack ${stack}`, () => {
      let program: CapturedProgram;
      before(async () => {
        program = await captureStack(stack, "update");
      });

      const serverErrorsAlarm = () => resourcesOfType(program, "aws:cloudwatch/metricAlarm:MetricAlarm").find((alarm) => alarm.name.startsWith("rendorix-origin-server-errors"))!;

      it("is a regional alarm on the image function, among the deployment group's rollback alarms", () => {
        const alarm = serverErrorsAlarm();
        assert.ok(alarm, "an origin 5xx alarm exists");
        assert.equal(alarm.inputs.region, program.config["aws:region"], "in the function's region, where CodeDeploy reads alarms");
        const group = onlyResourceOfType(program, "aws:codedeploy/deploymentGroup:DeploymentGroup");
        assert.ok(dependsThrough(group, "alarmConfiguration", alarm), "the deployment group watches it");
        assert.deepEqual(group.inputs.autoRollbackConfiguration, { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] });
        const fn = resourcesOfType(program, "aws:lambda/function:Function").find((candidate) => candidate.name === "rendorix-image-function")!;
        assert.ok(dependsThrough(alarm, "dimensions", fn), "on the image function's name");
      });

      it("fires on as many 5xx answers in a minute as its threshold, from the lines the handler writes, and not on fewer or on 4xx", () => {
        const alarm = serverErrorsAlarm();
        const functionName = String((alarm.inputs.dimensions as Record<string, string>).FunctionName);
        const threshold = Number(alarm.inputs.threshold);
        const lines = (records: RequestRecord[]) => records.map((record) => requestLogLine(record, functionName, Date.UTC(2026, 11, 2, 5, 0, 30)));
        const healthy = Array.from({ length: 200 }, () => answer(200));
        const refused = Array.from({ length: 100 }, () => answer(403, "bad-signature"));
        const failing = (count: number) => Array.from({ length: count }, () => answer(503, "originals-unavailable"));
        assert.equal(alarmState(alarm, lines([...healthy, ...refused, ...failing(threshold - 1)])), "OK");
        assert.equal(alarmState(alarm, lines([...healthy, ...failing(threshold)])), "ALARM", "the new version answering 5xx stops the deployment");
        assert.equal(alarmState(alarm, lines(failing(threshold)).map((line) => line.replace(functionName, "another-function"))), "OK", "another function's failures do not count");
      });
    });
  }
});
