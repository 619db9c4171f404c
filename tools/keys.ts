/**
 * The operator's view of a stack's URL-signing keys, with the operator's own AWS credentials:
 *
 *   npm run keys -- list   --stack dev|prod
 *   npm run keys -- rotate --stack dev|prod
 *   npm run keys -- revoke --kid KID --stack dev|prod
 *
 * The keyring secret is found by its name (`<project>/<stack>/url-signing-keyring`) in the stack's
 * `aws:region`, its KeyValueStore by the secret's `rendorix:key-value-store` tag. No key text is
 * ever printed. Exit codes: 0 done, 1 the operation failed, 2 usage, 3 AWS refused the credentials.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CloudFrontKeyValueStoreClient } from "@aws-sdk/client-cloudfront-keyvaluestore";
import { PutSecretValueCommand, RotateSecretCommand, SecretsManagerClient, UpdateSecretVersionStageCommand } from "@aws-sdk/client-secrets-manager";
import { readProjectName, readStackConfigFile } from "../check/capture";
import { deleteEdgeKey, readEdgeKeys } from "../key-rotation-fn/edge-store";
import { AWSCURRENT, AWSPENDING, describeKeyringSecret, type KeyringSecret, keyringSecretName, readKeyringVersion, versionWithLabel } from "../key-rotation-fn/keyring-secret";
import { keysByAge, type ManagedKeyring, withoutKey } from "../key-rotation-fn/managed-keyring";
import { textTable } from "../cli/support";

export const USAGE = "usage: npm run keys -- list|rotate|revoke [--kid KID] --stack dev|prod";
const PROJECT_DIR = join(__dirname, "..");

export const EXIT = { ok: 0, failed: 1, usage: 2, credentials: 3 } as const;

export interface KeysDeps {
  clients: (region: string) => { secrets: SecretsManagerClient; store: CloudFrontKeyValueStoreClient };
  out: (line: string) => void;
  err: (line: string) => void;
  /** @default this project's folder */
  projectDir?: string;
  now?: () => Date;
  sleep?: (ms: number) => Promise<void>;
  /** How long `rotate` waits for the rotation to finish. @default 5 minutes */
  rotationTimeoutMs?: number;
}

class CommandError extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

const CREDENTIAL_ERRORS = ["CredentialsProviderError", "UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException", "AccessDeniedException", "AccessDenied"];

interface Session {
  stack: string;
  region: string;
  secrets: SecretsManagerClient;
  store: CloudFrontKeyValueStoreClient;
  secretName: string;
}

function openSession(stack: string, deps: KeysDeps): Session {
  const projectDir = deps.projectDir ?? PROJECT_DIR;
  if (!/^[A-Za-z0-9_.-]+$/.test(stack) || !existsSync(join(projectDir, `Pulumi.${stack}.yaml`))) {
    throw new CommandError(`unknown stack "${stack}": there is no Pulumi.${stack}.yaml; stacks: dev, prod`, EXIT.usage);
  }
  const region = readStackConfigFile(projectDir, stack)["aws:region"];
  if (!region) throw new CommandError(`Pulumi.${stack}.yaml sets no aws:region`, EXIT.usage);
  return { stack, region, ...deps.clients(region), secretName: keyringSecretName(readProjectName(projectDir), stack) };
}

async function describe(session: Session): Promise<KeyringSecret> {
  try {
    return await describeKeyringSecret(session.secrets, session.secretName);
  } catch (error) {
    if ((error as Error).name === "ResourceNotFoundException") {
      throw new CommandError(
        `no keyring secret ${session.secretName} in ${session.region}: these credentials are for an account without stack ${session.stack}, or the stack is not deployed`,
        EXIT.failed,
      );
    }
    throw error;
  }
}

async function currentKeyring(session: Session, secret: KeyringSecret): Promise<ManagedKeyring> {
  const keyring = await readKeyringVersion(session.secrets, secret.arn, { VersionStage: AWSCURRENT });
  if (!keyring) throw new CommandError(`secret ${secret.name} has no keyring yet: its first rotation has not finished (npm run keys -- rotate --stack ${session.stack})`, EXIT.failed);
  return keyring;
}

