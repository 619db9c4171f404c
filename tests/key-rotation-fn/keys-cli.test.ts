import { strict as assert } from "node:assert";
import type { APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { createImageHandler } from "../../image-fn/handler";
import { secretsManagerKeyring } from "../../image-fn/keyring-source";
import { signUrl } from "../../core/sign-url";
import { EXIT, runKeys } from "../../tools/keys";
import { CREDENTIALS, FakeAws } from "../support/fake-aws";
import { edgeDecision, functionUrlEvent, type KeyringFixture, keyringFixture, PRESETS } from "../support/keyring-fixture";

async function keys(fixture: KeyringFixture, args: string, credentials = CREDENTIALS) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runKeys(args.split(" "), {
    clients: () => fixture.aws.clients(credentials, 3),
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    now: () => fixture.clock.now,
    sleep: () => fixture.aws.settled(),
  });
  return { code, out: out.join("\n"), err: err.join("\n") };
}

describe("npm run keys", () => {
  let aws: FakeAws;
  let fixture: KeyringFixture;
  before(async () => {
    aws = await new FakeAws().start();
  });
  after(async () => {
    await aws.stop();
  });
  beforeEach(async () => {
    fixture = await keyringFixture({ aws });
    await fixture.rotate();
    fixture.clock.now = new Date(fixture.clock.now.getTime() + 30 * 24 * 3600 * 1000);
    await fixture.rotate();
  });

  function assertNoKeyText(output: string) {
    for (const text of Object.values(fixture.current()!.keys)) assert.ok(!output.includes(text), "never prints a key");
  }

  it("list: key ids, status, age, and where each key is, never a key", async () => {
    const [active, previous] = Object.keys(fixture.current()!.keys);
    fixture.store.entries.set("kid:stray", "Zm9vYmFy");
    const { code, out } = await keys(fixture, "list --stack dev");
    assert.equal(code, EXIT.ok);
    assert.match(out, /^stack dev: keyring rendorix\/dev\/url-signing-keyring, KeyValueStore arn:aws:cloudfront::123456789012:key-value-store\/dev-store$/m);
    assert.match(out, new RegExp(`^${active}\\s+active\\s+2026-03-31T04:00:00.000Z\\s+0h\\s+yes\\s+yes$`, "m"));
    assert.match(out, new RegExp(`^${previous}\\s+previous\\s+2026-03-01T04:00:00.000Z\\s+30d\\s+yes\\s+yes$`, "m"));
    assert.match(out, /^stray\s+store only\s+before rotation\s+-\s+no\s+yes$/m);
    assertNoKeyText(out);
  });

  it("rotate: starts a rotation, waits for it and names the new key", async () => {
    const before = fixture.current()!.active;
    fixture.clock.now = new Date(fixture.clock.now.getTime() + 3600_000);
    const { code, out } = await keys(fixture, "rotate --stack dev");
    assert.equal(code, EXIT.ok, out);
    const keyring = fixture.current()!;
    assert.notEqual(keyring.active, before);
    assert.match(out, new RegExp(`^rotated: ${keyring.active} signs new URLs; keyring ${Object.keys(keyring.keys).join(", ")}$`, "m"));
    assert.deepEqual(fixture.edgeKeys(), keyring.keys);
    assertNoKeyText(out);
  });

  it("revoke: the key leaves keyring and store at once, and the edge and the image Lambda refuse its URLs", async () => {
    const keyring = fixture.current()!;
    const [active, previous] = Object.keys(keyring.keys);
    const now = Math.floor(fixture.clock.now.getTime() / 1000);
    const signed = (kid: string) => signUrl({ baseUrl: "", preset: "thumb", key: "a.jpg", ttlSeconds: 600, keyring, kid, nowSeconds: now });
    const lambda = createImageHandler({
      presets: { thumb: { width: 100, fit: "inside", format: PRESETS.thumb } },
      keys: secretsManagerKeyring(fixture.aws.clients().secrets, fixture.secret.arn),
      originals: { read: async () => assert.fail("a refused request never reads an original") },
      nowSeconds: () => now,
      log: () => {},
    });
    const { code, out } = await keys(fixture, `revoke --kid ${previous} --stack dev`);
    assert.equal(code, EXIT.ok, out);
    assert.match(out, new RegExp(`removed ${previous} from the keyring .*\\n.*removed ${previous} from the KeyValueStore`));
    assert.deepEqual(Object.keys(fixture.current()!.keys), [active]);
    assert.deepEqual(Object.keys(fixture.edgeKeys()), [active]);

    const edge = await edgeDecision(fixture, signed(previous), now);
    assert.equal(edge.action === "reject" && edge.rejection.code, "unknown-key-id");
    assert.equal((await edgeDecision(fixture, signed(active), now)).action, "forward");
    const response = (await lambda(functionUrlEvent(signed(previous)), { awsRequestId: "r1" })) as APIGatewayProxyStructuredResultV2;
    assert.equal(response.statusCode, 403);
    assert.equal(JSON.parse(String(response.body)).error, "unknown-key-id");
    assertNoKeyText(out);
  });

  it("revoke of the active key rotates first, and stops a rotation in progress that still holds the key", async () => {
    const active = fixture.current()!.active;
    fixture.clock.now = new Date(fixture.clock.now.getTime() + 3600_000);
    const { code, out } = await keys(fixture, `revoke --kid ${active} --stack dev`);
    assert.equal(code, EXIT.ok, out);
    assert.match(out, new RegExp(`^${active} signs new URLs: rotating first`, "m"));
    assert.ok(!Object.hasOwn(fixture.current()!.keys, active) && !Object.hasOwn(fixture.edgeKeys(), active));
    assert.notEqual(fixture.current()!.active, active);

    const next = fixture.current()!.active;
    fixture.secret.versions.set("stuck", { labels: new Set(["AWSPENDING"]), value: JSON.stringify(fixture.current()) });
    const stopped = await keys(fixture, `revoke --kid ${Object.keys(fixture.current()!.keys)[1]} --stack dev`);
    assert.equal(stopped.code, EXIT.ok, stopped.out);
    assert.match(stopped.out, /stopped rotation stuck/);
    assert.equal(fixture.secret.versions.get("stuck")!.labels.size, 0);
    assert.equal(fixture.current()!.active, next);
  });

  it("fails clearly for an unknown key, the wrong stack, the wrong account and bad arguments", async () => {
    const unknown = await keys(fixture, "revoke --kid nope --stack dev");
    assert.equal(unknown.code, EXIT.failed);
    assert.match(unknown.err, /^error: key nope is neither in the keyring nor in the KeyValueStore of stack dev; keys: dev-/);

    const otherStack = await keys(fixture, "list --stack prod");
    assert.equal(otherStack.code, EXIT.failed);
    assert.match(otherStack.err, /no keyring secret rendorix\/prod\/url-signing-keyring in eu-west-1: these credentials are for an account without stack prod/);

    const noStack = await keys(fixture, "list --stack staging");
    assert.equal(noStack.code, EXIT.usage);
    assert.match(noStack.err, /unknown stack "staging": there is no Pulumi.staging.yaml; stacks: dev, prod\nusage: npm run keys/);

    const wrongCredentials = await keys(fixture, "list --stack dev", { accessKeyId: "AKIDSOMEONEELSE", secretAccessKey: "x" });
    assert.equal(wrongCredentials.code, EXIT.credentials);
    assert.match(wrongCredentials.err, /^error: AWS refused the credentials for stack dev \(eu-west-1\): UnrecognizedClientException: The security token included in the request is invalid\. Use the operator credentials/);

    for (const args of ["list", "rotate --stack dev --kid x", "revoke --stack dev", "delete --stack dev", "list --stack dev --force"]) {
      const result = await keys(fixture, args);
      assert.equal(result.code, EXIT.usage, args);
      assert.match(result.err, /\nusage: npm run keys -- list\|rotate\|revoke/);
    }
  });
});
