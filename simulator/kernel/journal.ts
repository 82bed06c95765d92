import {
  closeSync,
  constants as fsConstants,
  mkdirSync,
  openSync,
  readFileSync,
  writeSync,
} from "node:fs";
import { dirname } from "node:path";
import { configure } from "safe-stable-stringify";

export interface JournalEvent {
  /** Causal sequence number, 1-based, assigned at append. */
  seq: number;
  /** Virtual time, ISO 8601 with milliseconds. */
  time: string;
  /** Dotted lowercase, e.g. "pagerduty.incident.triggered". */
  type: string;
  /** The component by role ("aws", "logzio", "host"), never by port or path. */
  source: string;
  /** Ids that tie events together across hops: traceId, dedupKey, incident, ... */
  correlation: Record<string, string>;
  data: Record<string, unknown>;
}

/** Receives each event as one serialized line, without its trailing newline: framing is the sink's. */
export interface JournalSink {
  write(line: string): void;
  close(): void;
}

/** Criteria are combined (AND); `from` is inclusive and `to` exclusive, in virtual ms. */
export interface JournalQuery {
  /** Exact type, or a prefix ending in ".*". */
  type?: string;
  /** Matches events where any correlation value equals this id. */
  correlation?: string;
  from?: number;
  to?: number;
}

export interface JournalEntry {
  source?: string;
  correlation?: Record<string, string>;
  data?: Record<string, unknown>;
}

export type JournalListener = (event: JournalEvent) => void;

const TYPE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z0-9_]+)+$/;
const DEFAULT_SOURCE = "simulator";
const MAX_CACHED_TYPES = 1024;

/**
 * Thrown by `append` when listeners threw. The event was recorded and written to every sink before
 * any listener ran, so the journal stays consistent; the caller decides whether the run goes on.
 */
export class JournalListenerError extends AggregateError {
  readonly event: JournalEvent;
  readonly failures: readonly { event: JournalEvent; error: unknown }[];

  constructor(event: JournalEvent, failures: { event: JournalEvent; error: unknown }[]) {
    const first = failures[0]?.error;
    const firstMessage = first instanceof Error ? first.message : String(first);
    super(
      failures.map((f) => f.error),
      `${failures.length} journal listener call(s) threw after "${event.type}" (seq ${event.seq}) ` +
        `was recorded; first: ${firstMessage}`,
    );
    this.name = "JournalListenerError";
    this.event = event;
    this.failures = failures;
  }
}

/**
 * The append-only record of a run: every hop appends one event, and recordings, reports and the
 * "nothing lost" accounting read it back.
 *
 * Ordering guarantees:
 * - sinks receive each event synchronously inside `append`, before listeners, in seq order;
 * - listeners receive events in seq order, even when a listener appends: the nested event is queued
 *   and delivered after the current one has reached every listener;
 * - a listener that throws does not stop other listeners: errors are collected and `append` throws
 *   one JournalListenerError after all of them ran (the event stays recorded);
 * - a sink that throws makes the journal unusable: later appends throw, since memory and the
 *   sinks may no longer agree.
 */
export class Journal {
  readonly #clock: { now(): number };
  readonly #events: JournalEvent[] = [];
  readonly #timesMs: number[] = [];
  /**
   * One event, or the list of them once an id has several: most ids (a log's trace) have one.
   * Built when first asked for and brought up to date at each ask, so appending does not pay for
   * it; `#indexed` events are in it.
   */
  readonly #byCorrelation = new Map<string, JournalEvent | JournalEvent[]>();
  #indexed = 0;
  /** Types already checked against TYPE_PATTERN: a run uses a few dozen, over and over. */
  readonly #validTypes = new Set<string>();
  /** The last clock reading and its ISO form: events of one instant share the string. */
  #lastMs = Number.NaN;
  #lastTime = "";
  readonly #sinks: JournalSink[] = [];
  readonly #listeners = new Set<JournalListener>();
  readonly #pending: JournalEvent[] = [];
  #dispatching = false;
  #closed = false;
  #sinkFailure: unknown;

