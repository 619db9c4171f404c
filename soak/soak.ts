/**
 * npm run soak: mixed hits and misses against a local edge in a child process, in rounds separated by
 * idle time, printing throughput, latency, errors and the edge's RSS at start, peak and after idle.
 * RSS after idle that keeps growing from round to round is fragmentation, not a cache: the cache is
 * bounded and the same in every round.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:http";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { once } from "node:events";
import { parseArgs } from "node:util";
import { IMAGE_FUNCTION_MALLOC_ARENA_MAX, LOCAL_EDGE_MALLOC_ARENA_MAX } from "../components/image-edge";
import { runCli, textTable } from "../cli/support";
import { parseDuration } from "../core/durations";
import { parseKeyring } from "../core/keyring";
import { signUrl } from "../core/sign-url";
import { SOAK_PHOTOS } from "./settings";

const USAGE =
  "usage: npm run soak -- [--duration 60s] [--connections 32] [--rounds 3] [--idle 10s] [--miss-ratio 0.2] [--malloc-arena-max N|default] [--sharp-concurrency N|default] [--sequential N [--sample-every 250]]";
const PRESETS = ["thumb", "w400", "w800", "og"];
const ACCEPTS = ["image/avif,image/webp,*/*", "image/webp,*/*", "*/*"];
const HOT_KEYS = 24;

const megabytes = (pid: number, field: "VmRSS" | "VmHWM") =>
  Math.round(Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, "utf8"))![1]) / 1024);

/** The memory settings under test, as the environment of a soak process. */
function soakEnv(keyringText: string, arenas: string, threads: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, SOAK_KEYRING: keyringText, ...extra };
  if (arenas === "default") delete env.MALLOC_ARENA_MAX;
  else env.MALLOC_ARENA_MAX = arenas;
  if (threads === "default") delete env.SOAK_SHARP_CONCURRENCY;
  else env.SOAK_SHARP_CONCURRENCY = threads;
  return env;
}

function startEdge(env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "edge.ts")], { env, stdio: ["ignore", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    child.stdout!.once("data", (chunk: Buffer) => resolve({ child, url: chunk.toString().trim() }));
    child.once("exit", (code) => reject(new Error(`the soak edge exited ${code}`)));
  });
}

/**
 * The Lambda-like run: one process serving `requests` transforms one after another; prints its RSS
 * every `sampleEvery` requests and how much it grew over the second half of the run.
 */
async function sequentialRun(env: NodeJS.ProcessEnv, requests: number, sampleEvery: number, label: string): Promise<void> {
  const child = spawn(process.execPath, ["--import", "tsx", join(__dirname, "sequential.ts")], {
    env: { ...env, SOAK_REQUESTS: String(requests), SOAK_SAMPLE_EVERY: String(sampleEvery) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const samples: number[][] = [];
  const started = performance.now();
  for await (const line of createInterface({ input: child.stdout! })) {
    const sample = /^RSS (\d+) (\d+) (\d+)$/.exec(line);
    if (sample) {
      samples.push([Number(sample[1]), Number(sample[2]), Number(sample[3]), (performance.now() - started) / 1000]);
      process.stderr.write(`[soak] ${sample[1]} of ${requests} requests: RSS ${sample[2]} MB\n`);
    }
  }
  const [code] = await once(child, "close");
  if (code !== 0) throw new Error(`the sequential soak process exited ${code}`);
  console.log(`soak --sequential: ${requests} requests one after another in one process (every test photo, default preset and format), ${label}`);
  console.log(textTable(["requests", "RSS MB", "peak RSS MB", "seconds"], samples.map(([n, rss, peak, seconds]) => [String(n), String(rss), String(peak), seconds.toFixed(0)])));
  const half = samples.find(([n]) => n >= requests / 2)!;
  const last = samples[samples.length - 1];
  const growth = (last[1] - half[1]) / half[1];
  console.log(`RSS over the second half: ${half[1]} -> ${last[1]} MB (${(growth * 100).toFixed(1)} %; target 15 %): ${growth <= 0.15 ? "PASS" : "FAIL"}`);
  if (growth > 0.15) process.exitCode = 1;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))];
}

