import type { ServiceModule } from "../../simulator/host/admin.js";
import type { Clock } from "../../simulator/kernel/clock.js";
import type { Journal } from "../../simulator/kernel/journal.js";
import { createApiHandler } from "./apiHttp.js";
import type { LogzioStore } from "./store.js";

export interface LogzioApiOptions {
  clock: Clock;
  journal: Journal;
  /** The listener's store: the API searches what the listener indexed. */
  store: LogzioStore;
}

/** Logz.io's public API (api.logz.io): `POST /v1/search` over the shared store. */
export function createLogzioApi(options: LogzioApiOptions): ServiceModule {
  const { clock, journal, store } = options;
  return {
    handler: createApiHandler({
      store,
      now: () => clock.now(),
      searched(account, summary) {
        journal.append("logzio.searched", {
          source: "logzio",
          data: { account: account.accountId, ...summary },
        });
      },
    }),
    // The logs belong to the listener; the API itself keeps no state.
    state() {
      return {
        accounts: store
          .accounts()
          .map((a) => ({ accountId: a.accountId, accountName: a.accountName })),
      };
    },
  };
}
