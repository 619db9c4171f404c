/** CloudWatch Logs advisory: every log group expires its events. */
import { isUnknown, resourceLabel, ResourceRule } from "./model";
import { CLOUDWATCH } from "./resource-types";

export const logGroupRetention: ResourceRule = {
  scope: "resource",
  resourceTypes: [CLOUDWATCH.logGroup],
  name: "log-group-retention",
  description: "CloudWatch log groups set a retention period instead of keeping events forever.",
  enforcementLevel: "advisory",
  remediation: "Set retentionInDays on the aws.cloudwatch.LogGroup (e.g. 30, or what your compliance rules require).",
  check(logGroup, _config, report) {
    const retention = logGroup.inputs.retentionInDays;
    if (typeof retention === "number" && retention > 0) return;
    const problem = isUnknown(retention) ? "its retentionInDays is unknown during preview" : "it sets no retentionInDays, so its events are kept forever";
    report(`${resourceLabel(logGroup)}: ${problem}. Fix: set retentionInDays.`);
  },
};
