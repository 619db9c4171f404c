/**
 * Why an original could not be read, in the contract's terms. A legal key never earns a 500: keys the
 * store cannot name or may not read are missing originals, a store that is slow or overloaded is
 * unavailable for now, and only a failure that says our own configuration is wrong stays an error.
 */
export type OriginalFailure =
  /** No readable object: absent, a name the store cannot hold, or an object this service may not read. */
  | "not-found"
  /** The object exists but this service is denied it; answered like not-found, logged apart. */
  | "denied"
  /** The store did not answer in time or asked us to slow down; worth retrying. */
  | "unavailable";

const FOLDER_FAILURES: Record<string, OriginalFailure> = {
  ENOENT: "not-found",
  ENOTDIR: "not-found",
  EISDIR: "not-found",
  // A path segment over the file system's 255-byte name limit: S3 keys may be longer, no file is.
  ENAMETOOLONG: "not-found",
  ELOOP: "not-found",
  EACCES: "denied",
  EPERM: "denied",
  EMFILE: "unavailable",
  ENFILE: "unavailable",
  EAGAIN: "unavailable",
  EBUSY: "unavailable",
  EIO: "unavailable",
};

/** The failure a file system error code means for a folder of originals, or null for a fault of ours. */
export function folderFailure(error: unknown): OriginalFailure | null {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return (code !== undefined && FOLDER_FAILURES[code]) || null;
}

const S3_FAILURES: Record<string, OriginalFailure> = {
  NoSuchKey: "not-found",
  NotFound: "not-found",
  KeyTooLongError: "not-found",
  InvalidObjectState: "not-found",
  AccessDenied: "denied",
  SlowDown: "unavailable",
  ThrottlingException: "unavailable",
  RequestTimeout: "unavailable",
  RequestTimeTooSkewed: "unavailable",
  ServiceUnavailable: "unavailable",
  InternalError: "unavailable",
  TimeoutError: "unavailable",
  AbortError: "unavailable",
};

const NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "ETIMEDOUT", "EPIPE", "EAI_AGAIN", "ENOTFOUND", "ERR_STREAM_PREMATURE_CLOSE"]);

/**
 * The failure an S3 error means for the originals, or null when it says our configuration is wrong
 * (NoSuchBucket, bad credentials, a malformed request): those stay 500 and page someone.
 */
export function s3Failure(error: unknown): OriginalFailure | null {
  const { name, code, $metadata } = (error ?? {}) as { name?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  if (name !== undefined && S3_FAILURES[name]) return S3_FAILURES[name];
  if (code !== undefined && NETWORK_CODES.has(code)) return "unavailable";
  // 403 and 404 also carry InvalidAccessKeyId or NoSuchBucket, faults of ours: only the names above count.
  const status = $metadata?.httpStatusCode;
  if (status !== undefined && (status === 429 || status >= 500)) return "unavailable";
  return null;
}
