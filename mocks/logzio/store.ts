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

/** The listener's state: accounts by token and their logs. Plain data, no HTTP. */
export class LogzioStore {
  readonly #accounts: readonly LogzioAccount[];
  readonly #byShippingToken = new Map<string, LogzioAccount>();
  readonly #logs = new Map<number, IndexedLog[]>();
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

  add(log: IndexedLog): void {
    let list = this.#logs.get(log.accountId);
    if (!list) {
      list = [];
      this.#logs.set(log.accountId, list);
    }
    list.push(log);
  }

  /** An account's logs in ingest order; the search API queries over this. */
  logs(accountId: number): readonly IndexedLog[] {
    return this.#logs.get(accountId) ?? [];
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
