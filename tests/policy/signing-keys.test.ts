import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../check/model";
import { StackView } from "../../policy/model";
import { CLOUDFRONT, LAMBDA, PULUMI, RANDOM_KEY_SOURCES, SECRETS_MANAGER } from "../../policy/resource-types";
import { keyFingerprint } from "../../core/keyring";
import { noSharedHmacSecrets } from "../../policy/signing-keys";
import { assertViolatesOnly, evaluate, inBothModes, ProgramBuilder } from "../support/captured";
import { addAlertTopic, addKeyring, addMonitoredFunction, KEY_TEXT, KEY_TEXT_FINGERPRINT, Keyring } from "../support/policy-fixtures";

const POLICY = "no-shared-hmac-secrets";

function withKeyring(mode: "update" | "preview", stack = "dev"): { p: ProgramBuilder; keyring: Keyring } {
  const p = new ProgramBuilder(mode, stack);
  return { p, keyring: addKeyring(p) };
}

/** Makes the keyring's SecretVersion take a known value that no random resource produced. */
function setLiteralKeyring(p: ProgramBuilder, keyring: Keyring, from: string[] = []): void {
  const version = p.get(keyring.version);
  version.inputs.secretString = JSON.stringify({ active: "k1", keys: { k1: KEY_TEXT } });
  version.propertyDependencies.secretString = from;
  version.dependencies = [keyring.secret, ...from];
}