  constructor(options: { clock: { now(): number }; sinks?: JournalSink[] }) {
    this.#clock = options.clock;
    for (const sink of options.sinks ?? []) this.#sinks.push(sink);
  }

  append(type: string, entry: JournalEntry = {}): JournalEvent {
    this.#assertWritable();
    if (!this.#validTypes.has(type)) {
      if (typeof type !== "string" || !TYPE_PATTERN.test(type)) {
        throw new Error(
          `journal event type ${JSON.stringify(type)} is invalid: expected dotted lowercase ` +
            `like "pagerduty.incident.triggered" (${TYPE_PATTERN})`,
        );
      }
      if (this.#validTypes.size < MAX_CACHED_TYPES) this.#validTypes.add(type);
    }
    const source = entry.source ?? DEFAULT_SOURCE;
    if (typeof source !== "string" || source.length === 0) {
      throw new Error(`journal event "${type}": source must be a non-empty string`);
    }
    const correlation = cloneCorrelation(type, entry.correlation ?? {});
    const data = clonePlainObject(type, entry.data ?? {}, "data");
    const nowMs = this.#clock.now();
    if (!Number.isFinite(nowMs)) {
      throw new Error(`journal event "${type}": clock.now() returned ${nowMs}`);
    }

    if (nowMs !== this.#lastMs) {
      this.#lastTime = new Date(nowMs).toISOString();
      this.#lastMs = nowMs;
    }
    const event: JournalEvent = Object.freeze({
      seq: this.#events.length + 1,
      time: this.#lastTime,
      type,
      source,
      correlation,
      data,
    });

    // Sinks first: if one fails, the event is not committed in memory either.
    if (this.#sinks.length > 0) {
      const line = serializeEvent(event);
      try {
        for (const sink of this.#sinks) sink.write(line);
      } catch (error) {
        this.#sinkFailure = error;
        throw error;
      }
    }

    this.#events.push(event);
    this.#timesMs.push(nowMs);

    // With no listener and no delivery under way there is nobody to deliver to.
    if (this.#listeners.size > 0 || this.#dispatching) this.#dispatch(event);
    return event;
  }

  #index(id: string, event: JournalEvent): void {
    const found = this.#byCorrelation.get(id);
    if (found === undefined) this.#byCorrelation.set(id, event);
    else if (Array.isArray(found)) found.push(event);
    else this.#byCorrelation.set(id, [found, event]);
  }

  #correlated(id: string): readonly JournalEvent[] {
    for (; this.#indexed < this.#events.length; this.#indexed++) {
      const event = this.#events[this.#indexed] as JournalEvent;
      const ids = Object.values(event.correlation);
      for (let i = 0; i < ids.length; i++) {
        const value = ids[i] as string;
        // An id named twice in one event indexes it once.
        if (ids.indexOf(value) === i) this.#index(value, event);
      }
    }
    const found = this.#byCorrelation.get(id);
    return found === undefined ? [] : Array.isArray(found) ? found : [found as JournalEvent];
  }

  /** A snapshot of every event, in seq order. */
  all(): readonly JournalEvent[] {
    return this.#events.slice();
  }

  byType(type: string): JournalEvent[] {
    const matches = typeMatcher(type);
    return this.#events.filter((e) => matches(e.type));
  }

  byCorrelation(id: string): JournalEvent[] {
    return this.#correlated(id).slice();
  }

  inRange(fromMs: number, toMs: number): JournalEvent[] {
    return this.query({ from: fromMs, to: toMs });
  }

  query(q: JournalQuery): JournalEvent[] {
    const matchesType = q.type === undefined ? undefined : typeMatcher(q.type);
    const candidates = q.correlation === undefined ? this.#events : this.#correlated(q.correlation);
    const { from, to } = q;
    return candidates.filter((e) => {
      if (matchesType !== undefined && !matchesType(e.type)) return false;
      if (from === undefined && to === undefined) return true;
      const ms = this.#timesMs[e.seq - 1] ?? Number.NaN;
      return (from === undefined || ms >= from) && (to === undefined || ms < to);
    });
  }

  /** Returns the unsubscribe function. Listeners see only events appended after subscribing. */
  subscribe(listener: JournalListener): () => void {
    this.#listeners.add(listener);
    return () => {
      this.#listeners.delete(listener);
    };
  }

  /** The sink first receives every event already recorded, so each sink holds a gap-free journal. */
  addSink(sink: JournalSink): void {
    this.#assertWritable();
    for (const event of this.#events) sink.write(serializeEvent(event));
    this.#sinks.push(sink);
  }

  /** The whole journal as JSON Lines, each line ending in "\n": the same bytes a file sink holds. */
  toJsonl(): string {
    let out = "";
    for (const event of this.#events) out += `${serializeEvent(event)}\n`;
    return out;
  }

  /** Closes every sink; later appends throw. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const errors: unknown[] = [];
    for (const sink of this.#sinks) {
      try {
        sink.close();
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length === 1) throw errors[0];
    if (errors.length > 1) throw new AggregateError(errors, "closing journal sinks failed");
  }

  #assertWritable(): void {
    if (this.#closed) throw new Error("journal is closed");
    if (this.#sinkFailure !== undefined) {
      const reason =
        this.#sinkFailure instanceof Error ? this.#sinkFailure.message : String(this.#sinkFailure);
      throw new Error(`journal is unusable after a sink failed: ${reason}`);
    }
  }

  #dispatch(event: JournalEvent): void {
    this.#pending.push(event);
    // A listener appending re-enters here; the outer loop delivers its event next.
    if (this.#dispatching) return;
    this.#dispatching = true;
    const failures: { event: JournalEvent; error: unknown }[] = [];
    try {
      for (let next = this.#pending.shift(); next !== undefined; next = this.#pending.shift()) {
        for (const listener of [...this.#listeners]) {
          // Skip listeners unsubscribed by an earlier listener for this same event.
          if (!this.#listeners.has(listener)) continue;
          try {
            listener(next);
          } catch (error) {
            failures.push({ event: next, error });
          }
        }
      }
    } finally {
      this.#dispatching = false;
    }
    if (failures.length > 0) throw new JournalListenerError(event, failures);
  }
}

function typeMatcher(pattern: string): (type: string) => boolean {
  if (pattern.endsWith(".*")) {
    const prefix = pattern.slice(0, -1); // keeps the dot: "a.*" matches "a.b", not "ab.c" or "a"
    return (type) => type.startsWith(prefix);
  }
  return (type) => type === pattern;
}

// Sorted keys, and a throw rather than a silent substitution for anything JSON cannot represent.
const stableStringify = configure({
  deterministic: true,
  strict: true,
  bigint: false,
  circularValue: Error,
});

/**
 * One JSON line, no trailing newline. Top-level keys in a fixed order; keys inside correlation and
 * data sorted, so bytes never depend on the order in which a producer built its objects.
 */
export function serializeEvent(e: JournalEvent): string {
  return (
    `{"seq":${JSON.stringify(e.seq)},"time":${JSON.stringify(e.time)},` +
    `"type":${JSON.stringify(e.type)},"source":${JSON.stringify(e.source)},` +
    `"correlation":${stableStringify(e.correlation)},"data":${stableStringify(e.data)}}`
  );
}

/**
 * A JSON Lines file sink. The file is created (with its parent directories) or truncated at open,
 * since a journal always starts at seq 1. Each line, with its "\n", goes to the kernel in a single
 * write(2) on an O_APPEND descriptor, so a crashed process (even SIGKILL) leaves complete lines
 * followed by at most one partial line (a kill can cut a multi-page write), which
 * readJournalFile drops. No fsync: this protects against process crashes, not power loss.
 */
export function openJsonlFileSink(path: string): JournalSink {
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(
    path,
    fsConstants.O_WRONLY | fsConstants.O_CREAT | fsConstants.O_TRUNC | fsConstants.O_APPEND,
    0o644,
  );
  let closed = false;
  return {
    write(line) {
      if (closed) throw new Error(`journal file ${path} is closed`);
      if (line.includes("\n")) throw new Error(`journal line for ${path} contains a newline`);
      const bytes = Buffer.from(`${line}\n`, "utf8");
      // One call in practice; the loop only guards against a short write (e.g. disk nearly full).
      let offset = 0;
      while (offset < bytes.length) offset += writeSync(fd, bytes, offset);
    },
    close() {
      if (closed) return;
      closed = true;
      closeSync(fd);
    },
  };
}

/**
 * Reads a journal file written by a file sink. A last line without its "\n" (a write cut short by
 * a crash or a full disk) is dropped and reported as `truncatedTail`; anything else that is not a
 * well-formed event, in the right seq order, throws an Error naming the file and line.
 */
export function readJournalFile(path: string): { events: JournalEvent[]; truncatedTail: boolean } {
  const text = readFileSync(path, "utf8");
  const lines = text.split("\n");
  // After the last "\n" comes either "" (complete file) or an incomplete line.
  const tail = lines.pop() ?? "";
  const events: JournalEvent[] = [];
  for (const [index, line] of lines.entries()) {
    const lineNo = index + 1;
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`${path}:${lineNo}: malformed journal line (${reason})`);
    }
    const problem = describeEventShapeProblem(parsed);
    if (problem !== undefined)
      throw new Error(`${path}:${lineNo}: invalid journal event: ${problem}`);
    const event = parsed as JournalEvent;
    if (event.seq !== lineNo) {
      throw new Error(`${path}:${lineNo}: expected seq ${lineNo}, found ${event.seq}`);
    }
    events.push(event);
  }
  return { events, truncatedTail: tail !== "" };
}

function describeEventShapeProblem(value: unknown): string | undefined {
  if (!isPlainObject(value)) return "not a JSON object";
  const { seq, time, type, source, correlation, data } = value;
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 1) {
    return "seq must be a positive integer";
  }
  if (typeof time !== "string" || Number.isNaN(Date.parse(time))) return "time must be ISO 8601";
  if (typeof type !== "string" || !TYPE_PATTERN.test(type)) return "type must be dotted lowercase";
  if (typeof source !== "string" || source.length === 0) return "source must be a non-empty string";
  if (
    !isPlainObject(correlation) ||
    !Object.values(correlation).every((v) => typeof v === "string")
  ) {
    return "correlation must be an object of strings";
  }
  if (!isPlainObject(data)) return "data must be an object";
  return undefined;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === "string" && name.length > 0 ? `a ${name} instance` : "an object";
  }
  if (typeof value === "number") return String(value);
  return `a ${typeof value}`;
}

