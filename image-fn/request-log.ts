/**
 * One line per request that is both the request log and a CloudWatch Embedded Metric Format document,
 * so the image Lambda publishes its application metrics without any extra API call.
 */

export const METRICS_NAMESPACE = "Rendorix";
/** Count of answers, with a dimension set per status class (`2xx`, `4xx`, `5xx`) and per error code. */
export const REQUESTS_METRIC = "Requests";

/** The class a response status falls in: `5xx` for 503. */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/**
 * The metric of the 5xx answers of one function, as `requestLogLine` emits it: what a viewer sees
 * failing at the origin, which Lambda's own `Errors` never counts (the handler answers instead of
 * throwing).
 */
export function serverErrorMetric<Name>(functionName: Name): { namespace: string; metricName: string; dimensions: { FunctionName: Name; StatusClass: string } } {
  return { namespace: METRICS_NAMESPACE, metricName: REQUESTS_METRIC, dimensions: { FunctionName: functionName, StatusClass: statusClass(500) } };
}

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
            { Name: REQUESTS_METRIC, Unit: "Count" },
            { Name: "SignatureFailures", Unit: "Count" },
            { Name: "SourceBytes", Unit: "Bytes" },
            { Name: "TransformMs", Unit: "Milliseconds" },
          ],
        },
      ],
    },
    FunctionName: functionName,
    StatusClass: statusClass(record.status),
    ErrorCode: record.error ?? "none",
    [REQUESTS_METRIC]: 1,
    SignatureFailures: record.error !== null && SIGNATURE_FAILURE_CODES.includes(record.error) ? 1 : 0,
    SourceBytes: record.sourceBytes,
    TransformMs: record.transformMs,
    ...record,
  });
}
