import type http from "node:http";
import { promisify } from "node:util";
import zlib from "node:zlib";
import { readLimitedBody } from "../../simulator/host/body.js";
import {
  badGzip,
  badLines,
  type ListenerError,
  methodNotAllowed,
  requestTooLarge,
  tokenMissing,
  tokenNotValid,
} from "./errors.js";
import { MAX_DECOMPRESSED_BYTES, MAX_REQUEST_BYTES } from "./limits.js";
import { ingestLogs } from "./operations/ingestLogs.js";
import type { IndexedLog, LogzioAccount, LogzioStore } from "./store.js";

const gunzip = promisify(zlib.gunzip);

export interface ListenerRuntime {
  store: LogzioStore;
  now(): number;
  /** Called once per kept log, in body order, after it is stored. */
  indexed(account: LogzioAccount, log: IndexedLog): void;
}

/**
 * The listener's transport: `POST <any path>?token=T[&type=X]`, a body of one JSON log per line,
 * gzip when `Content-Encoding` says so. Token, size and encoding are checked here; the lines
 * themselves by the operation.
 */
export function createListenerHandler(rt: ListenerRuntime): http.RequestListener {
  return (req, res) => {
    handle(rt, req, res).catch((error: unknown) => {
      if (res.headersSent) return res.destroy();
      send(res, { status: 500, contentType: "text/plain", body: `listener failed: ${error}` });
    });
  };
}

async function handle(rt: ListenerRuntime, req: http.IncomingMessage, res: http.ServerResponse) {
  // The whole body is read (or drained past the limit) before answering, so a client still
  // sending never sees its connection reset instead of the answer.
  const body = await readLimitedBody(req, MAX_REQUEST_BYTES);
  if (req.method !== "POST") return send(res, methodNotAllowed(req.method ?? ""));

  const query = new URL(req.url ?? "/", "http://listener").searchParams;
  const token = query.get("token");
  if (!token) return send(res, tokenMissing());
  const account = rt.store.accountByShippingToken(token);
  if (!account) return send(res, tokenNotValid());
  if (body === undefined) return send(res, requestTooLarge(MAX_REQUEST_BYTES));

  let raw = body;
  const encoding = String(req.headers["content-encoding"] ?? "")
    .trim()
    .toLowerCase();
  if (encoding === "gzip") {
    try {
      raw = await gunzip(body, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
        return send(res, requestTooLarge(MAX_DECOMPRESSED_BYTES));
      }
      return send(res, badGzip((error as Error).message));
    }
  }

  const result = ingestLogs({
    accountId: account.accountId,
    body: raw.toString("utf8"),
    queryType: query.get("type") ?? undefined,
    nowMs: rt.now(),
    nextSeq: () => rt.store.nextSeq(),
  });
  for (const log of result.logs) {
    rt.store.add(log);
    rt.indexed(account, log);
  }
  const { successfulLines, ...bad } = result.counts;
  if (Object.values(bad).some((n) => n > 0)) return send(res, badLines(result.counts));
  // 200 with an empty body, as Logz.io answers a clean bulk.
  res.writeHead(200, { "content-length": "0" });
  res.end();
}

function send(res: http.ServerResponse, error: ListenerError): void {
  res.writeHead(error.status, {
    "content-type": error.contentType,
    "content-length": String(Buffer.byteLength(error.body)),
  });
  res.end(error.body);
}
