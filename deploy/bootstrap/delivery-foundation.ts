import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { policyDocument } from "../../components/policy-documents";
import { PrivateBucket, privateBucketTransforms } from "../../components/private-bucket";
import { ChildFactory, type Transforms } from "../../components/transform";
import { DELIVERY_PATH, PROGRAM_PREFIX, permissionsBoundaryArn, permissionsBoundaryName } from "../ownership";
import {
  boundaryStatements,
  DEPLOY_AREAS,
  type DeliveryScope,
  deployPolicies,
  deploySubjects,
  GITHUB_OIDC_AUDIENCE,
  GITHUB_OIDC_HOST,
  githubTrustPolicy,
  previewStatements,
  previewSubjects,
} from "./permissions";

/** The resource arguments each child of a `DeliveryFoundation` is built from, by role. */
export interface DeliveryFoundationChildren {
  stateKey: aws.kms.KeyArgs;
  stateKeyAlias: aws.kms.AliasArgs;
  stateBucket: aws.s3.BucketArgs;
  statePublicAccessBlock: aws.s3.BucketPublicAccessBlockArgs;
  stateOwnership: aws.s3.BucketOwnershipControlsArgs;
  stateEncryption: aws.s3.BucketServerSideEncryptionConfigurationArgs;
  stateVersioning: aws.s3.BucketVersioningArgs;
  stateLifecycle: aws.s3.BucketLifecycleConfigurationArgs;
  statePolicy: aws.s3.BucketPolicyArgs;
  githubOidcProvider: aws.iam.OpenIdConnectProviderArgs;
  permissionsBoundary: aws.iam.PolicyArgs;
  previewRole: aws.iam.RoleArgs;
  previewPolicy: aws.iam.RolePolicyArgs;
  deployRole: aws.iam.RoleArgs;
  deployPolicy: aws.iam.PolicyArgs;
  deployPolicyAttachment: aws.iam.RolePolicyAttachmentArgs;
}

export interface DeliveryFoundationArgs {
  /**
   * The only GitHub repository whose workflows may assume the roles.
   * @example "example-org/rendorix"
   */
  githubRepository: string;
  /** The stack these resources deliver (`dev`, `prod`); also the GitHub environment of its deploy jobs. */
  environment: string;
  /** The AWS account the stack lives in; part of the state bucket's name. */
  accountId: string;
  /** Region of the state bucket and the secrets key. */
  region: string;
  /**
   * Create the account's GitHub OIDC provider. An account has one per URL: set false when another
   * stack of the same account created it.
   * @default true
   */
  createGithubOidcProvider?: boolean;
  /**
   * Route 53 zones the program writes records in (its `hostedZoneId`).
   * @default none
   */
  hostedZoneIds?: string[];
  /**
   * The stack may be destroyed and created again (dev): the deploy role may empty the program's
   * buckets and delete the keyring without a recovery window. Off, it may do neither.
   * @default false
   */
  allowDestroy?: boolean;
  /**
   * Days a replaced or deleted state file stays recoverable.
   * @default 90
   */
  noncurrentStateDays?: number;
  /**
   * Tags on every taggable child.
   * @default {}
   */
  tags?: Record<string, string>;
  /** Adjust any child before it is created, by role. */
  transform?: Transforms<DeliveryFoundationChildren>;
}

/**
 * What a stack's delivery needs before its first `pulumi up`: a private, versioned, KMS-encrypted
 * state bucket for Pulumi's self-managed backend (which locks with objects under `.pulumi/locks/`),
 * a KMS key and alias for the stack's `awskms://` secrets provider, GitHub's OIDC provider, and two
 * roles for GitHub Actions: one that previews (read-only) and one that deploys, bound to the
 * stack's GitHub environment, and the permissions boundary every role the program creates carries.
 * The state bucket and the key are protected from deletion.
 */
export class DeliveryFoundation extends pulumi.ComponentResource {
  public readonly stateBucketName: pulumi.Output<string>;
  /** `pulumi login` URL of the state backend. */
  public readonly backendUrl: pulumi.Output<string>;
  /** `--secrets-provider` of `pulumi stack init`. */
  public readonly secretsProvider: pulumi.Output<string>;
  public readonly previewRoleArn: pulumi.Output<string>;
  public readonly deployRoleArn: pulumi.Output<string>;
  /** The boundary the program's roles must name (`permissionsBoundaryArn` in `deploy/ownership.ts`). */
  public readonly permissionsBoundaryArn: pulumi.Output<string>;

