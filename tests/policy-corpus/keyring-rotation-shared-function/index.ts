/** A keyring rotated by a function of a shared security account, named by its ARN in stack config: its keys are generated, and may be shared, outside the stack. */
import * as pulumi from "@pulumi/pulumi";
import { rotatedKeyring } from "../support/resources";

rotatedKeyring("keyring", `app/${pulumi.getStack()}/url-signing-keyring`, new pulumi.Config().require("sharedRotationFunctionArn"));
