import type { ServiceModule } from "../../simulator/host/admin.js";
import type { Clock } from "../../simulator/kernel/clock.js";
import type { Journal } from "../../simulator/kernel/journal.js";
import { AlertsService } from "./alerts/service.js";
import { createApiHandler } from "./apiHttp.js";
import type { LogzioStore } from "./store.js";

export interface LogzioApiOptions {
  clock: Clock;
  journal: Journal;
  /** The listener's store: the API searches what the listener indexed. */
  store: LogzioStore;
  /** The alert engine; default: a new one over `store` that notifies nobody. */
  alerts?: AlertsService;
}

/** Logz.io's public API (api.logz.io): `POST /v1/search` over the shared store. */
export function createLogzioApi(options: LogzioApiOptions): ServiceModule {
  const { clock, journal, store } = options;
  const alerts = options.alerts ?? new AlertsService({ clock, journal, store });
  return {
    handler: createApiHandler({
      store,
      now: () => clock.now(),
      alerts,
      searched(account, summary) {
        journal.append("logzio.searched", {
          source: "logzio",
          data: { account: account.accountId, ...summary },
        });
      },
    }),
    reset() {
      alerts.reset();
    },
    // The logs belong to the listener; the API keeps the alert definitions and their triggers.
    state() {
      return {
        accounts: store
          .accounts()
          .map((a) => ({ accountId: a.accountId, accountName: a.accountName })),
        ...alerts.snapshot(),
      };
    },
  };
}
