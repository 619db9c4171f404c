/**
 * The parts the corpus programs share, written the way the AWS and Pulumi docs write them, so each
 * program holds only the case it is about.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

type BlockSettings = Pick<aws.s3.BucketPublicAccessBlockArgs, "blockPublicAcls" | "blockPublicPolicy" | "ignorePublicAcls" | "restrictPublicBuckets">;

/** `<name>-public-access`: every Block Public Access setting `on`, then `overrides`. */
export function publicAccessBlock(name: string, bucket: aws.s3.Bucket | aws.s3.BucketV2, on: boolean, overrides: BlockSettings = {}): aws.s3.BucketPublicAccessBlock {
  return new aws.s3.BucketPublicAccessBlock(`${name}-public-access`, {
    bucket: bucket.id,
    blockPublicAcls: on,
    blockPublicPolicy: on,
    ignorePublicAcls: on,
    restrictPublicBuckets: on,
    ...overrides,
  });
}

/** Block Public Access for ACLs on, for policies off: where a bucket policy alone decides. */
export function policiesLetThrough(name: string, bucket: aws.s3.Bucket): aws.s3.BucketPublicAccessBlock {
  return publicAccessBlock(name, bucket, true, { blockPublicPolicy: false, restrictPublicBuckets: false });
}

/** `pulumi.jsonStringify` of a policy document with `statements`, as the S3 and Pulumi guides write bucket policies. */
export function policyDocument(...statements: Record<string, unknown>[]): pulumi.Output<string> {
  return pulumi.jsonStringify({ Version: "2012-10-17", Statement: statements });
}

/** Read access to every object for `Principal: "*"`, the statement of public-read guides. */
export function publicReadStatement(bucket: aws.s3.Bucket): Record<string, unknown> {
  return { Effect: "Allow", Principal: "*", Action: "s3:GetObject", Resource: pulumi.interpolate`${bucket.arn}/*` };
}

/** A Node.js function with its execution role, as the Lambda getting-started guides write it. */
export function lambdaFunction(name: string): aws.lambda.Function {
  const role = new aws.iam.Role(`${name}-role`, {
    assumeRolePolicy: JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
    }),
  });
  return new aws.lambda.Function(name, {
    runtime: aws.lambda.Runtime.NodeJS22dX,
    handler: "index.handler",
    role: role.arn,
    code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset("exports.handler = async () => 'ok';") }),
  });
}

/** An SNS topic with an e-mail subscription; `options` place both (a provider, or `region`). */
export function emailTopic(name: string, region?: string, options: pulumi.CustomResourceOptions = {}): aws.sns.Topic {
  const topic = new aws.sns.Topic(name, { region }, options);
  new aws.sns.TopicSubscription(`${name}-email`, { region, topic: topic.arn, protocol: "email", endpoint: "oncall@example.com" }, options);
  return topic;
}

/** Errors and Throttles alarms of the Lambda docs on the given `FunctionName` dimension. */
export function lambdaAlarms(name: string, functionName: pulumi.Input<string>, topic: aws.sns.Topic): void {
  for (const metricName of ["Errors", "Throttles"]) {
    new aws.cloudwatch.MetricAlarm(`${name}-${metricName.toLowerCase()}`, {
      namespace: "AWS/Lambda",
      metricName,
      dimensions: { FunctionName: functionName },
      statistic: "Sum",
      period: 60,
      evaluationPeriods: 1,
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      alarmActions: [topic.arn],
    });
  }
}

/** A distribution with the managed CachingOptimized policy in front of `origin`. */
export function distribution(name: string, origin: aws.types.input.cloudfront.DistributionOrigin): aws.cloudfront.Distribution {
  return new aws.cloudfront.Distribution(name, {
    enabled: true,
    defaultRootObject: "index.html",
    origins: [origin],
    defaultCacheBehavior: {
      targetOriginId: origin.originId,
      viewerProtocolPolicy: "redirect-to-https",
      allowedMethods: ["GET", "HEAD"],
      cachedMethods: ["GET", "HEAD"],
      cachePolicyId: "658327ea-f89d-4fab-a63d-7e88639e58f6",
    },
    restrictions: { geoRestriction: { restrictionType: "none" } },
    viewerCertificate: { cloudfrontDefaultCertificate: true },
  });
}

