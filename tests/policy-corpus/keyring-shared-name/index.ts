/** A generated key in a keyring whose fixed name every stack of the account shares, so one stack overwrites another's key. */
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { signingKeyring } from "../support/resources";

const key = new random.RandomBytes("signing-key", { length: 32 });
signingKeyring("keyring", "app/url-signing-keyring", pulumi.jsonStringify({ active: "k1", keys: { k1: key.base64 } }));
