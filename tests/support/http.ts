import { createServer, request } from "node:http";
import type { AddressInfo } from "node:net";

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * An HTTP request with the path sent exactly as given: WHATWG URL parsing (and so `fetch`) would
 * remove dot segments before the server could refuse them.
 */
export function rawRequest(
  baseUrl: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<RawResponse> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = request({ hostname, port, path, method: options.method ?? "GET", headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

export function jsonError(response: RawResponse): { error: string; message: string } {
  return JSON.parse(response.body.toString("utf8"));
}

/** One request a RecordingProxy passed on: how it was signed, whether it was conditional, and S3's answer. */
export interface ProxiedExchange {
  signedBy: "header" | "query" | "none";
  conditional: boolean;
  status: number;
}

export interface RecordingProxy {
  endpoint: string;
  exchanges: ProxiedExchange[];
  close(): Promise<void>;
}

/**
 * A plain HTTP proxy in front of `target` (a local S3 server) that records every exchange, so a test
 * sees the traffic a client really sent rather than what the client says it sent.
 */
export async function startRecordingProxy(target: string): Promise<RecordingProxy> {
  const exchanges: ProxiedExchange[] = [];
  const server = createServer((incoming, outgoing) => {
    const signedBy = incoming.headers.authorization ? "header" : /[?&]X-Amz-Signature=/.test(incoming.url ?? "") ? "query" : "none";
    const upstream = request(new URL(incoming.url ?? "/", target), { method: incoming.method, headers: incoming.headers }, (answer) => {
      exchanges.push({ signedBy, conditional: incoming.headers["if-none-match"] !== undefined, status: answer.statusCode ?? 0 });
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
      // A client that hangs up mid-body is legal here: it only wanted the status.
      outgoing.on("close", () => answer.destroy());
    });
    upstream.on("error", () => outgoing.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exchanges,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
