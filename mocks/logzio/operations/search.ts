import { runSearch, type SearchRequest } from "../search/engine.js";
import type { LogzioAccount, LogzioStore } from "../store.js";

export interface SearchParams {
  store: LogzioStore;
  account: LogzioAccount;
  request: SearchRequest;
  nowMs: number;
  dayOffset?: number;
}

/** `POST /v1/search`: the account's own logs, queried on the simulator's clock. */
export function search(params: SearchParams) {
  return runSearch({
    request: params.request,
    logs: (fromMs, toMs, toInclusive) =>
      params.store.between(params.account.accountId, fromMs, toMs, toInclusive),
    nowMs: params.nowMs,
    dayOffset: params.dayOffset,
  });
}