describe(POLICY, () => {
  inBothModes((mode) => {
    describe(`in ${mode}`, () => {
      it("passes a tagged, stack-named keyring and key entry generated from RandomBytes of the stack", () => {
        assert.deepEqual(evaluate(withKeyring(mode).p), []);
      });

      it("passes an auto-named keyring generated from a RandomPassword", () => {
        const { p, keyring } = withKeyring(mode);
        delete p.get(keyring.secret).inputs.name;
        p.get(keyring.secret).inputs.namePrefix = "rendorix-url-signing-";
        p.get(keyring.random).type = RANDOM_KEY_SOURCES[1];
        assert.deepEqual(evaluate(p), []);
      });

      it("fails a keyring whose value is a literal string", () => {
        const { p, keyring } = withKeyring(mode);
        setLiteralKeyring(p, keyring);
        assertViolatesOnly(evaluate(p), POLICY, /SecretVersion 'keyring-version' holds the value of keyring Secret 'keyring': its value is a literal or a config value/);
      });

      it("fails a keyring whose value comes from a stack reference", () => {
        const { p, keyring } = withKeyring(mode);
        const reference = p.add(PULUMI.stackReference, "prod-stack", { name: "acme/rendorix/prod" });
        const version = p.get(keyring.version);
        version.inputs.secretString = UNKNOWN_VALUE;
        version.propertyDependencies.secretString = [reference];
        assertViolatesOnly(evaluate(p), POLICY, /its value comes from StackReference 'prod-stack', i.e. from another stack/);
      });

      it("fails a keyring built from a resource that itself reads a stack reference", () => {
        const { p, keyring } = withKeyring(mode);
        const reference = p.add(PULUMI.stackReference, "prod-stack", { name: "acme/rendorix/prod" });
        const copy = p.add("aws:ssm/parameter:Parameter", "copied-key", { type: "SecureString", value: UNKNOWN_VALUE }, { from: { value: [reference] } });
        const version = p.get(keyring.version);
        version.propertyDependencies.secretString = [copy];
        version.dependencies.push(copy);
        const violations = evaluate(p);
        assertViolatesOnly(violations, POLICY, /comes from StackReference 'prod-stack'/);
      });

      it("fails a keyring whose name does not contain the stack name", () => {
        const { p, keyring } = withKeyring(mode, "prod");
        p.get(keyring.secret).inputs.name = "rendorix/url-signing-keyring";
        assertViolatesOnly(evaluate(p), POLICY, /named 'rendorix\/url-signing-keyring', which does not contain the stack name 'prod'/);
      });

      it("fails a keyring with no SecretVersion in the stack", () => {
        const { p, keyring } = withKeyring(mode);
        p.remove(keyring.version);
        assertViolatesOnly(evaluate(p), POLICY, /is a URL-signing keyring with no SecretVersion in this stack/);
      });

      it("treats an untagged secret named like a signing key as a keyring, and says to tag it", () => {
        const { p, keyring } = withKeyring(mode);
        const secret = p.get(keyring.secret);
        delete secret.inputs.tags;
        secret.inputs.name = `rendorix/${p.stack}/hmac-keys`;
        setLiteralKeyring(p, keyring);
        assertViolatesOnly(evaluate(p), POLICY, /treated as a keyring because of its name; tag it rendorix:purpose=url-signing-keyring/);
      });

      it("fails a KeyValueStore key entry holding a literal key", () => {
        const { p, keyring } = withKeyring(mode);
        const entry = p.get(keyring.entry);
        entry.inputs.value = KEY_TEXT;
        entry.propertyDependencies.value = [];
        assertViolatesOnly(evaluate(p), POLICY, /KeyvaluestoreKey 'edge-key-k1' holds signing key 'kid:k1': its value is a literal/);
      });

      it("fails exclusive KeyValueStore entries holding a literal key", () => {
        const { p } = withKeyring(mode);
        p.add(CLOUDFRONT.keyValueStoreKeysExclusive, "edge-keys-all", { keyValueStoreArn: p.computed("arn"), resourceKeyValuePairs: [{ key: "kid:k0", value: "bGl0ZXJhbC1rZXktdGV4dC1mb3ItdGVzdHMtb25seQ==" }] });
        assertViolatesOnly(evaluate(p), POLICY, /KeyvaluestoreKeysExclusive 'edge-keys-all' holds KeyValueStore entries that are, or may be, signing keys: its value is a literal/);
      });

      it("fails a Lambda whose environment carries the key", () => {
        const p = new ProgramBuilder(mode);
        const keyring = addKeyring(p);
        addMonitoredFunction(p, "image", addAlertTopic(p, "alerts"), { SIGNING_KEY: p.computed(KEY_TEXT) }, [keyring.random]);
        assertViolatesOnly(evaluate(p), POLICY, /Function 'image' has environment variables built from RandomBytes 'keyring-k1'/);
      });

      it("fails a CloudFront Function whose code embeds the keyring value", () => {
        const { p, keyring } = withKeyring(mode);
        const code = p.computed(`const keyring = ${JSON.stringify({ active: "k1", keys: { k1: KEY_TEXT } })};`);
        p.add(CLOUDFRONT.function, "edge-fn", { runtime: "cloudfront-js-2.0", code }, { from: { code: [keyring.version] } });
        assertViolatesOnly(evaluate(p), POLICY, /Function 'edge-fn' has code built from SecretVersion 'keyring-version'/);
      });

      it("fails a stack output that exports the keyring value", () => {
        const { p, keyring } = withKeyring(mode);
        p.output("keyring", p.computed(JSON.stringify({ active: "k1", keys: { k1: KEY_TEXT } })), [keyring.version]);
        assertViolatesOnly(evaluate(p), POLICY, /Stack output 'keyring' is built from SecretVersion 'keyring-version'/);
      });
    });
  });

  describe("by value, when an update knows the values", () => {
    it("fingerprints a key as the hex SHA-256 of its text", () => {
      assert.equal(keyFingerprint(KEY_TEXT), KEY_TEXT_FINGERPRINT);
    });

    it("fails a key that reaches a Lambda variable without a dependency, naming its fingerprint only", () => {
      const p = new ProgramBuilder("update");
      addKeyring(p);
      addMonitoredFunction(p, "image", addAlertTopic(p, "alerts"), { SIGNING_KEY: KEY_TEXT });
      const violations = evaluate(p);
      assertViolatesOnly(violations, POLICY, new RegExp(`environment variable 'SIGNING_KEY' containing key 'k1' of SecretVersion 'keyring-version' \\(SHA-256 ${KEY_TEXT_FINGERPRINT}\\)`));
      assert.ok(violations.every((violation) => !violation.message.includes(KEY_TEXT)), "a message echoes the key");
    });

    it("fails a key whose fingerprint is denied, and only when its value is known", () => {
      const config = { [POLICY]: { deniedKeyFingerprints: [KEY_TEXT_FINGERPRINT] } };
      assertViolatesOnly(evaluate(withKeyring("update").p, config), POLICY, new RegExp(`key 'k1' whose SHA-256 fingerprint ${KEY_TEXT_FINGERPRINT} is in deniedKeyFingerprints`));
      // In a preview the key is still to be generated by this stack's RandomBytes, so it cannot be a denied one.
      assert.deepEqual(evaluate(withKeyring("preview").p, config), []);
    });
  });

  describe("in preview, where names and values are unknown", () => {
    it("decides the keyring's source from the dependencies of its unknown value", () => {
      const { p, keyring } = withKeyring("preview");
      assert.equal(p.get(keyring.version).inputs.secretString, UNKNOWN_VALUE);
      assert.deepEqual(evaluate(p), []);
    });

    it("reports an unknown value that comes from no random resource", () => {
      const { p, keyring } = withKeyring("preview");
      const parameter = p.add("aws:ssm/parameter:Parameter", "shared-key", { type: "SecureString", value: "x" });
      p.get(keyring.version).propertyDependencies.secretString = [parameter];
      assertViolatesOnly(evaluate(p), POLICY, /its value is unknown during preview and comes from Parameter 'shared-key', none of them a random/);
    });

    it("reports a keyring whose name is unknown", () => {
      const { p, keyring } = withKeyring("preview");
      p.get(keyring.secret).inputs.name = UNKNOWN_VALUE;
      assertViolatesOnly(evaluate(p), POLICY, /keyring whose name is unknown during preview, so it cannot be shown stack-scoped/);
    });

    it("reports an untagged secret with an unknown name as possibly a keyring", () => {
      const p = new ProgramBuilder("preview");
      p.add(SECRETS_MANAGER.secret, "app-secret", { name: UNKNOWN_VALUE });
      assertViolatesOnly(evaluate(p), POLICY, /Secret 'app-secret' may be a URL-signing keyring but its name is unknown during preview/);
    });

    it("accepts a secret with an unknown name whose purpose tag says it is something else", () => {
      const p = new ProgramBuilder("preview");
      p.add(SECRETS_MANAGER.secret, "db-password", { name: UNKNOWN_VALUE, tags: { "rendorix:purpose": "database-password" } });
      assert.deepEqual(evaluate(p), []);
    });

    it("reports a KeyValueStore entry with an unknown key and a value from no random resource", () => {
      const { p, keyring } = withKeyring("preview");
      const entry = p.get(keyring.entry);
      entry.inputs.key = UNKNOWN_VALUE;
      entry.propertyDependencies.value = [];
      assertViolatesOnly(evaluate(p), POLICY, /KeyValueStore entry whose key is unknown during preview, so it may hold a signing key/);
    });
  });

  describe("stack outputs the engine cannot trace", () => {
    function engineView(outputs: Record<string, unknown>): StackView {
      const { p } = withKeyring("preview");
      const resources = p.resources.map((resource) => ({ ...resource, outputs: resource.inputs, provider: undefined }));
      return { stack: "dev", resources, outputs };
    }

    function check(view: StackView, config: Record<string, unknown> = {}): string[] {
      const messages: string[] = [];
      noSharedHmacSecrets.check(view, config, (message) => messages.push(message));
      return messages;
    }

    it("reports an unknown output whose sources are not given", () => {
      assert.match(check(engineView({ keyringArn: UNKNOWN_VALUE })).join("\n"), /Stack output 'keyringArn' is unknown during preview and the engine does not say which resources it came from/);
    });

    it("accepts it when listed in allowUntracedOutputs, and still checks known outputs by value", () => {
      assert.deepEqual(check(engineView({ keyringArn: UNKNOWN_VALUE }), { allowUntracedOutputs: ["keyringArn"] }), []);
      const known = engineView({ leaked: { nested: [`prefix-${KEY_TEXT}`] } });
      known.resources.find((resource) => resource.type === SECRETS_MANAGER.secretVersion)!.inputs.secretString = JSON.stringify({ keys: { k1: KEY_TEXT } });
      assert.match(check(known).join("\n"), /Stack output 'leaked' contains key 'k1'/);
    });
  });

  it("does not treat Lambda environment variables built from the keyring's ARN as key material", () => {
    const p = new ProgramBuilder("preview");
    const keyring = addKeyring(p);
    const fn = addMonitoredFunction(p, "image", addAlertTopic(p, "alerts"), { KEYRING_SECRET_ARN: UNKNOWN_VALUE }, [keyring.secret]);
    assert.equal(p.get(fn.fn).type, LAMBDA.function);
    assert.deepEqual(evaluate(p), []);
  });
});
