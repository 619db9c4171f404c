import { strict as assert } from "node:assert";
import { DEFAULT_ALARM_THRESHOLDS } from "../../components/service-alarms";
import { readStackConfig } from "../../stack-config";

const minimal = { alarmEmails: '["oncall@example.com"]' };

function read(values: Record<string, string>) {
  return readStackConfig((key) => values[key]);
}

describe("stack config", () => {
  it("fills documented defaults around the one required key", () => {
    const config = read(minimal);
    assert.equal(config.keyRotationDays, 30);
    assert.equal(config.memoryMb, 1536);
    assert.equal(config.timeoutSeconds, 30);
    assert.equal(config.maxUrlLifetimeSeconds, 30 * 86400);
    assert.equal(config.priceClass, "PriceClass_100");
    assert.equal(config.logRetentionDays, 30);
    assert.equal(config.protect, false);
    assert.equal(config.domain, undefined);
    assert.deepEqual(config.alarms, DEFAULT_ALARM_THRESHOLDS);
  });

  const wrong: [string, Record<string, string>, RegExp][] = [
    ["keys generated in state", { ...minimal, signingKeys: '["k1"]' }, /rendorix:signingKeys is no longer read: signing keys are generated and rotated inside AWS \(rendorix:keyRotationDays\).*docs\/runbooks\/signing-keys.md, Migration/],
    ["a rotation period of zero", { ...minimal, keyRotationDays: "0" }, /rendorix:keyRotationDays must be a whole number from 1 to 1000, not "0"/],
    ["a rotation period beyond Secrets Manager's", { ...minimal, keyRotationDays: "1001" }, /rendorix:keyRotationDays must be a whole number from 1 to 1000, not "1001"/],
    ["a rotation period in weeks", { ...minimal, keyRotationDays: "4w" }, /rendorix:keyRotationDays must be a whole number from 1 to 1000, not "4w"/],
    ["no alarm recipients", {}, /rendorix:alarmEmails is required/],
    ["a malformed e-mail", { ...minimal, alarmEmails: '["oncall"]' }, /rendorix:alarmEmails must be a non-empty list of e-mail addresses/],
    ["an unknown price class", { ...minimal, priceClass: "PriceClass_50" }, /rendorix:priceClass is "PriceClass_50"; accepted values: PriceClass_100, PriceClass_200, PriceClass_All/],
    ["a retention CloudWatch refuses", { ...minimal, logRetentionDays: "10" }, /rendorix:logRetentionDays is "10"; accepted values: 1, 3, 5, 7, 14, 30/],
    ["memory out of range", { ...minimal, memoryMb: "64" }, /rendorix:memoryMb must be a whole number from 128 to 10240, not "64"/],
    ["a timeout beyond CloudFront's origin wait", { ...minimal, timeoutSeconds: "120" }, /rendorix:timeoutSeconds must be a whole number from 3 to 60/],
    ["a domain without its zone", { ...minimal, domain: "img.example.com" }, /rendorix:hostedZoneId is required with rendorix:domain/],
    ["an upper-case domain", { ...minimal, domain: "IMG.example.com", hostedZoneId: "Z123" }, /rendorix:domain must be a lower-case DNS name/],
    ["a lifetime without unit", { ...minimal, maxUrlLifetime: "30" }, /rendorix:maxUrlLifetime must be a whole number followed by s, m, h or d/],
    ["a preset over 4096 px", { ...minimal, presets: '{"huge":{"width":5000,"fit":"inside","format":"auto"}}' }, /rendorix:presets: preset "huge": width must be a whole number from 1 to 4096/],
    ["a preset with an unknown format", { ...minimal, presets: '{"t":{"width":5,"fit":"inside","format":"gif"}}' }, /preset "t".*format.*auto, jpeg, webp, avif, png/],
    ["an unknown alarm threshold", { ...minimal, alarms: '{"errors":5}' }, /rendorix:alarms.errors is not a threshold; accepted: lambdaErrors/],
    ["a duration share above 1", { ...minimal, alarms: '{"durationShareOfTimeout":2}' }, /rendorix:alarms.durationShareOfTimeout must be a share of the timeout from 0 to 1/],
    ["a boolean spelled otherwise", { ...minimal, protect: "yes" }, /rendorix:protect is "yes"; accepted values: true, false/],
    ["JSON that does not parse", { ...minimal, presets: "{thumb" }, /rendorix:presets must be an object of presets/],
  ];
  for (const [what, values, message] of wrong) {
    it(`names the key and the accepted values for ${what}`, () => {
      assert.throws(() => read(values), message);
    });
  }
});
