/**
 * Compliant building blocks for the policy tests: each adds resources that satisfy every policy of
 * the pack, so a test breaks exactly one thing and expects exactly one policy to fail.
 */
import { CLOUDFRONT, CLOUDWATCH, LAMBDA, RANDOM_KEY_SOURCES, S3, SECRETS_MANAGER, SNS } from "../../policy/resource-types";
import { ProgramBuilder, STACK_REGION } from "./captured";

export const RANDOM_BYTES = RANDOM_KEY_SOURCES[0];
export const ACCOUNT = "111122223333";
/** A key's text as url-signing-v1 writes it: base64 of 32 bytes (here 32 times 0x07). */
export const KEY_TEXT = "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=";
/**
 * Its fingerprint, the lowercase hex SHA-256 of that text, computed outside the code under test:
 * `printf '%s' 'BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=' | sha256sum`.
 */
export const KEY_TEXT_FINGERPRINT = "ebbad97f478755d90c8f34bec04444dc8b0025d5fc09ed3523aa5d17e6059d86";

export interface PrivateBucket {
  bucket: string;
  publicAccessBlock: string;
  policy: string;
}

/** A TLS-only bucket policy held as an object, so its statements stay readable while the ARNs are unknown. */
export function tlsOnlyPolicy(p: ProgramBuilder, bucketName: string): Record<string, unknown> {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [p.computed(`arn:aws:s3:::${bucketName}`), p.computed(`arn:aws:s3:::${bucketName}/*`)],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

/** An auto-named bucket (its name unknown in a preview) with a full public access block, SSE, versioning and a TLS-only policy. */
export function addPrivateBucket(p: ProgramBuilder, name: string): PrivateBucket {
  const bucketName = `${name}-7f3a9c1`;
  const bucket = p.add(S3.buckets[0], name, {});
  const onBucket = { from: { bucket: [bucket] } };
  const publicAccessBlock = p.add(
    S3.publicAccessBlock,
    `${name}-public-access`,
    { bucket: p.computed(bucketName), blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true },
    onBucket,
  );
  p.add(S3.encryption[0], `${name}-encryption`, { bucket: p.computed(bucketName), rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] }, onBucket);
  p.add(S3.versioning[0], `${name}-versioning`, { bucket: p.computed(bucketName), versioningConfiguration: { status: "Enabled" } }, onBucket);
  const policy = p.add(S3.policy, `${name}-policy`, { bucket: p.computed(bucketName), policy: tlsOnlyPolicy(p, bucketName) }, { from: { bucket: [bucket], policy: [bucket] } });
  return { bucket, publicAccessBlock, policy };
}

export interface Keyring {
  random: string;
  secret: string;
  version: string;
  entry: string;
}

/** A tagged, stack-named keyring whose SecretVersion and KeyValueStore entry come from a RandomBytes of the stack. */
export function addKeyring(p: ProgramBuilder, keyText = KEY_TEXT): Keyring {
  const random = p.add(RANDOM_BYTES, "keyring-k1", { length: 32 });
  const secret = p.add(SECRETS_MANAGER.secret, "keyring", { name: `rendorix/${p.stack}/url-signing-keyring`, tags: { "rendorix:purpose": "url-signing-keyring" } });
  const secretArn = `arn:aws:secretsmanager:${STACK_REGION}:${ACCOUNT}:secret:rendorix/${p.stack}/url-signing-keyring-AbCdEf`;
  const version = p.add(
    SECRETS_MANAGER.secretVersion,
    "keyring-version",
    { secretId: p.computed(secretArn), secretString: p.computed(JSON.stringify({ active: "k1", keys: { k1: keyText } })) },
    { from: { secretId: [secret], secretString: [random] } },
  );
  const store = p.add(CLOUDFRONT.keyValueStore, "edge-keys", { comment: "URL-signing keys for the edge" });
  const entry = p.add(
    CLOUDFRONT.keyValueStoreKey,
    "edge-key-k1",
    { keyValueStoreArn: p.computed(`arn:aws:cloudfront::${ACCOUNT}:key-value-store/abc`), key: "kid:k1", value: p.computed(keyText) },
    { from: { keyValueStoreArn: [store], value: [random] } },
  );
  return { random, secret, version, entry };
}

export interface RotatedKeyring {
  secret: string;
  store: string;
  rotation: string;
}

/**
 * The preferred keyring: a tagged, stack-named secret with no value in the stack, rotated by a
 * function of the stack (`rotationFunction`, e.g. from `addMonitoredFunction`), so no key is an input
 * or output of any resource.
 */
