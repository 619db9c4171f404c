import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Answers Secrets Manager's GetSecretValue (JSON 1.1 protocol) with `keyring`, recording each call's target. */
export async function startSecretsEndpoint(keyring: unknown): Promise<{ server: Server; endpoint: string; targets: string[] }> {
  const targets: string[] = [];
  const server = createServer((req, res) => {
    targets.push(String(req.headers["x-amz-target"]));
    req.resume().on("end", () => {
      res.writeHead(200, { "content-type": "application/x-amz-json-1.1" });
      res.end(JSON.stringify({ ARN: "arn:aws:secretsmanager:us-east-1:1:secret:k", Name: "k", SecretString: JSON.stringify(keyring) }));
    });
  });
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  return { server, endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, targets };
}
