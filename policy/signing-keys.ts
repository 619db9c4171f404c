/**
 * `no-shared-hmac-secrets` (mandatory): URL-signing keys are generated in the stack that uses them,
 * live under a stack-scoped name, and never reach a Lambda environment, a CloudFront Function's
 * code or a stack output. A keyring whose value a rotation function of the same stack generates is
 * the preferred pattern: no key is then an input or output of any resource. Keys generated in state
 * stay allowed, with the advisory `signing-keys-in-state` saying who can read them. The markers both
 * rely on are in the pack's README (a public contract).
 */
import { KEY_VALUE_STORE_PREFIX, KEYRING_PURPOSE, KEYRING_TAG } from "../core/contract";
import { keyFingerprint } from "../core/keyring";
import { configStrings, containsUnknown, field, isRecord, isUnknown, knownString, knownStrings, Report, resourceLabel, StackResource, StackRule, StackView } from "./model";
import { listOf } from "./policy-documents";
import { CLOUDFRONT, LAMBDA, PULUMI, RANDOM_KEY_SOURCES, SECRETS_MANAGER } from "./resource-types";
import { identifiersOf, StackIndex } from "./stack-index";

const KEYRING_NAME = /hmac|signing-key|url-signing/i;
const SECRET_VALUE_PROPERTIES = ["secretString", "secretBinary", "secretStringWo"];
/** Shorter strings are not keys (url-signing-v1 keys are base64 of at least 32 bytes) and would match by accident. */
const MIN_KEY_TEXT_LENGTH = 16;
const GENERATE_FIX = "generate the key in this stack with random.RandomBytes (length >= 32) and build the value from its output";
const ROTATION_FIX =
  "leave the keyring's value to a rotation function of this stack (an aws.secretsmanager.SecretRotation whose rotationLambdaArn is an aws.lambda.Function of this stack), which generates every key inside AWS: the preferred pattern";

interface KeyText {
  holder: StackResource;
  label: string;
  text: string;
}

type SecretKind = { keyring: true; tagged: boolean } | { keyring: false } | { undecidableBecause: string };

function classifySecret(secret: StackResource): SecretKind {
  const purpose = field(secret.inputs.tags, KEYRING_TAG);
  if (purpose === KEYRING_PURPOSE) return { keyring: true, tagged: true };
  const names = [secret.inputs.name, secret.inputs.namePrefix];
  // Stryker disable next-line StringLiteral: the name pattern matches neither "" nor any replacement without its words
  if (names.some((name) => KEYRING_NAME.test(knownString(name) ?? ""))) return { keyring: true, tagged: false };
  // Stryker disable next-line ObjectLiteral: {} reads as no keyring too
  if (knownString(purpose) !== undefined) return { keyring: false };
  const unknown = [...(names.some(isUnknown) ? ["name"] : []), ...(isUnknown(purpose) ? ["tags"] : [])];
  if (unknown.length > 0) return { undecidableBecause: `its ${unknown.join(" and ")} ${unknown.length > 1 ? "are" : "is"} unknown during preview` };
  // Stryker disable next-line ObjectLiteral: {} reads as no keyring too
  return { keyring: false };
}

function containsStackName(name: string, stack: string): boolean {
  const escaped = stack.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(`(^|[^A-Za-z0-9])${escaped}($|[^A-Za-z0-9])`).test(name);
}

/** The key texts in a keyring value: each entry of its `keys` map, or the whole text when it is not url-signing-v1 JSON. */
function keyringTexts(holder: StackResource, value: string): KeyText[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  }
  // Stryker disable next-line BlockStatement: `parsed` is undefined until JSON.parse returns
  catch {
    parsed = undefined;
  }
  const keys = field(parsed, "keys");
  if (isRecord(keys)) {
    return Object.entries(keys).flatMap(([kid, text]) => (typeof text === "string" ? [{ holder, label: `key '${kid}'`, text }] : []));
  }
  return [{ holder, label: "its value", text: value }];
}

