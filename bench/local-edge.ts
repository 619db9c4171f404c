/** The local-edge section: requests per second and latency through the local edge, misses and hits, with the edge in a child process. */
import { once } from "node:events";
import { Agent, request } from "node:http";
import { resolve } from "node:path";
import { startLocalEdge } from "../local/server";
import { folderOriginals } from "../image-fn/originals";
import { benchKeyring, presetCases, printTable, progress, signedPath, startChild, type Target } from "./support";

const SAMPLES = resolve(__dirname, "../samples");
const EDGE_SAMPLE_KEY = "coffee.png";
const TARGET_HIT_P99_MS = 5;
const EDGE_CONCURRENCY = 8;

interface EdgeRequest {
  path: string;
  accept: string;
}

function getThroughEdge(agent: Agent, baseUrl: string, edgeRequest: EdgeRequest): Promise<{ status: number; cache: string }> {
  return new Promise((resolvePromise, reject) => {
    const req = request(`${baseUrl}${edgeRequest.path}`, { agent, headers: { accept: edgeRequest.accept } }, (res) => {
      res.resume();
      res.on("end", () => resolvePromise({ status: res.statusCode ?? 0, cache: String(res.headers["x-cache"]) }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end();
  });
}

interface LoadResult {
  requests: number;
  seconds: number;
  sortedLatenciesMs: number[];
}

/**
 * Keeps EDGE_CONCURRENCY keep-alive requests in flight for `seconds`. Latencies are taken at the
 * client, so they include its own HTTP parsing and the loopback hop.
 */
async function loadEdge(baseUrl: string, requests: EdgeRequest[], expectedCache: string, seconds: number): Promise<LoadResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: EDGE_CONCURRENCY });
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  async function worker(): Promise<void> {
    while (performance.now() < deadline) {
      const edgeRequest = requests[next++ % requests.length];
      const requestStarted = performance.now();
      const { status, cache } = await getThroughEdge(agent, baseUrl, edgeRequest);
      latencies.push(performance.now() - requestStarted);
      if (status !== 200 || cache !== expectedCache) {
        throw new Error(`edge answered ${status} X-Cache ${cache} for ${edgeRequest.path}, expected 200 ${expectedCache}`);
      }
    }
  }
  try {
    await Promise.all(Array.from({ length: EDGE_CONCURRENCY }, worker));
  } finally {
    agent.destroy();
  }
  return { requests: latencies.length, seconds: (performance.now() - started) / 1000, sortedLatenciesMs: latencies.sort((a, b) => a - b) };
}

/** What the edge child serves: a miss-only edge, a caching edge, and signed requests for both. */
interface ServedEdges {
  missUrl: string;
  hitUrl: string;
  missRequests: EdgeRequest[];
  hitRequest: EdgeRequest;
}

/** Child mode: serves the local edges until stdin closes. */
export async function serveEdges(): Promise<void> {
  const keyring = benchKeyring();
  const originals = folderOriginals(SAMPLES);
  // A cache smaller than any response stores nothing, so every request to this edge reaches the handler.
  const missEdge = await startLocalEdge({ port: 0, originals, keyring, cacheBytes: 1 });
  const hitEdge = await startLocalEdge({ port: 0, originals, keyring });
  const served: ServedEdges = {
    missUrl: missEdge.url,
    hitUrl: hitEdge.url,
    missRequests: presetCases(false).map((testCase) => ({
      path: signedPath(keyring, testCase.preset, EDGE_SAMPLE_KEY),
      accept: `image/${testCase.negotiated}`,
    })),
    hitRequest: { path: signedPath(keyring, "thumb", EDGE_SAMPLE_KEY), accept: "image/webp" },
  };
  process.stdout.write(`${JSON.stringify(served)}\n`);
  process.stdin.resume();
  await once(process.stdin, "end");
  await Promise.all([missEdge.close(), hitEdge.close()]);
}

function percentile(sorted: number[], fraction: number): number {
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)];
}

export async function benchLocalEdge(seconds: number): Promise<Target[]> {
  const { served, stop } = await startChild<ServedEdges>("--edge-child");
  try {
    progress(`local edge: ${seconds} s of misses`);
    await loadEdge(served.missUrl, served.missRequests, "Miss", 1);
    const misses = await loadEdge(served.missUrl, served.missRequests, "Miss", seconds);
    progress(`local edge: ${seconds} s of hits`);
    const primed = await getThroughEdge(new Agent(), served.hitUrl, served.hitRequest);
    if (primed.status !== 200 || primed.cache !== "Miss") throw new Error(`priming the cache got ${primed.status} X-Cache ${primed.cache}`);
    await loadEdge(served.hitUrl, [served.hitRequest], "Hit", 1);
    const hits = await loadEdge(served.hitUrl, [served.hitRequest], "Hit", seconds);

    const row = (label: string, result: LoadResult) => [
      label,
      String(result.requests),
      (result.requests / result.seconds).toFixed(0),
      percentile(result.sortedLatenciesMs, 0.5).toFixed(2),
      percentile(result.sortedLatenciesMs, 0.99).toFixed(2),
      result.sortedLatenciesMs[result.sortedLatenciesMs.length - 1].toFixed(2),
    ];
    printTable(
      `Local edge (own process) on ${EDGE_SAMPLE_KEY}, ${EDGE_CONCURRENCY} concurrent keep-alive clients for ${seconds} s after 1 s warm-up (misses cycle every preset and format)`,
      ["requests", "count", "req/s", "p50 ms", "p99 ms", "max ms"],
      [row("miss", misses), row("hit", hits)],
    );
    const hitP99 = percentile(hits.sortedLatenciesMs, 0.99);
    return [{ name: `hit p99 < ${TARGET_HIT_P99_MS} ms`, pass: hitP99 < TARGET_HIT_P99_MS, detail: `${hitP99.toFixed(2)} ms` }];
  } finally {
    await stop();
  }
}
