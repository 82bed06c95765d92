/**
 * The bootstrap of one Lambda execution environment, run as a worker thread: it plays the part of
 * the Node.js runtime interface client (handler loading, context, callbacks, console format,
 * error payloads) and puts the function on the simulator's clock.
 *
 * It must stay self-contained (Node built-ins only, types from our modules): it is loaded as a
 * file of its own, compiled or transpiled, never through the simulator's module graph.
 */
import { createHook } from "node:async_hooks";
import fs from "node:fs";
import http from "node:http";
import { createRequire, syncBuiltinESMExports } from "node:module";
import path from "node:path";
import timers from "node:timers";
import timersPromises from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import util from "node:util";
import { type MessagePort, workerData } from "node:worker_threads";
import zlib from "node:zlib";
import type { InvokeMessage, MainToWorker, WorkerBoot, WorkerToMain } from "./protocol.js";
import type { FunctionErrorPayload } from "./types.js";

type AnyFunction = (...args: unknown[]) => unknown;
type Mutable = Record<string | symbol, unknown>;

const data = workerData as { port: MessagePort; boot: WorkerBoot };
const { port, boot } = data;
// workerData is reachable from the function's code: keep the private port out of its reach.
delete (data as Partial<typeof data>).port;

// Captured before the function's code can replace any of them.
const RealDate = Date;
const realSetInterval = globalThis.setInterval;
const realSetImmediate = globalThis.setImmediate;
const realFetch = globalThis.fetch;
const jsonStringify = JSON.stringify;
const jsonParse = JSON.parse;
const format = util.format;
const isNativeError = util.types.isNativeError;
const postMessage = port.postMessage.bind(port);
const requireFromRuntime = createRequire(import.meta.url);
const runtimeEntry = fileURLToPath(import.meta.url);

function post(message: WorkerToMain): void {
  postMessage(message);
}

// ---------------------------------------------------------------------------------------------
// Time. Date, timers and performance.now read the virtual time the main thread last sent; the
// clock only moves while this worker is settled, so "now" cannot go stale while code runs.

let virtualNow = boot.now;
const timeOrigin = boot.now;

function now(): number {
  return boot.virtualTime ? virtualNow : RealDate.now();
}

const TIMEOUT_MAX = 2 ** 31 - 1;
const timerIdKey = Symbol("watermelon.timerId");

interface VirtualTimer {
  callback: AnyFunction;
  args: unknown[];
  delayMs: number;
  intervalMs?: number;
  ref: boolean;
}

const virtualTimers = new Map<number, VirtualTimer>();
let nextTimerId = 1;

/** Node's delay rules, except that below 1 ms means "now" rather than 1 ms of virtual time. */
function timerDelay(delay: unknown, repeat: boolean): number {
  const ms = Number(delay);
  if (ms > TIMEOUT_MAX) return 1;
  if (!(ms >= 1)) return repeat ? 1 : 0;
  return Math.trunc(ms);
}

function assertCallback(callback: unknown): asserts callback is AnyFunction {
  if (typeof callback !== "function") {
    const error = new TypeError(
      `The "callback" argument must be of type function. Received ${util.inspect(callback)}`,
    );
    (error as unknown as Mutable).code = "ERR_INVALID_ARG_TYPE";
    throw error;
  }
}