function childPath(path: string, key: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function cloneCorrelation(type: string, correlation: unknown): Record<string, string> {
  if (isPlainObject(correlation)) {
    const copy = cloneFlatStrings(correlation);
    if (copy !== undefined) return Object.freeze(copy);
  }
  return cloneCorrelationChecked(type, correlation);
}

/**
 * The usual correlation, a few string values, copied without the checks' bookkeeping; undefined
 * for anything else (a `__proto__` key, a value that is not a string), which the checked copy
 * then handles.
 */
function cloneFlatStrings(source: Record<string, unknown>): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const key of Object.keys(source)) {
    const value = source[key];
    if (typeof value !== "string" || key === "__proto__") return undefined;
    out[key] = value;
  }
  return out;
}

function cloneCorrelationChecked(type: string, correlation: unknown): Record<string, string> {
  if (!isPlainObject(correlation)) {
    throw new Error(
      `journal event "${type}": correlation must be a plain object, got ${describeValue(correlation)}`,
    );
  }
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(correlation)) {
    if (typeof value !== "string") {
      throw new Error(
        `journal event "${type}": ${childPath("correlation", key)} must be a string, ` +
          `got ${describeValue(value)}`,
      );
    }
    defineOwn(out, key, value);
  }
  return Object.freeze(out);
}

