import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../check/model";
import { type StackResource, StackView, UNKNOWN } from "../../policy/model";
import { CLOUDFRONT, LAMBDA, PULUMI, RANDOM_KEY_SOURCES, SECRETS_MANAGER } from "../../policy/resource-types";
import { keyFingerprint } from "../../core/keyring";
import { noSharedHmacSecrets } from "../../policy/signing-keys";
import { assertViolatesOnly, evaluate as evaluatePack, inBothModes, ProgramBuilder } from "../support/captured";
import { addAlertTopic, addKeyring, addMonitoredFunction, addRotatedKeyring, KEY_TEXT, KEY_TEXT_FINGERPRINT, Keyring } from "../support/policy-fixtures";
import { reportsOf, stackOf, stackResource } from "../support/rule-check";

const POLICY = "no-shared-hmac-secrets";
const IN_STATE = "signing-keys-in-state";

/** The pack without the in-state advisory, which every RandomBytes keyring here would also get; it has its own tests below. */
function evaluate(p: ProgramBuilder, config: Record<string, unknown> = {}) {
  return evaluatePack(p, { ...config, [IN_STATE]: "disabled" });
}

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
        assertViolatesOnly(evaluate(p), POLICY, /is a URL-signing keyring with no SecretVersion and no rotation function in this stack/);
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

  describe("a keyring rotated by a function of the stack (the preferred pattern)", () => {
    function rotated(mode: "update" | "preview") {
      const p = new ProgramBuilder(mode);
      const rotation = addMonitoredFunction(p, "key-rotation", addAlertTopic(p, "alerts"));
      return { p, keyring: addRotatedKeyring(p, rotation.fn) };
    }

    inBothModes((mode) => {
      it(`passes a secret with no value whose rotation function is of this stack, without the in-state advisory (${mode})`, () => {
        assert.deepEqual(evaluatePack(rotated(mode).p), []);
      });

      it(`fails a keyring rotated by a function of another stack or account, named by its ARN (${mode})`, () => {
        const { p, keyring } = rotated(mode);
        const rotation = p.get(keyring.rotation);
        rotation.inputs.rotationLambdaArn = "arn:aws:lambda:eu-west-1:999988887777:function:shared-key-rotation";
        rotation.propertyDependencies.rotationLambdaArn = [];
        assertViolatesOnly(
          evaluate(p),
          POLICY,
          /SecretRotation 'keyring-rotation' rotates keyring Secret 'keyring' with 'arn:aws:lambda:eu-west-1:999988887777:function:shared-key-rotation', which is no aws\.lambda\.Function of this stack.*Fix: rotate it with a function of this stack/,
        );
      });
    });

    it("fails a rotation whose function is unknown during preview and traceable to no function of the stack", () => {
      const { p, keyring } = rotated("preview");
      const rotation = p.get(keyring.rotation);
      rotation.inputs.rotationLambdaArn = UNKNOWN_VALUE;
      rotation.propertyDependencies.rotationLambdaArn = [];
      assertViolatesOnly(evaluate(p), POLICY, /with a function whose ARN is unknown during preview and comes from no aws\.lambda\.Function of this stack/);
    });

    it("fails a keyring with neither a value nor a rotation in the stack, and names rotation as the preferred fix", () => {
      const { p, keyring } = rotated("update");
      p.remove(keyring.rotation);
      assertViolatesOnly(evaluate(p), POLICY, /no SecretVersion and no rotation function in this stack.*Fix: leave the keyring's value to a rotation function of this stack.*the preferred pattern; or generate the key/);
    });
  });

  describe(IN_STATE, () => {
    inBothModes((mode) => {
      it(`advises, once per generated key, that everyone who can decrypt the state can read a key generated in it (${mode})`, () => {
        const { p, keyring } = withKeyring(mode);
        const violations = evaluatePack(p);
        assert.deepEqual(
          violations.map((violation) => [violation.policy, violation.level, violation.urn]),
          [[IN_STATE, "advisory", keyring.random]],
        );
        assert.match(violations[0].message, /RandomBytes 'keyring-k1' generates a URL-signing key in Pulumi state: everyone who can decrypt the stack's state can read it \(the deploy and preview roles, any administrator with the stack's passphrase or secrets-provider key\)/);
        assert.match(violations[0].message, /Fix: leave the keyring's value to a rotation function of this stack/);
      });
    });

    it("says nothing about a random resource that holds no signing key", () => {
      const p = new ProgramBuilder("update");
      p.add(RANDOM_KEY_SOURCES[0], "bucket-suffix", { length: 4 });
      assert.deepEqual(evaluatePack(p), []);
    });
  });
});