class KeyMaterial {
  /** Resources whose outputs hold key material: keyring versions, key entries and the random resources behind them. */
  readonly holders = new Map<string, StackResource>();
  readonly texts: KeyText[] = [];

  constructor(
    private readonly index: StackIndex,
    private readonly report: Report,
  ) {}

  /** Checks that `resource`'s value comes from a random resource of this stack, and records it as key material. */
  checkValueSource(resource: StackResource, properties: readonly string[], what: string, advice = ""): void {
    this.holders.set(resource.urn, resource);
    const present = properties.filter((property) => resource.inputs[property] !== undefined);
    const sources = present.flatMap((property) => this.index.sources(resource, property));
    const randoms = sources.filter((source) => (RANDOM_KEY_SOURCES as readonly string[]).includes(source.type));
    for (const random of randoms) this.holders.set(random.urn, random);

    const isStackReference = (candidate: StackResource) => candidate.type === PULUMI.stackReference;
    const stackReference = sources.find(isStackReference) ?? sources.map((source) => this.index.findUpstream(source, isStackReference)).find(Boolean);
    if (stackReference) {
      this.report(`${resourceLabel(resource)} ${what}: its value comes from ${resourceLabel(stackReference)}, i.e. from another stack${advice}. Fix: ${GENERATE_FIX}.`, resource.urn);
    }
    if (randoms.length > 0) return;
    if (present.length === 0) {
      this.report(`${resourceLabel(resource)} ${what}: it sets no value in this stack${advice}. Fix: ${GENERATE_FIX}.`, resource.urn);
      return;
    }
    const origin = present.some((property) => containsUnknown(resource.inputs[property]))
      ? `its value is unknown during preview and comes from ${sources.length > 0 ? sources.map(resourceLabel).join(", ") : "no resource"}, none of them a random.RandomBytes or random.RandomPassword of this stack`
      : "its value is a literal or a config value: it comes from no random.RandomBytes or random.RandomPassword of this stack";
    this.report(`${resourceLabel(resource)} ${what}: ${origin}${advice}. Fix: ${GENERATE_FIX}.`, resource.urn);
  }

  addText(holder: StackResource, label: string, value: unknown): void {
    const text = knownString(value);
    if (text !== undefined) this.texts.push({ holder, label, text });
  }

  /** Key texts found inside the known strings of `value`. */
  leakedIn(value: unknown): KeyText[] {
    const strings = knownStrings(value);
    return this.texts.filter((key) => key.text.length >= MIN_KEY_TEXT_LENGTH && strings.some((candidate) => candidate.includes(key.text)));
  }

  /** Key holders among `urns`. */
  holdersAmong(urns: readonly string[]): StackResource[] {
    return urns.flatMap((urn) => this.holders.get(urn) ?? []);
  }
}

function leakMessage(keys: KeyText[]): string {
  return keys.map((key) => `${key.label} of ${resourceLabel(key.holder)} (SHA-256 ${keyFingerprint(key.text)})`).join(", ");
}

/**
 * Checks the rotations of a keyring: each `aws.secretsmanager.SecretRotation` on the secret must have
 * an `aws.lambda.Function` of this stack as its `rotationLambdaArn`, so the keys are generated here
 * and nowhere else. Says whether any rotation names the secret.
 */
function checkRotations(index: StackIndex, secret: StackResource, identifiers: string[], advice: string, report: Report): boolean {
  const rotations = index.ofType(SECRETS_MANAGER.secretRotation).filter((rotation) => index.refersTo(rotation, "secretId", secret, identifiers));
  const functions = index.ofType(LAMBDA.function);
  for (const rotation of rotations) {
    if (functions.some((fn) => index.refersTo(rotation, "rotationLambdaArn", fn, identifiersOf(fn, ["name"])))) continue;
    const lambda = rotation.inputs.rotationLambdaArn;
    const origin = isUnknown(lambda)
      ? "a function whose ARN is unknown during preview and comes from no aws.lambda.Function of this stack"
      : `'${knownString(lambda) ?? "no function"}', which is no aws.lambda.Function of this stack`;
    report(
      `${resourceLabel(rotation)} rotates keyring ${resourceLabel(secret)} with ${origin}, so its keys are generated, and may be shared, outside this stack${advice}. ` +
        `Fix: rotate it with a function of this stack (rotationLambdaArn: fn.arn).`,
      rotation.urn,
    );
  }
  return rotations.length > 0;
}