function age(from: string | undefined, now: Date): string {
  if (!from) return "-";
  const hours = Math.floor((now.getTime() - Date.parse(from)) / 3_600_000);
  return hours >= 48 ? `${Math.floor(hours / 24)}d` : `${hours}h`;
}

async function list(session: Session, deps: KeysDeps): Promise<void> {
  const secret = await describe(session);
  const keyring = await currentKeyring(session, secret);
  const pendingVersion = versionWithLabel(secret, AWSPENDING);
  const pending = pendingVersion && !secret.versions[pendingVersion].includes(AWSCURRENT)
    ? await readKeyringVersion(session.secrets, secret.arn, { VersionId: pendingVersion, VersionStage: AWSPENDING })
    : undefined;
  const edge = await readEdgeKeys(session.store, secret.kvsArn);
  const now = deps.now?.() ?? new Date();
  const pendingOnly = Object.keys(pending?.keys ?? {}).filter((kid) => !Object.hasOwn(keyring.keys, kid));
  const kids = [...pendingOnly, ...keysByAge(keyring).reverse(), ...[...edge.keys()].filter((kid) => !Object.hasOwn(keyring.keys, kid) && !pendingOnly.includes(kid))];
  const rows = kids.map((kid) => {
    const created = keyring.created[kid] ?? pending?.created[kid];
    const status = kid === keyring.active ? "active" : Object.hasOwn(keyring.keys, kid) ? "previous" : pendingOnly.includes(kid) ? "rotating in" : "store only";
    return [kid, status, created ?? "before rotation", age(created, now), Object.hasOwn(keyring.keys, kid) ? "yes" : "no", edge.has(kid) ? "yes" : "no"];
  });
  deps.out(`stack ${session.stack}: keyring ${secret.name}, KeyValueStore ${secret.kvsArn}`);
  deps.out(textTable(["kid", "status", "created", "age", "keyring", "store"], rows));
}

async function rotate(session: Session, deps: KeysDeps): Promise<ManagedKeyring> {
  const before = await describe(session);
  if (!before.rotationEnabled) throw new CommandError(`secret ${before.name} has no rotation configured; deploy the stack first`, EXIT.failed);
  let token: string;
  try {
    token = (await session.secrets.send(new RotateSecretCommand({ SecretId: before.arn }))).VersionId!;
  } catch (error) {
    if ((error as Error).name === "InvalidRequestException") throw new CommandError(`Secrets Manager refused to start a rotation: ${(error as Error).message}`, EXIT.failed);
    throw error;
  }
  deps.out(`rotation ${token} started; waiting for it to finish`);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((done) => setTimeout(done, ms)));
  const deadline = Date.now() + (deps.rotationTimeoutMs ?? 300_000);
  for (;;) {
    const secret = await describe(session);
    if (secret.versions[token]?.includes(AWSCURRENT)) {
      const keyring = await currentKeyring(session, secret);
      deps.out(`rotated: ${keyring.active} signs new URLs; keyring ${Object.keys(keyring.keys).join(", ")}`);
      return keyring;
    }
    if (Date.now() > deadline) {
      throw new CommandError(`rotation ${token} has not finished; Secrets Manager retries it. See the rotation function's log group, then \`npm run keys -- list --stack ${session.stack}\``, EXIT.failed);
    }
    await sleep(2000);
  }
}

/**
 * Removes a key from the keyring and the KeyValueStore. A rotation in progress is stopped first
 * (its version loses AWSPENDING, so its remaining steps fail) because it could bring the key back.
 */
