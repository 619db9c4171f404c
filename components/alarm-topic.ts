/**
 * The SNS topic a `ServiceAlarms` pages through, in one place: its KMS key, the key's and the topic's
 * policies, and the on-call subscriptions.
 */
import * as aws from "@pulumi/aws";
import { policyDocument } from "./policy-documents";
import type { ChildFactory } from "./transform";

/** The resource arguments each child of an alarm topic is built from, by role. */
export interface AlarmTopicChildren {
  topicKey: aws.kms.KeyArgs;
  topicKeyPolicy: aws.kms.KeyPolicyArgs;
  topicKeyAlias: aws.kms.AliasArgs;
  topic: aws.sns.TopicArgs;
  topicPolicy: aws.sns.TopicPolicyArgs;
  subscription: aws.sns.TopicSubscriptionArgs;
}

export interface AlarmTopicSettings {
  /** Where the topic's alarms live (`regional` or `global`): the instance name of each child. */
  place: string;
  /** Explicit region of the topic's children; `undefined` means the provider's. */
  region: string | undefined;
  /** Addresses subscribed by e-mail. */
  emails: string[];
  tags: Record<string, string>;
}

/**
 * A topic encrypted with its own customer-managed key: CloudWatch cannot publish to a topic under
 * the AWS-managed SNS key, whose policy nobody can extend to `cloudwatch.amazonaws.com`.
 */
export function createAlarmTopic(children: ChildFactory<AlarmTopicChildren>, { place, region, emails, tags }: AlarmTopicSettings): aws.sns.Topic {
  const key = children.create(
    aws.kms.Key,
    "topicKey",
    { description: `Encrypts the alarm topic ${children.name("topic", place)}; CloudWatch may use it`, enableKeyRotation: true, region, tags },
    {},
    place,
  );
  // The policy needs the account id, which the key's own ARN carries: a separate KeyPolicy avoids
  // looking it up, and the topic waits for it so that no alarm publishes before CloudWatch may.
  const keyPolicy = children.create(aws.kms.KeyPolicy, "topicKeyPolicy", { keyId: key.id, policy: key.arn.apply(topicKeyPolicy), region }, {}, place);
  children.create(aws.kms.Alias, "topicKeyAlias", { namePrefix: `alias/${children.name("topic", place)}-`, targetKeyId: key.id, region }, {}, place);
  const topic = children.create(aws.sns.Topic, "topic", { kmsMasterKeyId: key.arn, region, tags }, { dependsOn: [keyPolicy] }, place);
  children.create(aws.sns.TopicPolicy, "topicPolicy", { arn: topic.arn, policy: topic.arn.apply(alarmTopicPolicy), region }, {}, place);
  // Named by address, not position: removing one recipient must not re-create (and make everyone
  // re-confirm) the others' subscriptions.
  for (const email of emails) {
    children.create(aws.sns.TopicSubscription, "subscription", { topic: topic.arn, protocol: "email", endpoint: email, region }, {}, `${place}-${email}`);
  }
  return topic;
}

function arnParts(arn: string): { partition: string; region: string; account: string } {
  const [, partition, , region, account] = arn.split(":");
  return { partition, region, account };
}

/** The account administers the key; CloudWatch may use it to publish to the topic it encrypts. */
function topicKeyPolicy(keyArn: string): string {
  const { partition, account } = arnParts(keyArn);
  return policyDocument([
    { Sid: "AccountAdministersKey", Effect: "Allow", Principal: { AWS: `arn:${partition}:iam::${account}:root` }, Action: "kms:*", Resource: "*" },
    // No source conditions here: the topic policy already limits publishing to this account's alarms.
    {
      Sid: "CloudWatchAlarmsEncrypt",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
      Resource: "*",
    },
  ]);
}

/** Only this account's CloudWatch alarms in the topic's region may publish. */
function alarmTopicPolicy(topicArn: string): string {
  const { partition, region, account } = arnParts(topicArn);
  return policyDocument([
    {
      Sid: "CloudWatchAlarmsPublish",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: topicArn,
      Condition: {
        StringEquals: { "aws:SourceAccount": account },
        ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:${region}:${account}:alarm:*` },
      },
    },
  ]);
}
