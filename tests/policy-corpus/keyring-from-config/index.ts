/** A URL-signing keyring whose key comes from a secret stack config value, so stacks can be given the same key. */
import * as pulumi from "@pulumi/pulumi";
import { signingKeyring } from "../support/resources";

const config = new pulumi.Config();
signingKeyring("keyring", `app/${pulumi.getStack()}/url-signing-keyring`, pulumi.jsonStringify({ active: "k1", keys: { k1: config.requireSecret("signingKey") } }));