  constructor(name: string, args: DeliveryFoundationArgs, opts?: pulumi.ComponentResourceOptions) {
    super("rendorix:bootstrap:DeliveryFoundation", name, {}, opts);
    const children = new ChildFactory<DeliveryFoundationChildren>(this, name, args.transform);
    const tags = args.tags ?? {};
    const keep = { protect: true };
    const keyAliasName = `alias/${PROGRAM_PREFIX}-${args.environment}-secrets`;

    const key = children.create(
      aws.kms.Key,
      "stateKey",
      { description: `Pulumi state and secrets of the ${PROGRAM_PREFIX} ${args.environment} stack`, enableKeyRotation: true, deletionWindowInDays: 30, tags },
      keep,
    );
    children.create(aws.kms.Alias, "stateKeyAlias", { name: keyAliasName, targetKeyId: key.arn });

    // The state bucket's resources were direct children of this component before `PrivateBucket`
    // existed; `movedFrom` keeps their URNs, so the bucket holding the state is never replaced.
    const state = new PrivateBucket(
      `${name}-state`,
      {
        bucketName: `${PROGRAM_PREFIX}-state-${args.environment}-${args.accountId}`,
        kmsKeyArn: key.arn,
        versioned: true,
        lifecycleRules: [
          {
            id: "expire-replaced-state",
            status: "Enabled",
            filter: {},
            noncurrentVersionExpiration: { noncurrentDays: args.noncurrentStateDays ?? 90 },
            // Every released lock leaves a delete marker behind.
            expiration: { expiredObjectDeleteMarker: true },
            abortIncompleteMultipartUpload: { daysAfterInitiation: 7 },
          },
        ],
        protect: true,
        tags,
        movedFrom: this,
        transform: privateBucketTransforms(args.transform, "state"),
      },
      { parent: this },
    );

    const oidcProviderArn =
      args.createGithubOidcProvider === false
        ? pulumi.output(`arn:aws:iam::${args.accountId}:oidc-provider/${GITHUB_OIDC_HOST}`)
        : children.create(aws.iam.OpenIdConnectProvider, "githubOidcProvider", { url: `https://${GITHUB_OIDC_HOST}`, clientIdLists: [GITHUB_OIDC_AUDIENCE], tags }).arn;

    const boundaryName = permissionsBoundaryName(args.environment);
    const scopeOf = (stateBucketArn: string, stateKeyArn: string): DeliveryScope => ({
      accountId: args.accountId,
      environment: args.environment,
      stateBucketArn,
      stateKeyArn,
      stateKeyAliasArn: `arn:aws:kms:${args.region}:${args.accountId}:${keyAliasName}`,
      permissionsBoundaryArn: permissionsBoundaryArn("aws", args.accountId, args.environment),
      hostedZoneIds: args.hostedZoneIds ?? [],
      allowDestroy: args.allowDestroy ?? false,
    });
    const scope = pulumi.all([state.arn, key.arn]).apply(([bucketArn, keyArn]) => scopeOf(bucketArn, keyArn));
    const boundary = children.create(aws.iam.Policy, "permissionsBoundary", {
      name: boundaryName,
      path: DELIVERY_PATH,
      description: `Most that any role of the ${PROGRAM_PREFIX} ${args.environment} stack may do`,
      policy: scope.apply((s) => policyDocument(boundaryStatements(s))),
      tags,
    });
    const roleName = (purpose: string) => `github-${PROGRAM_PREFIX}-${args.environment}-${purpose}`;
    const previewRole = children.create(aws.iam.Role, "previewRole", {
      name: roleName("preview"),
      path: DELIVERY_PATH,
      description: `GitHub Actions previews of the ${args.environment} stack (read-only)`,
      assumeRolePolicy: oidcProviderArn.apply((arn) => githubTrustPolicy(arn, previewSubjects(args.githubRepository, args.environment))),
      maxSessionDuration: 3600,
      tags,
    });
    children.create(aws.iam.RolePolicy, "previewPolicy", { role: previewRole.id, policy: scope.apply((s) => policyDocument(previewStatements(s))) });
    const deployRole = children.create(aws.iam.Role, "deployRole", {
      name: roleName("deploy"),
      path: DELIVERY_PATH,
      description: `GitHub Actions deploys of the ${args.environment} stack, from its GitHub environment only`,
      assumeRolePolicy: oidcProviderArn.apply((arn) => githubTrustPolicy(arn, deploySubjects(args.githubRepository, args.environment))),
      maxSessionDuration: 3600,
      tags,
    });
    for (const area of DEPLOY_AREAS) {
      const policy = children.create(
        aws.iam.Policy,
        "deployPolicy",
        {
          name: `${roleName("deploy")}-${area}`,
          path: DELIVERY_PATH,
          description: `Deploys of the ${args.environment} stack: the ${area} part`,
          policy: scope.apply((s) => policyDocument(deployPolicies(s)[area])),
          tags,
        },
        {},
        area,
      );
      children.create(aws.iam.RolePolicyAttachment, "deployPolicyAttachment", { role: deployRole.name, policyArn: policy.arn }, {}, area);
    }

    this.stateBucketName = state.name;
    this.backendUrl = pulumi.interpolate`s3://${state.name}?region=${args.region}&awssdk=v2`;
    this.secretsProvider = pulumi.output(`awskms://${keyAliasName}?region=${args.region}`);
    this.previewRoleArn = previewRole.arn;
    this.deployRoleArn = deployRole.arn;
    this.permissionsBoundaryArn = boundary.arn;
    this.registerOutputs({
      stateBucketName: this.stateBucketName,
      backendUrl: this.backendUrl,
      secretsProvider: this.secretsProvider,
      previewRoleArn: this.previewRoleArn,
      deployRoleArn: this.deployRoleArn,
      permissionsBoundaryArn: this.permissionsBoundaryArn,
    });
  }
}
