import type { ServiceModule } from "../../simulator/host/admin.js";
import { createTrackedFetch } from "../../simulator/host/inflight.js";
import { toRequestListener } from "../../simulator/host/webHandler.js";
import type { Clock } from "../../simulator/kernel/clock.js";
import type { Journal } from "../../simulator/kernel/journal.js";
import { AlertsService } from "./alerts/service.js";
import { createApiHandler } from "./apiHttp.js";
import { EndpointsService, type PagerDutyEventsApiVersion } from "./endpoints/service.js";
import type { LogzioStore } from "./store.js";

export interface LogzioApiOptions {
  clock: Clock;
  journal: Journal;
  /** The listener's store: the API searches what the listener indexed. */
  store: LogzioStore;
  /** The alert engine; default: a new one over `store` that notifies the endpoints below. */
  alerts?: AlertsService;
  /** Notification endpoints; default: a new one delivering through a clock-tracked fetch. */
  endpoints?: EndpointsService;
  /**
   * Base URL of the PagerDuty Events API that PagerDuty endpoints deliver to. A getter lets the
   * simulator answer once its own PagerDuty role is listening.
   */
  pagerdutyEventsUrl?: string | (() => string | undefined);
  /** Which PagerDuty Events API PagerDuty endpoints speak (default "v2"). */
  pagerdutyEventsApiVersion?: PagerDutyEventsApiVersion;
}

/** Logz.io's public API (api.logz.io): search, alerts v2 and notification endpoints. */
export function createLogzioApi(options: LogzioApiOptions): ServiceModule {
  const { clock, journal, store } = options;
  const pd = options.pagerdutyEventsUrl;
  const endpoints =
    options.endpoints ??
    new EndpointsService({
      clock,
      journal,
      // Looked up per call, so a fetch patched later (msw intercepting deliveries) is used.
      fetch: createTrackedFetch(clock, (input, init) => globalThis.fetch(input, init)),
      pagerdutyEventsUrl: typeof pd === "function" ? pd : () => pd,
      pagerdutyEventsApiVersion: options.pagerdutyEventsApiVersion,
      accountName: (id) => store.accounts().find((a) => a.accountId === id)?.accountName ?? "",
    });
  const alerts =
    options.alerts ??
    new AlertsService({
      clock,
      journal,
      store,
      notify: (alert, event, samples) => endpoints.notify(alert, event, samples),
    });
  const fetchHandler = createApiHandler({
    store,
    now: () => clock.now(),
    alerts,
    endpoints,
    searched(account, summary) {
      journal.append("logzio.searched", {
        source: "logzio",
        data: { account: account.accountId, ...summary },
      });
    },
    refused(account, method, path, reason) {
      journal.append("logzio.api.refused", {
        source: "logzio",
        data: { account: account.accountId, method, path, reason },
      });
    },
  });
  return {
    handler: toRequestListener(fetchHandler, "Logz.io API"),
    fetch: fetchHandler,
    reset() {
      alerts.reset();
      endpoints.reset();
    },
    // The logs belong to the listener; the API keeps the alert definitions and their triggers.
    state() {
      return {
        accounts: store
          .accounts()
          .map((a) => ({ accountId: a.accountId, accountName: a.accountName })),
        ...alerts.snapshot(),
        ...endpoints.snapshot(),
      };
    },
  };
}
