import { strict as assert } from "node:assert";
import type { CapturedProgram, CapturedResource } from "../../check/model";
import { UNKNOWN_VALUE } from "../../check/model";
import { join } from "node:path";
import { evaluatePolicyPack, loadPolicyPackConfig } from "../../check/evaluate";
import { keyringSecretName } from "../../key-rotation-fn/keyring-secret";
import { captureStack, captureStacks, dependsThrough, onlyResourceOfType, PROJECT_DIR, resourcesOfType, type StackCaptures } from "../support/program";

const STACKS = ["dev", "prod"] as const;

interface PolicyStatement {
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Principal?: unknown;
  Condition?: Record<string, Record<string, string>>;
}

function statements(policyJson: unknown): PolicyStatement[] {
  return JSON.parse(String(policyJson)).Statement;
}

function asList(value: string | string[]): string[] {
  return Array.isArray(value) ? value : [value];
}

/** The child of the edge named `rendorix-<role>` (the image function and the key-rotation function share types). */
function edgeChild(program: CapturedProgram, type: string, role: string): CapturedResource {
  const found = resourcesOfType(program, type).filter((resource) => resource.name === `rendorix-${role}`);
  if (found.length !== 1) throw new Error(`expected one ${type} named rendorix-${role}, found ${found.length}`);
  return found[0];
}

const FUNCTION = "aws:lambda/function:Function";
const ROLE_POLICY = "aws:iam/rolePolicy:RolePolicy";
const LOG_GROUP = "aws:cloudwatch/logGroup:LogGroup";
const PERMISSION = "aws:lambda/permission:Permission";

/**
 * Every 32-byte key written the ways url-signing-v1 and the mocks write one (padded base64, hex),
 * found in the whole capture: each resource's inputs, state, secret paths and the stack's outputs.
 * Only strings of exactly a 32-byte key's length are candidates, so base64 in general (a policy, an
 * encoded configuration) does not count.
 */
function keysIn(program: CapturedProgram): string[] {
  const text = JSON.stringify(program);
  const shapes = [/(?<![A-Za-z0-9+/])[A-Za-z0-9+/]{43}=(?![A-Za-z0-9+/=])/g, /(?<![0-9a-fA-F])[0-9a-f]{64}(?![0-9a-fA-F])/g];
  const candidates = shapes.flatMap((shape) => text.match(shape) ?? []);
  return [...new Set(candidates.filter((candidate) => decodedLength(candidate) === 32))];
}

function decodedLength(candidate: string): number {
  return Buffer.from(candidate, candidate.endsWith("=") ? "base64" : "hex").length;
}

