/**
 * The markers that parts of Rendorix built and run apart agree on: the components write them, the
 * CloudFront Function and the image Lambda read them, the policy pack and the offline check look for
 * them. Each is defined here once. Plain constants only: the CloudFront Function bundles this file.
 *
 * The key fingerprint, the fifth shared fact, is `keyFingerprint` in `keyring.ts`: it needs Node's
 * `crypto`, which the CloudFront Function runtime does not offer.
 */

/** Tag that marks a secret as a URL-signing keyring, with the value `KEYRING_PURPOSE`. */
export const KEYRING_TAG = "rendorix:purpose";

/** Value of `KEYRING_TAG` on a URL-signing keyring secret. */
export const KEYRING_PURPOSE = "url-signing-keyring";

/** Tag on a rotation-managed keyring secret naming the ARN of its KeyValueStore, which the rotation function and `npm run keys` write to. */
export const KEY_VALUE_STORE_TAG = "rendorix:key-value-store";

/** Prefix of a key id in the CloudFront KeyValueStore copy of the keyring: key `k1` is stored as `kid:k1`. */
export const KEY_VALUE_STORE_PREFIX = "kid:";

/** What a key id may look like (url-signing-v1, section 1). */
export const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;

/** Pulumi's wire marker for a value that is not known yet, as during a preview. */
export const UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
