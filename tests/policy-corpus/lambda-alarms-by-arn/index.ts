/** Lambda Errors and Throttles alarms keyed by the function's ARN: Lambda publishes by name, so they can never fire. */
import { emailTopic, lambdaAlarms, lambdaFunction } from "../support/resources";

const fn = lambdaFunction("fn");
lambdaAlarms("fn", fn.arn, emailTopic("alerts"));
