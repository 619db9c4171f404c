/** The CloudWatch alarms of the Lambda docs: Errors and Throttles on the function's name, to a subscribed SNS topic. */
import { emailTopic, lambdaAlarms, lambdaFunction } from "../support/resources";

const fn = lambdaFunction("fn");
lambdaAlarms("fn", fn.name, emailTopic("alerts"));
