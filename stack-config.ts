/**
 * The stack configuration of the Rendorix program (`rendorix:*` keys in `Pulumi.<stack>.yaml`),
 * read and validated in one place so that a wrong value fails the preview with the key's name and
 * the accepted values, before any resource is planned.
 */
import { RunError } from "@pulumi/pulumi";
import { type AlarmThresholds, DEFAULT_ALARM_THRESHOLDS, SHARE_THRESHOLDS } from "./components/service-alarms";
import { DEFAULT_KEY_ROTATION_DAYS, KEY_ROTATION_DAYS_RANGE } from "./components/key-rotation";
import { type Preset, parsePresets } from "./core/presets";
import { parseDuration } from "./core/durations";

export const CONFIG_NAMESPACE = "rendorix";

const PRICE_CLASSES = ["PriceClass_100", "PriceClass_200", "PriceClass_All"] as const;
/** The retention periods CloudWatch Logs accepts. */
const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const HOSTNAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const HOSTED_ZONE_ID = /^Z[A-Z0-9]{1,31}$/;

export interface StackConfig {
  /** Days between rotations of the URL-signing key, which is generated inside AWS. */
  keyRotationDays: number;
  domain?: { name: string; hostedZoneId: string };
  alarmEmails: string[];
  memoryMb: number;
  timeoutSeconds: number;
  reservedConcurrency?: number;
  presets?: Record<string, Preset>;
  maxUrlLifetimeSeconds: number;
  priceClass: (typeof PRICE_CLASSES)[number];
  logRetentionDays: number;
  protect: boolean;
  alarms: AlarmThresholds;
}

/** Reads one raw config value (as `pulumi.Config.get` gives it: a string, objects as JSON). */
export type ConfigSource = (key: string) => string | undefined;

class ConfigReader {
  constructor(private readonly get: ConfigSource) {}

  fail(key: string, expected: string): never {
    throw new RunError(`Config ${CONFIG_NAMESPACE}:${key} ${expected}.`);
  }

  json(key: string, expected: string): unknown {
    const text = this.get(key);
    if (text === undefined) return undefined;
    try {
      return JSON.parse(text);
    } catch {
      return this.fail(key, `must be ${expected}`);
    }
  }

  stringList(key: string, pattern: RegExp, expected: string): string[] | undefined {
    const value = this.json(key, `a list of ${expected}`);
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || value.length === 0 || !value.every((item) => typeof item === "string" && pattern.test(item))) {
      return this.fail(key, `must be a non-empty list of ${expected}`);
    }
    return value as string[];
  }

  wholeNumber(key: string, min: number, max: number): number | undefined {
    const text = this.get(key);
    if (text === undefined) return undefined;
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) this.fail(key, `must be a whole number from ${min} to ${max}, not "${text}"`);
    return value;
  }

  oneOf<T extends string | number>(key: string, accepted: readonly T[], fallback: T): T {
    const text = this.get(key);
    if (text === undefined) return fallback;
    const match = accepted.find((value) => String(value) === text);
    if (match === undefined) this.fail(key, `is "${text}"; accepted values: ${accepted.join(", ")}`);
    return match;
  }

  boolean(key: string, fallback: boolean): boolean {
    return this.oneOf(key, ["true", "false"], String(fallback) as "true" | "false") === "true";
  }

  string(key: string, pattern: RegExp, expected: string): string | undefined {
    const text = this.get(key);
    if (text !== undefined && !pattern.test(text)) this.fail(key, `must be ${expected}, not "${text}"`);
    return text;
  }
}