async function revoke(session: Session, kid: string, deps: KeysDeps): Promise<void> {
  let secret = await describe(session);
  let keyring = await currentKeyring(session, secret);
  const edge = await readEdgeKeys(session.store, secret.kvsArn);
  if (!Object.hasOwn(keyring.keys, kid) && !edge.has(kid)) {
    throw new CommandError(`key ${kid} is neither in the keyring nor in the KeyValueStore of stack ${session.stack}; keys: ${Object.keys(keyring.keys).join(", ")}`, EXIT.failed);
  }
  if (keyring.active === kid) {
    deps.out(`${kid} signs new URLs: rotating first so that a new key does`);
    keyring = await rotate(session, deps);
    secret = await describe(session);
  }
  const pending = versionWithLabel(secret, AWSPENDING);
  if (pending && !secret.versions[pending].includes(AWSCURRENT)) {
    await session.secrets.send(new UpdateSecretVersionStageCommand({ SecretId: secret.arn, VersionStage: AWSPENDING, RemoveFromVersionId: pending }));
    deps.out(`stopped rotation ${pending}, which still held ${kid}; the next rotation starts from the revoked keyring`);
  }
  if (Object.hasOwn(keyring.keys, kid)) {
    const { VersionId } = await session.secrets.send(
      new PutSecretValueCommand({ SecretId: secret.arn, SecretString: JSON.stringify(withoutKey(keyring, kid)), VersionStages: [AWSCURRENT] }),
    );
    deps.out(`removed ${kid} from the keyring (version ${VersionId} is ${AWSCURRENT})`);
  }
  const { deleted } = await deleteEdgeKey(session.store, secret.kvsArn, kid);
  deps.out(deleted.length > 0 ? `removed ${kid} from the KeyValueStore: edges refuse its URLs within seconds, cached images included` : `${kid} was not in the KeyValueStore`);
  const after = await currentKeyring(session, await describe(session));
  if (Object.hasOwn(after.keys, kid) || (await readEdgeKeys(session.store, secret.kvsArn)).has(kid)) {
    throw new CommandError(`${kid} came back while it was being revoked (a concurrent change); run the command again`, EXIT.failed);
  }
}

function explain(error: Error, session: Session | undefined): CommandError {
  if (error instanceof CommandError) return error;
  if (CREDENTIAL_ERRORS.includes(error.name) || (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 403) {
    const where = session ? ` for stack ${session.stack} (${session.region})` : "";
    return new CommandError(`AWS refused the credentials${where}: ${error.name}: ${error.message.replace(/\.$/, "")}. Use the operator credentials of that stack's account (AWS_PROFILE or aws sso login).`, EXIT.credentials);
  }
  return new CommandError(`${error.name}: ${error.message}`, EXIT.failed);
}

export async function runKeys(argv: string[], deps: KeysDeps): Promise<number> {
  let session: Session | undefined;
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: argv, allowPositionals: true, options: { stack: { type: "string" }, kid: { type: "string" } } });
    } catch (error) {
      throw new CommandError((error as Error).message, EXIT.usage);
    }
    const { positionals, values } = parsed;
    const command = positionals[0];
    if (positionals.length !== 1 || !["list", "rotate", "revoke"].includes(command)) throw new CommandError(`expected one command: list, rotate or revoke`, EXIT.usage);
    if (!values.stack) throw new CommandError("--stack is required", EXIT.usage);
    if (command === "revoke" && !values.kid) throw new CommandError("revoke needs --kid KID", EXIT.usage);
    if (command !== "revoke" && values.kid) throw new CommandError(`--kid applies to revoke only`, EXIT.usage);
    session = openSession(values.stack, deps);
    if (command === "list") await list(session, deps);
    else if (command === "rotate") await rotate(session, deps);
    else await revoke(session, values.kid!, deps);
    return EXIT.ok;
  } catch (error) {
    const failure = explain(error as Error, session);
    deps.err(`error: ${failure.message}${failure.code === EXIT.usage ? `\n${USAGE}` : ""}`);
    return failure.code;
  }
}

if (require.main === module) {
  runKeys(process.argv.slice(2), {
    clients: (region) => ({ secrets: new SecretsManagerClient({ region }), store: new CloudFrontKeyValueStoreClient({ region }) }),
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  }).then((code) => process.exit(code));
}
