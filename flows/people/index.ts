/**
 * The people at the ends of the chain, as xstate actors on the simulator clock: responders who
 * answer PagerDuty's pages over its REST API, and customers who notice faults and report them
 * to the app's support desk.
 */
import type { Clock } from "../../simulator/kernel/clock.js";
import type { Journal } from "../../simulator/kernel/journal.js";
import type { Rng } from "../../simulator/kernel/rng.js";
import {
  type AppOptions,
  type CustomerProfile,
  type RunningCustomer,
  startCustomer,
} from "./customer.js";
import type { PagerDutyRestOptions } from "./pagerdutyRest.js";
import { type ResponderProfile, type RunningResponder, startResponder } from "./responder.js";

export {
  type AppOptions,
  type CustomerProfile,
  customerProfileSchema,
  DEFAULT_REPORT_MESSAGE,
  openIncidentOnStatusPage,
  parseCustomerProfile,
  type RunningCustomer,
  type StartCustomerOptions,
  startCustomer,
} from "./customer.js";
export {
  type CustomerEvent,
  customerMachine,
  type EncounterEvent,
  type EncounterInput,
  type EncounterPlan,
  encounterMachine,
} from "./customerMachine.js";
export * from "./distributions.js";
export { callPagerDuty, type PagerDutyRestOptions } from "./pagerdutyRest.js";
export {
  DEFAULT_INVESTIGATE_FOR,
  DEFAULT_STATUS_UPDATE_MESSAGE,
  type ParsedResponderProfile,
  parseResponderProfile,
  planPage,
  type ResponderProfile,
  type RunningResponder,
  responderProfileSchema,
  type StartResponderOptions,
  startResponder,
} from "./responder.js";
export {
  type CallOutcome,
  type PageEvent,
  type PageInput,
  type PageOutcome,
  type PagePlan,
  pageMachine,
  type ResponderAction,
  type ResponderEvent,
  type ResponderInput,
  responderMachine,
} from "./responderMachine.js";

export interface StartPeopleOptions {
  clock: Clock;
  rng: Rng;
  journal: Journal;
  pagerduty: PagerDutyRestOptions;
  app: AppOptions;
  responders?: ReadonlyArray<ResponderProfile & { userId: string }>;
  customers?: readonly CustomerProfile[];
}

export interface People {
  /** Responders by email, in the order they were started. */
  responders: ReadonlyMap<string, RunningResponder>;
  /** Customers by name, in the order they were started. */
  customers: ReadonlyMap<string, RunningCustomer>;
  stop(): void;
}

const byKey =
  <T>(key: (item: T) => string) =>
  (a: T, b: T) =>
    key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;

/**
 * Starts every responder (sorted by email) and customer (sorted by name): the order their
 * journal listeners run in within one instant is declared, not the order a file listed them.
 * Two responders with one email, or two customers with one name, are refused.
 */
export function startPeople(options: StartPeopleOptions): People {
  const { clock, rng, journal } = options;
  const responders = [...(options.responders ?? [])].sort(byKey((r) => r.email));
  const customers = [...(options.customers ?? [])].sort(byKey((c) => c.name));
  for (let i = 1; i < responders.length; i++) {
    if (responders[i]?.email === responders[i - 1]?.email) {
      throw new RangeError(`responders: ${responders[i]?.email} is declared twice`);
    }
  }
  for (let i = 1; i < customers.length; i++) {
    if (customers[i]?.name === customers[i - 1]?.name) {
      throw new RangeError(`customers: ${customers[i]?.name} is declared twice`);
    }
  }

  const started: { stop(): void }[] = [];
  const runningResponders = new Map<string, RunningResponder>();
  const runningCustomers = new Map<string, RunningCustomer>();
  const stop = () => {
    for (const person of started.splice(0).reverse()) person.stop();
  };
  try {
    for (const { userId, ...profile } of responders) {
      const running = startResponder({
        clock,
        rng,
        journal,
        pagerduty: options.pagerduty,
        profile,
        userId,
      });
      started.push(running);
      runningResponders.set(profile.email, running);
    }
    for (const profile of customers) {
      const running = startCustomer({ clock, rng, journal, app: options.app, profile });
      started.push(running);
      runningCustomers.set(profile.name, running);
    }
  } catch (error) {
    stop();
    throw error;
  }
  return { responders: runningResponders, customers: runningCustomers, stop };
}
