import type http from "node:http";
import type { Clock } from "../kernel/clock.js";
import type { ServiceEntry } from "./catalogue.js";
import type { FetchHandler } from "./webHandler.js";

/** The clock registration of each request being served, so a handler can lend it out. */
const requestWork = new WeakMap<
  http.IncomingMessage,
  { clock: Clock; label: string; done: () => void; closed: boolean }
>();

/**
 * Lets the clock advance while a request waits on something that holds the clock itself only
 * while busy (a synchronous Lambda invoke whose function sleeps on a virtual timer). Start the
 * work before calling this, so it is registered before the request's hold is released.
 */
export async function idleWhile<T>(req: http.IncomingMessage, pending: Promise<T>): Promise<T> {
  const work = requestWork.get(req);
  if (!work) return pending;
  work.done();
  try {
    return await pending;
  } finally {
    // A client that hung up meanwhile has closed the response: nothing is left to hold for.
    if (!work.closed) work.done = work.clock.beginWork(work.label);
  }
}

/** Emulator-only endpoints live under this prefix on every service, as in Firebase's emulators. */
export const ADMIN_PREFIX = "/_watermelon";

/** What a simulated service plugs into the host. */
export interface ServiceModule {
  /** The real API. Requests outside the admin prefix go here. */
  handler?: http.RequestListener;
  /** The same API as a web-standard handler, for in-process interception (msw). */
  fetch?: FetchHandler;
  /** Drops every piece of state (POST /_watermelon/reset). */
  reset?(): void | Promise<void>;
  /** The state as plain data (GET /_watermelon/state). */
  state?(): unknown;
  /** For the AWS emulator: LocalStack-style service states for /_localstack/health. */
  localstackServices?(): Record<string, string>;
  /** Told the service's own URLs once its ports are bound (e.g. for AWS_ENDPOINT_URL in Lambda). */
  onListening?(endpoint: { url: string; httpsUrl: string }): void;
  /**
   * The service runs elsewhere (LocalStack for AWS): no port is bound for it, its endpoint is this
   * URL, and the proxy forwards its host names there.
   */
  external?: { url: string };
  /** Releases what the service holds beyond its ports (worker threads, timers). */
  dispose?(): Promise<void>;
}

export function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  res.end(text);
}

function allow(req: http.IncomingMessage, res: http.ServerResponse, methods: string[]): boolean {
  if (methods.includes(req.method ?? "")) return true;
  res.setHeader("allow", methods.join(", "));
  sendJson(res, 405, {
    message: `${req.method} is not allowed on ${req.url}; use ${methods.join(" or ")}`,
  });
  return false;
}

/**
 * One request listener per service: admin endpoints first, then the service's API. Every request
 * is registered with the clock, whichever port or proxy tunnel it arrived through.
 */
export function createServiceListener(
  entry: ServiceEntry,
  module: ServiceModule,
  clock: Clock,
  version: string,
): http.RequestListener {
  const admin = async (req: http.IncomingMessage, res: http.ServerResponse, path: string) => {
    switch (path) {
      case `${ADMIN_PREFIX}/health`:
        if (!allow(req, res, ["GET", "HEAD"])) return;
        return sendJson(res, 200, {
          service: entry.role,
          title: entry.title,
          status: "running",
          hosts: entry.hosts,
          version,
        });
      case `${ADMIN_PREFIX}/reset`:
        if (!allow(req, res, ["POST"])) return;
        await module.reset?.();
        return sendJson(res, 200, { service: entry.role, reset: true });
      case `${ADMIN_PREFIX}/state`:
        if (!allow(req, res, ["GET"])) return;
        return sendJson(res, 200, { service: entry.role, state: module.state?.() ?? {} });
      case "/_localstack/health":
        if (!allow(req, res, ["GET", "HEAD"])) return;
        return sendJson(res, 200, {
          services: module.localstackServices?.() ?? {},
          edition: "community",
          version,
        });
      default:
        return sendJson(res, 404, {
          message: `no admin endpoint ${path}; try ${ADMIN_PREFIX}/health, ${ADMIN_PREFIX}/reset or ${ADMIN_PREFIX}/state`,
        });
    }
  };

  return (req, res) => {
    const label = `${entry.role} serving ${req.method} ${req.url}`;
    const work = { clock, label, done: clock.beginWork(label), closed: false };
    requestWork.set(req, work);
    res.once("close", () => {
      work.closed = true;
      work.done();
    });
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    const isAdmin =
      path.startsWith(`${ADMIN_PREFIX}/`) ||
      (entry.role === "aws" && path === "/_localstack/health");
    if (isAdmin) {
      admin(req, res, path).catch((error: unknown) => {
        if (!res.headersSent)
          sendJson(res, 500, { message: `admin ${path} failed: ${String(error)}` });
        else res.destroy();
      });
      return;
    }
    if (module.handler) return module.handler(req, res);
    sendJson(res, 404, {
      message: `${entry.title} has no route for ${req.method} ${path}`,
      service: entry.role,
    });
  };
}
