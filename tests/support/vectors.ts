import { readFileSync } from "node:fs";
import { join } from "node:path";
import { nodeHmac } from "../../core/keyring";
import { parseRequest, verifySignature } from "../../core/url-signing";

export interface Vectors {
  keyring: { active: string; keys: Record<string, string> };
  now: number;
  maxUrlLifetimeSeconds: number;
  presets: string[];
  sign: { preset: string; key: string; exp: number; kid: string; stringToSign: string; sig: string; url: string }[];
  verify: { url: string; status: number | "signature-ok"; code: string | null; note: string }[];
}

export const vectorsPath = join(__dirname, "../../docs/url-signing-v1.vectors.json");
export const vectors: Vectors = JSON.parse(readFileSync(vectorsPath, "utf8"));

/** Runs the shared parse + verify core on a vector URL with the vectors' keyring and clock. */
export function verifyVectorUrl(url: string): { status: number | "signature-ok"; code: string | null } {
  const [path, query = ""] = url.split("?");
  const params = Object.fromEntries(new URLSearchParams(query));
  const parsed = parseRequest("GET", path, params, (name) => vectors.presets.includes(name));
  if (!parsed.ok) return { status: parsed.rejection.status, code: parsed.rejection.code };
  const keyText = vectors.keyring.keys[parsed.request.kid];
  const rejection = verifySignature(parsed.request, keyText, nodeHmac, vectors.now, vectors.maxUrlLifetimeSeconds);
  return rejection ? { status: rejection.status, code: rejection.code } : { status: "signature-ok", code: null };
}

