/** The package's main entry: the components, their arguments, and the types to reach their children. */
export * from "./image-edge";
export * from "./lambda-canary";
export * from "./service-alarms";
export type { Transform, Transforms } from "./transform";