function checkKeyrings(index: StackIndex, stack: string, material: KeyMaterial, report: Report): void {
  const versions = index.ofType(SECRETS_MANAGER.secretVersion);
  for (const secret of index.ofType(SECRETS_MANAGER.secret)) {
    const kind = classifySecret(secret);
    if ("undecidableBecause" in kind) {
      report(
        `${resourceLabel(secret)} may be a URL-signing keyring but ${kind.undecidableBecause}, so the policy cannot tell. ` +
          `Fix: tag it ${KEYRING_TAG}=${KEYRING_PURPOSE} if it is one, or ${KEYRING_TAG}=<its purpose> if it is not.`,
        secret.urn,
      );
      continue;
    }
    if (!kind.keyring) continue;
    const advice = kind.tagged ? "" : ` (it is treated as a keyring because of its name; tag it ${KEYRING_TAG}=${KEYRING_PURPOSE})`;

    const name = secret.inputs.name;
    if (isUnknown(name)) {
      report(`${resourceLabel(secret)} is a URL-signing keyring whose name is unknown during preview, so it cannot be shown stack-scoped${advice}. Fix: build its name from the stack name, or leave it auto-named.`, secret.urn);
    } else if (typeof name === "string" && !containsStackName(name, stack)) {
      report(
        `${resourceLabel(secret)} is a URL-signing keyring named '${name}', which does not contain the stack name '${stack}', so every stack shares that name${advice}. ` +
          `Fix: put the stack name in it (e.g. 'rendorix/${stack}/url-signing-keyring') or leave it auto-named.`,
        secret.urn,
      );
    }

    const identifiers = identifiersOf(secret, ["name"]);
    const own = versions.filter((version) => index.refersTo(version, "secretId", secret, identifiers));
    // A rotation by a function from elsewhere has been reported above, with its own fix.
    const rotated = checkRotations(index, secret, identifiers, advice, report);
    if (own.length === 0 && !rotated) {
      const untraced = versions.filter((version) => index.untraceable(version, "secretId", [SECRETS_MANAGER.secret]));
      const note = untraced.length > 0 ? ` (${untraced.map(resourceLabel).join(", ")}: secret unknown during preview and not traceable to a secret of this stack)` : "";
      report(
        `${resourceLabel(secret)} is a URL-signing keyring with no SecretVersion and no rotation function in this stack${note}, so its value cannot be shown generated here${advice}. ` +
          `Fix: ${ROTATION_FIX}; or ${GENERATE_FIX} in an aws.secretsmanager.SecretVersion.`,
        secret.urn,
      );
    }
    for (const version of own) {
      material.checkValueSource(version, SECRET_VALUE_PROPERTIES, `holds the value of keyring ${resourceLabel(secret)}`, advice);
      for (const property of SECRET_VALUE_PROPERTIES) {
        const value = knownString(version.inputs[property]);
        if (value !== undefined) material.texts.push(...keyringTexts(version, value));
      }
    }
  }
}

