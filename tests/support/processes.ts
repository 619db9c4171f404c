import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { once } from "node:events";

/**
 * Child processes a test starts, each in its own process group: `tsx` runs the script in a node
 * grandchild, so killing only the direct child would leave the grandchild holding the event loop
 * (and mocha) open. Every file that starts one calls `stopProcesses` in `afterEach`, so a failed or
 * timed-out test still leaves nothing running.
 */
const running = new Set<ChildProcess>();

const GRACE_MS = 5_000;

export function startProcess(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { ...options, detached: true });
  running.add(child);
  child.once("exit", () => running.delete(child));
  return child;
}

/** Resolves with the sample URL a local edge prints once it serves; rejects with its output if it exits first. */
export function printedSampleUrl(child: ChildProcess): Promise<string> {
  let output = "";
  child.stderr!.on("data", (chunk) => (output += chunk));
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (chunk) => {
      output += chunk;
      const sample = /Sample URL[^:]*: (http\S+)/.exec(output);
      if (sample) resolve(sample[1]);
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
}

export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command to its end; a hang fails the test by mocha's timeout and `stopProcesses` ends it. */
export async function runProcess(command: string, args: string[], options: SpawnOptions = {}): Promise<Finished> {
  const child = startProcess(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk) => (stdout += chunk));
  child.stderr!.on("data", (chunk) => (stderr += chunk));
  const [code] = (await once(child, "close")) as [number | null];
  return { code, stdout, stderr };
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // The group is already gone.
  }
}

/** SIGTERM to each started process group still alive, SIGKILL to any that outlives the grace period. */
export async function stopProcesses(): Promise<void> {
  await Promise.all(
    [...running].map(async (child) => {
      signalGroup(child, "SIGTERM");
      const timer = setTimeout(() => signalGroup(child, "SIGKILL"), GRACE_MS);
      if (child.exitCode === null && child.signalCode === null) await once(child, "exit");
      clearTimeout(timer);
      // The script's own children may outlive a parent that exited on SIGTERM.
      signalGroup(child, "SIGKILL");
      running.delete(child);
    }),
  );
}
