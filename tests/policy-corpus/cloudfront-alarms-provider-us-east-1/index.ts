/** CloudFront alarms through an explicit us-east-1 provider, where CloudFront publishes its metrics, with the topic beside them. */
import * as aws from "@pulumi/aws";
import { apiDistribution, cloudfrontAlarms, emailTopic } from "../support/resources";

const cdn = apiDistribution("cdn");
const useast1 = new aws.Provider("us-east-1", { region: "us-east-1" });
cloudfrontAlarms("cdn", cdn.id, emailTopic("cdn-alerts", undefined, { provider: useast1 }), undefined, { provider: useast1 });
