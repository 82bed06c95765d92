import type { Clock, TimerHandle } from "../../../simulator/kernel/clock.js";
import type { Journal } from "../../../simulator/kernel/journal.js";
import { type Doc, fieldValues, firstValue } from "../search/fields.js";
import type { Predicate } from "../search/predicates.js";
import { compileQuery } from "../search/query.js";
import type { LogzioAccount, LogzioStore } from "../store.js";
import {
  type Alert,
  type AlertRequest,
  alertResponse,
  enabledOf,
  type Operator,
  SEVERITIES,
  type Severity,
} from "./model.js";

const MINUTE = 60_000;

/** One evaluation that crossed a tier: kept for `POST /v1/alerts/triggered-alerts`. */
export interface TriggeredEvent {
  alertId: number;
  accountId: number;
  title: string;
  tags: string[];
  severity: Severity;
  groupBy: Record<string, string>;
  hits: number;
  value: number;
  eventMs: number;
  windowStartMs: number;
  windowEndMs: number;
  /** Within the waiting period of an earlier notification for the same severity and group. */
  suppressed: boolean;
}

export interface AlertsServiceOptions {
  clock: Clock;
  journal: Journal;
  store: LogzioStore;
  /**
   * Clock ms between two evaluations of an account's alerts (default 60_000: Logz.io evaluates
   * every minute). A benchmark of end-to-end latency shortens it; windows, waiting periods and
   * suppression keep their minutes whatever the interval.
   */
  evaluationIntervalMs?: number;
  /**
   * Called for every trigger that is not suppressed (notification delivery), with up to 10 of
   * the group's matching logs as samples.
   */
  notify?(alert: Alert, event: TriggeredEvent, samples: readonly Doc[]): void;
}

/** Alert definitions per account and the engine that evaluates them every minute. */
export class AlertsService {
  readonly #opts: AlertsServiceOptions;
  readonly #alerts = new Map<number, Alert>();
  readonly #ticks = new Map<number, TimerHandle>();
  /** `alertId|severity|groupKey` → end of the waiting period, epoch ms. */
  readonly #suppressedUntil = new Map<string, number>();
  /** Last journaled outcome per alert, so unchanged quiet evaluations stay out of the journal. */
  readonly #lastOutcome = new Map<number, string>();
  readonly #events: TriggeredEvent[] = [];
  /**
   * Each definition's compiled query, when compiling it did not read the clock (no `now` date
   * math): the same every minute. An update replaces the request, and so the entry.
   */
  readonly #compiled = new WeakMap<AlertRequest, Predicate>();
  /** The instant being evaluated. */
  #now = 0;
  #nextId = 1;

  constructor(opts: AlertsServiceOptions) {
    const interval = opts.evaluationIntervalMs;
    if (interval !== undefined && !(Number.isInteger(interval) && interval >= 1)) {
      throw new RangeError(
        `logzio.alertEvaluationIntervalMs must be a whole number of ms >= 1, got ${interval}`,
      );
    }
    this.#opts = opts;
  }

  list(account: LogzioAccount) {
    return [...this.#alerts.values()]
      .filter((a) => a.accountId === account.accountId)
      .map(alertResponse);
  }

  get(account: LogzioAccount, id: number): Alert | undefined {
    const alert = this.#alerts.get(id);
    return alert?.accountId === account.accountId ? alert : undefined;
  }

  create(account: LogzioAccount, request: AlertRequest): Alert {
    const now = this.#opts.clock.now();
    const alert: Alert = {
      id: this.#nextId++,
      accountId: account.accountId,
      createdAt: now,
      updatedAt: now,
      enabled: enabledOf(request.enabled),
      request,
    };
    this.#alerts.set(alert.id, alert);
    this.#schedule(account.accountId);
    return alert;
  }

  update(alert: Alert, request: AlertRequest): Alert {
    alert.request = request;
    alert.enabled = enabledOf(request.enabled);
    alert.updatedAt = this.#opts.clock.now();
    this.#schedule(alert.accountId);
    return alert;
  }

  setEnabled(alert: Alert, enabled: boolean): void {
    alert.enabled = enabled;
    alert.updatedAt = this.#opts.clock.now();
    this.#schedule(alert.accountId);
  }

  delete(alert: Alert): void {
    this.#alerts.delete(alert.id);
    this.#lastOutcome.delete(alert.id);
    this.#schedule(alert.accountId);
  }

  triggered(account: LogzioAccount): readonly TriggeredEvent[] {
    return this.#events.filter((e) => e.accountId === account.accountId);
  }

  reset(): void {
    for (const t of this.#ticks.values()) t.cancel();
    this.#ticks.clear();
    this.#alerts.clear();
    this.#suppressedUntil.clear();
    this.#lastOutcome.clear();
    this.#events.length = 0;
    this.#nextId = 1;
  }

  snapshot() {
    return {
      alerts: [...this.#alerts.values()].map((a) => ({
        accountId: a.accountId,
        ...alertResponse(a),
      })),
      triggered: this.#events.map((e) => ({ ...e })),
    };
  }

