import type { LineCounts } from "../errors.js";
import { DEFAULT_TYPE, MAX_FIELDS, MAX_JSON_DEPTH, MAX_LINE_BYTES } from "../limits.js";
import type { IndexedLog } from "../store.js";
import { INVALID_LOG_TYPE, invalidLogTags } from "./invalidLog.js";

export type LineOutcome = "indexed" | "malformed" | "oversized" | "empty";

export interface IngestInput {
  accountId: number;
  /** The body, already gunzipped and decoded: one JSON log per line. */
  body: string;
  /** `type` from the query string, if any. */
  queryType: string | undefined;
  /** Virtual time of receipt, epoch ms. */
  nowMs: number;
  /** Issues the ingest sequence number of each log that is kept. */
  nextSeq(): number;
}

export interface IngestResult {
  /** One per line, in body order. */
  outcomes: LineOutcome[];
  counts: LineCounts;
  /** The logs to index, in body order. */
  logs: IndexedLog[];
}

/** Marks a log whose `@timestamp` could not be mapped as a date [inferred from issue #73]. */
export const INDEX_FAILURE_TYPE = "logzio-index-failure";
export const INVALID_TIMESTAMP_TAG = "INVALID_TIMESTAMP";

/**
 * The listener's bulk: split into lines, each parsed on its own, so one bad line costs only
 * itself. A single trailing newline ends the last line rather than adding an empty one; the
 * real clients send none, and counting it would turn their harmless "\n" into a 400.
 */
export function ingestLogs(input: IngestInput): IngestResult {
  const lines = input.body.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const outcomes: LineOutcome[] = [];
  const logs: IndexedLog[] = [];
  const counts: LineCounts = {
    malformedLines: 0,
    successfulLines: 0,
    oversizedLines: 0,
    emptyLogLines: 0,
  };
  for (const raw of lines) {
    const line = raw.charCodeAt(raw.length - 1) === 13 ? raw.slice(0, -1) : raw;
    // A line starting with `{` is not blank; only the others need trimming to tell.
    if (line.charCodeAt(0) !== 123 && line.trim() === "") {
      outcomes.push("empty");
      counts.emptyLogLines++;
      continue;
    }
    // A UTF-16 code unit takes at most 3 bytes in UTF-8: shorter lines cannot be over the limit.
    if (line.length > MAX_LINE_BYTES / 3 && Buffer.byteLength(line, "utf8") > MAX_LINE_BYTES) {
      outcomes.push("oversized");
      counts.oversizedLines++;
      continue;
    }
    const parsed = parseObject(line);
    if (!parsed) {
      outcomes.push("malformed");
      counts.malformedLines++;
      continue;
    }
    outcomes.push("indexed");
    counts.successfulLines++;
    logs.push(toIndexedLog(parsed, mayBreakLimits(line), input));
  }
  return { outcomes, counts, logs };
}

function parseObject(line: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      return value as Record<string, unknown>;
    }
  } catch {
    // A line that is not JSON is malformed, like one that is JSON but not an object.
  }
  return undefined;
}

/**
 * Whether a line can break a per-log limit at all: 1,000 distinct fields take over 4,000
 * characters, a 32,700-character field longer still, and each nesting level one `{`. Most lines
 * are short and flat, and skip the walk.
 */
function mayBreakLimits(line: string): boolean {
  if (line.length > MAX_FIELDS * 4) return true;
  let braces = 0;
  for (let i = line.indexOf("{"); i !== -1; i = line.indexOf("{", i + 1)) {
    if (++braces > MAX_JSON_DEPTH) return true;
  }
  return false;
}