describe("the program under mocks", function () {
  this.timeout(120_000);
  const captured: StackCaptures = {};
  before(() => captureStacks(STACKS, captured));

  for (const stack of STACKS) {
    describe(`stack ${stack}`, () => {
      const program = () => captured[stack].update;

      it("keeps every bucket private: all four public-access blocks, owner-enforced, encrypted, TLS-only", () => {
        const buckets = resourcesOfType(program(), "aws:s3/bucket:Bucket");
        assert.equal(buckets.length, 2);
        for (const bucket of buckets) {
          const forBucket = (type: string) => resourcesOfType(program(), type).filter((resource) => dependsThrough(resource, "bucket", bucket));
          const [block] = forBucket("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock");
          assert.deepEqual(
            [block.inputs.blockPublicAcls, block.inputs.blockPublicPolicy, block.inputs.ignorePublicAcls, block.inputs.restrictPublicBuckets],
            [true, true, true, true],
          );
          const [ownership] = forBucket("aws:s3/bucketOwnershipControls:BucketOwnershipControls");
          assert.deepEqual(ownership.inputs.rule, { objectOwnership: "BucketOwnerEnforced" });
          assert.equal(forBucket("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration").length, 1);
          const [policy] = forBucket("aws:s3/bucketPolicy:BucketPolicy");
          const denyInsecure = statements(policy.inputs.policy).find((statement) => statement.Effect === "Deny");
          assert.deepEqual(denyInsecure?.Condition, { Bool: { "aws:SecureTransport": "false" } });
          for (const statement of statements(policy.inputs.policy).filter((s) => s.Effect === "Allow")) {
            assert.notEqual(statement.Principal, "*");
            assert.ok(statement.Condition?.ArnLike?.["aws:SourceArn"], "every allow is scoped to its source");
          }
        }
      });

      it("versions the originals and expires replaced versions", () => {
        const versioning = onlyResourceOfType(program(), "aws:s3/bucketVersioning:BucketVersioning");
        assert.deepEqual(versioning.inputs.versioningConfiguration, { status: "Enabled" });
        const lifecycles = resourcesOfType(program(), "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
        const rules = lifecycles.flatMap((lifecycle) => lifecycle.inputs.rules as Record<string, unknown>[]);
        assert.ok(rules.some((rule) => rule.noncurrentVersionExpiration));
        assert.ok(rules.some((rule) => rule.expiration));
      });

      it("serves the Lambda through a Function URL with AWS_IAM on the alias live, reachable only by this distribution", () => {
        const fn = edgeChild(program(), FUNCTION, "image-function");
        assert.deepEqual(fn.inputs.architectures, ["arm64"]);
        assert.equal(fn.inputs.publish, true);
        const alias = onlyResourceOfType(program(), "aws:lambda/alias:Alias");
        assert.equal(alias.inputs.name, "live");
        assert.ok(dependsThrough(alias, "functionVersion", fn));
        const url = onlyResourceOfType(program(), "aws:lambda/functionUrl:FunctionUrl");
        assert.equal(url.inputs.authorizationType, "AWS_IAM");
        assert.equal(url.inputs.qualifier, "live");
        // Streamed, so no image size below the streaming limit is refused; the runtime streams only from the streamified export.
        assert.equal(url.inputs.invokeMode, "RESPONSE_STREAM");
        assert.equal(fn.inputs.handler, "index.streamingHandler");
        const distribution = onlyResourceOfType(program(), "aws:cloudfront/distribution:Distribution");
        const permissions = resourcesOfType(program(), PERMISSION).filter((permission) => permission.inputs.principal === "cloudfront.amazonaws.com");
        assert.deepEqual(permissions.map((permission) => permission.inputs.action).sort(), ["lambda:InvokeFunction", "lambda:InvokeFunctionUrl"]);
        for (const permission of permissions) {
          assert.equal(permission.inputs.principal, "cloudfront.amazonaws.com");
          assert.equal(permission.inputs.qualifier, "live");
          assert.equal(permission.inputs.sourceArn, program().outputs.distributionArn);
          assert.ok(dependsThrough(permission, "sourceArn", distribution));
        }
        assert.equal(permissions.find((p) => p.inputs.action === "lambda:InvokeFunction")?.inputs.invokedViaFunctionUrl, true);
      });

      it("puts the distribution's origin behind an Origin Access Control for Lambda, signed always", () => {
        const distribution = onlyResourceOfType(program(), "aws:cloudfront/distribution:Distribution");
        const control = onlyResourceOfType(program(), "aws:cloudfront/originAccessControl:OriginAccessControl");
        assert.deepEqual(
          [control.inputs.originAccessControlOriginType, control.inputs.signingBehavior, control.inputs.signingProtocol],
          ["lambda", "always", "sigv4"],
        );
        const [origin] = distribution.inputs.origins as Record<string, unknown>[];
        assert.ok(dependsThrough(distribution, "origins", control));
        assert.match(String(origin.domainName), /\.lambda-url\.eu-west-1\.on\.aws$/);
      });

      it("keys the cache on the preset path and the normalized format only, and forwards the signature to the origin", () => {
        const cachePolicy = onlyResourceOfType(program(), "aws:cloudfront/cachePolicy:CachePolicy");
        const key = cachePolicy.inputs.parametersInCacheKeyAndForwardedToOrigin as Record<string, Record<string, unknown>>;
        assert.equal(key.queryStringsConfig.queryStringBehavior, "none");
        assert.equal(key.cookiesConfig.cookieBehavior, "none");
        assert.deepEqual(key.headersConfig, { headerBehavior: "whitelist", headers: { items: ["x-rendorix-format"] } });
        const originRequest = onlyResourceOfType(program(), "aws:cloudfront/originRequestPolicy:OriginRequestPolicy");
        assert.deepEqual((originRequest.inputs.queryStringsConfig as { queryStrings: { items: string[] } }).queryStrings.items, ["exp", "kid", "sig"]);
        assert.doesNotMatch(JSON.stringify(originRequest.inputs.headersConfig), /host|allViewer/i);
      });

      it("runs the edge function on viewer-request with the KeyValueStore, over TLS 1.2_2021, redirecting HTTP, HTTP/2 and 3, no compression", () => {
        const distribution = onlyResourceOfType(program(), "aws:cloudfront/distribution:Distribution");
        const edge = onlyResourceOfType(program(), "aws:cloudfront/function:Function");
        const store = onlyResourceOfType(program(), "aws:cloudfront/keyValueStore:KeyValueStore");
        const behavior = distribution.inputs.defaultCacheBehavior as Record<string, unknown>;
        const associations = behavior.functionAssociations as { eventType: string; functionArn: string }[];
        assert.deepEqual(associations.map((association) => association.eventType), ["viewer-request"]);
        assert.match(associations[0].functionArn, /^arn:aws:cloudfront::\d{12}:function\//);
        assert.ok(dependsThrough(distribution, "defaultCacheBehavior", edge));
        assert.equal(behavior.viewerProtocolPolicy, "redirect-to-https");
        assert.equal(behavior.compress, false);
        assert.equal(distribution.inputs.httpVersion, "http2and3");
        assert.equal((distribution.inputs.viewerCertificate as Record<string, unknown>).minimumProtocolVersion, "TLSv1.2_2021");
        assert.equal(edge.inputs.runtime, "cloudfront-js-2.0");
        assert.ok(Buffer.byteLength(String(edge.inputs.code)) <= 10_240);
        assert.ok(dependsThrough(edge, "keyValueStoreAssociations", store));
      });

      it("validates the certificate in us-east-1 and aliases the hostname to the distribution", () => {
        const certificate = onlyResourceOfType(program(), "aws:acm/certificate:Certificate");
        assert.equal(certificate.inputs.region, "us-east-1");
        assert.equal(onlyResourceOfType(program(), "aws:acm/certificateValidation:CertificateValidation").inputs.region, "us-east-1");
        const records = resourcesOfType(program(), "aws:route53/record:Record").filter((record) => record.inputs.aliases);
        assert.deepEqual(records.map((record) => record.inputs.type).sort(), ["A", "AAAA"]);
      });

      it("leaves every key to the stack's own rotation function: a secret without value, rotated on schedule and once at creation", () => {
        for (const type of ["random:index/randomBytes:RandomBytes", "random:index/randomPassword:RandomPassword", "aws:secretsmanager/secretVersion:SecretVersion", "aws:cloudfront/keyvaluestoreKey:KeyvaluestoreKey", "aws:cloudfront/keyvaluestoreKeysExclusive:KeyvaluestoreKeysExclusive"]) {
          assert.deepEqual(resourcesOfType(program(), type), [], type);
        }
        const secret = onlyResourceOfType(program(), "aws:secretsmanager/secret:Secret");
        const store = onlyResourceOfType(program(), "aws:cloudfront/keyValueStore:KeyValueStore");
        assert.equal(secret.inputs.secretString, undefined);
        assert.deepEqual(secret.inputs.tags, { service: "rendorix", environment: stack, "rendorix:purpose": "url-signing-keyring", "rendorix:key-value-store": store.outputs?.arn });
        const rotation = onlyResourceOfType(program(), "aws:secretsmanager/secretRotation:SecretRotation");
        const fn = edgeChild(program(), FUNCTION, "key-rotation-function");
        assert.ok(dependsThrough(rotation, "secretId", secret));
        assert.ok(dependsThrough(rotation, "rotationLambdaArn", fn));
        assert.deepEqual(rotation.inputs.rotationRules, { automaticallyAfterDays: stack === "dev" ? 7 : 30 });
        assert.equal(rotation.inputs.rotateImmediately, true);
        const permission = resourcesOfType(program(), PERMISSION).find((candidate) => candidate.inputs.principal === "secretsmanager.amazonaws.com")!;
        assert.equal(permission.inputs.action, "lambda:InvokeFunction");
        assert.equal(permission.inputs.sourceAccount, "123456789012");
        assert.ok(dependsThrough(permission, "sourceArn", secret) && dependsThrough(permission, "function", fn));
        assert.ok(rotation.dependencies.includes(permission.urn), "Secrets Manager may invoke the function before the first rotation starts");
        const variables = (fn.inputs.environment as { variables: Record<string, string> }).variables;
        assert.deepEqual(variables, {
          RENDORIX_MAX_URL_LIFETIME_SECONDS: String((stack === "dev" ? 7 : 30) * 86400),
          RENDORIX_KEY_ID_PREFIX: stack,
          RENDORIX_EDGE_PROPAGATION_SECONDS: "60",
        });
        assert.ok((fn.inputs.timeout as number) > 60, "testSecret waits 60 s for the edges");
      });

      it("holds no key material anywhere in the captured graph: inputs, state, secret paths, outputs", () => {
        for (const mode of ["preview", "update"] as const) assert.deepEqual(keysIn(captured[stack][mode]), [], mode);
        for (const resource of program().resources) assert.deepEqual(resource.secretPaths, [], resource.urn);
      });

      it("gives the rotation function only its own secret, its own store and its own logs", () => {
        const policy = edgeChild(program(), ROLE_POLICY, "key-rotation-function-policy");
        const document = policy.inputs.policy as { Statement: PolicyStatement[] };
        const byAction = Object.fromEntries(document.Statement.flatMap((statement) => asList(statement.Action).map((action) => [action, asList(statement.Resource)])));
        const secretPattern = `arn:aws:secretsmanager:eu-west-1:123456789012:secret:rendorix/${stack}/url-signing-keyring-??????`;
        const store = onlyResourceOfType(program(), "aws:cloudfront/keyValueStore:KeyValueStore");
        const logGroup = `arn:aws:logs:eu-west-1:123456789012:log-group:/rendorix/${stack}/rendorix-key-rotation-function:*`;
        assert.deepEqual(byAction, {
          "secretsmanager:DescribeSecret": [secretPattern],
          "secretsmanager:GetSecretValue": [secretPattern],
          "secretsmanager:PutSecretValue": [secretPattern],
          "secretsmanager:UpdateSecretVersionStage": [secretPattern],
          "cloudfront-keyvaluestore:DescribeKeyValueStore": [store.outputs?.arn],
          "cloudfront-keyvaluestore:ListKeys": [store.outputs?.arn],
          "cloudfront-keyvaluestore:UpdateKeys": [store.outputs?.arn],
          "logs:CreateLogStream": [logGroup],
          "logs:PutLogEvents": [logGroup],
        });
        assert.ok(dependsThrough(policy, "policy", store));
        const role = (name: string) => edgeChild(program(), "aws:iam/role:Role", name).inputs.permissionsBoundary;
        assert.ok(role("key-rotation-function-role"), "the rotation role carries the stack's permissions boundary");
        assert.equal(role("key-rotation-function-role"), role("image-function-role"));
      });

      it("gives the Lambda role only what it needs: read originals, read the keyring, write its own logs", () => {
        const policy = edgeChild(program(), ROLE_POLICY, "image-function-policy");
        for (const statement of statements(policy.inputs.policy)) {
          assert.equal(statement.Effect, "Allow");
          for (const action of asList(statement.Action)) assert.doesNotMatch(action, /\*/);
          for (const resource of asList(statement.Resource)) assert.ok(resource !== "*" && !resource.startsWith("*"), resource);
        }
        const actions = statements(policy.inputs.policy).flatMap((statement) => asList(statement.Action)).sort();
        assert.deepEqual(actions, ["logs:CreateLogStream", "logs:PutLogEvents", "s3:GetObject", "s3:ListBucket", "secretsmanager:GetSecretValue"]);
      });

      it("decides the same graph in preview, when ids and ARNs are still unknown", () => {
        const preview = captured[stack].preview;
        assert.deepEqual(
          preview.resources.map((resource) => resource.urn).sort(),
          program().resources.map((resource) => resource.urn).sort(),
        );
        const permission = resourcesOfType(preview, PERMISSION).find((candidate) => candidate.inputs.principal === "cloudfront.amazonaws.com")!;
        assert.equal(permission.inputs.sourceArn, UNKNOWN_VALUE);
        assert.ok(dependsThrough(permission, "sourceArn", onlyResourceOfType(preview, "aws:cloudfront/distribution:Distribution")));
      });
    });
  }

  it("gives the stacks distinct hostnames and keyring names, the names `npm run keys` looks up", () => {
    const [dev, prod] = STACKS.map((stack) => captured[stack].update);
    assert.notEqual(dev.outputs.hostname, prod.outputs.hostname);
    const secretName = (program: CapturedProgram) => onlyResourceOfType(program, "aws:secretsmanager/secret:Secret").inputs.name;
    assert.equal(secretName(dev), "rendorix/dev/url-signing-keyring");
    assert.equal(secretName(prod), "rendorix/prod/url-signing-keyring");
    assert.deepEqual([secretName(dev), secretName(prod)], STACKS.map((stack) => keyringSecretName("rendorix", stack)));
  });

  it("gives each stack its own rotation: its secret, its store and its function, under names the other stack does not use", () => {
    const own = (program: CapturedProgram) => {
      const rotation = onlyResourceOfType(program, "aws:secretsmanager/secretRotation:SecretRotation");
      const secret = onlyResourceOfType(program, "aws:secretsmanager/secret:Secret");
      const store = onlyResourceOfType(program, "aws:cloudfront/keyValueStore:KeyValueStore");
      const fn = edgeChild(program, FUNCTION, "key-rotation-function");
      const policy = edgeChild(program, ROLE_POLICY, "key-rotation-function-policy");
      assert.ok(dependsThrough(rotation, "secretId", secret) && dependsThrough(rotation, "rotationLambdaArn", fn) && dependsThrough(policy, "policy", store));
      return [secret.inputs.name, store.outputs?.arn, fn.outputs?.arn, edgeChild(program, LOG_GROUP, "key-rotation-function-logs").inputs.name];
    };
    const [dev, prod] = STACKS.map((stack) => own(captured[stack].update));
    for (const [index, name] of dev.entries()) assert.notEqual(name, prod[index]);
  });

  it("keeps in-state keys visible to the whole-capture search, so its silence on the stacks means something", async () => {
    const inState = await captureStack("dev", "update", join(PROJECT_DIR, "tests/fixtures/programs/edge-with-transforms/index.ts"));
    const mockKeys = resourcesOfType(inState, "random:index/randomBytes:RandomBytes").map((key) => String(key.outputs?.base64));
    assert.equal(mockKeys.length, 2);
    for (const key of mockKeys) assert.ok(keysIn(inState).includes(key), key);
  });

  it("makes prod stricter: protected stateful resources, reserved concurrency, longer log retention", () => {
    const [dev, prod] = STACKS.map((stack) => captured[stack].update);
    const fn = (program: CapturedProgram) => edgeChild(program, FUNCTION, "image-function").inputs;
    assert.equal(fn(prod).reservedConcurrentExecutions, 200);
    assert.equal(fn(dev).reservedConcurrentExecutions, undefined);
    const retention = (program: CapturedProgram) => edgeChild(program, LOG_GROUP, "image-function-logs").inputs.retentionInDays as number;
    assert.ok(retention(prod) > retention(dev));
    const bucket = (program: CapturedProgram) => resourcesOfType(program, "aws:s3/bucket:Bucket")[0].inputs;
    assert.equal(bucket(prod).forceDestroy, false);
    assert.equal(bucket(dev).forceDestroy, true);
  });

  it("protects exactly the originals, the logs, the keyring and the distribution in prod, and nothing in dev, in both modes", () => {
    const protectedOnes = (program: CapturedProgram) =>
      program.resources
        .filter((resource) => resource.protect)
        .map((resource) => `${resource.type} ${resource.name}`)
        .sort();
    for (const mode of ["preview", "update"] as const) {
      assert.deepEqual(protectedOnes(captured.dev[mode]), [], mode);
      assert.deepEqual(
        protectedOnes(captured.prod[mode]),
        [
          "aws:cloudfront/distribution:Distribution rendorix-distribution",
          "aws:cloudfront/keyValueStore:KeyValueStore rendorix-key-value-store",
          "aws:s3/bucket:Bucket rendorix-logs-bucket",
          "aws:s3/bucket:Bucket rendorix-originals-bucket",
          "aws:secretsmanager/secret:Secret rendorix-keyring-secret",
        ],
        mode,
      );
    }
  });

  it("sets no option that would delete or replace a resource behind a reviewer's back", () => {
    for (const stack of STACKS) {
      for (const resource of captured[stack].update.resources) {
        const where = `${stack} ${resource.name}`;
        assert.equal(resource.retainOnDelete, false, where);
        assert.equal(resource.deleteBeforeReplace, undefined, where);
        assert.deepEqual(resource.replaceOnChanges, [], where);
        assert.equal(resource.deletedWith, undefined, where);
        const ignored = resource.type === "aws:lambda/alias:Alias" ? ["functionVersion", "routingConfig"] : [];
        assert.deepEqual(resource.ignoreChanges, ignored, where);
      }
    }
  });

  it("leaves the alias to a CodeDeploy canary that rolls back on the function's alarms", () => {
    const program = captured.prod.update;
    const alias = onlyResourceOfType(program, "aws:lambda/alias:Alias");
    assert.deepEqual(alias.ignoreChanges, ["functionVersion", "routingConfig"]);
    const group = onlyResourceOfType(program, "aws:codedeploy/deploymentGroup:DeploymentGroup");
    assert.equal(group.inputs.deploymentConfigName, "CodeDeployDefault.LambdaCanary10Percent5Minutes");
    assert.deepEqual(group.inputs.deploymentStyle, { deploymentOption: "WITH_TRAFFIC_CONTROL", deploymentType: "BLUE_GREEN" });
    assert.deepEqual(group.inputs.autoRollbackConfiguration, { enabled: true, events: ["DEPLOYMENT_FAILURE", "DEPLOYMENT_STOP_ON_ALARM"] });
    const regionalAlarms = resourcesOfType(program, "aws:cloudwatch/metricAlarm:MetricAlarm").filter((alarm) => alarm.inputs.region !== "us-east-1");
    // The key rotation's alarms page but never roll back an image deployment.
    const imageAlarms = regionalAlarms.filter((alarm) => !alarm.name.endsWith("-key-rotation"));
    assert.equal(regionalAlarms.length - imageAlarms.length, 3);
    const rollbackAlarms = (group.inputs.alarmConfiguration as { alarms: string[] }).alarms;
    assert.equal(rollbackAlarms.length, imageAlarms.length);
    assert.ok(imageAlarms.every((alarm) => dependsThrough(group, "alarmConfiguration", alarm)));
    assert.ok(regionalAlarms.filter((alarm) => !imageAlarms.includes(alarm)).every((alarm) => !dependsThrough(group, "alarmConfiguration", alarm)));
  });

  it("exports the service's coordinates and never a key", () => {
    assert.deepEqual(Object.keys(captured.prod.update.outputs).sort(), [
      "alarmTopicArn",
      "baseUrl",
      "dashboardUrl",
      "deployApplication",
      "deploymentGroup",
      "distributionArn",
      "distributionId",
      "functionAliasArn",
      "functionName",
      "functionVersion",
      "globalAlarmTopicArn",
      "hostname",
      "keyringSecretArn",
      "originalsBucketName",
    ]);
    assert.equal(captured.prod.update.outputs.baseUrl, "https://img.example.com");
  });

  it("lists every output in the policy config the real engine needs, and the pack agrees none carries a key", () => {
    const config = loadPolicyPackConfig(join(PROJECT_DIR, "deploy/policy-config.json"));
    const allowed = config["no-shared-hmac-secrets"].properties.allowUntracedOutputs as string[];
    assert.deepEqual([...allowed].sort(), Object.keys(captured.prod.update.outputs).sort());
    for (const stack of STACKS) assert.deepEqual(evaluatePolicyPack(captured[stack].preview, config), []);
  });
});
