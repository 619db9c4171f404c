/**
 * One line per request that is both the request log and a CloudWatch Embedded Metric Format document,
 * so the image Lambda publishes its application metrics without any extra API call.
 */

export const METRICS_NAMESPACE = "Rendorix";

/** Error codes that mean a URL's signature was refused. */
export const SIGNATURE_FAILURE_CODES: readonly string[] = [
  "missing-signature",
  "bad-signature",
  "unknown-key-id",
  "expired",
  "expiry-too-far",
];

export interface RequestRecord {
  requestId: string;
  preset: string | null;
  status: number;
  sourceBytes: number;
  sourcePixels: number;
  outputBytes: number;
  durationMs: number;
  transformMs: number;
  error: string | null;
}

export function requestLogLine(record: RequestRecord, functionName: string, timestampMs: number): string {
  return JSON.stringify({
    _aws: {
      Timestamp: timestampMs,
      CloudWatchMetrics: [
        {
          Namespace: METRICS_NAMESPACE,
          Dimensions: [["FunctionName"], ["FunctionName", "StatusClass"], ["FunctionName", "ErrorCode"]],
          Metrics: [
            { Name: "Requests", Unit: "Count" },
            { Name: "SignatureFailures", Unit: "Count" },
            { Name: "SourceBytes", Unit: "Bytes" },
            { Name: "TransformMs", Unit: "Milliseconds" },
          ],
        },
      ],
    },
    FunctionName: functionName,
    StatusClass: `${Math.floor(record.status / 100)}xx`,
    ErrorCode: record.error ?? "none",
    Requests: 1,
    SignatureFailures: record.error !== null && SIGNATURE_FAILURE_CODES.includes(record.error) ? 1 : 0,
    SourceBytes: record.sourceBytes,
    TransformMs: record.transformMs,
    ...record,
  });
}