/**
 * Deep-copies and freezes JSON plain data, so later mutation by the producer cannot change a
 * recorded event. Properties whose value is undefined are dropped, as JSON.stringify would, so the
 * in-memory event equals what a file sink holds; anything else JSON cannot represent faithfully
 * (functions, symbols, bigint, NaN, Infinity, Date, Map, class instances, cycles, undefined in
 * arrays) throws, naming the event type and the path to the value.
 */
function clonePlainObject(type: string, value: unknown, path: string): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw invalidData(type, path, value);
  }
  const quick = cloneQuickObject(value, 0);
  if (quick !== UNSURE) return quick;
  return clonePlain(type, value, path, new Set()) as Record<string, unknown>;
}

/** What `cloneQuick` returns when only the checked copy can tell (or name the problem). */
const UNSURE: unique symbol = Symbol("unsure");
/** Deeper than this, `cloneQuick` leaves cycles to the checked copy. */
const QUICK_DEPTH = 32;

/**
 * The same copy as `clonePlain` for data without anything to report or drop: the usual case,
 * done without building the path of every value. It gives up (UNSURE) at the first value that
 * `clonePlain` would refuse, drop or treat apart (undefined, a `__proto__` key, objects other
 * than plain ones and arrays, non-finite numbers, deep nesting), and `clonePlain` redoes the
 * whole copy with its checks and messages. Symbol keys are left out by both, as JSON does.
 */
