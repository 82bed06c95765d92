import type http from "node:http";
import { Readable } from "node:stream";

/**
 * A service transport written once over web-standard `Request`/`Response`: the host serves it
 * through `toRequestListener`, and msw handlers call it unchanged for in-process interception.
 */
export type FetchHandler = (request: Request) => Promise<Response>;

/** Serves a fetch handler on a node http/https server. */
export function toRequestListener(handler: FetchHandler, service: string): http.RequestListener {
  return (req, res) => {
    let request: Request;
    try {
      request = toRequest(req);
    } catch (error) {
      req.resume();
      return void res
        .writeHead(400, { "content-type": "text/plain" })
        .end(`${service}: unreadable request: ${(error as Error).message}`);
    }
    handler(request)
      .then((response) => writeResponse(res, response))
      .catch((error: unknown) => {
        if (res.headersSent) return res.destroy();
        res.writeHead(500, { "content-type": "text/plain" }).end(`${service} failed: ${error}`);
      });
  };
}

function toRequest(req: http.IncomingMessage): Request {
  const raw = req.url ?? "/";
  // A plain proxy request carries an absolute URL; an origin request only the path.
  const url = /^https?:\/\//i.test(raw)
    ? raw
    : `${isEncrypted(req) ? "https" : "http"}://${req.headers.host ?? "localhost"}${raw}`;
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v);
  }
  const method = req.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  if (!hasBody) req.resume();
  return new Request(url, {
    method,
    headers,
    ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: "half" } : {}),
  } as RequestInit);
}

function isEncrypted(req: http.IncomingMessage): boolean {
  return (req.socket as { encrypted?: boolean }).encrypted === true;
}

async function writeResponse(res: http.ServerResponse, response: Response): Promise<void> {
  const body = response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
  const headers: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    headers[name] = value;
  });
  if (body !== undefined) headers["content-length"] = String(body.length);
  else if (response.status !== 204 && response.status !== 304) headers["content-length"] = "0";
  res.writeHead(response.status, headers);
  res.end(body);
}

/**
 * Reads a request body, or resolves undefined once it passes `limit`: the rest is drained and
 * dropped, so the client still gets the service's own "too large" answer rather than a reset.
 */
export async function readBodyUpTo(request: Request, limit: number): Promise<Buffer | undefined> {
  if (!request.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size <= limit) chunks.push(chunk);
    else chunks.length = 0;
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}

/** A response with a JSON body (or none, for `undefined`). */
export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Response {
  if (body === undefined) return new Response(null, { status, headers });
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });
}
