import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { stackScopedName } from "./physical-name";
import { serviceTrustPolicy } from "./policy-documents";
import { ChildFactory, type Transforms } from "./transform";

/** The resource arguments each child of a `LambdaCanary` is built from, by role. */
export interface LambdaCanaryChildren {
  application: aws.codedeploy.ApplicationArgs;
  serviceRole: aws.iam.RoleArgs;
  serviceRolePolicy: aws.iam.RolePolicyAttachmentArgs;
  deploymentGroup: aws.codedeploy.DeploymentGroupArgs;
}

/** The children of a `LambdaCanary` a consumer may build on. */
export interface LambdaCanaryNodes {
  application: aws.codedeploy.Application;
  serviceRole: aws.iam.Role;
  deploymentGroup: aws.codedeploy.DeploymentGroup;
}

export interface LambdaCanaryArgs {
  /**
   * Alarms that stop a rollout and send all traffic back to the previous version.
   * @example alarms.regionalAlarmNames
   */
  rollbackAlarms: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * How traffic moves to a new version.
   * @default "CodeDeployDefault.LambdaCanary10Percent5Minutes"
   */
  deploymentConfigName?: pulumi.Input<string>;
  /**
   * Permissions boundary of the CodeDeploy service role.
   * @default none
   */
  permissionsBoundary?: pulumi.Input<string>;
  /**
   * Tags on every taggable child.
   * @default {}
   */
  tags?: Record<string, string>;
  /** Adjust any child before it is created, by role. */
  transform?: Transforms<LambdaCanaryChildren>;
}

/**
 * Gradual rollout of a Lambda alias with CodeDeploy: a deployment shifts the alias from its current
 * version to a new one in steps and rolls back by itself when a rollback alarm fires. Pulumi publishes
 * versions; the deploy pipeline starts the deployment (`aws deploy create-deployment` with an AppSpec
 * naming the function, the alias and both versions), so the alias the component creates must ignore
 * changes to its version (see `ImageEdgeArgs.gradualRollout`).
 *
 * @example
 * ```ts
 * const canary = new LambdaCanary("images", { rollbackAlarms: alarms.regionalAlarmNames });
 * export const deploymentGroup = canary.deploymentGroupName;
 * ```
 */
export class LambdaCanary extends pulumi.ComponentResource {
  public readonly applicationName: pulumi.Output<string>;
  public readonly deploymentGroupName: pulumi.Output<string>;
  /** The child resources themselves, for what the arguments do not cover. */
  public readonly nodes: LambdaCanaryNodes;

  constructor(name: string, args: LambdaCanaryArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rendorix:index:LambdaCanary", name, {}, opts);
    const children = new ChildFactory<LambdaCanaryChildren>(this, name, args.transform);
    const tags = args.tags ?? {};

    const application = children.create(aws.codedeploy.Application, "application", { computePlatform: "Lambda", tags });
    const role = children.create(aws.iam.Role, "serviceRole", {
      assumeRolePolicy: serviceTrustPolicy("codedeploy.amazonaws.com"),
      permissionsBoundary: args.permissionsBoundary,
      tags,
    });
    // The limited policy lets CodeDeploy move aliases and read alarms, without the S3 access of the full one.
    const rolePolicy = children.create(aws.iam.RolePolicyAttachment, "serviceRolePolicy", {
      role: role.name,
      policyArn: aws.iam.ManagedPolicy.AWSCodeDeployRoleForLambdaLimited,
    });
    const group = children.create(
      aws.codedeploy.DeploymentGroup,
      "deploymentGroup",
      {
        appName: application.name,
        deploymentGroupName: stackScopedName(children.name("deploymentGroup")),
        serviceRoleArn: role.arn,
        deploymentConfigName: args.deploymentConfigName ?? "CodeDeployDefault.LambdaCanary10Percent5Minutes",
        deploymentStyle: { deploymentOption: "WITH_TRAFFIC_CONTROL", deploymentType: "BLUE_GREEN" },
        autoRollbackConfiguration: { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] },
        alarmConfiguration: { enabled: true, alarms: args.rollbackAlarms },
        tags,
      },
      { dependsOn: [rolePolicy] },
    );

    this.applicationName = application.name;
    this.deploymentGroupName = group.deploymentGroupName;
    this.nodes = { application, serviceRole: role, deploymentGroup: group };
    this.registerOutputs({ applicationName: this.applicationName, deploymentGroupName: this.deploymentGroupName });
  }
}