/** Stands in for Node's Timeout object: ref/unref/hasRef/refresh/close and numeric coercion. */
class VirtualTimeout {
  readonly [timerIdKey]: number;
  readonly #timer: VirtualTimer;
  constructor(id: number, timer: VirtualTimer) {
    this[timerIdKey] = id;
    this.#timer = timer;
  }
  ref(): this {
    this.#timer.ref = true;
    return this;
  }
  unref(): this {
    this.#timer.ref = false;
    return this;
  }
  hasRef(): boolean {
    return this.#timer.ref;
  }
  /** Re-arms from now, even after it fired (undici relies on that). */
  refresh(): this {
    const id = this[timerIdKey];
    virtualTimers.set(id, this.#timer);
    armTimer(id, this.#timer);
    return this;
  }
  close(): this {
    clearVirtualTimer(this);
    return this;
  }
  [Symbol.toPrimitive](): number {
    return this[timerIdKey];
  }
}

function armTimer(id: number, timer: VirtualTimer): void {
  post({ kind: "timerSet", timerId: id, delayMs: timer.delayMs, intervalMs: timer.intervalMs });
}

function createVirtualTimer(callback: unknown, delay: unknown, args: unknown[], repeat: boolean) {
  assertCallback(callback);
  const id = nextTimerId++;
  const delayMs = timerDelay(delay, repeat);
  const timer: VirtualTimer = { callback, args, delayMs, ref: true };
  if (repeat) timer.intervalMs = delayMs;
  virtualTimers.set(id, timer);
  armTimer(id, timer);
  return new VirtualTimeout(id, timer);
}

function clearVirtualTimer(handle: unknown): void {
  let id: number;
  if (handle instanceof VirtualTimeout) id = handle[timerIdKey];
  else if (typeof handle === "number" || typeof handle === "string") id = Number(handle);
  else return;
  if (virtualTimers.delete(id)) post({ kind: "timerClear", timerId: id });
}

function fireVirtualTimer(id: number): void {
  const timer = virtualTimers.get(id);
  if (!timer) return; // cleared while the firing was on its way
  if (timer.intervalMs === undefined) virtualTimers.delete(id);
  timer.callback(...timer.args);
}

function refTimerCount(): number {
  let count = 0;
  for (const timer of virtualTimers.values()) if (timer.ref) count++;
  return count;
}

function abortError(reason: unknown): Error {
  const error = new Error("The operation was aborted", { cause: reason });
  error.name = "AbortError";
  (error as unknown as Mutable).code = "ABORT_ERR";
  return error;
}

interface TimerPromiseOptions {
  signal?: AbortSignal;
  ref?: boolean;
}

function virtualSleep<T>(delay: unknown, value?: T, options: TimerPromiseOptions = {}): Promise<T> {
  const { signal } = options;
  return new Promise<T>((resolve, reject) => {
    if (signal?.aborted) {
      reject(abortError(signal.reason));
      return;
    }
    const onAbort = () => {
      clearVirtualTimer(handle);
      reject(abortError(signal?.reason));
    };
    const handle = createVirtualTimer(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve(value as T);
      },
      delay,
      [],
      false,
    );
    if (options.ref === false) handle.unref();
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function virtualIntervalIterator<T>(delay: unknown, value?: T, options: TimerPromiseOptions = {}) {
  const { signal } = options;
  let ticks = 0;
  let finished = false;
  let wake: (() => void) | undefined;
  const handle = createVirtualTimer(
    () => {
      ticks++;
      wake?.();
    },
    delay,
    [],
    true,
  );
  if (options.ref === false) handle.unref();
  signal?.addEventListener("abort", () => wake?.(), { once: true });
  const finish = () => {
    finished = true;
    clearVirtualTimer(handle);
  };
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      while (!finished && ticks === 0 && !signal?.aborted) {
        await new Promise<void>((resolve) => {
          wake = resolve;
        });
        wake = undefined;
      }
      if (signal?.aborted) {
        finish();
        throw abortError(signal.reason);
      }
      if (finished) return { done: true, value: undefined };
      ticks--;
      return { done: false, value: value as T };
    },
    async return() {
      finish();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]() {
      return iterator;
    },
  };
  return iterator;
}

/**
 * Timers always go through the simulator clock (virtual or real): that is also how the runtime
 * knows whether anything would keep Node's event loop alive.
 */
function installTimers(): void {
  const g = globalThis as unknown as Mutable;
  const setTimeoutVirtual = (callback: unknown, delay?: unknown, ...args: unknown[]) =>
    createVirtualTimer(callback, delay, args, false);
  const setIntervalVirtual = (callback: unknown, delay?: unknown, ...args: unknown[]) =>
    createVirtualTimer(callback, delay, args, true);
  Object.defineProperty(setTimeoutVirtual, util.promisify.custom, {
    value: (delay: unknown, value: unknown, options?: TimerPromiseOptions) =>
      virtualSleep(delay, value, options),
  });
  Object.defineProperty(setTimeoutVirtual, "name", { value: "setTimeout" });
  Object.defineProperty(setIntervalVirtual, "name", { value: "setInterval" });

  for (const target of [g, timers as unknown as Mutable]) {
    target.setTimeout = setTimeoutVirtual;
    target.setInterval = setIntervalVirtual;
    target.clearTimeout = clearVirtualTimer;
    target.clearInterval = clearVirtualTimer;
  }
  const promises = timersPromises as unknown as Mutable;
  promises.setTimeout = virtualSleep;
  promises.setInterval = virtualIntervalIterator;
  (timersPromises.scheduler as unknown as Mutable).wait = (
    delay: unknown,
    options?: TimerPromiseOptions,
  ) => virtualSleep(delay, undefined, options);

  (AbortSignal as unknown as Mutable).timeout = (delay: unknown) => {
    const controller = new AbortController();
    createVirtualTimer(
      () =>
        controller.abort(
          new DOMException("The operation was aborted due to timeout", "TimeoutError"),
        ),
      delay,
      [],
      false,
    ).unref();
    return controller.signal;
  };
}

/** On a virtual clock, every way of reading the time reads the simulator's. */
function installVirtualReads(): void {
  const g = globalThis as unknown as Mutable;

  // `Date()` and `new Date()` read the virtual now; every other form is the real Date's.
  function VirtualDate(this: unknown, ...args: unknown[]): unknown {
    if (!new.target) return new RealDate(now()).toString();
    return Reflect.construct(RealDate, args.length === 0 ? [now()] : args, new.target);
  }
  Object.defineProperties(VirtualDate, {
    prototype: { value: RealDate.prototype, writable: false },
    name: { value: "Date" },
    length: { value: 7 },
    now: { value: now, writable: true, configurable: true },
    parse: { value: RealDate.parse, writable: true, configurable: true },
    UTC: { value: RealDate.UTC, writable: true, configurable: true },
  });
  Object.defineProperty(RealDate.prototype, "constructor", {
    value: VirtualDate,
    writable: true,
    configurable: true,
  });
  g.Date = VirtualDate;

  (performance as unknown as Mutable).now = () => now() - timeOrigin;
  const hrtime = (previous?: [number, number]): [number, number] => {
    const elapsedNs = (now() - timeOrigin) * 1e6;
    let seconds = Math.floor(elapsedNs / 1e9);
    let nanos = elapsedNs - seconds * 1e9;
    if (previous) {
      seconds -= previous[0];
      nanos -= previous[1];
      if (nanos < 0) {
        seconds--;
        nanos += 1e9;
      }
    }
    return [seconds, nanos];
  };
  hrtime.bigint = () => BigInt(now() - timeOrigin) * 1_000_000n;
  (process as unknown as Mutable).hrtime = hrtime;
}

// ---------------------------------------------------------------------------------------------
// In-flight I/O. The worker is "busy" while an outgoing HTTP exchange or a libuv request (file
// system, DNS, crypto, connect) is pending; only an idle worker lets the simulator clock move.

let openIo = 0;
const pendingRequests = new Set<number>();
let idleWaiters: Array<() => void> = [];

function busy(): boolean {
  return openIo > 0 || pendingRequests.size > 0;
}

function wakeIfIdle(): void {
  if (busy() || idleWaiters.length === 0) return;
  const waiters = idleWaiters;
  idleWaiters = [];
  for (const wake of waiters) wake();
}

function whenIdle(): Promise<void> {
  if (!busy()) return Promise.resolve();
  return new Promise((resolve) => idleWaiters.push(resolve));
}

function beginIo(): () => void {
  openIo++;
  let ended = false;
  return () => {
    if (ended) return;
    ended = true;
    openIo--;
    wakeIfIdle();
  };
}

// One-shot libuv requests: created when the operation starts, destroyed once its callback ran.
const REQUEST_TYPES = new Set([
  "FSREQCALLBACK",
  "FSREQPROMISE",
  "FILEHANDLECLOSEREQ",
  "GETADDRINFOREQWRAP",
  "GETNAMEINFOREQWRAP",
  "QUERYWRAP",
  "TCPCONNECTWRAP",
  "PIPECONNECTWRAP",
]);

function isRequestType(type: string): boolean {
  if (type === "PROMISE") return false;
  return REQUEST_TYPES.has(type) || (type.endsWith("REQUEST") && type !== "HTTPCLIENTREQUEST");
}

function installIoTracking(): void {
  // Hooks must never throw (that aborts the thread) and never start async work themselves.
  createHook({
    init(asyncId, type) {
      if (isRequestType(type)) pendingRequests.add(asyncId);
    },
    destroy(asyncId) {
      if (pendingRequests.delete(asyncId)) wakeIfIdle();
    },
  }).enable();

  // Every http/https request passes through Agent#addRequest (also `agent: false`, which makes
  // a one-off Agent). The exchange is over when the response has been read or the request failed.
  const agentPrototype = http.Agent.prototype as unknown as {
    addRequest: (request: http.ClientRequest, ...rest: unknown[]) => unknown;
  };
  const addRequest = agentPrototype.addRequest;
  agentPrototype.addRequest = function (this: unknown, request, ...rest) {
    const end = beginIo();
    let responded = false;
    // Wrapping emit (not adding a "response" listener) keeps Node's rule that a response nobody
    // listens to is dumped, which is what lets it end.
    const emit = request.emit;
    request.emit = function (this: http.ClientRequest, event: string | symbol, ...args: unknown[]) {
      if (event === "response") {
        responded = true;
        const response = args[0] as http.IncomingMessage;
        response.once("end", end);
        response.once("close", end);
        response.once("error", end);
      }
      return emit.call(this, event, ...args);
    } as typeof request.emit;
    request.once("error", end);
    request.once("close", () => {
      if (!responded) end();
    });
    return addRequest.call(this, request, ...rest);
  };

  if (typeof realFetch === "function") {
    // The body is read before the clock is let go, and handed back in a fresh Response.
    (globalThis as unknown as Mutable).fetch = async function fetch(
      input: string | URL | Request,
      init?: RequestInit,
    ) {
      const end = beginIo();
      try {
        const response = await realFetch(input, init);
        const body = await response.arrayBuffer();
        const method = (
          init?.method ?? (input instanceof Request ? input.method : "GET")
        ).toUpperCase();
        const bodyless = [204, 205, 304].includes(response.status) || method === "HEAD";
        const copy = new Response(bodyless ? null : body, {
          status: response.status,
          statusText: response.statusText,
          headers: response.headers,
        });
        Object.defineProperty(copy, "url", { value: response.url });
        Object.defineProperty(copy, "redirected", { value: response.redirected });
        return copy;
      } finally {
        end();
      }
    };
  }

  // zlib's callback forms run on the thread pool through a stream handle, not a request.
  const zlibExports = zlib as unknown as Mutable;
  for (const name of [
    "deflate",
    "deflateRaw",
    "gzip",
    "gunzip",
    "inflate",
    "inflateRaw",
    "unzip",
    "brotliCompress",
    "brotliDecompress",
  ]) {
    const original = zlibExports[name] as AnyFunction;
    zlibExports[name] = function (this: unknown, ...args: unknown[]) {
      const last = args.length - 1;
      const callback = args[last];
      if (typeof callback !== "function") return original.apply(this, args);
      const end = beginIo();
      args[last] = (...results: unknown[]) => {
        end();
        return callback(...results);
      };
      return original.apply(this, args);
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Logs, in the Lambda text format.

function sanitize(text: string): string {
  let out = text;
  for (const [from, to] of boot.aliases) out = out.replaceAll(from, to);
  return out;
}

function emitLine(message: string): void {
  post({ kind: "log", timestamp: now(), message: sanitize(message) });
}

const REQUEST_ID = Symbol.for("aws.lambda.runtime.requestId");
let currentRequestId: string | undefined;

function logText(level: string, message: unknown, params: unknown[]): void {
  const time = new RealDate(now()).toISOString();
  emitLine(`${time}\t${currentRequestId}\t${level}\t${format(message, ...params)}\n`);
}

function installConsole(): void {
  const levels = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
  const wanted = process.env.AWS_LAMBDA_LOG_LEVEL?.toUpperCase() ?? "TRACE";
  const threshold = Math.max(0, levels.indexOf(wanted));
  const method = (level: string) =>
    levels.indexOf(level) >= threshold
      ? (message?: unknown, ...params: unknown[]) => logText(level, message, params)
      : () => {};
  const target = console as unknown as Mutable;
  target.trace = method("TRACE");
  target.debug = method("DEBUG");
  target.info = method("INFO");
  target.log = target.info;
  target.warn = method("WARN");
  target.error = method("ERROR");
  target.fatal = (message?: unknown, ...params: unknown[]) => logText("FATAL", message, params);

  // Raw writes to stdout/stderr are log lines of their own, split at newlines.
  for (const stream of [process.stdout, process.stderr]) {
    let partial = "";
    const flush = () => {
      if (partial !== "") emitLine(`${partial}\n`);
      partial = "";
    };
    streamFlushers.push(flush);
    (stream as unknown as Mutable).write = (chunk: unknown, ...rest: unknown[]) => {
      const encoding = typeof rest[0] === "string" ? (rest[0] as BufferEncoding) : "utf8";
      partial +=
        typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString(encoding);
      let newline = partial.indexOf("\n");
      while (newline !== -1) {
        emitLine(partial.slice(0, newline + 1));
        partial = partial.slice(newline + 1);
        newline = partial.indexOf("\n");
      }
      const callback = rest.find((arg) => typeof arg === "function") as AnyFunction | undefined;
      if (callback) process.nextTick(callback);
      return true;
    };
  }
}

const streamFlushers: Array<() => void> = [];

// ---------------------------------------------------------------------------------------------
// Errors, as the runtime interface client names and serializes them.

function runtimeErrorClass(name: string) {
  const RuntimeError = class extends Error {};
  // On the prototype, so the stack's first line carries it as the client's errors do.
  Object.defineProperty(RuntimeError.prototype, "name", {
    value: `Runtime.${name}`,
    writable: true,
    configurable: true,
  });
  return RuntimeError;
}

const ImportModuleError = runtimeErrorClass("ImportModuleError");
const HandlerNotFound = runtimeErrorClass("HandlerNotFound");
const MalformedHandlerName = runtimeErrorClass("MalformedHandlerName");
const UserCodeSyntaxError = runtimeErrorClass("UserCodeSyntaxError");
const UnhandledPromiseRejection = runtimeErrorClass("UnhandledPromiseRejection");

function isErrorLike(value: unknown): value is { name: string; message: string; stack: string } {
  if (!value || typeof value !== "object") return false;
  const v = value as Mutable;
  return (
    typeof v.name === "string" &&
    typeof v.message === "string" &&
    typeof v.stack === "string" &&
    v.name !== "" &&
    v.message !== "" &&
    v.stack !== ""
  );
}

function toErrorPayload(error: unknown): FunctionErrorPayload {
  try {
    if (isNativeError(error) || isErrorLike(error)) {
      const e = error as { name: unknown; message: unknown; stack: unknown };
      const clean = (text: string) => sanitize(text).replaceAll("\x7F", "%7F");
      return {
        errorType: clean(String(e.name)),
        errorMessage: clean(String(e.message)),
        trace: clean(String(e.stack)).split("\n"),
      };
    }
    // toString, not String(): null and undefined fall to "handled", as in the client.
    const text = (error as { toString(): string }).toString();
    return { errorType: typeof error, errorMessage: sanitize(text), trace: [] };
  } catch {
    return {
      errorType: "handled",
      errorMessage:
        "callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack",
      trace: [],
    };
  }
}

function withEnumerableProperties(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const out = Object.assign(
    {
      errorType: value.name,
      errorMessage: value.message,
      code: (value as unknown as Mutable).code,
    },
    value,
  );
  if (typeof value.stack === "string") (out as unknown as Mutable).stack = value.stack.split("\n");
  return out;
}

/** The text after "Invoke Error" / "Uncaught Exception" in the function's log. */
function toFormatted(error: unknown): string {
  try {
    return `\t${jsonStringify(error, (_key, value) => withEnumerableProperties(value))}`;
  } catch {
    return `\t${jsonStringify(toErrorPayload(error))}`;
  }
}

function intoError(error: unknown): Error {
  return error instanceof Error ? error : new Error(error as string);
}

// ---------------------------------------------------------------------------------------------
// Loading the handler, as the runtime interface client does for nodejs20.x and nodejs22.x.

function insideTaskRoot(file: string): boolean {
  const relative = path.relative(boot.taskRoot, file);
  return relative === "" || (!relative.startsWith("..") && !path.isAbsolute(relative));
}

function exists(file: string): boolean {
  return insideTaskRoot(file) && fs.existsSync(file);
}

function requireFile(file: string): unknown {
  return exists(file) ? requireFromRuntime(file) : undefined;
}

async function importFile(file: string): Promise<unknown> {
  return exists(file) ? await import(pathToFileURL(file).href) : undefined;
}

/** The nearest package.json from `folder` up says "type": "module" (node_modules stops it). */
function folderIsModuleScope(folder: string): boolean {
  if (folder.endsWith("/node_modules")) return false;
  const manifest = path.join(folder, "package.json");
  if (fs.existsSync(manifest)) {
    try {
      const parsed = jsonParse(fs.readFileSync(manifest, "utf8")) as { type?: unknown } | null;
      if (parsed) return parsed.type === "module";
    } catch (error) {
      console.warn(
        `${manifest} cannot be read, it will be ignored for ES module detection purposes.`,
        error,
      );
      return false;
    }
  }
  const parent = path.resolve(folder, "..");
  return parent !== folder && folderIsModuleScope(parent);
}

function moduleNotFound(name: string): Error {
  const error = new Error(`Cannot find module '${name}'\nRequire stack:\n- ${runtimeEntry}`);
  (error as unknown as Mutable).code = "MODULE_NOT_FOUND";
  return error;
}

async function loadModule(moduleRoot: string, name: string): Promise<unknown> {
  const base = path.resolve(boot.taskRoot, moduleRoot, name);
  const extensionless = requireFile(base);
  if (extensionless) return extensionless;
  const moduleScope = exists(`${base}.js`) && folderIsModuleScope(path.dirname(`${base}.js`));
  if (!moduleScope) {
    const commonJs = requireFile(`${base}.js`);
    if (commonJs) return commonJs;
  }
  const loaded =
    (moduleScope && (await importFile(`${base}.js`))) ||
    (await importFile(`${base}.mjs`)) ||
    requireFile(`${base}.cjs`);
  if (loaded) return loaded;
  // Last, Node's own resolution (node_modules), kept inside the task root.
  const resolved = requireFromRuntime.resolve(name, {
    paths: [boot.taskRoot, path.resolve(boot.taskRoot, moduleRoot)],
  });
  if (!insideTaskRoot(resolved)) throw moduleNotFound(name);
  return requireFromRuntime(resolved);
}

async function loadHandler(fullHandler: string): Promise<AnyFunction> {
  if (fullHandler.includes("..")) {
    throw new MalformedHandlerName(
      `'${fullHandler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const moduleAndHandler = path.basename(fullHandler);
  const moduleRoot = fullHandler.substring(0, fullHandler.indexOf(moduleAndHandler));
  const match = /^([^.]*)\.(.*)$/.exec(moduleAndHandler);
  if (!match) throw new MalformedHandlerName("Bad handler");
  const [, moduleName = "", handlerPath = ""] = match;

  let app: unknown;
  try {
    app = await loadModule(moduleRoot, moduleName);
  } catch (error) {
    if (error instanceof SyntaxError) throw new UserCodeSyntaxError(String(error));
    if ((error as { code?: unknown } | null)?.code === "MODULE_NOT_FOUND") {
      throw new ImportModuleError(String(error));
    }
    throw error;
  }
  const handler = handlerPath
    .split(".")
    .reduce<unknown>((nested, key) => (nested ? (nested as Mutable)[key] : nested), app);
  if (!handler) throw new HandlerNotFound(`${fullHandler} is undefined or not exported`);
  if (typeof handler !== "function") throw new HandlerNotFound(`${fullHandler} is not a function`);
  return handler as AnyFunction;
}

// ---------------------------------------------------------------------------------------------
// Invocations.

interface Invocation {
  requestId: string;
  completed: boolean;
  /** Runs once the event loop is empty (the client's "beforeExit" listener). */
  onEmptyLoop?: () => void;
}

let handlerFunction: AnyFunction | undefined;
let active: Invocation | undefined;
let dead = false;

function flushStreams(): void {
  for (const flush of streamFlushers) flush();
}

function startInvocation(message: InvokeMessage): void {
  const invocation: Invocation = { requestId: message.requestId, completed: false };
  active = invocation;
  currentRequestId = message.requestId;
  (globalThis as unknown as Mutable)[REQUEST_ID] = message.requestId;

  const respond = (body: { result?: string; error?: FunctionErrorPayload }) => {
    flushStreams();
    post({ kind: "result", requestId: invocation.requestId, ...body });
  };
  const postError = (error: unknown) => {
    console.error("Invoke Error", toFormatted(intoError(error)));
    invocation.completed = true;
    respond({ error: toErrorPayload(error) });
  };
  const complete = (result: unknown) => {
    if (invocation.completed) {
      console.error(
        "Invocation has already been reported as done. Cannot call complete more than once per invocation.",
      );
      return;
    }
    let body: string;
    try {
      body = jsonStringify(result === undefined ? null : result);
    } catch {
      postError(new Error("Unable to stringify response body"));
      return;
    }
    invocation.completed = true;
    respond({ result: body });
  };

  let waitForEmptyEventLoop = true;
  const done = (error: unknown, result?: unknown) => {
    invocation.onEmptyLoop = undefined;
    if (error !== undefined && error !== null) postError(error);
    else complete(result);
  };
  const callback = (error: unknown, result?: unknown) => {
    invocation.onEmptyLoop = undefined;
    if (error !== undefined && error !== null) postError(error);
    else if (!waitForEmptyEventLoop) complete(result);
    else invocation.onEmptyLoop = () => realSetImmediate(() => complete(result));
  };

  // Only the first of callback/succeed/fail/done counts.
  let finished = false;
  const once =
    <A extends unknown[]>(fn: (...args: A) => void) =>
    (...args: A) => {
      if (finished) return;
      fn(...args);
      finished = true;
    };
  const clientContext =
    message.clientContext === undefined ? undefined : jsonParse(message.clientContext);
  const deadline = message.deadlineMs;
  const context = {
    get callbackWaitsForEmptyEventLoop() {
      return waitForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value: boolean) {
      waitForEmptyEventLoop = value;
    },
    succeed: once((result?: unknown) => done(null, result)),
    fail: once((error?: unknown) => done(error ?? "handled")),
    done: once((error?: unknown, result?: unknown) => done(error, result)),
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    clientContext,
    identity: undefined,
    invokedFunctionArn: message.invokedFunctionArn,
    awsRequestId: message.requestId,
    tenantId: undefined,
    getRemainingTimeInMillis: () => deadline - now(),
  };
  const wrappedCallback = once(callback);

  // The client's default: a handler that neither returns a promise nor calls back answers null
  // once the event loop is empty.
  invocation.onEmptyLoop = () => complete(null);

  try {
    const handler = handlerFunction as AnyFunction;
    const result = handler(jsonParse(message.payload), context, wrappedCallback);
    if (result && typeof (result as PromiseLike<unknown>).then === "function") {
      Promise.resolve(result as PromiseLike<unknown>)
        .then(context.succeed, context.fail)
        .catch(context.fail);
    }
  } catch (error) {
    wrappedCallback(error);
  }
}

/**
 * Nothing would keep Node's event loop alive: no ref'd timer (ours live on the clock) and no
 * ref'd handle (an open database socket, a server) other than the runtime's own port.
 */
function eventLoopEmpty(): boolean {
  if (refTimerCount() > 0) return false;
  return process.getActiveResourcesInfo().every((type) => type === "MessagePort");
}

/** Runs the pending "beforeExit" listener once the event loop is empty. */
function runEmptyLoopListener(): boolean {
  const listener = active?.onEmptyLoop;
  if (!active || active.completed || !listener || !eventLoopEmpty()) return false;
  active.onEmptyLoop = undefined;
  listener();
  return true;
}

// ---------------------------------------------------------------------------------------------
// Quiescence: after each message, report "settled" once two macrotask turns pass with no
// I/O pending (the second turn catches work started by callbacks of the first).

let lastReceived = 0; // the boot itself is message 0
let lastSettled = -1;
let settling = false;

const nextTurn = () => new Promise<void>((resolve) => realSetImmediate(resolve));

function scheduleSettle(): void {
  if (settling || dead) return;
  settling = true;
  void settleLoop().finally(() => {
    settling = false;
  });
}

async function settleLoop(): Promise<void> {
  for (;;) {
    await nextTurn();
    if (dead) return;
    if (busy()) {
      await whenIdle();
      continue;
    }
    await nextTurn();
    if (busy()) continue;
    if (runEmptyLoopListener()) continue;
    if (lastReceived > lastSettled) {
      lastSettled = lastReceived;
      post({ kind: "settled", seq: lastSettled });
    }
    return;
  }
}

// A worker stuck in synchronous code stops beating; the main thread's watchdog notices. The
// first beat says the thread has started, before the function's code loads.
post({ kind: "heartbeat" });
realSetInterval(() => {
  if (lastReceived > lastSettled && !dead) post({ kind: "heartbeat" });
}, boot.heartbeatMs).unref();

function fatal(error: unknown, exitCode: number): void {
  if (dead) return;
  dead = true;
  flushStreams();
  post({ kind: "fatal", error: toErrorPayload(error), exitCode });
}

process.on("uncaughtException", (error) => {
  console.error("Uncaught Exception", toFormatted(error));
  fatal(error, 129);
});
process.on("unhandledRejection", (reason, promise) => {
  const error = new UnhandledPromiseRejection(reason === undefined ? undefined : String(reason));
  Object.assign(error, { reason, promise });
  console.error("Unhandled Promise Rejection", toFormatted(error));
  fatal(error, 128);
});

// Killing the simulator's own process from inside a function is not something Lambda allows.
const realKill = process.kill.bind(process);
(process as unknown as Mutable).kill = (pid: number, signal?: string | number) => {
  if (Number(pid) === process.pid || Number(pid) === process.ppid) {
    const error = new Error("kill EPERM");
    Object.assign(error, { code: "EPERM", errno: -1, syscall: "kill" });
    throw error;
  }
  return realKill(pid, signal);
};

port.on("message", (message: MainToWorker) => {
  if (dead) return;
  if (boot.virtualTime) virtualNow = message.now;
  lastReceived = message.seq;
  scheduleSettle();
  if (message.kind === "invoke") startInvocation(message);
  else fireVirtualTimer(message.timerId);
});

async function init(): Promise<void> {
  installConsole();
  installIoTracking();
  installTimers();
  if (boot.virtualTime) installVirtualReads();
  syncBuiltinESMExports();
  scheduleSettle();
  try {
    handlerFunction = await loadHandler(boot.handler);
    post({ kind: "initDone" });
  } catch (error) {
    console.error("Uncaught Exception", toFormatted(error));
    flushStreams();
    post({ kind: "initDone", error: toErrorPayload(error) });
  }
}

void init();
