import assert from "node:assert/strict";
import { UNKNOWN_VALUE } from "../../check/model";
import { UNKNOWN } from "../../policy/model";
import { SNS } from "../../policy/resource-types";
import { requiredTags } from "../../policy/tags";
import { assertViolatesOnly, evaluate, ProgramBuilder } from "../support/captured";
import { AWS_PROVIDER, reportsOf, stackResource } from "../support/rule-check";

const POLICY = "required-tags";
const SERVICE_TAGS = { [POLICY]: { requiredTags: ["service", "environment"] } };

function untaggedStack(mode: "update" | "preview" = "update"): ProgramBuilder {
  const p = new ProgramBuilder(mode);
  delete p.config["aws:defaultTags"];
  return p;
}

describe(POLICY, () => {
  it("asks for no tag unless the pack's config names some", () => {
    const p = untaggedStack();
    p.add(SNS.topic, "alerts", {});
    assert.deepEqual(evaluate(p), []);
    assertViolatesOnly(evaluate(p, SERVICE_TAGS), POLICY, /Topic 'alerts' lacks the tags service, environment\. Fix/);
  });

  it("passes tags from the default provider's stack config (the fixtures' default)", () => {
    const p = new ProgramBuilder("update");
    p.add(SNS.topic, "alerts", {});
    assert.deepEqual(evaluate(p, SERVICE_TAGS), []);
  });

  it("passes tags set on the resource, and default tags of an explicit provider", () => {
    const p = untaggedStack();
    p.add(SNS.topic, "alerts", { tags: { service: "rendorix", environment: "dev" } });
    const provider = p.add("pulumi:providers:aws", "tagged", { region: "eu-west-1", defaultTags: JSON.stringify({ tags: { service: "rendorix", environment: "dev" } }) });
    p.add(SNS.topic, "edge-alerts", {}, { provider });
    assert.deepEqual(evaluate(p, SERVICE_TAGS), []);
  });

  it("fails a resource missing a required tag", () => {
    const p = untaggedStack();
    p.add(SNS.topic, "alerts", { tags: { service: "rendorix" } });
    assertViolatesOnly(evaluate(p, SERVICE_TAGS), POLICY, /Topic 'alerts' lacks the tag environment\. Fix/);
  });

  it("checks the tags named in config", () => {
    const p = new ProgramBuilder("update");
    p.add(SNS.topic, "alerts", {});
    assertViolatesOnly(evaluate(p, { [POLICY]: { requiredTags: ["team"] } }), POLICY, /lacks the tag team/);
  });

  it("says so when the tags are unknown during preview", () => {
    const p = untaggedStack("preview");
    p.add(SNS.topic, "alerts", { tags: UNKNOWN_VALUE });
    assertViolatesOnly(evaluate(p, SERVICE_TAGS), POLICY, /lacks the tags service, environment \(some of its tags are unknown during preview\)/);
  });
});

describe(`${POLICY} messages, exactly`, () => {
  const config = { requiredTags: ["service", "environment"] };
  const topic = (inputs: Record<string, unknown>, defaultTags?: unknown) =>
    reportsOf(requiredTags, stackResource(SNS.topic, "alerts", inputs, { provider: defaultTags === undefined ? undefined : { ...AWS_PROVIDER, inputs: { defaultTags } } }), config);

  it("takes the tags from the resource or its provider's default tags, as an object or JSON text", () => {
    const tags = { service: "rendorix", environment: "dev" };
    assert.deepEqual(topic({ tags }), []);
    assert.deepEqual(topic({ tagsAll: tags }), []);
    assert.deepEqual(topic({}, { tags }), []);
    assert.deepEqual(topic({}, JSON.stringify({ tags })), []);
    assert.deepEqual(topic({ tags: { service: "rendorix" } }, "not json"), ["Topic 'alerts' lacks the tag environment. Fix: tag it, or set provider default tags."]);
  });

  it("names every missing tag, and says when some tags are unknown", () => {
    assert.deepEqual(topic({}), ["Topic 'alerts' lacks the tags service, environment. Fix: tag it, or set provider default tags."]);
    assert.deepEqual(topic({ tags: UNKNOWN }, UNKNOWN), [
      "Topic 'alerts' lacks the tags service, environment (some of its tags are unknown during preview). Fix: tag it, or set provider default tags.",
    ]);
  });
});