/** A distribution in front of an HTTPS API, the origin of CloudFront's "getting started with a custom origin". */
export function apiDistribution(name: string): aws.cloudfront.Distribution {
  return distribution(name, {
    originId: "api",
    domainName: "api.example.com",
    customOriginConfig: { httpPort: 80, httpsPort: 443, originProtocolPolicy: "https-only", originSslProtocols: ["TLSv1.2"] },
  });
}

/** 5xx and 4xx error-rate alarms of the CloudFront docs on the given `DistributionId`, placed by `region` or `options`. */
export function cloudfrontAlarms(name: string, distributionId: pulumi.Input<string>, topic: aws.sns.Topic, region?: string, options: pulumi.CustomResourceOptions = {}): void {
  for (const metricName of ["5xxErrorRate", "4xxErrorRate"]) {
    new aws.cloudwatch.MetricAlarm(
      `${name}-${metricName.toLowerCase()}`,
      {
        region,
        namespace: "AWS/CloudFront",
        metricName,
        dimensions: { DistributionId: distributionId, Region: "Global" },
        statistic: "Average",
        period: 300,
        evaluationPeriods: 2,
        threshold: 5,
        comparisonOperator: "GreaterThanThreshold",
        alarmActions: [topic.arn],
      },
      options,
    );
  }
}

/**
 * AWS's Origin Access Control setup for `bucket`: an OAC, a distribution reading through it, and the
 * bucket policy that lets only that distribution read, written with pulumi.jsonStringify and the ARNs.
 */
export function originAccessControl(name: string, bucket: aws.s3.Bucket): aws.cloudfront.Distribution {
  const oac = new aws.cloudfront.OriginAccessControl(`${name}-oac`, { originAccessControlOriginType: "s3", signingBehavior: "always", signingProtocol: "sigv4" });
  const cdn = distribution("cdn", { originId: "s3", domainName: bucket.bucketRegionalDomainName, originAccessControlId: oac.id });
  new aws.s3.BucketPolicy(`${name}-policy`, {
    bucket: bucket.id,
    policy: policyDocument({
      Sid: "AllowCloudFrontServicePrincipalReadOnly",
      Effect: "Allow",
      Principal: { Service: "cloudfront.amazonaws.com" },
      Action: "s3:GetObject",
      Resource: pulumi.interpolate`${bucket.arn}/*`,
      Condition: { StringEquals: { "AWS:SourceArn": cdn.arn } },
    }),
  });
  return cdn;
}

/**
 * A Secrets Manager secret holding URL-signing keys, tagged as the pack's keyring marker says, with
 * a version whose value is `secretString`.
 */
export function signingKeyring(name: string, secretName: string, secretString: pulumi.Input<string>): aws.secretsmanager.Secret {
  const secret = new aws.secretsmanager.Secret(name, { name: secretName, tags: { "rendorix:purpose": "url-signing-keyring" } });
  new aws.secretsmanager.SecretVersion(`${name}-version`, { secretId: secret.id, secretString });
  return secret;
}

/**
 * A keyring secret created without a value and rotated by `rotationLambdaArn` every 30 days, the
 * first time at once: Secrets Manager's rotation by a Lambda function for secrets of type "other".
 */
export function rotatedKeyring(name: string, secretName: string, rotationLambdaArn: pulumi.Input<string>, dependsOn: pulumi.Resource[] = []): aws.secretsmanager.Secret {
  const secret = new aws.secretsmanager.Secret(name, { name: secretName, tags: { "rendorix:purpose": "url-signing-keyring" } });
  new aws.secretsmanager.SecretRotation(`${name}-rotation`, { secretId: secret.id, rotationLambdaArn, rotationRules: { automaticallyAfterDays: 30 } }, { dependsOn });
  return secret;
}
