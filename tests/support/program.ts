import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { captureProgram, type InlineProgram, readStackConfigFile } from "../../check/capture";
import type { CapturedProgram, CapturedResource, CheckMode } from "../../check/model";
import { IMAGE_FUNCTION_ZIP, KEY_ROTATION_FUNCTION_ZIP } from "../../components/image-edge";
import { bundleImageFunction } from "../../tools/bundle-image-fn";
import { bundleKeyRotationFunction } from "../../tools/bundle-key-rotation-fn";

export const PROJECT_DIR = resolve(__dirname, "../..");

/** The program needs the Lambda bundles `npm run build` makes; build them once when a fresh clone lacks them. */
export async function ensureLambdaBundles(): Promise<void> {
  if (!existsSync(join(PROJECT_DIR, IMAGE_FUNCTION_ZIP))) await bundleImageFunction(join(PROJECT_DIR, "dist", "image-fn"));
  if (!existsSync(join(PROJECT_DIR, KEY_ROTATION_FUNCTION_ZIP))) await bundleKeyRotationFunction(join(PROJECT_DIR, "dist", "key-rotation-fn"));
}

const PROGRAM = join(PROJECT_DIR, "index.ts");

/** Captures of the program with a stack's own config, shared by the suites that only read them. */
const stackCaptures = new Map<string, Promise<CapturedProgram>>();

/** Captures `index.ts` (or another program) with a stack's config from its `Pulumi.<stack>.yaml`. */
export async function captureStack(stack: string, mode: CheckMode, program = PROGRAM, configOverrides: Record<string, string> = {}): Promise<CapturedProgram> {
  const plain = program === PROGRAM && Object.keys(configOverrides).length === 0;
  const cacheKey = `${stack}:${mode}`;
  if (plain && stackCaptures.has(cacheKey)) return stackCaptures.get(cacheKey)!;
  const capture = (async () => {
    await ensureLambdaBundles();
    const config = { ...readStackConfigFile(PROJECT_DIR, stack), ...configOverrides };
    return captureProgram({ program, project: "rendorix", stack, mode, config });
  })();
  if (plain) stackCaptures.set(cacheKey, capture);
  return capture;
}

/** Captures a program given as a function (a component as a test calls it), with a stack's config. */
export async function captureInline(program: InlineProgram, mode: CheckMode = "update", stack = "dev"): Promise<CapturedProgram> {
  return captureProgram({ program, project: "rendorix", stack, mode, config: readStackConfigFile(PROJECT_DIR, stack) });
}

export function resourcesOfType(program: CapturedProgram, type: string): CapturedResource[] {
  return program.resources.filter((resource) => resource.type === type);
}

export function onlyResourceOfType(program: CapturedProgram, type: string): CapturedResource {
  const found = resourcesOfType(program, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

/** True when `resource`'s property `property` was computed from `source`. */
export function dependsThrough(resource: CapturedResource, property: string, source: CapturedResource): boolean {
  return (resource.propertyDependencies[property] ?? []).includes(source.urn);
}

export type StackCaptures = Record<string, { preview: CapturedProgram; update: CapturedProgram }>;

/** Captures our program for each stack in both modes, filling `into` (for use in a mocha `before`). */
export async function captureStacks(stacks: readonly string[], into: StackCaptures): Promise<void> {
  for (const stack of stacks) into[stack] = { preview: await captureStack(stack, "preview"), update: await captureStack(stack, "update") };
}
