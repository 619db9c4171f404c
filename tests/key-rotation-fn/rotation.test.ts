import { strict as assert } from "node:assert";
import { signUrl } from "../../core/sign-url";
import { rotateKeyring } from "../../key-rotation-fn/rotation";
import { FakeAws } from "../support/fake-aws";
import { edgeDecision, type KeyringFixture, keyringFixture, MAX_URL_LIFETIME_SECONDS } from "../support/keyring-fixture";
import { vectors } from "../support/vectors";

const DAY_MS = 24 * 3600 * 1000;
const seconds = (date: Date) => Math.floor(date.getTime() / 1000);

function assertConsistent(fixture: KeyringFixture): void {
  const current = fixture.current();
  assert.ok(current, "AWSCURRENT holds a keyring");
  assert.deepEqual(fixture.edgeKeys(), current.keys, "the KeyValueStore holds exactly the keyring's keys");
  const pending = [...fixture.secret.versions.values()].filter((version) => version.labels.has("AWSPENDING"));
  assert.equal(pending.length, 0, `no version is left AWSPENDING: ${JSON.stringify([...fixture.secret.versions].map(([id, v]) => [id, [...v.labels]]))} ${fixture.logs.join("\n")}`);
}

function sign(fixture: KeyringFixture, kid: string, ttlSeconds: number): string {
  return signUrl({ baseUrl: "", preset: "thumb", key: "photos/a.jpg", ttlSeconds, keyring: fixture.current()!, kid, nowSeconds: seconds(fixture.clock.now) });
}

