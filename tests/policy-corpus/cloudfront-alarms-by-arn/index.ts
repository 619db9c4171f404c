/** CloudFront alarms in us-east-1 keyed by the distribution's ARN: CloudFront publishes by id, so they can never fire. */
import { apiDistribution, cloudfrontAlarms, emailTopic } from "../support/resources";

const cdn = apiDistribution("cdn");
cloudfrontAlarms("cdn", cdn.arn, emailTopic("cdn-alerts", "us-east-1"), "us-east-1");
