/** CloudFront alarms in the stack's region (eu-west-1), where CloudFront publishes no metrics. */
import { apiDistribution, cloudfrontAlarms, emailTopic } from "../support/resources";

const cdn = apiDistribution("cdn");
cloudfrontAlarms("cdn", cdn.id, emailTopic("cdn-alerts"));
