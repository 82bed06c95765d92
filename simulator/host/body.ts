import type http from "node:http";

/**
 * Reads a request body, or resolves undefined once it passes `limit`: the rest is drained and
 * dropped, so the client still gets the service's own "too large" answer.
 */
export function readLimitedBody(
  req: http.IncomingMessage,
  limit: number,
): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on("end", () => resolve(size > limit ? undefined : Buffer.concat(chunks)));
    req.on("error", reject);
  });
}
