import http from "node:http";
import type { Clock } from "../kernel/clock.js";
import { readLimitedBody } from "./body.js";
import type { ServiceEntry } from "./catalogue.js";
import {
  type Fault,
  type FaultRegistry,
  FaultSpecError,
  parseAdminFault,
  targetsOf,
} from "./faults.js";
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
  /**
   * The body the real service sends with `status` (429, 5xx), for a `status` fault that brings
   * none of its own; undefined: a generic body.
   */
  faultResponse?(status: number): { body: string; headers?: Record<string, string> } | undefined;
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

/** Admin request bodies are small: a fault is a few fields. */
const ADMIN_BODY_LIMIT = 64 * 1024;

const FAULTS_PATH = `${ADMIN_PREFIX}/faults`;

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  const body = await readLimitedBody(req, ADMIN_BODY_LIMIT);
  if (body === undefined) throw new FaultSpecError([{ path: "", message: "body over 64 KB" }]);
  const text = body.toString("utf8").trim();
  if (text === "") throw new FaultSpecError([{ path: "", message: "expected a JSON object" }]);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FaultSpecError([
      { path: "", message: `expected a JSON object: ${(error as Error).message}` },
    ]);
  }
}

/** GET, POST and DELETE under /_watermelon/faults: the faults of this service's targets. */
async function faultsAdmin(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  path: string,
  entry: ServiceEntry,
  faults: FaultRegistry | undefined,
): Promise<void> {
  if (!faults) {
    req.resume();
    return sendJson(res, 404, { message: "fault injection is not enabled on this host" });
  }
  const targets = targetsOf(entry.role);
  const mine = () => faults.list().filter((f) => targets.includes(f.target));
  if (path === FAULTS_PATH) {
    if (!allow(req, res, ["GET", "POST", "DELETE"])) return void req.resume();
    if (req.method === "GET") return sendJson(res, 200, { service: entry.role, faults: mine() });
    if (req.method === "DELETE") {
      req.resume();
      for (const fault of mine()) faults.clear(fault.id);
      return void res.writeHead(204).end();
    }
    try {
      const { target, spec, options } = parseAdminFault(await readJson(req), entry.role);
      return sendJson(res, 201, faults.inject(target, spec, options));
    } catch (error) {
      if (error instanceof FaultSpecError) return sendJson(res, 400, { message: error.message });
      throw error;
    }
  }
  const id = decodeURIComponent(path.slice(FAULTS_PATH.length + 1));
  if (!allow(req, res, ["DELETE"])) return void req.resume();
  req.resume();
  if (!mine().some((f) => f.id === id)) {
    return sendJson(res, 404, { message: `no fault ${id} in force on ${entry.role}` });
  }
  faults.clear(id);
  res.writeHead(204).end();
}

/** Header names in lower case, so a fault's own headers replace the defaults, not add to them. */
function lowerCased(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
}

/** Answers a request in a fault's stead, once the request has been read in full. */
function answerWithFault(
  req: http.IncomingMessage,
  res: http.ServerResponse,
  fault: Fault,
  module: ServiceModule,
  release: () => void,
): void {
  const afterRequest = (then: () => void) => {
    if (req.readableEnded) return then();
    req.once("end", then);
    req.once("error", () => {
      release();
      req.socket.destroy();
    });
    req.resume();
  };
  const spec = fault.spec;
  if (spec.kind === "status") {
    afterRequest(() => {
      const own = spec.body === undefined ? module.faultResponse?.(spec.status) : undefined;
      const body = spec.body ?? own?.body ?? `${http.STATUS_CODES[spec.status] ?? "Error"}\n`;
      const headers: Record<string, string | number> = lowerCased({
        "content-type": "text/plain; charset=utf-8",
        ...lowerCased(own?.headers),
        ...(spec.retryAfterSeconds !== undefined
          ? { "retry-after": String(spec.retryAfterSeconds) }
          : {}),
        ...lowerCased(spec.headers),
      });
      headers["content-length"] = Buffer.byteLength(body);
      res.writeHead(spec.status, headers);
      res.end(body);
    });
    return;
  }
  // "down" (and any kind meant for invocations): the connection drops without an answer. The
  // request's hold on the clock ends here, not whenever the socket's close is reported.
  afterRequest(() => {
    release();
    req.socket.destroy();
  });
}

/**
 * One request listener per service: admin endpoints first, then the faults in force for the
 * service, then the service's API. Every request is registered with the clock, whichever port or
 * proxy tunnel it arrived through.
 */
export function createServiceListener(
  entry: ServiceEntry,
  module: ServiceModule,
  clock: Clock,
  version: string,
  faults?: FaultRegistry,
): http.RequestListener {
  const admin = async (req: http.IncomingMessage, res: http.ServerResponse, path: string) => {
    if (path === FAULTS_PATH || path.startsWith(`${FAULTS_PATH}/`)) {
      return faultsAdmin(req, res, path, entry, faults);
    }
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
          message: `no admin endpoint ${path}; try ${ADMIN_PREFIX}/health, ${ADMIN_PREFIX}/reset, ${ADMIN_PREFIX}/state or ${FAULTS_PATH}`,
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
    const fault = faults?.match(entry.role, { method: req.method ?? "GET", path });
    if (fault) {
      return answerWithFault(req, res, fault, module, () => {
        work.closed = true;
        work.done();
      });
    }
    if (module.handler) return module.handler(req, res);
    sendJson(res, 404, {
      message: `${entry.title} has no route for ${req.method} ${path}`,
      service: entry.role,
    });
  };
}
