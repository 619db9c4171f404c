/**
 * Stryker's mocha runner (9.6, the last release for Node 20) requires mocha's CLI helpers by their
 * paths before mocha 12 (`mocha/lib/cli/options`, `run-helpers`, `collect-files`); mocha 12 ships
 * them as `.cjs` files with the same exports. Loaded with `--require` in Stryker's process and its
 * test-runner processes, this resolves those extensionless paths to the `.cjs` files.
 */
const Module = require("node:module");

const MOCHA_CLI_HELPER = /[\\/]mocha[\\/]lib[\\/]cli[\\/][a-z-]+$/;
const resolveFilename = Module._resolveFilename;

Module._resolveFilename = function (request, ...rest) {
  return resolveFilename.call(this, MOCHA_CLI_HELPER.test(request) ? `${request}.cjs` : request, ...rest);
};
