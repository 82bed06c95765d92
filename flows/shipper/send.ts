import http from "node:http";
import https from "node:https";
import {
  badLogs,
  maxRetries,
  PythonError,
  readTimeout,
  unauthorized,
  unknownUrl,
  urlError,
} from "./errors.js";
import type { ShipperLogger } from "./logger.js";

/** Attempts per bulk, and the delay before the second (doubled before each retry: 4, 8, 16 s). */
export const MAX_ATTEMPTS = 4;
export const FIRST_SLEEP_SECONDS = 2;

/** The listener's answer to one POST: urllib only looks at the status and its reason phrase. */
export interface PostResult {
  status: number;
  reason: string;
}

/** One POST of a bulk. Network failures and timeouts reject (with URLError / TimeoutError). */
export type PostBulk = (body: Uint8Array, headers: Record<string, string>) => Promise<PostResult>;

export type Sleep = (ms: number) => Promise<void>;

/** The Lambda runtime's timers: virtual time inside the simulator's emulator. */
export const runtimeSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * `LogzioShipper.retry(do_request)`: 2xx succeeds; 400, 401 and 404 end at once with their own
 * exception; any other status is logged and retried; errors that are not HTTP statuses
 * (refused connection, unknown host, timeouts) propagate at once, without retry.
 */
export async function postWithRetry(
  post: PostBulk,
  body: Uint8Array,
  headers: Record<string, string>,
  log: ShipperLogger,
  sleep: Sleep,
): Promise<void> {
  let sleepSeconds = FIRST_SLEEP_SECONDS;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) {
      sleepSeconds *= 2;
      log.info(`Failure in sending logs - Trying again in ${sleepSeconds} seconds`);
      await sleep(sleepSeconds * 1000);
    }
    log.info(`About to send ${body.byteLength} bytes`);
    const { status, reason } = await post(body, headers);
    if (status >= 200 && status < 300) return;
    if (status === 400) throw badLogs(reason);
    if (status === 401) throw unauthorized();
    if (status === 404) throw unknownUrl();
    log.error(`Unknown HTTP exception: HTTP Error ${status}: ${reason}`);
  }
  throw maxRetries();
}

/**
 * `_send_to_logzio`: a 400 drops the bulk and the invocation goes on; everything else that is
 * not a success is logged and fails the invocation.
 */
export async function sendBulk(
  post: PostBulk,
  body: Uint8Array,
  headers: Record<string, string>,
  count: number,
  log: ShipperLogger,
  sleep: Sleep,
): Promise<void> {
  try {
    await postWithRetry(post, body, headers, log, sleep);
    log.info(`Successfully sent bulk of ${count} logs to Logz.io!`);
  } catch (error) {
    const name = (error as Error).name;
    if (name === "MaxRetriesException") {
      log.error("Retry limit reached. Failed to send log entry.");
    } else if (name === "BadLogsException") {
      log.error(
        `Got 400 code from Logz.io. This means that some of your logs are too big, or badly formatted. response: ${(error as Error).message}`,
      );
      log.warning("Dropping logs that cause the bad response...");
      return;
    } else if (name === "UnauthorizedAccessException") {
      log.error("You are not authorized with Logz.io! Token OK? dropping logs...");
    } else if (name === "UnknownURL") {
      log.error("Please check your url...");
    } else {
      log.error((error as Error).message);
    }
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------

const ERRNO: Record<string, string> = {
  ECONNREFUSED: "[Errno 111] Connection refused",
  ECONNRESET: "[Errno 104] Connection reset by peer",
  EHOSTUNREACH: "[Errno 113] No route to host",
  ENETUNREACH: "[Errno 101] Network is unreachable",
  ENOTFOUND: "[Errno -2] Name or service not known",
  EAI_AGAIN: "[Errno -3] Temporary failure in name resolution",
};

interface Target {
  module: typeof http | typeof https;
  hostname: string;
  port: number;
  path: string;
}

/**
 * The URL as urllib splits it: scheme, host[:port], and the rest verbatim as the request
 * target (a LISTENER_URL ending in "/" gives "//?token=...", as in Python).
 */
export function requestTarget(url: string): Target {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s.exec(url);
  const scheme = match?.[1]?.toLowerCase();
  if (!match || (scheme !== "http" && scheme !== "https")) {
    throw urlError(`unknown url type: ${match?.[1] ?? url.split(":")[0]}`);
  }
  const authority = new URL(`${scheme}://${match[2]}/`);
  const secure = scheme === "https";
  const rest = match[3] ?? "";
  return {
    module: secure ? https : http,
    hostname: authority.hostname.replace(/^\[(.*)\]$/, "$1"),
    port: authority.port === "" ? (secure ? 443 : 80) : Number(authority.port),
    path: rest.startsWith("/") ? rest : `/${rest}`,
  };
}

function asPythonError(error: unknown, connected: boolean): Error {
  if (error instanceof PythonError) return error;
  const code = (error as { code?: string }).code ?? "";
  const reason = ERRNO[code] ?? (error as Error).message;
  // Once connected, a failure is the raw socket error urllib lets through.
  return connected ? new PythonError("ConnectionError", reason) : urlError(reason);
}

/**
 * POSTs with node:http(s), one connection per request as urllib does (Connection: close).
 * REQUEST_TIMEOUT runs on the runtime's timers: a connect that takes longer is a URLError,
 * a response that takes longer a TimeoutError; neither is retried.
 */
export function httpPost(url: string, timeoutSeconds: number): PostBulk {
  const target = requestTarget(url);
  return (body, headers) =>
    new Promise<PostResult>((resolve, reject) => {
      let connected = false;
      let settled = false;
      const finish = (outcome: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        outcome();
      };
      const request = target.module.request({
        hostname: target.hostname,
        port: target.port,
        path: target.path,
        method: "POST",
        agent: false,
        headers: {
          "Accept-Encoding": "identity",
          "Content-Length": String(body.byteLength),
          ...headers,
          Connection: "close",
        },
      });
      const timer = setTimeout(() => {
        const error = connected ? readTimeout() : urlError("timed out");
        finish(() => reject(error));
        request.destroy(error);
      }, timeoutSeconds * 1000);
      request.on("socket", (socket) => {
        if (!socket.connecting) connected = true;
        else socket.once("connect", () => (connected = true));
      });
      request.on("error", (error) => finish(() => reject(asPythonError(error, connected))));
      request.on("response", (response) => {
        const result = { status: response.statusCode ?? 0, reason: response.statusMessage ?? "" };
        // The body is read to its end so the exchange is over before the function goes on.
        response.resume();
        response.on("end", () => finish(() => resolve(result)));
        response.on("error", (error) => finish(() => reject(asPythonError(error, true))));
        response.on("close", () => finish(() => resolve(result)));
      });
      request.end(body);
    });
}
