import { strict as assert } from "node:assert";
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { EXTREME_ORIGINALS, writeExtremeOriginals } from "../support/extreme-originals";

const run = promisify(execFile);

describe("extreme originals, answered in a child process with its peak RSS", function () {
  this.timeout(120_000);
  let dir: string;
  let answers: Map<string, { status: number; code: string | null; peakMB: number }>;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), "rendorix-extreme-"));
    await writeExtremeOriginals(dir);
    const child = join(__dirname, "../support/peak-rss-child.ts");
    const keys = EXTREME_ORIGINALS.map((original) => original.key);
    // The widest preset: the 50,000,000 x 1 PNG took 1.4 GB on its way to an answer with it.
    const { stdout } = await run(process.execPath, ["--import", "tsx", child, dir, "w1600", ...keys], { timeout: 100_000 });
    answers = new Map(stdout.trim().split("\n").map((line) => {
      const answer = JSON.parse(line);
      return [answer.key, answer];
    }));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const original of EXTREME_ORIGINALS) {
    it(`${original.key}: ${original.status} ${original.code ?? ""} within ${original.maxPeakMB} MB`, () => {
      const answer = answers.get(original.key)!;
      assert.deepEqual([answer.status, answer.code], [original.status, original.code]);
      assert.ok(answer.peakMB <= original.maxPeakMB, `peak ${answer.peakMB} MB above idle, limit ${original.maxPeakMB} MB`);
    });
  }
});
