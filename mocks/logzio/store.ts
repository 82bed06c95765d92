/** A Logz.io account as configured: its id, name and the two tokens clients present. */
export interface LogzioAccount {
  accountId: number;
  accountName: string;
  /** Log shipping token: `?token=` on the listener. */
  shippingToken: string;
  /** API token: the `X-API-TOKEN` header on the public API. */
  apiToken: string;
}

/** One indexed log, as the search API will see it. */
export interface IndexedLog {
  /** Ingest order across the whole listener, 1-based: ties in `@timestamp` sort by it. */
  seq: number;
  accountId: number;
  type: string;
  /** ISO 8601 with milliseconds, as it is indexed. */
  "@timestamp": string;
  /** The same instant in epoch ms, for range queries. */
  timestampMs: number;
  /** Virtual time of receipt, epoch ms. */
  receivedAtMs: number;
  /** Every field of the document, `type` and `@timestamp` included. */
  fields: Record<string, unknown>;
}

/**
 * Some of an account's logs, in ingest order: `docs[start..end)`. `appendOnly`: `docs` is the
 * account's own list, which only ever grows at the end, so what is derived from its first
 * entries (a search's columns) stays true.
 */
export interface LogRange {
  readonly docs: readonly IndexedLog[];
  readonly start: number;
  readonly end: number;
  readonly appendOnly: boolean;
}

interface AccountLogs {
  /** In ingest order. */
  readonly logs: IndexedLog[];
  /**
   * The same logs by `timestampMs`, ties in ingest order; absent while `logs` is itself in that
   * order, as it is when logs arrive in time order.
   */
  byTime?: IndexedLog[];
}

/** The listener's state: accounts by token and their logs. Plain data, no HTTP. */
export class LogzioStore {
  readonly #accounts: readonly LogzioAccount[];
  readonly #byShippingToken = new Map<string, LogzioAccount>();
  readonly #logs = new Map<number, AccountLogs>();
  #seq = 0;

  constructor(accounts: readonly LogzioAccount[]) {
    const ids = new Set<number>();
    for (const account of accounts) {
      if (ids.has(account.accountId)) {
        throw new Error(`logzio: account id ${account.accountId} is configured twice`);
      }
      if (this.#byShippingToken.has(account.shippingToken)) {
        throw new Error(
          `logzio: accounts ${account.accountId} and ${
            this.#byShippingToken.get(account.shippingToken)?.accountId
          } share a shipping token`,
        );
      }
      ids.add(account.accountId);
      this.#byShippingToken.set(account.shippingToken, account);
    }
    this.#accounts = accounts.map((a) => ({ ...a }));
  }

  accounts(): readonly LogzioAccount[] {
    return this.#accounts;
  }

  accountByShippingToken(token: string): LogzioAccount | undefined {
    return this.#byShippingToken.get(token);
  }

  nextSeq(): number {
    return ++this.#seq;
  }

  /** Stores a log. Its document is kept as it is: nothing may change it afterwards. */
  add(log: IndexedLog): void {
    let account = this.#logs.get(log.accountId);
    if (!account) {
      account = { logs: [] };
      this.#logs.set(log.accountId, account);
    }
    const { logs } = account;
    const last = logs[logs.length - 1];
    logs.push(log);
    if (account.byTime) insertByTime(account.byTime, log);
    else if (last !== undefined && log.timestampMs < last.timestampMs) {
      // The first log out of time order: until now the ingest order was the time order.
      account.byTime = logs.slice(0, -1);
      insertByTime(account.byTime, log);
    }
  }

  /** An account's logs in ingest order; the search API queries over this. */
  logs(accountId: number): readonly IndexedLog[] {
    return this.#logs.get(accountId)?.logs ?? [];
  }

  /**
   * An account's logs with `fromMs <= timestampMs` and `timestampMs < toMs` (`<=` when
   * `toInclusive`), in ingest order, found by binary search on the time order.
   */
  between(accountId: number, fromMs: number, toMs: number, toInclusive = false): LogRange {
    const account = this.#logs.get(accountId);
    if (!account || Number.isNaN(fromMs) || Number.isNaN(toMs)) {
      return { docs: [], start: 0, end: 0, appendOnly: false };
    }
    const { logs, byTime } = account;
    const sorted = byTime ?? logs;
    const start = firstAtOrAfter(sorted, fromMs);
    const end = Math.max(
      start,
      toInclusive ? firstAfter(sorted, toMs) : firstAtOrAfter(sorted, toMs),
    );
    if (!byTime) return { docs: logs, start, end, appendOnly: true };
    const n = end - start;
    let found: IndexedLog[];
    if (n * Math.log2(n + 1) > logs.length) {
      // Most of the account: one pass in ingest order costs less than sorting the span.
      found = logs.filter(
        (l) =>
          l.timestampMs >= fromMs && (toInclusive ? l.timestampMs <= toMs : l.timestampMs < toMs),
      );
    } else found = byTime.slice(start, end).sort((a, b) => a.seq - b.seq);
    return { docs: found, start: 0, end: found.length, appendOnly: false };
  }

  reset(): void {
    this.#logs.clear();
    this.#seq = 0;
  }

  /** Accounts (tokens left out: the state endpoint is no place for secrets) and their logs. */
  snapshot() {
    return {
      accounts: this.#accounts.map((a) => ({
        accountId: a.accountId,
        accountName: a.accountName,
        logs: this.logs(a.accountId).map((log) => structuredClone(log)),
      })),
    };
  }
}

/** The first index whose log is at or after `ms` in a list in time order. */
function firstAtOrAfter(sorted: readonly IndexedLog[], ms: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as IndexedLog).timestampMs < ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose log is after `ms` in a list in time order. */
function firstAfter(sorted: readonly IndexedLog[], ms: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as IndexedLog).timestampMs <= ms) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Inserts a log after every log at or before its instant: late logs land near the end. */
function insertByTime(sorted: IndexedLog[], log: IndexedLog): void {
  const last = sorted[sorted.length - 1];
  if (last === undefined || last.timestampMs <= log.timestampMs) sorted.push(log);
  else sorted.splice(firstAfter(sorted, log.timestampMs), 0, log);
}