runCli(USAGE, async () => {
  const { values } = parseArgs({
    options: {
      duration: { type: "string", default: "60s" },
      connections: { type: "string", default: "32" },
      rounds: { type: "string", default: "3" },
      idle: { type: "string", default: "10s" },
      "miss-ratio": { type: "string", default: "0.2" },
      "malloc-arena-max": { type: "string" },
      "sharp-concurrency": { type: "string", default: "default" },
      sequential: { type: "string" },
      "sample-every": { type: "string", default: "250" },
    },
    strict: true,
  });
  const durationMs = parseDuration(values.duration!, "--duration") * 1000;
  const idleMs = parseDuration(values.idle!, "--idle") * 1000;
  const connections = Number(values.connections);
  const rounds = Number(values.rounds);
  const missRatio = Number(values["miss-ratio"]);
  if (!Number.isInteger(connections) || connections < 1 || connections > 256) throw new Error("--connections must be a whole number from 1 to 256");
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 10) throw new Error("--rounds must be a whole number from 1 to 10");
  if (!(missRatio >= 0 && missRatio <= 1)) throw new Error("--miss-ratio must be a number from 0 to 1");
  // Each run measures what its process runs with unless told otherwise: npm start's setting, or the Lambda's.
  values["malloc-arena-max"] ??= values.sequential === undefined ? LOCAL_EDGE_MALLOC_ARENA_MAX : IMAGE_FUNCTION_MALLOC_ARENA_MAX;
  if (!/^([1-9][0-9]?|default)$/.test(values["malloc-arena-max"]!)) throw new Error("--malloc-arena-max must be 1 to 99 or default");
  if (!/^([1-9]|default)$/.test(values["sharp-concurrency"]!)) throw new Error("--sharp-concurrency must be 1 to 9 or default");

  const keyringText = JSON.stringify({ active: "soak", keys: { soak: randomBytes(32).toString("base64") } });
  const keyring = parseKeyring(keyringText, "soak keyring");
  const env = soakEnv(keyringText, values["malloc-arena-max"]!, values["sharp-concurrency"]!);
  const settings = `MALLOC_ARENA_MAX=${values["malloc-arena-max"]}, sharp.concurrency ${values["sharp-concurrency"]}`;
  if (values.sequential !== undefined) {
    const requests = Number(values.sequential);
    const sampleEvery = Number(values["sample-every"]);
    if (!Number.isInteger(requests) || requests < 2) throw new Error("--sequential must be a whole number of at least 2");
    if (!Number.isInteger(sampleEvery) || sampleEvery < 1 || sampleEvery > requests / 2) throw new Error("--sample-every must be a whole number from 1 to half of --sequential");
    await sequentialRun(env, requests, sampleEvery, settings);
    return;
  }
  const { child, url } = await startEdge(env);
  const pid = child.pid!;
  const { port } = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  let unique = 0;
  const rows: string[][] = [];
  const afterIdle: number[] = [];
  try {
    for (let round = 1; round <= rounds; round++) {
      const startRss = megabytes(pid, "VmRSS");
      writeFileSync(`/proc/${pid}/clear_refs`, "5");
      const latencies: number[] = [];
      // What each failed request got: its status and the contract's error code, or the socket error.
      const errors = new Map<string, number>();
      const deadline = Date.now() + durationMs;
      const one = (path: string, accept: string) =>
        new Promise<string>((resolve) => {
          request({ host: "127.0.0.1", port, path, agent, headers: { accept } }, (res) => {
            if (res.statusCode === 200) {
              res.resume();
              res.on("end", () => resolve("200"));
              return;
            }
            let body = "";
            res.on("data", (chunk) => (body += chunk));
            res.on("end", () => resolve(`${res.statusCode} ${/"error":"([^"]+)"/.exec(body)?.[1] ?? ""}`.trim()));
          })
            .on("error", (error: NodeJS.ErrnoException) => resolve(`no response (${error.code ?? error.message})`))
            .end();
        });
      const loop = async () => {
        while (Date.now() < deadline) {
          const photo = SOAK_PHOTOS[Math.floor(Math.random() * SOAK_PHOTOS.length)];
          const miss = Math.random() < missRatio;
          const key = `v/${miss ? HOT_KEYS + ++unique : Math.floor(Math.random() * HOT_KEYS)}/${photo}`;
          const preset = PRESETS[Math.floor(Math.random() * PRESETS.length)];
          const path = signUrl({ baseUrl: "", preset, key, ttlSeconds: 3600, keyring });
          const started = performance.now();
          const status = await one(path, ACCEPTS[Math.floor(Math.random() * ACCEPTS.length)]);
          latencies.push(performance.now() - started);
          if (status !== "200") errors.set(status, (errors.get(status) ?? 0) + 1);
        }
      };
      await Promise.all(Array.from({ length: connections }, loop));
      const peakRss = megabytes(pid, "VmHWM");
      await new Promise((resolve) => setTimeout(resolve, idleMs));
      const idleRss = megabytes(pid, "VmRSS");
      afterIdle.push(idleRss);
      latencies.sort((a, b) => a - b);
      rows.push([
        String(round),
        (latencies.length / (durationMs / 1000)).toFixed(1),
        percentile(latencies, 50).toFixed(0),
        percentile(latencies, 99).toFixed(0),
        [...errors].map(([status, count]) => `${count} x ${status}`).join(", ") || "0",
        String(startRss),
        String(peakRss),
        String(idleRss),
      ]);
    }
  } finally {
    agent.destroy();
    child.kill("SIGTERM");
  }
  console.log(
    `soak: ${values.duration} x ${rounds} rounds, ${connections} connections, ${Math.round(missRatio * 100)} % misses, ${settings}`,
  );
  console.log(textTable(["round", "req/s", "p50 ms", "p99 ms", "errors", "RSS start MB", "RSS peak MB", "RSS after idle MB"], rows));
  const spread = (Math.max(...afterIdle) - Math.min(...afterIdle)) / Math.min(...afterIdle);
  const flat = spread <= 0.15;
  console.log(`RSS after idle across rounds: ${afterIdle.join(" / ")} MB, spread ${(spread * 100).toFixed(1)} % (target 15 %): ${flat ? "PASS" : "FAIL"}`);
  if (!flat) process.exitCode = 1;
});