export function addRotatedKeyring(p: ProgramBuilder, rotationFunction: string): RotatedKeyring {
  const store = p.add(CLOUDFRONT.keyValueStore, "edge-keys", { comment: "URL-signing keys for the edge" });
  const secret = p.add(
    SECRETS_MANAGER.secret,
    "keyring",
    { name: `rendorix/${p.stack}/url-signing-keyring`, tags: { "rendorix:purpose": "url-signing-keyring", "rendorix:key-value-store": p.computed(`arn:aws:cloudfront::${ACCOUNT}:key-value-store/abc`) } },
    { from: { tags: [store] } },
  );
  const secretArn = `arn:aws:secretsmanager:${STACK_REGION}:${ACCOUNT}:secret:rendorix/${p.stack}/url-signing-keyring-AbCdEf`;
  const rotation = p.add(
    SECRETS_MANAGER.secretRotation,
    "keyring-rotation",
    {
      secretId: p.computed(secretArn),
      rotationLambdaArn: p.computed(`arn:aws:lambda:${STACK_REGION}:${ACCOUNT}:function:key-rotation-5d2e8b0`),
      rotationRules: { automaticallyAfterDays: 30 },
      rotateImmediately: true,
    },
    { from: { secretId: [secret], rotationLambdaArn: [rotationFunction] } },
  );
  return { secret, store, rotation };
}

export interface AlertTopic {
  topic: string;
  arn: string;
}

/** An SNS topic with an email subscription, in the stack's region or in the given one. */
export function addAlertTopic(p: ProgramBuilder, name: string, region?: string): AlertTopic {
  const arn = `arn:aws:sns:${region ?? STACK_REGION}:${ACCOUNT}:${name}`;
  const topic = p.add(SNS.topic, name, region ? { region } : {});
  p.add(SNS.subscription, `${name}-email`, { topic: p.computed(arn), protocol: "email", endpoint: "oncall@example.com", ...(region ? { region } : {}) }, { from: { topic: [topic] } });
  return { topic, arn };
}

export interface MonitoredFunction {
  fn: string;
  alias: string;
  errorsAlarm: string;
  throttlesAlarm: string;
}

/** A Lambda function with a `live` alias and Errors and Throttles alarms on the alias that notify `topic`. */
export function addMonitoredFunction(p: ProgramBuilder, name: string, topic: AlertTopic, environment: Record<string, unknown> = {}, environmentFrom: string[] = []): MonitoredFunction {
  const functionName = `${name}-5d2e8b0`;
  const fn = p.add(
    LAMBDA.function,
    name,
    { name: functionName, runtime: "nodejs20.x", handler: "index.handler", role: p.computed(`arn:aws:iam::${ACCOUNT}:role/${name}`), environment: { variables: environment } },
    { from: { environment: environmentFrom } },
  );
  const alias = p.add(LAMBDA.alias, `${name}-live`, { name: "live", functionName: p.computed(functionName), functionVersion: p.computed("3") }, { from: { functionName: [fn] } });
  const alarm = (metricName: string) =>
    p.add(
      CLOUDWATCH.metricAlarm,
      `${name}-${metricName.toLowerCase()}`,
      {
        namespace: "AWS/Lambda",
        metricName,
        dimensions: { FunctionName: functionName, Resource: `${functionName}:live` },
        statistic: "Sum",
        period: 60,
        evaluationPeriods: 5,
        threshold: 1,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        alarmActions: [p.computed(topic.arn)],
      },
      { from: { dimensions: [fn, alias], alarmActions: [topic.topic] } },
    );
  return { fn, alias, errorsAlarm: alarm("Errors"), throttlesAlarm: alarm("Throttles") };
}

export interface MonitoredDistribution {
  distribution: string;
  originAccessControl: string;
  functionUrl: string;
  errorRateAlarm: string;
  forbiddenRateAlarm: string;
}

/**
 * A distribution in front of `fn`'s Function URL (AWS_IAM, through Origin Access Control), with a
 * 5xx-rate alarm and an anomaly-detection 403-rate alarm in us-east-1 that notify `topic`.
 */