function checkKeyValueStoreEntries(index: StackIndex, material: KeyMaterial): void {
  for (const entry of index.ofType(CLOUDFRONT.keyValueStoreKey)) {
    const key = entry.inputs.key;
    if (isUnknown(key)) {
      material.checkValueSource(entry, ["value"], "is a KeyValueStore entry whose key is unknown during preview, so it may hold a signing key");
    } else if (typeof key === "string" && key.startsWith(KEY_VALUE_STORE_PREFIX)) {
      material.checkValueSource(entry, ["value"], `holds signing key '${key}'`);
      material.addText(entry, `key '${key}'`, entry.inputs.value);
    }
  }
  for (const entries of index.ofType(CLOUDFRONT.keyValueStoreKeysExclusive)) {
    const pairs = entries.inputs.resourceKeyValuePairs;
    const keyPairs = listOf(pairs).filter((pair) => isUnknown(pair) || isUnknown(field(pair, "key")) || (knownString(field(pair, "key")) ?? "").startsWith(KEY_VALUE_STORE_PREFIX));
    if (keyPairs.length === 0) continue;
    material.checkValueSource(entries, ["resourceKeyValuePairs"], "holds KeyValueStore entries that are, or may be, signing keys");
    for (const pair of keyPairs) material.addText(entries, `key '${knownString(field(pair, "key")) ?? "?"}'`, field(pair, "value"));
  }
}

function checkDeniedFingerprints(material: KeyMaterial, denied: Set<string>, report: Report): void {
  for (const key of material.texts) {
    const fingerprint = keyFingerprint(key.text);
    if (denied.has(fingerprint)) {
      report(`${resourceLabel(key.holder)} holds ${key.label} whose SHA-256 fingerprint ${fingerprint} is in deniedKeyFingerprints (another stack's key). Fix: ${GENERATE_FIX}.`, key.holder.urn);
    }
  }
}

function checkLeaks(index: StackIndex, material: KeyMaterial, report: Report): void {
  const fix = "pass the keyring's ARN and read the key at run time (the image Lambda) or from the KeyValueStore (the edge function)";
  for (const fn of index.ofType(LAMBDA.function)) {
    // Stryker disable next-line ArrayDeclaration: no resource has a URN of "Stryker was here", so any default holds no key
    const holders = material.holdersAmong(fn.propertyDependencies.environment ?? []);
    if (holders.length > 0) {
      report(`${resourceLabel(fn)} has environment variables built from ${holders.map(resourceLabel).join(", ")}, which hold URL-signing key material. Fix: ${fix}.`, fn.urn);
    }
    const variables = field(fn.inputs.environment, "variables");
    // Stryker disable next-line ArrayDeclaration: a string's characters are too short to contain a key text
    for (const [variable, value] of isRecord(variables) ? Object.entries(variables) : []) {
      const leaked = material.leakedIn(value);
      if (leaked.length > 0) report(`${resourceLabel(fn)} has environment variable '${variable}' containing ${leakMessage(leaked)}. Fix: ${fix}.`, fn.urn);
    }
  }
  for (const fn of index.ofType(CLOUDFRONT.function)) {
    // Stryker disable next-line ArrayDeclaration: no resource has a URN of "Stryker was here", so any default holds no key
    const holders = material.holdersAmong(fn.propertyDependencies.code ?? []);
    if (holders.length > 0) {
      report(`${resourceLabel(fn)} has code built from ${holders.map(resourceLabel).join(", ")}, which hold URL-signing key material. Fix: ${fix}.`, fn.urn);
    }
    const leaked = material.leakedIn(fn.inputs.code);
    if (leaked.length > 0) report(`${resourceLabel(fn)} has code containing ${leakMessage(leaked)}. Fix: ${fix}.`, fn.urn);
  }
}

function checkOutputs(index: StackIndex, material: KeyMaterial, allowUntraced: readonly string[], report: Report): void {
  const { outputs, outputDependencies } = index.view;
  const fix = "export the keyring's ARN, never its value";
  for (const [name, value] of Object.entries(outputs)) {
    const dependencies = outputDependencies?.[name];
    // Stryker disable next-line ArrayDeclaration: no resource has a URN of "Stryker was here", so any default holds no key
    const holders = material.holdersAmong(dependencies ?? []);
    if (holders.length > 0) report(`Stack output '${name}' is built from ${holders.map(resourceLabel).join(", ")}, which hold URL-signing key material. Fix: ${fix}.`);
    const leaked = material.leakedIn(value);
    if (leaked.length > 0) report(`Stack output '${name}' contains ${leakMessage(leaked)}. Fix: ${fix}.`);
    if (dependencies === undefined && material.holders.size > 0 && containsUnknown(value) && !allowUntraced.includes(name)) {
      report(
        `Stack output '${name}' is unknown during preview and the engine does not say which resources it came from, so it cannot be shown free of key material. ` +
          "Fix: if it carries no key (an ARN, an id, a hostname), list it in this policy's allowUntracedOutputs; `npm run check` traces outputs offline.",
      );
    }
  }
}

