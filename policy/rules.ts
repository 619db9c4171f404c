/** Every policy of `rendorix-guard`, in the order the pack reports them. */
import { requiredAlarms } from "./alarms";
import { cloudfrontOriginAccessControl, cloudfrontViewerTls } from "./cloudfront";
import { noWildcardActions } from "./iam";
import { functionUrlIamAuth } from "./lambda";
import { logGroupRetention } from "./logs";
import { Rule } from "./model";
import { bucketEncryption, bucketVersioning, explicitPublicAccessBlock, noPublicBuckets } from "./s3-buckets";
import { noSharedHmacSecrets, signingKeysInState } from "./signing-keys";
import { requiredTags } from "./tags";

export const rules: readonly Rule[] = [
  noPublicBuckets,
  noSharedHmacSecrets,
  requiredAlarms,
  explicitPublicAccessBlock,
  bucketEncryption,
  bucketVersioning,
  cloudfrontViewerTls,
  cloudfrontOriginAccessControl,
  functionUrlIamAuth,
  noWildcardActions,
  logGroupRetention,
  requiredTags,
  signingKeysInState,
];