function toIndexedLog(
  fields: Record<string, unknown>,
  checkLimits: boolean,
  input: IngestInput,
): IndexedLog {
  // The log's own type wins over the query's: Logz.io's current HTTP page says so, the 2023 JSON
  // uploads page said the opposite; both real clients put `type` in the log (reference §1).
  let type = nonEmptyString(fields.type) ?? nonEmptyString(input.queryType) ?? DEFAULT_TYPE;
  const broken = checkLimits ? invalidLogTags(fields) : [];
  if (broken.length > 0) {
    // Still indexed, retyped and tagged with the reasons (Logz.io's invalid-logs page).
    type = INVALID_LOG_TYPE;
    fields.tags = [...(Array.isArray(fields.tags) ? fields.tags : []), ...broken];
  }
  const sent = fields["@timestamp"];
  let timestampMs = input.nowMs;
  let iso: string | undefined;
  // The form shippers send most, `toISOString()`'s, is indexed as sent: the string is shared.
  const canonical = typeof sent === "string" ? readCanonical(sent) : undefined;
  if (canonical !== undefined) {
    timestampMs = canonical;
    iso = sent as string;
  } else if (sent === undefined || sent === null) {
    // Logz.io stamps a log without `@timestamp` with its receipt time.
    iso = new Date(input.nowMs).toISOString();
    fields["@timestamp"] = iso;
  } else {
    const ms = parseTimestamp(sent);
    if (ms === undefined) {
      // Indexed anyway, retyped and tagged, at receipt time, as a mapping failure is on Logz.io.
      type = INDEX_FAILURE_TYPE;
      const tags = Array.isArray(fields.tags) ? fields.tags : [];
      fields.tags = [...tags, INVALID_TIMESTAMP_TAG];
      fields["@timestamp"] = new Date(input.nowMs).toISOString();
    } else {
      timestampMs = ms;
      // Elasticsearch keeps `_source` as sent; the parsed instant is `timestampMs`.
      iso = new Date(ms).toISOString();
    }
  }
  fields.type = type;
  return {
    seq: input.nextSeq(),
    accountId: input.accountId,
    type,
    "@timestamp": iso ?? new Date(timestampMs).toISOString(),
    timestampMs,
    receivedAtMs: input.nowMs,
    fields,
  };
}

function nonEmptyString(value: unknown): string | undefined {
  return typeof value === "string" && value.length > 0 ? value : undefined;
}

/**
 * Epoch ms of `YYYY-MM-DDTHH:MM:SS.sssZ` when its fields are where `toISOString()` gives back the
 * same string: a year from 0100, a day that every month has, an hour before 24. Undefined for
 * anything else, which the general parse below then reads (Date.parse rolls 2026-02-30 and 24:00
 * over to the next day, and Date.UTC reads years below 100 as 19xx).
 */
function readCanonical(s: string): number | undefined {
  if (s.length !== 24 || s.charCodeAt(23) !== 90 || s.charCodeAt(19) !== 46) return undefined;
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45 || s.charCodeAt(10) !== 84) return undefined;
  if (s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58) return undefined;
  const year = digits(s, 0, 4);
  const month = digits(s, 5, 7);
  const day = digits(s, 8, 10);
  const hour = digits(s, 11, 13);
  const minute = digits(s, 14, 16);
  const second = digits(s, 17, 19);
  const ms = digits(s, 20, 23);
  if (year < 100 || month < 1 || month > 12 || day < 1 || day > 28 || ms < 0) return undefined;
  if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) {
    return undefined;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/** The decimal number `s[from..to)` spells, or -1 if a character is not a digit. */
function digits(s: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

// `strict_date_optional_time`: a date, optionally a time, optionally a zone (UTC when absent).
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/;

/**
 * `@timestamp` as Logz.io maps it: ISO 8601, or epoch milliseconds as a number or a string of
 * digits (the CloudWatch shipper sends `"1580747176629"`). Anything else is not a date.
 */
export function parseTimestamp(value: unknown): number | undefined {
  if (typeof value === "number") {
    return Number.isFinite(value) && Number.isInteger(value) ? checked(value) : undefined;
  }
  if (typeof value !== "string") return undefined;
  const canonical = readCanonical(value);
  if (canonical !== undefined) return canonical;
  if (/^\d{1,15}$/.test(value)) return checked(Number(value));
  const m = ISO_DATE.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h = "00", mi = "00", s = "00", frac = "", zone = "Z"] = m;
  const ms = frac.padEnd(3, "0").slice(0, 3);
  const offset = zone === "Z" ? "Z" : normalizeOffset(zone);
  const parsed = Date.parse(`${y}-${mo}-${d}T${h}:${mi}:${s}.${ms}${offset}`);
  return Number.isNaN(parsed) ? undefined : checked(parsed);
}

function normalizeOffset(zone: string): string {
  const digits = zone.slice(1).replace(":", "").padEnd(4, "0");
  return `${zone[0]}${digits.slice(0, 2)}:${digits.slice(2, 4)}`;
}

/** Within what a JavaScript Date can represent, so the ISO form always exists. */
function checked(ms: number): number | undefined {
  return Math.abs(ms) <= 8.64e15 ? ms : undefined;
}