  /**
   * A tick per account (every minute by default) while it has an enabled alert; none otherwise,
   * so idle runs stay idle.
   */
  #schedule(accountId: number): void {
    const active = [...this.#alerts.values()].some((a) => a.accountId === accountId && a.enabled);
    const tick = this.#ticks.get(accountId);
    if (active && !tick) {
      const handle = this.#opts.clock.setInterval(
        () => this.#evaluateAccount(accountId),
        this.#opts.evaluationIntervalMs ?? MINUTE,
        `logzio.alerts.${accountId}`,
      );
      this.#ticks.set(accountId, handle);
    } else if (!active && tick) {
      tick.cancel();
      this.#ticks.delete(accountId);
    }
  }

  #evaluateAccount(accountId: number): void {
    for (const alert of [...this.#alerts.values()]) {
      if (alert.accountId === accountId && alert.enabled) this.#evaluate(alert);
    }
  }

  #evaluate(alert: Alert): void {
    const { clock, journal, store } = this.#opts;
    const now = clock.now();
    const r = alert.request;
    const sc = r.subComponents[0];
    if (!sc) return;
    const frame = r.searchTimeFrameMinutes ?? 5;
    const windowStartMs = now - frame * MINUTE;
    const qd = sc.queryDefinition;
    let matches: Predicate;
    try {
      matches = this.#matcher(r, qd, now);
    } catch (error) {
      journal.append("logzio.alert.evaluated", {
        source: "logzio",
        data: { alertId: alert.id, error: (error as Error).message },
      });
      return;
    }
    // Logz.io's own trigger logs never feed alerts.
    const window = store.between(alert.accountId, windowStartMs, now);
    const docs: Doc[] = [];
    for (let i = window.start; i < window.end; i++) {
      const log = window.docs[i] as (typeof window.docs)[number];
      if (log.type !== "logzio-alert" && matches(log)) docs.push(log);
    }

    const groupBy = qd.groupBy ?? [];
    const groups = new Map<string, { values: string[]; docs: Doc[] }>();
    // Without groupBy there is one group, present even when empty: that is what "no logs" alerts see.
    if (groupBy.length === 0) groups.set("", { values: [], docs: [] });
    for (const doc of docs) {
      const values: string[] = [];
      for (const field of groupBy) {
        const v = firstValue(doc, field);
        if (v === undefined || v === null) break;
        values.push(String(v));
      }
      // Logs lacking a group-by field are not counted.
      if (values.length < groupBy.length) continue;
      const key = JSON.stringify(values);
      const g = groups.get(groupBy.length === 0 ? "" : key) ?? { values, docs: [] };
      g.docs.push(doc);
      groups.set(groupBy.length === 0 ? "" : key, g);
    }

    const fired: TriggeredEvent[] = [];
    const samplesOf = new Map<TriggeredEvent, Doc[]>();
    const agg = qd.aggregation ?? { aggregationType: "COUNT" as const };
    for (const [key, g] of groups) {
      const value = aggregate(agg.aggregationType, agg.fieldToAggregateOn, g.docs);
      if (value === undefined) continue;
      const severity = SEVERITIES.find((s) => {
        const threshold = sc.trigger.severityThresholdTiers[s];
        return threshold !== undefined && compare(sc.trigger.operator, value, threshold);
      });
      if (!severity) continue;
      // The waiting period is the longer of the suppression and the time frame; it is kept per
      // severity and exact group, so an escalation or de-escalation is never held back.
      const suppressKey = `${alert.id}|${severity}|${key}`;
      const until = this.#suppressedUntil.get(suppressKey) ?? 0;
      const suppressed = now < until;
      if (!suppressed) {
        const wait = Math.max(r.output?.suppressNotificationsMinutes ?? 5, frame);
        this.#suppressedUntil.set(suppressKey, now + wait * MINUTE);
      }
      const event: TriggeredEvent = {
        alertId: alert.id,
        accountId: alert.accountId,
        title: r.title,
        tags: r.tags ?? [],
        severity,
        groupBy: Object.fromEntries(groupBy.map((f, i) => [f, g.values[i] ?? ""])),
        hits: g.docs.length,
        value,
        eventMs: now,
        windowStartMs,
        windowEndMs: now,
        suppressed,
      };
      fired.push(event);
      samplesOf.set(event, g.docs.slice(0, 10));
    }

    const outcome = JSON.stringify(fired.map((e) => [e.severity, e.groupBy]));
    if (fired.length > 0 || this.#lastOutcome.get(alert.id) !== outcome) {
      journal.append("logzio.alert.evaluated", {
        source: "logzio",
        data: {
          alertId: alert.id,
          title: r.title,
          window: { start: iso(windowStartMs), end: iso(now) },
          matched: docs.length,
          fired: fired.map((e) => ({ severity: e.severity, groupBy: e.groupBy, value: e.value })),
        },
      });
    }
    this.#lastOutcome.set(alert.id, outcome);

    for (const event of fired) {
      this.#events.push(event);
      journal.append("logzio.alert.triggered", {
        source: "logzio",
        data: {
          alertId: event.alertId,
          title: event.title,
          severity: event.severity,
          groupBy: event.groupBy,
          hits: event.hits,
          value: event.value,
          window: { start: iso(event.windowStartMs), end: iso(event.windowEndMs) },
          suppressed: event.suppressed,
        },
      });
      if (!event.suppressed) this.#opts.notify?.(alert, event, samplesOf.get(event) ?? []);
    }
  }

  /** The definition's query and filters as one predicate, compiled once when it can be. */
  #matcher(
    request: AlertRequest,
    qd: AlertRequest["subComponents"][number]["queryDefinition"],
    now: number,
  ): Predicate {
    this.#now = now;
    const cached = this.#compiled.get(request);
    if (cached) return cached;
    let readsClock = false;
    const ctx = {
      now: () => {
        readsClock = true;
        return this.#now;
      },
    };
    let matches = compileQuery(toQuery(qd.query), ctx);
    if (qd.filters) {
      const filter = compileQuery(qd.filters, ctx);
      const query = matches;
      matches = (d) => query(d) && filter(d);
    }
    if (!readsClock) this.#compiled.set(request, matches);
    return matches;
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A query_string text, an ES query object, or an ES query sent as its JSON text. */
function toQuery(query: string | Record<string, unknown>): Record<string, unknown> {
  if (typeof query !== "string") return query;
  const text = query.trim();
  if (text.startsWith("{")) {
    try {
      return JSON.parse(text) as Record<string, unknown>;
    } catch {
      // Not JSON after all: Lucene it is.
    }
  }
  return { query_string: { query: text } };
}

function aggregate(
  type: string,
  field: string | undefined,
  docs: readonly Doc[],
): number | undefined {
  if (type === "COUNT" || type === "NONE" || !field) return docs.length;
  const values = docs.flatMap((d) => fieldValues(d, field));
  if (type === "UNIQUE_COUNT") return new Set(values.map((v) => String(v))).size;
  const nums = values.map(Number).filter((n) => Number.isFinite(n));
  if (type === "SUM") return nums.reduce((a, b) => a + b, 0);
  // Min, max and average of nothing are undefined: such a group cannot trigger.
  if (nums.length === 0) return undefined;
  // A fold, not a spread: a window can hold more values than a call takes arguments.
  if (type === "MIN") return nums.reduce((a, b) => Math.min(a, b), Number.POSITIVE_INFINITY);
  if (type === "MAX") return nums.reduce((a, b) => Math.max(a, b), Number.NEGATIVE_INFINITY);
  return nums.reduce((a, b) => a + b, 0) / nums.length;
}

function compare(op: Operator, value: number, threshold: number): boolean {
  switch (op) {
    case "GREATER_THAN":
      return value > threshold;
    case "GREATER_THAN_OR_EQUALS":
      return value >= threshold;
    case "LESS_THAN":
      return value < threshold;
    case "LESS_THAN_OR_EQUALS":
      return value <= threshold;
    case "EQUALS":
      return value === threshold;
    case "NOT_EQUALS":
      return value !== threshold;
  }
}
