/** Lambda Errors and Throttles alarms keyed by a value derived from the function's name: no such function publishes metrics. */
import * as pulumi from "@pulumi/pulumi";
import { emailTopic, lambdaAlarms, lambdaFunction } from "../support/resources";

const fn = lambdaFunction("fn");
lambdaAlarms("fn", pulumi.interpolate`${fn.name}-live`, emailTopic("alerts"));
