import http from "node:http";
import type { ServiceModule } from "../../simulator/host/admin.js";
import { createTrackedFetch } from "../../simulator/host/inflight.js";
import { toRequestListener } from "../../simulator/host/webHandler.js";
import type { Clock } from "../../simulator/kernel/clock.js";
import type { Journal } from "../../simulator/kernel/journal.js";
import type { Rng } from "../../simulator/kernel/rng.js";
import { AlertsService } from "./alerts/service.js";
import { createLogzioApi } from "./api.js";
import { EndpointsService, type PagerDutyEventsApiVersion } from "./endpoints/service.js";
import { createListenerHandler } from "./http.js";
import { type IndexedLog, type LogzioAccount, LogzioStore } from "./store.js";

export { createLogzioApi } from "./api.js";
export type { IndexedLog, LogzioAccount } from "./store.js";
export { LogzioStore } from "./store.js";

export interface LogzioListenerOptions {
  clock: Clock;
  journal: Journal;
  /** The run's generator; the default account's tokens come from a fork of it. */
  rng: Rng;
  /** The accounts and their tokens; default: one account from `defaultLogzioAccount(rng)`. */
  accounts?: readonly LogzioAccount[];
  /** A store to index into (shared with the API); default: a new one over `accounts`. */
  store?: LogzioStore;
}

export interface LogzioOptions extends LogzioListenerOptions {
  /** Where PagerDuty endpoints deliver (the Events API base URL), or a getter for it. */
  pagerdutyEventsUrl?: string | (() => string | undefined);
  /** Which PagerDuty Events API PagerDuty endpoints speak (default "v2"). */
  pagerdutyEventsApiVersion?: PagerDutyEventsApiVersion;
  /**
   * Clock ms between two evaluations of the alert engine (default 60_000: Logz.io evaluates
   * alerts every minute; at least 1). Shorten it only to measure end-to-end latency without a
   * minute's granularity: time frames and waiting periods keep their minutes.
   */
  alertEvaluationIntervalMs?: number;
}

export interface LogzioListener extends ServiceModule {
  readonly store: LogzioStore;
}