function cloneQuick(value: unknown, depth: number): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) return UNSURE;
      return value === 0 ? 0 : value;
    case "object": {
      if (value === null) return null;
      if (depth >= QUICK_DEPTH) return UNSURE;
      if (Array.isArray(value)) {
        if (Object.getPrototypeOf(value) !== Array.prototype) return UNSURE;
        const out: unknown[] = [];
        for (let i = 0; i < value.length; i++) {
          const item: unknown = value[i];
          if (item === undefined) return UNSURE;
          const copy = cloneQuick(item, depth + 1);
          if (copy === UNSURE) return UNSURE;
          out.push(copy);
        }
        return Object.freeze(out);
      }
      return isPlainObject(value) ? cloneQuickObject(value, depth) : UNSURE;
    }
    default:
      return UNSURE;
  }
}

/** `cloneQuick` of a plain object. */
function cloneQuickObject(
  value: Record<string, unknown>,
  depth: number,
): Record<string, unknown> | typeof UNSURE {
  // Assignment creates the same own properties as `defineOwn` for any key but `__proto__`.
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    if (key === "__proto__") return UNSURE;
    const item = value[key];
    // Strings and booleans, the usual values, without a call each.
    if (typeof item === "string" || typeof item === "boolean") out[key] = item;
    else {
      const copy = cloneQuick(item, depth + 1);
      if (copy === UNSURE) return UNSURE;
      out[key] = copy;
    }
  }
  return Object.freeze(out);
}

function clonePlain(type: string, value: unknown, path: string, ancestors: Set<object>): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (!Number.isFinite(value)) throw invalidData(type, path, value);
      return value === 0 ? 0 : value; // -0 would read back as 0
    case "object": {
      if (value === null) return null;
      if (ancestors.has(value)) {
        throw new Error(`journal event "${type}": ${path} is a circular reference`);
      }
      ancestors.add(value);
      try {
        if (Array.isArray(value)) {
          if (Object.getPrototypeOf(value) !== Array.prototype)
            throw invalidData(type, path, value);
          const out: unknown[] = [];
          for (let i = 0; i < value.length; i++) {
            const item: unknown = value[i];
            const itemPath = `${path}[${i}]`;
            if (item === undefined) throw invalidData(type, itemPath, item);
            out.push(clonePlain(type, item, itemPath, ancestors));
          }
          return Object.freeze(out);
        }
        if (!isPlainObject(value)) throw invalidData(type, path, value);
        const out: Record<string, unknown> = {};
        for (const [key, item] of Object.entries(value)) {
          if (item === undefined) continue;
          defineOwn(out, key, clonePlain(type, item, childPath(path, key), ancestors));
        }
        return Object.freeze(out);
      } finally {
        ancestors.delete(value);
      }
    }
    default:
      throw invalidData(type, path, value);
  }
}

function invalidData(type: string, path: string, value: unknown): Error {
  return new Error(
    `journal event "${type}": ${path} is ${describeValue(value)}; journal data must be JSON ` +
      "plain data (null, boolean, finite number, string, array, plain object)",
  );
}

// Plain assignment of "__proto__" would set the prototype instead of creating a key.
function defineOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
