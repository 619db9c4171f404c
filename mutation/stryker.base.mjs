/**
 * What every part of `npm run mutate` shares. Each part mutates a few files and runs only the spec
 * files that exercise them, so a part takes minutes on a small machine; `mutation/summary.ts`
 * adds the parts up. See docs/mutation-testing.md.
 */
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const MOCHA_12_PATHS = fileURLToPath(new URL("./mocha-12-paths.cjs", import.meta.url));
// Stryker loads its mocha runner plugin after reading this file, in this process and in each child
// process it starts (which inherit the environment): resolve mocha 12's paths in all of them.
createRequire(import.meta.url)(MOCHA_12_PATHS);
process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ""} --require ${JSON.stringify(MOCHA_12_PATHS)}`.trim();

/**
 * @param {string} part name of the part; its reports go to reports/mutation/<part>/
 * @param {{ mutate: string[]; spec: string[] }} scope
 * @returns {import("@stryker-mutator/api/core").PartialStrykerOptions}
 */
export function mutationPart(part, scope) {
  return {
    packageManager: "npm",
    testRunner: "mocha",
    plugins: ["@stryker-mutator/mocha-runner"],
    mochaOptions: { spec: scope.spec },
    mutate: scope.mutate,
    // Each mutant runs only the tests that reached its code in the first run.
    coverageAnalysis: "perTest",
    // Mutants reached only while modules load (constants, the edge template cached on first use)
    // would each need a whole fresh run; they are counted as ignored, not as survivors.
    ignoreStatic: true,
    // The machine is shared: one test runner, and timeouts that tolerate a busy CPU.
    concurrency: 1,
    timeoutMS: 10_000,
    timeoutFactor: 2,
    ignorePatterns: ["dist", "lib", ".local", "reports"],
    tempDirName: `.stryker-tmp/${part}`,
    cleanTempDir: true,
    reporters: ["clear-text", "progress-append-only", "json", "html"],
    jsonReporter: { fileName: `reports/mutation/${part}/mutation.json` },
    htmlReporter: { fileName: `reports/mutation/${part}/index.html` },
    clearTextReporter: { allowEmojis: false, logTests: false, reportMutants: true, reportScoreTable: true },
    thresholds: { high: 85, low: 70, break: null },
  };
}
