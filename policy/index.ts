import { PolicyPack } from "@pulumi/policy";
import { toEnginePolicy } from "./engine-adapter";
import { rules } from "./rules";

new PolicyPack("rendorix-guard", { policies: rules.map(toEnginePolicy) });
