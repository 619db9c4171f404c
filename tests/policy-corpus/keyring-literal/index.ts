/** A URL-signing keyring whose key is written in the program: every stack, and everyone who reads the code, shares it. */
import * as pulumi from "@pulumi/pulumi";
import { signingKeyring } from "../support/resources";

signingKeyring("keyring", `app/${pulumi.getStack()}/url-signing-keyring`, JSON.stringify({ active: "k1", keys: { k1: "bGl0ZXJhbC1rZXktaW4tdGhlLXByb2dyYW0tY29kZQ==" } }));
