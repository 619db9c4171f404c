/**
 * The edge copy of the keyring: `kid:<kid>` entries of the CloudFront KeyValueStore the viewer-request
 * function reads. Written through the KeyValueStore data-plane API, which is signed with SigV4A
 * (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/kvs-with-functions-kvp.html);
 * importing `@aws-sdk/signature-v4a` registers the JavaScript SigV4A signer with the SDK.
 */
import "@aws-sdk/signature-v4a";
import {
  type CloudFrontKeyValueStoreClient,
  ConflictException,
  DescribeKeyValueStoreCommand,
  paginateListKeys,
  UpdateKeysCommand,
} from "@aws-sdk/client-cloudfront-keyvaluestore";
import { KEY_VALUE_STORE_PREFIX } from "../core/contract";

/** Writes race with other writers (an operator revoking a key); each retry starts from a fresh ETag. */
const MAX_CONFLICT_RETRIES = 5;

/** The signing keys in the store, by key id. */
export async function readEdgeKeys(client: CloudFrontKeyValueStoreClient, kvsArn: string): Promise<Map<string, string>> {
  const keys = new Map<string, string>();
  for await (const page of paginateListKeys({ client }, { KvsARN: kvsArn })) {
    for (const item of page.Items ?? []) {
      if (item.Key?.startsWith(KEY_VALUE_STORE_PREFIX) && item.Value !== undefined) keys.set(item.Key.slice(KEY_VALUE_STORE_PREFIX.length), item.Value);
    }
  }
  return keys;
}

export interface EdgeChanges {
  put: string[];
  deleted: string[];
}

/**
 * Applies the changes `plan` derives from the store's signing keys in one `UpdateKeys` call that
 * carries the store's ETag as `IfMatch`, so a concurrent change makes it fail instead of being lost
 * (https://docs.aws.amazon.com/cloudfront/latest/APIReference/API_kvs_UpdateKeys.html); it then
 * plans again from a fresh read.
 */
async function updateEdgeKeys(
  client: CloudFrontKeyValueStoreClient,
  kvsArn: string,
  plan: (present: Map<string, string>) => { puts: Record<string, string>; deletes: string[] },
): Promise<EdgeChanges> {
  for (let attempt = 0; ; attempt++) {
    const { ETag } = await client.send(new DescribeKeyValueStoreCommand({ KvsARN: kvsArn }));
    const { puts, deletes } = plan(await readEdgeKeys(client, kvsArn));
    const changes = { put: Object.keys(puts), deleted: deletes };
    if (changes.put.length === 0 && deletes.length === 0) return changes;
    try {
      await client.send(
        new UpdateKeysCommand({
          KvsARN: kvsArn,
          IfMatch: ETag,
          Puts: Object.entries(puts).map(([kid, keyText]) => ({ Key: KEY_VALUE_STORE_PREFIX + kid, Value: keyText })),
          Deletes: deletes.map((kid) => ({ Key: KEY_VALUE_STORE_PREFIX + kid })),
        }),
      );
      return changes;
    } catch (error) {
      if (!(error instanceof ConflictException) || attempt >= MAX_CONFLICT_RETRIES) throw error;
    }
  }
}

/**
 * Makes the store's signing keys equal `wanted` (key id to key text) and leaves other entries alone.
 * Running it again changes nothing.
 */
export function syncEdgeKeys(client: CloudFrontKeyValueStoreClient, kvsArn: string, wanted: Record<string, string>): Promise<EdgeChanges> {
  return updateEdgeKeys(client, kvsArn, (present) => ({
    puts: Object.fromEntries(Object.entries(wanted).filter(([kid, keyText]) => present.get(kid) !== keyText)),
    deletes: [...present.keys()].filter((kid) => !Object.hasOwn(wanted, kid)),
  }));
}

/** Deletes one key id's entry; `deleted` is empty when it was not there. */
export function deleteEdgeKey(client: CloudFrontKeyValueStoreClient, kvsArn: string, kid: string): Promise<EdgeChanges> {
  return updateEdgeKeys(client, kvsArn, (present) => ({ puts: {}, deletes: present.has(kid) ? [kid] : [] }));
}