describe("key rotation function", () => {
  let fixture: KeyringFixture;
  afterEach(async () => {
    await fixture.aws.stop();
  });

  it("gives a secret created without a value its first key, in the store before it is current", async () => {
    fixture = await keyringFixture();
    fixture.aws.invariant = () => {
      const current = fixture.current();
      if (current && fixture.edgeKeys()[current.active] !== current.keys[current.active]) throw new Error("the current key is not in the store");
    };
    await fixture.rotate();
    assert.deepEqual(fixture.aws.rotationErrors, []);
    assert.deepEqual(fixture.aws.invariantErrors, []);
    assertConsistent(fixture);
    const keyring = fixture.current()!;
    assert.match(keyring.active, /^dev-20260301-040000-[0-9a-f]{4}$/);
    assert.equal(Buffer.from(keyring.keys[keyring.active], "base64").length, 32);
    assert.equal(keyring.created[keyring.active], "2026-03-01T04:00:00.000Z");
    const logs = fixture.logs.join("\n");
    assert.ok(!logs.includes(keyring.keys[keyring.active]), "logs name key ids, never key text");
    assert.match(logs, new RegExp(`new key ${keyring.active}`));
  });

  it("keeps the previous key while its URLs can be valid, then drops it from the keyring and the store", async () => {
    fixture = await keyringFixture();
    await fixture.rotate();
    const first = fixture.current()!.active;
    fixture.clock.now = new Date(fixture.clock.now.getTime() + 30 * DAY_MS);
    const url = sign(fixture, first, MAX_URL_LIFETIME_SECONDS);
    await fixture.rotate();
    const second = fixture.current()!.active;
    assert.notEqual(second, first);
    assert.deepEqual(Object.keys(fixture.current()!.keys), [second, first]);
    assertConsistent(fixture);

    const lastValid = seconds(fixture.clock.now) + MAX_URL_LIFETIME_SECONDS + 30;
    assert.equal((await edgeDecision(fixture, url, lastValid)).action, "forward", "a URL signed with the previous key works until it expires");
    assert.equal((await edgeDecision(fixture, url, lastValid + 1)).action, "reject");

    fixture.clock.now = new Date(fixture.clock.now.getTime() + MAX_URL_LIFETIME_SECONDS * 1000);
    await fixture.rotate();
    assert.deepEqual(Object.keys(fixture.current()!.keys).slice(1), [second, first], "one lifetime plus the skew still keeps it, to the second");
    fixture.clock.now = new Date(fixture.clock.now.getTime() + 31_000);
    await fixture.rotate();
    assert.deepEqual(Object.keys(fixture.current()!.keys).slice(1), [Object.keys(fixture.current()!.keys)[1], second].slice(0, 2));
    assert.ok(!Object.keys(fixture.current()!.keys).includes(first), `${first} retired more than a lifetime ago`);
    assertConsistent(fixture);
    assert.equal((await edgeDecision(fixture, url, lastValid)).action, "reject");
  });

  it("moves a keyring generated in Pulumi state over without breaking its URLs", async () => {
    const legacy = JSON.stringify(vectors.keyring);
    fixture = await keyringFixture({ value: legacy });
    for (const [kid, text] of Object.entries(vectors.keyring.keys)) fixture.store.entries.set(`kid:${kid}`, text);
    fixture.store.entries.set("unrelated", "left alone");
    const url = sign(fixture, vectors.keyring.active, 3600);
    await fixture.rotate();
    assert.deepEqual(fixture.aws.rotationErrors, []);
    assertConsistent(fixture);
    const keyring = fixture.current()!;
    assert.notEqual(keyring.active, vectors.keyring.active);
    for (const [kid, text] of Object.entries(vectors.keyring.keys)) assert.equal(keyring.keys[kid], text);
    assert.equal(fixture.store.entries.get("unrelated"), "left alone");
    assert.equal((await edgeDecision(fixture, url, seconds(fixture.clock.now))).action, "forward");

    fixture.clock.now = new Date(fixture.clock.now.getTime() + MAX_URL_LIFETIME_SECONDS * 1000 + 31_000);
    await fixture.rotate();
    assert.deepEqual(Object.keys(fixture.current()!.keys).length, 2, "the migrated keys aged out");
    assertConsistent(fixture);
  });

  it("makes one key per rotation however often a step runs again", async () => {
    fixture = await keyringFixture();
    const token = await fixture.rotate();
    const keyring = JSON.stringify(fixture.current());
    const calls = fixture.aws.calls.length;
    const { secrets, store } = fixture.aws.clients();
    for (const Step of ["createSecret", "setSecret", "testSecret", "finishSecret"]) {
      const context = { secrets, store, maxUrlLifetimeSeconds: 60, keyIdPrefix: "dev", propagationSeconds: 0, log: () => {} };
      await rotateKeyring({ Step, SecretId: fixture.secret.name, ClientRequestToken: token }, context);
    }
    assert.equal(JSON.stringify(fixture.current()), keyring);
    assert.deepEqual(fixture.aws.calls.slice(calls), Array(4).fill("secretsmanager:DescribeSecret"), "a finished version is left alone");
  });

  it("refuses events it must not act on", async () => {
    fixture = await keyringFixture();
    const { secrets, store } = fixture.aws.clients();
    const context = { secrets, store, maxUrlLifetimeSeconds: 60, keyIdPrefix: "dev", propagationSeconds: 0 };
    const event = (Step: string, ClientRequestToken = "t1") => ({ Step, SecretId: fixture.secret.arn, ClientRequestToken });
    await assert.rejects(rotateKeyring(event("rotate"), context), /unknown rotation step "rotate"/);
    await assert.rejects(rotateKeyring(event("createSecret"), context), /version t1 of secret rendorix\/dev\/url-signing-keyring has no staging label/);
    fixture.secret.versions.set("t1", { labels: new Set(["AWSPREVIOUS"]), value: "{}" });
    await assert.rejects(rotateKeyring(event("setSecret"), context), /is not AWSPENDING/);
    fixture.secret.versions.set("t2", { labels: new Set(["AWSPENDING"]) });
    await assert.rejects(rotateKeyring(event("setSecret", "t2"), context), /createSecret has not run for it/);
    fixture.secret.rotationEnabled = false;
    await assert.rejects(rotateKeyring(event("createSecret", "t2"), context), /not enabled for rotation/);
  });

  it("writes the store only with its current ETag and plans again after a concurrent change", async () => {
    fixture = await keyringFixture();
    let raced = false;
    fixture.aws.invariant = () => {
      if (!raced && fixture.aws.calls.at(-1) === "cloudfront-keyvaluestore:ListKeys") {
        raced = true;
        fixture.store.entries.set("kid:stray", "Zm9v");
        fixture.store.etag++;
      }
    };
    await fixture.rotate();
    assert.deepEqual(fixture.aws.rotationErrors, []);
    assert.ok(raced);
    assertConsistent(fixture);
    assert.ok(fixture.aws.calls.filter((call) => call === "cloudfront-keyvaluestore:UpdateKeys").length >= 2, "the first write met a 409");
  });

  describe("a failure at any call, before or after it takes effect, then the step again", () => {
    const trace: string[] = [];
    before(async () => {
      const clean = await keyringFixture({ value: JSON.stringify(vectors.keyring) });
      await clean.rotate();
      trace.push(...clean.aws.calls);
      await clean.aws.stop();
    });

    it("leaves a consistent keyring and store, with one new key and the current key always at the edge", async function () {
      assert.ok(trace.length > 10);
      const aws = await new FakeAws().start();
      for (const [index, operation] of trace.entries()) {
        // A lost response matters only for calls that change something.
        const mutates = /Put|Update/.test(operation);
        for (const when of mutates ? (["before", "after"] as const) : (["before"] as const)) {
          fixture = await keyringFixture({ value: JSON.stringify(vectors.keyring), aws });
          for (const [kid, text] of Object.entries(vectors.keyring.keys)) fixture.store.entries.set(`kid:${kid}`, text);
          const occurrence = trace.slice(0, index).filter((call) => call === operation).length;
          let seen = 0;
          const invariant = () => {
            const current = fixture.current()!;
            if (fixture.edgeKeys()[current.active] !== current.keys[current.active]) throw new Error("the current key is not in the store");
          };
          fixture.aws.invariant = () => {
            invariant();
            if (fixture.aws.calls.at(-1) === operation && seen++ === occurrence - 1) fixture.aws.failNext(operation, when);
          };
          if (occurrence === 0) fixture.aws.failNext(operation, when);
          await fixture.rotate();
          const where = `${when} call ${index} (${operation})`;
          assert.deepEqual(fixture.aws.rotationErrors, [], where);
          assert.deepEqual(fixture.aws.invariantErrors, [], where);
          assertConsistent(fixture);
          const newKeys = Object.keys(fixture.current()!.keys).filter((kid) => !Object.hasOwn(vectors.keyring.keys, kid));
          assert.equal(newKeys.length, 1, where);
          assert.equal(fixture.secret.versions.size, 2, `${where}: the original and the rotation's version, nothing else`);
        }
      }
    });
  });
});