function readAlarmThresholds(reader: ConfigReader): AlarmThresholds {
  const value = reader.json("alarms", "an object of alarm thresholds");
  if (value === undefined) return DEFAULT_ALARM_THRESHOLDS;
  const names = Object.keys(DEFAULT_ALARM_THRESHOLDS);
  if (typeof value !== "object" || value === null || Array.isArray(value)) reader.fail("alarms", `must be an object with ${names.join(", ")}`);
  const thresholds: AlarmThresholds = { ...DEFAULT_ALARM_THRESHOLDS };
  for (const [name, threshold] of Object.entries(value as Record<string, unknown>)) {
    if (!names.includes(name)) reader.fail(`alarms.${name}`, `is not a threshold; accepted: ${names.join(", ")}`);
    if (typeof threshold !== "number" || !(threshold > 0)) reader.fail(`alarms.${name}`, "must be a positive number");
    const shareOf = SHARE_THRESHOLDS[name as keyof AlarmThresholds];
    if (shareOf && threshold > 1) reader.fail(`alarms.${name}`, `must be a share of ${shareOf} from 0 to 1`);
    thresholds[name as keyof AlarmThresholds] = threshold;
  }
  return thresholds;
}

function readDomain(reader: ConfigReader): StackConfig["domain"] {
  const name = reader.string("domain", HOSTNAME, "a lower-case DNS name such as img.example.com");
  const hostedZoneId = reader.string("hostedZoneId", HOSTED_ZONE_ID, "a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ");
  if (name && !hostedZoneId) reader.fail("hostedZoneId", "is required with rendorix:domain (the zone that holds it)");
  if (hostedZoneId && !name) reader.fail("domain", "is required with rendorix:hostedZoneId");
  return name && hostedZoneId ? { name, hostedZoneId } : undefined;
}

function readPresets(reader: ConfigReader): Record<string, Preset> | undefined {
  const value = reader.json("presets", "an object of presets");
  if (value === undefined) return undefined;
  try {
    return parsePresets(value, `${CONFIG_NAMESPACE}:presets`);
  } catch (error) {
    throw new RunError(`Config ${(error as Error).message}.`);
  }
}

function readMaxUrlLifetime(reader: ConfigReader): number {
  const text = reader.string("maxUrlLifetime", /^\S+$/, "a duration such as 7d") ?? "30d";
  try {
    return parseDuration(text, `${CONFIG_NAMESPACE}:maxUrlLifetime`);
  } catch (error) {
    throw new RunError(`Config ${(error as Error).message}.`);
  }
}

/** Reads and validates the whole stack configuration. */
export function readStackConfig(get: ConfigSource): StackConfig {
  const reader = new ConfigReader(get);
  if (get("signingKeys") !== undefined) {
    reader.fail(
      "signingKeys",
      "is no longer read: signing keys are generated and rotated inside AWS (rendorix:keyRotationDays). " +
        "Move the stack over as docs/runbooks/signing-keys.md, Migration, says (its in-state keys stay valid until they age out), then remove this key",
    );
  }
  const alarmEmails = reader.stringList("alarmEmails", EMAIL, "e-mail addresses that receive alarms");
  if (!alarmEmails) return reader.fail("alarmEmails", "is required: someone must receive the alarms");
  return {
    keyRotationDays: reader.wholeNumber("keyRotationDays", KEY_ROTATION_DAYS_RANGE.min, KEY_ROTATION_DAYS_RANGE.max) ?? DEFAULT_KEY_ROTATION_DAYS,
    domain: readDomain(reader),
    alarmEmails,
    memoryMb: reader.wholeNumber("memoryMb", 128, 10240) ?? 1536,
    timeoutSeconds: reader.wholeNumber("timeoutSeconds", 3, 60) ?? 30,
    reservedConcurrency: reader.wholeNumber("reservedConcurrency", 1, 10000),
    presets: readPresets(reader),
    maxUrlLifetimeSeconds: readMaxUrlLifetime(reader),
    priceClass: reader.oneOf("priceClass", PRICE_CLASSES, "PriceClass_100"),
    logRetentionDays: Number(reader.oneOf("logRetentionDays", LOG_RETENTION_DAYS.map(String), "30")),
    protect: reader.boolean("protect", false),
    alarms: readAlarmThresholds(reader),
  };
}
