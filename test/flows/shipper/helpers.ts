import http from "node:http";
import type { AddressInfo } from "node:net";
import { gunzipSync, gzipSync } from "node:zlib";

/** The event CloudWatch Logs hands the function: the payload JSON, gzipped, base64. */
export function awslogsEvent(payloadText: string) {
  return { awslogs: { data: gzipSync(Buffer.from(payloadText)).toString("base64") } };
}

export const CONTEXT = {
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:logzio-shipper",
};

export interface Received {
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A listener answering each POST with the next status of `statuses` (then the last one). */
export async function startListener(statuses: number[] = [200]) {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let body = Buffer.concat(chunks);
      if (req.headers["content-encoding"] === "gzip") body = gunzipSync(body);
      received.push({ path: req.url ?? "", headers: req.headers, body: body.toString("utf8") });
      res.statusCode = statuses[Math.min(received.length, statuses.length) - 1] ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