export function addMonitoredDistribution(p: ProgramBuilder, fn: string, topic: AlertTopic): MonitoredDistribution {
  const distributionId = "E2QWRUHAPOMQZL";
  const originAccessControl = p.add(CLOUDFRONT.originAccessControl, "edge-oac", { originAccessControlOriginType: "lambda", signingBehavior: "always", signingProtocol: "sigv4" });
  const functionUrl = p.add(LAMBDA.functionUrl, "image-url", { functionName: p.computed("image-5d2e8b0"), qualifier: "live", authorizationType: "AWS_IAM" }, { from: { functionName: [fn] } });
  const distribution = p.add(
    CLOUDFRONT.distribution,
    "edge",
    {
      enabled: true,
      origins: [{ originId: "image-fn", domainName: p.computed("abcdefgh.lambda-url.eu-west-1.on.aws"), originAccessControlId: p.computed("E3OACEXAMPLE") }],
      defaultCacheBehavior: { targetOriginId: "image-fn", viewerProtocolPolicy: "redirect-to-https", allowedMethods: ["GET", "HEAD"], cachedMethods: ["GET", "HEAD"] },
      viewerCertificate: { acmCertificateArn: p.computed(`arn:aws:acm:us-east-1:${ACCOUNT}:certificate/abc`), minimumProtocolVersion: "TLSv1.2_2021", sslSupportMethod: "sni-only" },
      restrictions: { geoRestriction: { restrictionType: "none" } },
    },
    { from: { origins: [functionUrl, originAccessControl] } },
  );
  const state = p.get(distribution);
  state.outputs = { ...state.inputs, id: p.computed(distributionId), arn: p.computed(`arn:aws:cloudfront::${ACCOUNT}:distribution/${distributionId}`) };
  const dimensions = () => ({ DistributionId: p.computed(distributionId), Region: "Global" });
  const errorRateAlarm = p.add(
    CLOUDWATCH.metricAlarm,
    "edge-5xx-rate",
    {
      region: "us-east-1",
      namespace: "AWS/CloudFront",
      metricName: "5xxErrorRate",
      dimensions: dimensions(),
      statistic: "Average",
      period: 300,
      evaluationPeriods: 2,
      threshold: 5,
      comparisonOperator: "GreaterThanThreshold",
      alarmActions: [p.computed(topic.arn)],
    },
    { from: { dimensions: [distribution], alarmActions: [topic.topic] } },
  );
  const forbiddenRateAlarm = p.add(
    CLOUDWATCH.metricAlarm,
    "edge-403-rate-anomaly",
    {
      region: "us-east-1",
      comparisonOperator: "GreaterThanUpperThreshold",
      evaluationPeriods: 3,
      thresholdMetricId: "band",
      metricQueries: [
        { id: "m1", returnData: true, metric: { namespace: "AWS/CloudFront", metricName: "403ErrorRate", dimensions: dimensions(), period: 300, stat: "Average" } },
        { id: "band", expression: "ANOMALY_DETECTION_BAND(m1, 2)" },
      ],
      alarmActions: [p.computed(topic.arn)],
    },
    { from: { metricQueries: [distribution], alarmActions: [topic.topic] } },
  );
  return { distribution, originAccessControl, functionUrl, errorRateAlarm, forbiddenRateAlarm };
}

/** The whole service the way our program builds it: buckets, keyring, image function, distribution, alarms. */
export function addCompliantService(p: ProgramBuilder): {
  originals: PrivateBucket;
  logs: PrivateBucket;
  keyring: RotatedKeyring;
  keyRotation: MonitoredFunction;
  image: MonitoredFunction;
  edge: MonitoredDistribution;
  alerts: AlertTopic;
  edgeAlerts: AlertTopic;
} {
  const originals = addPrivateBucket(p, "originals");
  const logs = addPrivateBucket(p, "logs");
  const alerts = addAlertTopic(p, "alerts");
  const keyRotation = addMonitoredFunction(p, "key-rotation", alerts);
  const keyring = addRotatedKeyring(p, keyRotation.fn);
  const edgeAlerts = addAlertTopic(p, "edge-alerts", "us-east-1");
  const keyringArn = `arn:aws:secretsmanager:${STACK_REGION}:${ACCOUNT}:secret:rendorix/${p.stack}/url-signing-keyring-AbCdEf`;
  const image = addMonitoredFunction(p, "image", alerts, { KEYRING_SECRET_ARN: p.computed(keyringArn), ORIGINALS_BUCKET: p.computed("originals-7f3a9c1") }, [
    keyring.secret,
    originals.bucket,
  ]);
  const edge = addMonitoredDistribution(p, image.fn, edgeAlerts);
  p.output("keyringSecretArn", p.computed(keyringArn), [keyring.secret]);
  p.output("distributionId", p.computed("E2QWRUHAPOMQZL"), [edge.distribution]);
  return { originals, logs, keyring, keyRotation, image, edge, alerts, edgeAlerts };
}
