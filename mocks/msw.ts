/**
 * `watermelon/msw`: the emulated SaaS as msw request handlers, for a test that wants Logz.io
 * answered in-process without starting a server:
 *
 *   const logzio = createLogzioHandlers();
 *   const server = setupServer(...logzio.handlers);
 *   server.listen();
 *   // logzio-nodejs with its default host ships to listener.logz.io and is answered here
 *
 * The handlers call the same transports as the servers of `watermelon up`, so answers, limits and
 * errors are the same.
 */
import type { RequestHandler } from "msw";
import type { Clock } from "../simulator/kernel/clock.js";
import { Journal } from "../simulator/kernel/journal.js";
import { createRealClock } from "../simulator/kernel/realClock.js";
import { createRng } from "../simulator/kernel/rng.js";
import { createVirtualClock } from "../simulator/kernel/virtualClock.js";
import type { PagerDutyEventsApiVersion } from "./logzio/endpoints/service.js";
import {
  createLogzio,
  defaultLogzioAccount,
  type LogzioAccount,
  type LogzioStore,
} from "./logzio/index.js";
import { logzioHandlers } from "./logzio/msw.js";

export { API_URL as LOGZIO_API_URL, LISTENER_URL as LOGZIO_LISTENER_URL } from "./logzio/msw.js";

export interface LogzioHandlersOptions {
  /** Accounts and their tokens; default: one account with tokens drawn from `seed`. */
  accounts?: LogzioAccount[];
  seed?: string | number;
  /**
   * "real" (default: clients stamp logs with wall time, and search windows follow it),
   * "virtual" (starting at `start`, moved by the caller), or a clock of your own.
   */
  clock?: "real" | "virtual" | Clock;
  /** Where virtual time starts, epoch ms (default Monday 2026-01-05 09:00 UTC). */
  start?: number;
  /** Where PagerDuty notification endpoints deliver (default https://events.pagerduty.com). */
  pagerdutyEventsUrl?: string;
  pagerdutyEventsApiVersion?: PagerDutyEventsApiVersion;
}

export interface LogzioHandlers {
  /** Pass these to msw's `setupServer(...)` (or `server.use(...)`). */
  readonly handlers: RequestHandler[];
  readonly accounts: readonly LogzioAccount[];
  /** The indexed logs, by account. */
  readonly store: LogzioStore;
  readonly clock: Clock;
  /** Every ingest, evaluation, trigger and delivery, as the simulator journals them. */
  readonly journal: Journal;
  /** Drops logs, alerts, endpoints and triggers, keeping the accounts. */
  reset(): void;
  /** Stops the alert engine's timers. */
  dispose(): void;
}

export function createLogzioHandlers(options: LogzioHandlersOptions = {}): LogzioHandlers {
  const clock: Clock =
    typeof options.clock === "object"
      ? options.clock
      : options.clock === "virtual"
        ? createVirtualClock({ start: options.start })
        : createRealClock();
  const rng = createRng(options.seed ?? "watermelon");
  const journal = new Journal({ clock });
  const accounts = options.accounts ?? [defaultLogzioAccount(rng)];
  const logzio = createLogzio({
    clock,
    journal,
    rng,
    accounts,
    pagerdutyEventsUrl: options.pagerdutyEventsUrl ?? "https://events.pagerduty.com",
    pagerdutyEventsApiVersion: options.pagerdutyEventsApiVersion,
  });
  const reset = () => {
    logzio.listener.reset?.();
    logzio.api.reset?.();
  };
  return {
    handlers: logzioHandlers(logzio, clock),
    accounts,
    store: logzio.store,
    clock,
    journal,
    reset,
    dispose: reset,
  };
}
