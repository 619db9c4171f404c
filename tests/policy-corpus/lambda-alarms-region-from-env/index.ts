/** Lambda alarms by the function's name in a stack whose region comes from the environment (AWS_REGION): function, alarms and topic share the default provider. */
import { emailTopic, lambdaAlarms, lambdaFunction } from "../support/resources";

const fn = lambdaFunction("fn");
lambdaAlarms("fn", fn.name, emailTopic("alerts"));