const LETTERS = [..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"];

/**
 * The account `watermelon up` starts when no scenario configures one. Its tokens take Logz.io's
 * shapes (a 32-letter shipping token, a UUID API token) and depend only on the run's seed.
 */
export function defaultLogzioAccount(rng: Rng): LogzioAccount {
  const r = rng.fork("logzio").fork("default-account");
  let shippingToken = "";
  for (let i = 0; i < 32; i++) shippingToken += r.pick(LETTERS);
  const b = r.bytes(16);
  b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
  b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
  const hex = Buffer.from(b).toString("hex");
  const apiToken = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  return { accountId: r.int(100_000, 999_999), accountName: "watermelon", shippingToken, apiToken };
}

/** Logz.io's log listener (8070 http, 8071 https): bulk NDJSON in, logs indexed per account. */
export function createLogzioListener(options: LogzioListenerOptions): LogzioListener {
  const { clock, journal } = options;
  const store = options.store ?? newStore(options);

  const indexed = (account: LogzioAccount, log: IndexedLog) => {
    journal.append("logzio.indexed", {
      source: "logzio",
      correlation: correlationOf(log.fields),
      data: indexedData(account, log),
    });
  };

  const fetchHandler = createListenerHandler({ store, now: () => clock.now(), indexed });
  return {
    store,
    handler: toRequestListener(fetchHandler, "Logz.io listener"),
    fetch: fetchHandler,
    faultResponse: listenerFaultResponse,
    reset() {
      store.reset();
    },
    state() {
      return store.snapshot();
    },
  };
}

function newStore(options: LogzioListenerOptions): LogzioStore {
  const accounts = options.accounts ?? [defaultLogzioAccount(options.rng)];
  if (accounts.length === 0) throw new Error("logzio: configure at least one account");
  return new LogzioStore(accounts);
}

export interface Logzio {
  readonly store: LogzioStore;
  /** The log listener role (listener.logz.io). */
  readonly listener: LogzioListener;
  /** The public API role (api.logz.io), searching what the listener indexed. */
  readonly api: ServiceModule;
}

/**
 * The listener's answer for an injected status: Logz.io documents no body for its 429 or 5xx
 * (reference/logzio.md §1), and answers in plain text, so the status's reason phrase.
 */
function listenerFaultResponse(status: number) {
  return {
    body: `${http.STATUS_CODES[status] ?? "Error"}\n`,
    headers: { "content-type": "text/plain; charset=utf-8" },
  };
}

/**
 * The API's answer for an injected status: JSON `{"message": ...}` as its other errors; the
 * legacy search doc gives 429 for rate or concurrency limits and 503 when unavailable.
 */
function apiFaultResponse(status: number) {
  const message =
    status === 429
      ? "Too many requests: the rate or concurrency limit was reached"
      : status === 503
        ? "The service is unavailable, try again later"
        : (http.STATUS_CODES[status] ?? "Error");
  return {
    body: `${JSON.stringify({ message })}\n`,
    headers: { "content-type": "application/json" },
  };
}

/** Both Logz.io roles over one store, so logs shipped to the listener are searchable at once. */
export function createLogzio(options: LogzioOptions): Logzio {
  const { clock, journal } = options;
  const store = options.store ?? newStore(options);
  const listener = createLogzioListener({ ...options, store });
  const pd = options.pagerdutyEventsUrl;
  // Built here rather than by the API's defaults, so the engine's interval can be set.
  const endpoints = new EndpointsService({
    clock,
    journal,
    // Looked up per call, so a fetch patched later (msw intercepting deliveries) is used.
    fetch: createTrackedFetch(clock, (input, init) => globalThis.fetch(input, init)),
    pagerdutyEventsUrl: typeof pd === "function" ? pd : () => pd,
    pagerdutyEventsApiVersion: options.pagerdutyEventsApiVersion,
    accountName: (id) => store.accounts().find((a) => a.accountId === id)?.accountName ?? "",
  });
  const alerts = new AlertsService({
    clock,
    journal,
    store,
    ...(options.alertEvaluationIntervalMs !== undefined
      ? { evaluationIntervalMs: options.alertEvaluationIntervalMs }
      : {}),
    notify: (alert, event, samples) => endpoints.notify(alert, event, samples),
  });
  const api: ServiceModule = {
    ...createLogzioApi({ clock, journal, store, alerts, endpoints }),
    faultResponse: apiFaultResponse,
    // Stopping cancels the alert ticks and pending notification retries: on the real clock they
    // would otherwise fire after the journal has closed.
    async dispose() {
      alerts.reset();
      endpoints.reset();
    },
  };
  return { store, listener, api };
}

/** How much of a log's text its `logzio.indexed` entry keeps. */
export const JOURNALED_TEXT_CHARS = 200;

/**
 * A `logzio.indexed` entry's data: where the log went and a short text to read it by, not the
 * document (the store keeps that): its `message`, or the `msg` that many loggers write instead,
 * cut to JOURNALED_TEXT_CHARS characters.
 */
function indexedData(account: LogzioAccount, log: IndexedLog): Record<string, unknown> {
  const text = textOf(log.fields);
  return text === undefined
    ? { account: account.accountId, type: log.type, "@timestamp": log["@timestamp"], seq: log.seq }
    : {
        account: account.accountId,
        type: log.type,
        "@timestamp": log["@timestamp"],
        seq: log.seq,
        message: text,
      };
}

function textOf(fields: Record<string, unknown>): string | undefined {
  const text = typeof fields.message === "string" ? fields.message : fields.msg;
  if (typeof text !== "string") return undefined;
  if (text.length <= JOURNALED_TEXT_CHARS) return text;
  let end = JOURNALED_TEXT_CHARS - 1;
  // Never half of a surrogate pair.
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end--;
  return `${text.slice(0, end)}…`;
}

/** The ids that tie a log to the hops before it (the app's trace, the Lambda request, the event). */
function correlationOf(fields: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  const traceId = idOf(fields.traceId ?? fields.trace_id);
  if (traceId !== undefined) out.traceId = traceId;
  const awsRequestId = idOf(fields.awsRequestId);
  if (awsRequestId !== undefined) out.awsRequestId = awsRequestId;
  const eventId = idOf(fields.eventId);
  if (eventId !== undefined) out.eventId = eventId;
  return out;
}

function idOf(value: unknown): string | undefined {
  if (typeof value === "string" && value.length > 0) return value;
  if (typeof value === "number" && Number.isFinite(value)) return String(value);
  return undefined;
}
