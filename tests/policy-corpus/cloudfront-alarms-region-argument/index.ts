/** CloudFront alarms in us-east-1 through the per-resource region argument of @pulumi/aws 7, with the topic beside them. */
import { apiDistribution, cloudfrontAlarms, emailTopic } from "../support/resources";

const cdn = apiDistribution("cdn");
cloudfrontAlarms("cdn", cdn.id, emailTopic("cdn-alerts", "us-east-1"), "us-east-1");
