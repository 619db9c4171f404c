import { strict as assert } from "node:assert";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { readStackOutputs, rollback, targetFromOutputs } from "../../tools/rollback";

const ROOT = join(__dirname, "../..");
const FUNCTION = "rendorix-image-function-3f2a1b0";
const ALIAS_ARN = `arn:aws:lambda:eu-west-1:123456789012:function:${FUNCTION}:live`;

interface Call {
  command: string;
  input: Record<string, unknown>;
}

interface LambdaState {
  primary: string;
  weights?: Record<string, number>;
  /** Published versions by page, as ListVersionsByFunction returns them. */
  pages: string[][];
}

/**
 * A real Lambda client whose requests stop before they leave: a middleware at the first step
 * records each command and answers from `state`. AWS is not reachable here.
 */
function stubbedLambda(state: LambdaState): { client: LambdaClient; calls: Call[] } {
  const client = new LambdaClient({ region: "eu-west-1", credentials: { accessKeyId: "test", secretAccessKey: "test" } });
  const calls: Call[] = [];
  const answers: Record<string, (input: Record<string, unknown>) => object> = {
    GetAliasCommand: () => ({
      AliasArn: ALIAS_ARN,
      Name: "live",
      FunctionVersion: state.primary,
      RevisionId: "revision-7",
      ...(state.weights ? { RoutingConfig: { AdditionalVersionWeights: state.weights } } : {}),
    }),
    ListVersionsByFunctionCommand: (input) => {
      const page = input.Marker === undefined ? 0 : Number(String(input.Marker).replace("page-", ""));
      const versions = ["$LATEST", ...state.pages[page]].map((Version) => ({ FunctionName: FUNCTION, Version }));
      return page + 1 < state.pages.length ? { Versions: versions, NextMarker: `page-${page + 1}` } : { Versions: versions };
    },
    UpdateAliasCommand: (input) => ({ AliasArn: ALIAS_ARN, Name: "live", FunctionVersion: input.FunctionVersion }),
  };
  client.middlewareStack.add(
    (_next, context) => async (args) => {
      const command = String(context.commandName);
      const input = args.input as Record<string, unknown>;
      calls.push({ command, input });
      return { output: { $metadata: {}, ...answers[command](input) }, response: {} };
    },
    { step: "initialize", name: "answerFromTestState" },
  );
  return { client, calls };
}

const getAlias: Call = { command: "GetAliasCommand", input: { FunctionName: FUNCTION, Name: "live" } };
const listFirstPage: Call = { command: "ListVersionsByFunctionCommand", input: { FunctionName: FUNCTION } };

describe("rollback of the live alias", () => {
  it("mid-canary: sends all traffic back to the version before the one being rolled out, clearing the weights", async () => {
    const { client, calls } = stubbedLambda({ primary: "41", weights: { "42": 0.1 }, pages: [["9", "10", "39"], ["40", "41", "42"]] });
    const report = await rollback({ functionName: FUNCTION, yes: true, lambda: () => client });
    assert.deepEqual(calls, [
      getAlias,
      listFirstPage,
      { command: "ListVersionsByFunctionCommand", input: { FunctionName: FUNCTION, Marker: "page-1" } },
      {
        command: "UpdateAliasCommand",
        input: { FunctionName: FUNCTION, Name: "live", FunctionVersion: "41", RoutingConfig: { AdditionalVersionWeights: {} }, RevisionId: "revision-7" },
      },
    ]);
    assert.match(report, /routes to version 41, with 10% to version 42\./);
    assert.match(report, /aws deploy stop-deployment/);
    assert.match(report, /Done: .*:live sends all traffic to version 41\./);
    assert.match(report, /still describes version 42.*\n.*git revert/);
  });

  it("after a finished deployment: the highest published version below the live one, by number", async () => {
    const { client, calls } = stubbedLambda({ primary: "10", pages: [["1", "2", "8", "10", "11"]] });
    await rollback({ functionName: FUNCTION, yes: true, lambda: () => client });
    assert.equal(calls.at(-1)?.input.FunctionVersion, "8", "9 was deleted, 11 never went live, and 8 < 10 as numbers");
  });

  it("is a dry run without --yes: it reads and says what it would do", async () => {
    const { client, calls } = stubbedLambda({ primary: "41", weights: { "42": 0.25 }, pages: [["40", "41", "42"]] });
    const report = await rollback({ functionName: FUNCTION, yes: false, lambda: () => client });
    assert.deepEqual(calls, [getAlias, listFirstPage]);
    assert.match(report, /Dry run: would send all traffic to version 41\. Run again with --yes/);
  });

  it("goes to a given published version, and refuses one that is not published", async () => {
    const given = stubbedLambda({ primary: "42", pages: [["38", "40", "42"]] });
    await rollback({ functionName: FUNCTION, to: "38", yes: true, lambda: () => given.client });
    assert.equal(given.calls.at(-1)?.input.FunctionVersion, "38");

    const missing = stubbedLambda({ primary: "42", pages: [["38", "40", "42"]] });
    await assert.rejects(rollback({ functionName: FUNCTION, to: "39", yes: true, lambda: () => missing.client }), /version 39 is not a published version of .*recent ones: 38, 40, 42/);
    assert.deepEqual(missing.calls, [getAlias, listFirstPage]);
  });

  it("changes nothing when live already sends everything to the target, or nothing older exists", async () => {
    const already = stubbedLambda({ primary: "40", pages: [["40", "41"]] });
    assert.match(await rollback({ functionName: FUNCTION, to: "40", yes: true, lambda: () => already.client }), /already sends all traffic to version 40; nothing to do/);
    assert.deepEqual(already.calls, [getAlias, listFirstPage]);

    const first = stubbedLambda({ primary: "1", pages: [["1"]] });
    await assert.rejects(rollback({ functionName: FUNCTION, yes: true, lambda: () => first.client }), /no published version older than 1/);
  });

  describe("finding the function from the stack", () => {
    it("takes the function, alias and region from the stack outputs", async () => {
      const { client, calls } = stubbedLambda({ primary: "5", pages: [["4", "5"]] });
      const regions: (string | undefined)[] = [];
      const report = await rollback({
        stack: "prod",
        yes: true,
        stackOutputs: async (stack) => (stack === "prod" ? { functionName: FUNCTION, functionAliasArn: ALIAS_ARN, baseUrl: "https://img.example.com" } : {}),
        lambda: (region) => {
          regions.push(region);
          return client;
        },
      });
      assert.deepEqual(regions, ["eu-west-1"]);
      assert.deepEqual(calls[0], getAlias);
      assert.match(report, /`pulumi refresh --stack prod`/);
    });

    it("says to pass --function when the stack has no such outputs", () => {
      assert.throws(() => targetFromOutputs({ baseUrl: "https://img.example.com" }, "prod"), /stack prod has no functionName and functionAliasArn outputs; pass --function NAME/);
    });

    it("asks the Pulumi CLI for the stack's outputs as JSON, from the project folder", async () => {
      const dir = mkdtempSync(join(tmpdir(), "rendorix-rollback-"));
      try {
        const pulumi = join(dir, "pulumi");
        writeFileSync(pulumi, "#!/usr/bin/env node\nconsole.log(JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd() }));\n");
        chmodSync(pulumi, 0o755);
        assert.deepEqual(await readStackOutputs("prod", pulumi), { argv: ["stack", "output", "--json", "--stack", "prod"], cwd: ROOT });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
