/**
 * npm run bench: the image Lambda and the local edge against their speed and memory targets, a file for
 * each section. This file reads the flags, runs the sections (or the child mode a section started it in)
 * and prints the targets.
 */
import { once } from "node:events";
import { readFileSync } from "node:fs";
import { availableParallelism, loadavg } from "node:os";
import { basename } from "node:path";
import { parseArgs } from "node:util";
import sharp from "sharp";
import { startLocalS3 } from "../tests/support/s3";
import { benchKeyring, PHOTO, S3_BUCKET, startChild, type Target } from "./support";
import { benchTransforms, benchTransformsPinned, describePlacement, type Placement, reportTransforms, transformsPlacement } from "./transforms";
import { benchColdStart, COLD_KEYS } from "./cold-start";
import { benchQuality } from "./bytes-at-quality";
import { benchPeakRss, reportWarmRss } from "./peak-rss";
import { benchLocalEdge, serveEdges } from "./local-edge";

const SECTIONS = ["transforms", "cold", "quality", "rss", "edge"] as const;
type Section = (typeof SECTIONS)[number];
const USAGE = `usage: npm run bench -- [--quick] [--iterations N] [--only ${SECTIONS.join(",")}]`;

interface BenchSettings {
  iterations: number;
  coldProcesses: number;
  warmCalls: number;
  loadSeconds: number;
}

const FULL: BenchSettings = { iterations: 11, coldProcesses: 7, warmCalls: 40, loadSeconds: 5 };
const QUICK: BenchSettings = { iterations: 3, coldProcesses: 3, warmCalls: 8, loadSeconds: 2 };

function printTargets(targets: Target[]): void {
  for (const target of targets) console.log(`${target.pass ? "PASS" : "FAIL"}  ${target.name}: ${target.detail}`);
}

/** Other processes on the machine skew every figure here, so the output says how busy it was. */
function loadAverage(): string {
  return `load average ${loadavg()[0].toFixed(2)} over the last minute on ${availableParallelism()} CPUs`;
}

/** Child mode: an S3 server holding the photo until stdin closes. It lives here, not in a section's file, because the transforms and cold sections both read from it. */
async function serveS3(): Promise<void> {
  const s3 = await startLocalS3([S3_BUCKET]);
  for (const key of [basename(PHOTO), ...COLD_KEYS]) await s3.put(S3_BUCKET, key, readFileSync(PHOTO));
  process.stdout.write(`${JSON.stringify({ endpoint: s3.endpoint })}\n`);
  process.stdin.resume();
  await once(process.stdin, "end");
  await s3.close();
}

function positiveWholeNumber(flag: string, value: string): number {
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new Error(`${flag} must be a whole number of at least 1`);
  return number;
}

function onlySections(list: string): Section[] {
  const names = list.split(",").map((name) => name.trim());
  for (const name of names) {
    if (!SECTIONS.includes(name as Section)) throw new Error(`--only takes a comma-separated list of ${SECTIONS.join(", ")}; got "${name}"`);
  }
  return SECTIONS.filter((section) => names.includes(section));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      iterations: { type: "string" },
      only: { type: "string", default: SECTIONS.join(",") },
      "rss-child": { type: "string" },
      refusal: { type: "string" },
      "edge-child": { type: "boolean", default: false },
      "s3-child": { type: "boolean", default: false },
      "transforms-child": { type: "boolean", default: false },
      "s3-endpoint": { type: "string" },
      placement: { type: "string" },
      calls: { type: "string", default: String(FULL.warmCalls) },
    },
    strict: true,
  });
  if (values["rss-child"] !== undefined) {
    await reportWarmRss(values["rss-child"], positiveWholeNumber("--calls", values.calls!), values.refusal);
    return;
  }
  if (values["edge-child"]) {
    await serveEdges();
    return;
  }
  if (values["s3-child"]) {
    await serveS3();
    return;
  }
  const settings = values.quick ? QUICK : FULL;
  const iterations = values.iterations === undefined ? settings.iterations : positiveWholeNumber("--iterations", values.iterations);
  if (values["transforms-child"]) {
    await reportTransforms(iterations, values["s3-endpoint"]!, JSON.parse(values.placement!) as Placement);
    return;
  }

  console.log(
    `Rendorix bench${values.quick ? " (quick)" : ""}: node ${process.version}, sharp ${sharp.versions.sharp}, libvips ${sharp.versions.vips}, ` +
      `libvips threads per image ${sharp.concurrency()}, sharp operation cache off; at start: ${loadAverage()}`,
  );
  const keyring = benchKeyring();
  const sections: Record<Section, () => Promise<Target[]>> = {
    transforms: async () => {
      const placement = transformsPlacement();
      const s3 = await startChild<{ endpoint: string }>("--s3-child", placement?.s3Cpu);
      const measured = placement
        ? benchTransformsPinned(placement, iterations, s3.served.endpoint)
        : benchTransforms(keyring, iterations, s3.served.endpoint, describePlacement(placement));
      return measured.finally(s3.stop);
    },
    cold: async () => {
      const s3 = await startChild<{ endpoint: string }>("--s3-child");
      return benchColdStart(keyring, settings.coldProcesses, s3.served.endpoint).finally(s3.stop);
    },
    quality: () => benchQuality(),
    rss: () => benchPeakRss(settings.warmCalls),
    edge: () => benchLocalEdge(settings.loadSeconds),
  };
  const targets: Target[] = [];
  for (const section of onlySections(values.only!)) targets.push(...(await sections[section]()));
  console.log(`\nTargets (reported, not enforced; at end: ${loadAverage()})`);
  printTargets(targets);
}

main().catch((error: Error) => {
  console.error(`bench failed: ${error.message}\n${USAGE}`);
  process.exit(1);
});