export const noSharedHmacSecrets: StackRule = {
  scope: "stack",
  name: "no-shared-hmac-secrets",
  description:
    "URL-signing keys are generated in this stack (preferably by its own rotation function, else by a random resource), kept under a stack-scoped name, and never exposed in Lambda environments, edge code or stack outputs.",
  enforcementLevel: "mandatory",
  remediation:
    `Tag the keyring secret ${KEYRING_TAG}=${KEYRING_PURPOSE}, name it with the stack name (or let Pulumi auto-name it), ${ROTATION_FIX} ` +
    `(or build every SecretVersion and '${KEY_VALUE_STORE_PREFIX}' KeyValueStore entry from a random.RandomBytes of this stack, never a literal, config value or stack reference), ` +
    "and hand consumers the keyring's ARN instead of its value.",
  configSchema: {
    properties: {
      deniedKeyFingerprints: {
        type: "array",
        items: { type: "string", pattern: "^[0-9a-f]{64}$" },
        default: [],
        description: "Lowercase hex SHA-256 fingerprints of key texts that must never appear in this stack (e.g. prod's keys when checking dev).",
      },
      allowUntracedOutputs: {
        type: "array",
        items: { type: "string" },
        default: [],
        description: "Stack outputs known to carry no key material, accepted when the engine reports them unknown during preview without their sources.",
      },
    },
  },
  check(stack, config, report) {
    const index = new StackIndex(stack);
    const material = new KeyMaterial(index, report);
    checkKeyrings(index, stack.stack, material, report);
    checkKeyValueStoreEntries(index, material);
    checkDeniedFingerprints(material, new Set(configStrings(config, "deniedKeyFingerprints").map((fingerprint) => fingerprint.toLowerCase())), report);
    checkLeaks(index, material, report);
    checkOutputs(index, material, configStrings(config, "allowUntracedOutputs"), report);
  },
};

/** The random resources of this stack whose values are URL-signing keys (keyring versions and `kid:` entries built from them). */
function keysInState(stack: StackView): StackResource[] {
  const index = new StackIndex(stack);
  const material = new KeyMaterial(index, () => undefined);
  checkKeyrings(index, stack.stack, material, () => undefined);
  checkKeyValueStoreEntries(index, material);
  return [...material.holders.values()].filter((holder) => (RANDOM_KEY_SOURCES as readonly string[]).includes(holder.type));
}

export const signingKeysInState: StackRule = {
  scope: "stack",
  name: "signing-keys-in-state",
  description: "URL-signing keys generated by a random resource live in the stack's state, readable by everyone who can decrypt it.",
  enforcementLevel: "advisory",
  remediation: `Let a rotation function of the stack generate the keys inside AWS instead: ${ROTATION_FIX}.`,
  check(stack, _config, report) {
    for (const random of keysInState(stack)) {
      report(
        `${resourceLabel(random)} generates a URL-signing key in Pulumi state: everyone who can decrypt the stack's state can read it (the deploy and preview roles, ` +
          "any administrator with the stack's passphrase or secrets-provider key), and every state checkpoint and backup keeps it. " +
          `Fix: ${ROTATION_FIX}; move deployed keys over without breaking issued URLs as Rendorix's runbook docs/runbooks/signing-keys.md, Migration, shows.`,
        random.urn,
      );
    }
  },
};
