import { promisify } from "node:util";
import zlib from "node:zlib";
import { type FetchHandler, readBodyUpTo } from "../../simulator/host/webHandler.js";
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
export function createListenerHandler(rt: ListenerRuntime): FetchHandler {
  return (request) => handle(rt, request);
}

async function handle(rt: ListenerRuntime, request: Request): Promise<Response> {
  // The whole body is read (or drained past the limit) before answering, so a client still
  // sending never sees its connection reset instead of the answer.
  const body = await readBodyUpTo(request, MAX_REQUEST_BYTES);
  if (request.method !== "POST") return send(methodNotAllowed(request.method));

  const query = new URL(request.url).searchParams;
  const token = query.get("token");
  if (!token) return send(tokenMissing());
  const account = rt.store.accountByShippingToken(token);
  if (!account) return send(tokenNotValid());
  if (body === undefined) return send(requestTooLarge(MAX_REQUEST_BYTES));

  let raw = body;
  const encoding = (request.headers.get("content-encoding") ?? "").trim().toLowerCase();
  if (encoding === "gzip") {
    try {
      raw = await gunzip(body, { maxOutputLength: MAX_DECOMPRESSED_BYTES });
    } catch (error) {
      if ((error as { code?: string }).code === "ERR_BUFFER_TOO_LARGE") {
        return send(requestTooLarge(MAX_DECOMPRESSED_BYTES));
      }
      return send(badGzip((error as Error).message));
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
  if (Object.values(bad).some((n) => n > 0)) return send(badLines(result.counts));
  // 200 with an empty body, as Logz.io answers a clean bulk.
  return new Response(null, { status: 200 });
}

function send(error: ListenerError): Response {
  return new Response(error.body, {
    status: error.status,
    headers: { "content-type": error.contentType },
  });
}
