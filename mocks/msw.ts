/**
 * `watermelon/msw`: the emulated SaaS as msw request handlers, for a test that wants Logz.io
 * answered in-process without starting a server:
 *
 *   const logzio = createLogzioHandlers();
 *   const server = setupServer(...logzio.handlers);
 *   server.listen();
 *   // logzio-nodejs with its default host ships to listener.logz.io and is answered here
 *
 * `createPagerDutyHandlers()` does the same for `events.pagerduty.com` and `api.pagerduty.com`.
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
import {
  createPagerDuty,
  defaultPagerDutyService,
  type PagerDutyOptions,
} from "./pagerduty/index.js";
import { pagerDutyHandlers } from "./pagerduty/msw.js";
import type { PagerDutyStore } from "./pagerduty/store.js";

export { API_URL as LOGZIO_API_URL, LISTENER_URL as LOGZIO_LISTENER_URL } from "./logzio/msw.js";
export {
  API_URL as PAGERDUTY_API_URL,
  EVENTS_URL as PAGERDUTY_EVENTS_URL,
} from "./pagerduty/msw.js";

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

export type PagerDutyHandlersOptions = Omit<PagerDutyOptions, "clock" | "journal" | "rng"> & {
  seed?: string | number;
  /** "virtual" (default: escalations and timeouts wait for you to drive the clock), "real", or yours. */
  clock?: "real" | "virtual" | Clock;
  /** Where virtual time starts, epoch ms (default Monday 2026-01-05 09:00 UTC). */
  start?: number;
};

export interface PagerDutyHandlers {
  /** Pass these to msw's `setupServer(...)` (or `server.use(...)`). */
  readonly handlers: RequestHandler[];
  /** The REST API key clients use (`Authorization: Token token=...`). */
  readonly token: string;
  /** The first service's first integration key: the Events API routing key. */
  readonly routingKey: string;
  /** Services, incidents, alerts, log entries, users, schedules. */
  readonly store: PagerDutyStore;
  readonly clock: Clock;
  readonly journal: Journal;
  /** Back to the configured account: no incidents, no alerts. */
  reset(): void;
  /** Stops every lifecycle timer and pending webhook retry. */
  dispose(): void;
}

export function createPagerDutyHandlers(options: PagerDutyHandlersOptions = {}): PagerDutyHandlers {
  const { seed, clock: clockOption, start, ...account } = options;
  const clock: Clock =
    typeof clockOption === "object"
      ? clockOption
      : clockOption === "real"
        ? createRealClock()
        : createVirtualClock({ start });
  const rng = createRng(seed ?? "watermelon");
  const journal = new Journal({ clock });
  const services = account.services ?? [defaultPagerDutyService(rng)];
  const pagerduty = createPagerDuty({ ...account, services, clock, journal, rng });
  const routingKey = services[0]?.integrations?.[0]?.key ?? "";
  const reset = () => {
    pagerduty.events.reset?.();
    pagerduty.api.reset?.();
  };
  return {
    handlers: pagerDutyHandlers(pagerduty, clock),
    token: pagerduty.apiTokens[0]?.token ?? "",
    routingKey,
    store: pagerduty.store,
    clock,
    journal,
    reset,
    dispose: reset,
  };
}