describe(`${POLICY} messages, exactly`, () => {
  const GENERATE = "Fix: generate the key in this stack with random.RandomBytes (length >= 32) and build the value from its output";
  const ROTATION =
    "leave the keyring's value to a rotation function of this stack (an aws.secretsmanager.SecretRotation whose rotationLambdaArn is an aws.lambda.Function of this stack), which generates every key inside AWS: the preferred pattern";
  const FIX = `${GENERATE}.`;
  const LEAK_FIX = "Fix: pass the keyring's ARN and read the key at run time (the image Lambda) or from the KeyValueStore (the edge function).";
  const OUTPUT_FIX = "Fix: export the keyring's ARN, never its value.";
  const OTHER_KEY = Buffer.alloc(32, 9).toString("base64");
  const OTHER_FINGERPRINT = "10f76ce356b2749fbeb7c49530ae8d558221d2841f9096bfb1821d6744a6065c";
  const TAGS = { "rendorix:purpose": "url-signing-keyring" };

  const random = stackResource(RANDOM_KEY_SOURCES[0], "keyring-k1", { length: 32 });
  const secret = stackResource(SECRETS_MANAGER.secret, "keyring", { name: "rendorix/dev/url-signing-keyring", tags: TAGS });
  const version = (inputs: Record<string, unknown>, from: Record<string, StackResource[]> = {}, name = "keyring-version") =>
    stackResource(SECRETS_MANAGER.secretVersion, name, { secretId: "arn:keyring", ...inputs }, {
      propertyDependencies: Object.fromEntries(Object.entries({ secretId: [secret], ...from }).map(([property, sources]) => [property, sources.map((source) => source.urn)])),
    });
  const lambda = (variables: Record<string, unknown>) => stackResource(LAMBDA.function, "image", { environment: { variables } });
  const check = (resources: StackResource[], config: Record<string, unknown> = {}, view: Partial<StackView> = {}) =>
    reportsOf(noSharedHmacSecrets, { ...stackOf(resources), ...view }, config);

  it("decides whether a secret is a keyring, and says why it cannot", () => {
    const undecidable = (why: string) =>
      `Secret 'app' may be a URL-signing keyring but its ${why} unknown during preview, so the policy cannot tell. Fix: tag it rendorix:purpose=url-signing-keyring if it is one, or rendorix:purpose=<its purpose> if it is not.`;
    assert.deepEqual(check([stackResource(SECRETS_MANAGER.secret, "app", { name: UNKNOWN })]), [undecidable("name is")]);
    assert.deepEqual(check([stackResource(SECRETS_MANAGER.secret, "app", { namePrefix: UNKNOWN })]), [undecidable("name is")]);
    assert.deepEqual(check([stackResource(SECRETS_MANAGER.secret, "app", { name: "app", tags: UNKNOWN })]), [undecidable("tags is")]);
    assert.deepEqual(check([stackResource(SECRETS_MANAGER.secret, "app", { name: UNKNOWN, tags: UNKNOWN })]), [undecidable("name and tags are")]);
    assert.deepEqual(check([stackResource(SECRETS_MANAGER.secret, "app", { name: "app" })]), []);
  });

  it("names a tagged keyring's problems without advice, and an untagged one's with it", () => {
    assert.deepEqual(check([secret, version({ secretString: KEY_TEXT })]), [
      `SecretVersion 'keyring-version' holds the value of keyring Secret 'keyring': its value is a literal or a config value: it comes from no random.RandomBytes or random.RandomPassword of this stack. ${FIX}`,
    ]);
    const untagged = stackResource(SECRETS_MANAGER.secret, "keyring", { namePrefix: "hmac-" });
    assert.deepEqual(check([untagged, version({}, {})]), [
      `SecretVersion 'keyring-version' holds the value of keyring Secret 'keyring': it sets no value in this stack (it is treated as a keyring because of its name; tag it rendorix:purpose=url-signing-keyring). ${FIX}`,
    ]);
  });

  it("finds the stack name in a keyring's name as a whole word, whatever characters the stack name has", () => {
    const named = (name: string, stack: string) =>
      check([stackResource(SECRETS_MANAGER.secret, "keyring", { name, tags: TAGS }), version({ secretString: UNKNOWN }, { secretString: [random] }), random], {}, { stack });
    assert.deepEqual(named("rendorix/qa.1/url-signing-keyring", "qa.1"), []);
    assert.deepEqual(named("rendorix/qax1/url-signing-keyring", "qa.1"), [
      "Secret 'keyring' is a URL-signing keyring named 'rendorix/qax1/url-signing-keyring', which does not contain the stack name 'qa.1', so every stack shares that name. Fix: put the stack name in it (e.g. 'rendorix/qa.1/url-signing-keyring') or leave it auto-named.",
    ]);
  });

  it("names a rotation by a function of no resource of the stack, known or unknown, and accepts one of the stack's by ARN or name", () => {
    const fn = stackResource(LAMBDA.function, "key-rotation", { name: "key-rotation-fn", arn: "arn:aws:lambda:eu-west-1:111122223333:function:key-rotation-fn" });
    const rotation = (rotationLambdaArn: unknown, from: StackResource[] = []) =>
      stackResource(SECRETS_MANAGER.secretRotation, "keyring-rotation", { secretId: "arn:keyring", rotationLambdaArn }, {
        propertyDependencies: { secretId: [secret.urn], rotationLambdaArn: from.map((source) => source.urn) },
      });
    assert.deepEqual(check([secret, fn, rotation(UNKNOWN, [fn])]), []);
    assert.deepEqual(check([secret, fn, rotation(fn.inputs.arn)]), []);
    assert.deepEqual(check([secret, fn, rotation("key-rotation-fn")]), []);
    assert.deepEqual(check([secret, fn, rotation("arn:aws:lambda:eu-west-1:999988887777:function:shared")]), [
      "SecretRotation 'keyring-rotation' rotates keyring Secret 'keyring' with 'arn:aws:lambda:eu-west-1:999988887777:function:shared', which is no aws.lambda.Function of this stack, so its keys are generated, and may be shared, outside this stack. Fix: rotate it with a function of this stack (rotationLambdaArn: fn.arn).",
    ]);
    assert.deepEqual(check([secret, fn, rotation(UNKNOWN)]), [
      "SecretRotation 'keyring-rotation' rotates keyring Secret 'keyring' with a function whose ARN is unknown during preview and comes from no aws.lambda.Function of this stack, so its keys are generated, and may be shared, outside this stack. Fix: rotate it with a function of this stack (rotationLambdaArn: fn.arn).",
    ]);
  });

  it("says which SecretVersions it could not trace when a keyring has none of its own", () => {
    const untraced = stackResource(SECRETS_MANAGER.secretVersion, "unknown-secret", { secretId: UNKNOWN, secretString: "x" });
    const other = stackResource(SECRETS_MANAGER.secretVersion, "other-secret", { secretId: "arn:other", secretString: "x" });
    assert.deepEqual(check([secret, untraced, other]), [
      `Secret 'keyring' is a URL-signing keyring with no SecretVersion and no rotation function in this stack (SecretVersion 'unknown-secret': secret unknown during preview and not traceable to a secret of this stack), so its value cannot be shown generated here. Fix: ${ROTATION}; or ${GENERATE.slice("Fix: ".length)} in an aws.secretsmanager.SecretVersion.`,
    ]);
    const otherSecret = stackResource(SECRETS_MANAGER.secret, "other", { name: "app-settings" });
    const fromOtherSecret = stackResource(SECRETS_MANAGER.secretVersion, "other-version", { secretId: UNKNOWN, secretString: "x" }, { propertyDependencies: { secretId: [otherSecret.urn] } });
    const untraced2 = stackResource(SECRETS_MANAGER.secretVersion, "unknown-secret-2", { secretId: UNKNOWN, secretString: "x" });
    assert.deepEqual(check([secret, otherSecret, untraced, fromOtherSecret, untraced2]), [
      `Secret 'keyring' is a URL-signing keyring with no SecretVersion and no rotation function in this stack (SecretVersion 'unknown-secret', SecretVersion 'unknown-secret-2': secret unknown during preview and not traceable to a secret of this stack), so its value cannot be shown generated here. Fix: ${ROTATION}; or ${GENERATE.slice("Fix: ".length)} in an aws.secretsmanager.SecretVersion.`,
    ]);
    assert.deepEqual(check([secret, other]), [
      `Secret 'keyring' is a URL-signing keyring with no SecretVersion and no rotation function in this stack, so its value cannot be shown generated here. Fix: ${ROTATION}; or ${GENERATE.slice("Fix: ".length)} in an aws.secretsmanager.SecretVersion.`,
    ]);
  });

  it("tells an unknown value's sources, or that it has none", () => {
    const parameter = (name: string) => stackResource("aws:ssm/parameter:Parameter", name);
    const [a, b] = [parameter("a"), parameter("b")];
    const unknownFrom = (sources: string) =>
      `SecretVersion 'keyring-version' holds the value of keyring Secret 'keyring': its value is unknown during preview and comes from ${sources}, none of them a random.RandomBytes or random.RandomPassword of this stack. ${FIX}`;
    assert.deepEqual(check([secret, a, b, version({ secretString: UNKNOWN }, { secretString: [a, b] })]), [unknownFrom("Parameter 'a', Parameter 'b'")]);
    assert.deepEqual(check([secret, version({ secretString: UNKNOWN, secretBinary: "literal" })]), [unknownFrom("no resource")]);
  });

  it("finds key texts in a keyring document, or takes the whole value, and checks them against denied fingerprints", () => {
    const denied = { deniedKeyFingerprints: [KEY_TEXT_FINGERPRINT.toUpperCase()] };
    const document = JSON.stringify({ active: "k1", keys: { k0: 5, k1: KEY_TEXT } });
    assert.deepEqual(check([secret, random, version({ secretString: document }, { secretString: [random] })], denied), [
      `SecretVersion 'keyring-version' holds key 'k1' whose SHA-256 fingerprint ${KEY_TEXT_FINGERPRINT} is in deniedKeyFingerprints (another stack's key). ${FIX}`,
    ]);
    assert.deepEqual(check([secret, random, version({ secretString: KEY_TEXT }, { secretString: [random] })], denied), [
      `SecretVersion 'keyring-version' holds its value whose SHA-256 fingerprint ${KEY_TEXT_FINGERPRINT} is in deniedKeyFingerprints (another stack's key). ${FIX}`,
    ]);
  });

  it("checks KeyValueStore entries named as signing keys, and those whose key is unknown", () => {
    const entry = (key: unknown, value: unknown) => stackResource(CLOUDFRONT.keyValueStoreKey, "entry", { key, value });
    assert.deepEqual(check([entry("config:x", "literal value")]), []);
    assert.deepEqual(check([entry(undefined, "literal value")]), []);
    assert.deepEqual(check([entry(UNKNOWN, "literal value")]), [
      `KeyvaluestoreKey 'entry' is a KeyValueStore entry whose key is unknown during preview, so it may hold a signing key: its value is a literal or a config value: it comes from no random.RandomBytes or random.RandomPassword of this stack. ${FIX}`,
    ]);
    const pairs = (resourceKeyValuePairs: unknown) => stackResource(CLOUDFRONT.keyValueStoreKeysExclusive, "entries", { resourceKeyValuePairs });
    assert.deepEqual(check([pairs([{ key: "config:x", value: "x" }])]), []);
    const entries = "KeyvaluestoreKeysExclusive 'entries' holds KeyValueStore entries that are, or may be, signing keys";
    assert.deepEqual(check([pairs([{ key: "config:x", value: "x" }, { key: "kid:k0", value: "x" }])]), [
      `${entries}: its value is a literal or a config value: it comes from no random.RandomBytes or random.RandomPassword of this stack. ${FIX}`,
    ]);
    for (const pair of [UNKNOWN, { key: UNKNOWN, value: "x" }]) {
      assert.deepEqual(check([pairs([{ key: "config:x", value: "x" }, pair])]), [
        `${entries}: its value is unknown during preview and comes from no resource, none of them a random.RandomBytes or random.RandomPassword of this stack. ${FIX}`,
      ], JSON.stringify(pair));
    }
  });

  it("finds a key text of 16 characters or more wherever it is copied, naming it by its entry", () => {
    const fromRandom = (key: string, value: string, name = "entry") => stackResource(CLOUDFRONT.keyValueStoreKey, name, { key, value }, { propertyDependencies: { value: [random.urn] } });
    const pairsFromRandom = stackResource(CLOUDFRONT.keyValueStoreKeysExclusive, "entries", {
      resourceKeyValuePairs: [{ key: "kid:k0", value: OTHER_KEY }, { key: UNKNOWN, value: "0123456789abcdef" }, { key: "config", value: "not-a-key-but-long" }],
    }, { propertyDependencies: { resourceKeyValuePairs: [random.urn] } });
    const leaks = (variables: Record<string, unknown>) => check([random, fromRandom("kid:k1", KEY_TEXT), fromRandom("kid:k2", "0123456789abcde", "short"), pairsFromRandom, lambda(variables)]);
    assert.deepEqual(leaks({ A: `x${KEY_TEXT}`, B: "0123456789abcde", C: "not-a-key-but-long" }), [
      `Function 'image' has environment variable 'A' containing key 'kid:k1' of KeyvaluestoreKey 'entry' (SHA-256 ${KEY_TEXT_FINGERPRINT}). ${LEAK_FIX}`,
    ]);
    assert.deepEqual(leaks({ BOTH: `${OTHER_KEY} ${KEY_TEXT} 0123456789abcdef` }), [
      `Function 'image' has environment variable 'BOTH' containing key 'kid:k1' of KeyvaluestoreKey 'entry' (SHA-256 ${KEY_TEXT_FINGERPRINT}), key 'kid:k0' of KeyvaluestoreKeysExclusive 'entries' (SHA-256 ${OTHER_FINGERPRINT}), key '?' of KeyvaluestoreKeysExclusive 'entries' (SHA-256 9f9f5111f7b27a781f1f1ddde5ebc2dd2b796bfc7365c9c28b548e564176929f). ${LEAK_FIX}`,
    ]);
  });

  it("reports edge code and stack outputs built from or containing key material", () => {
    const keyVersion = version({ secretString: JSON.stringify({ active: "k1", keys: { k1: KEY_TEXT } }) }, { secretString: [random] });
    const edge = (code: string, from: StackResource[] = []) =>
      stackResource(CLOUDFRONT.function, "edge", { code }, { propertyDependencies: { code: from.map((source) => source.urn) } });
    const base = [secret, random, keyVersion];
    assert.deepEqual(check([...base, edge("export {}")]), []);
    assert.deepEqual(check([...base, edge(`const k = "${KEY_TEXT}";`, [keyVersion])]), [
      `Function 'edge' has code built from SecretVersion 'keyring-version', which hold URL-signing key material. ${LEAK_FIX}`,
      `Function 'edge' has code containing key 'k1' of SecretVersion 'keyring-version' (SHA-256 ${KEY_TEXT_FINGERPRINT}). ${LEAK_FIX}`,
    ]);
    assert.deepEqual(check([...base, stackResource(LAMBDA.function, "image", { environment: { variables: { KEY: UNKNOWN } } }, { propertyDependencies: { environment: [random.urn, keyVersion.urn] } })]), [
      `Function 'image' has environment variables built from RandomBytes 'keyring-k1', SecretVersion 'keyring-version', which hold URL-signing key material. ${LEAK_FIX}`,
    ]);
    assert.deepEqual(check([...base, edge("export {}", [random, keyVersion])]), [
      `Function 'edge' has code built from RandomBytes 'keyring-k1', SecretVersion 'keyring-version', which hold URL-signing key material. ${LEAK_FIX}`,
    ]);
    const outputs = { built: UNKNOWN, copied: ["arn", `${KEY_TEXT}`] };
    assert.deepEqual(check(base, {}, { outputs, outputDependencies: { built: [random.urn, keyVersion.urn], copied: [] } }), [
      `Stack output 'built' is built from RandomBytes 'keyring-k1', SecretVersion 'keyring-version', which hold URL-signing key material. ${OUTPUT_FIX}`,
      `Stack output 'copied' contains key 'k1' of SecretVersion 'keyring-version' (SHA-256 ${KEY_TEXT_FINGERPRINT}). ${OUTPUT_FIX}`,
    ]);
  });

  it("asks for untraced outputs to be listed only when the stack holds key material", () => {
    const untraced = "Stack output 'url' is unknown during preview and the engine does not say which resources it came from, so it cannot be shown free of key material. Fix: if it carries no key (an ARN, an id, a hostname), list it in this policy's allowUntracedOutputs; `npm run check` traces outputs offline.";
    assert.deepEqual(check([secret, random, version({ secretString: UNKNOWN }, { secretString: [random] })], {}, { outputs: { url: UNKNOWN } }), [untraced]);
    assert.deepEqual(check([lambda({})], {}, { outputs: { url: UNKNOWN } }), []);
  });
});
