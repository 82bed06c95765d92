import { createActor } from "xstate";
import {
  type EscalationPolicySnapshot,
  type IncidentLifecycleInput,
  incidentLifecycleMachine,
  type LifecycleEffect,
  type LogEntryParams,
  type NotifyUserParams,
  type StatusChangedParams,
} from "../../../../mocks/pagerduty/lifecycle/index.js";
import type { Clock } from "../../../../simulator/kernel/clock.js";
import { createVirtualClock } from "../../../../simulator/kernel/virtualClock.js";
import { toXStateClock } from "../../../../simulator/kernel/xstateClock.js";

export const MINUTE = 60_000;
export const START = Date.UTC(2026, 0, 5, 9, 0, 0);

/** A policy of user targets: `policy([["alice"], ["bob"], ["carol"]], [5, 10, 15], 1)`. */
export function policy(
  levels: readonly (readonly string[])[],
  delaysMin: readonly number[],
  numLoops = 0,
  id = "PEP0001",
): EscalationPolicySnapshot {
  return {
    id,
    num_loops: numLoops,
    escalation_rules: levels.map((targets, index) => ({
      id: `PR${index + 1}`,
      escalation_delay_in_minutes: delaysMin[index] ?? 30,
      targets: targets.map((target) =>
        target.startsWith("schedule:")
          ? { type: "schedule_reference" as const, id: target.slice("schedule:".length) }
          : { type: "user_reference" as const, id: target },
      ),
    })),
  };
}

export interface Recorded {
  effects: LifecycleEffect[];
  notifications: NotifyUserParams[];
  entries: LogEntryParams[];
  statusChanges: StatusChangedParams[];
}

/** The host's effects recorded in order, as the actions the host provides would see them. */
export function recordingMachine(recorded: Recorded) {
  return incidentLifecycleMachine.provide({
    actions: {
      notifyUser: (_, params) => {
        recorded.effects.push({ type: "notifyUser", params });
        recorded.notifications.push(params);
      },
      logEntry: (_, params) => {
        recorded.effects.push({ type: "logEntry", params });
        recorded.entries.push(params);
      },
      statusChanged: (_, params) => {
        recorded.effects.push({ type: "statusChanged", params });
        recorded.statusChanges.push(params);
      },
    },
  });
}

export type StartOptions = Omit<IncidentLifecycleInput, "now" | "incidentId"> & {
  incidentId?: string;
  clock?: Clock;
};

/** Starts one incident actor on a virtual clock, recording what it asks its host to do. */
export function startIncident(options: StartOptions) {
  const clock = options.clock ?? createVirtualClock({ start: START });
  const recorded: Recorded = { effects: [], notifications: [], entries: [], statusChanges: [] };
  const { clock: _clock, ...rest } = options;
  const input: IncidentLifecycleInput = {
    incidentId: "PINC001",
    ...rest,
    now: () => clock.now(),
  };
  const actor = createActor(recordingMachine(recorded), {
    clock: toXStateClock(clock, `incident ${input.incidentId}`),
    input,
  });
  const errors: unknown[] = [];
  actor.subscribe({ error: (error) => errors.push(error) });
  actor.start();
  /** The actor's snapshot; an actor that failed fails the test with its error. */
  const snapshot = () => {
    const current = actor.getSnapshot();
    if (current.status === "error" || errors.length > 0) throw current.error ?? errors[0];
    return current;
  };
  snapshot();
  return {
    actor,
    clock,
    recorded,
    snapshot,
    /** Virtual minutes since the start of the run. */
    minutes: () => (clock.now() - START) / MINUTE,
    notified: () => recorded.notifications.map((n) => n.userId),
    entryTypes: () => recorded.entries.map((e) => e.type),
  };
}

/** Notifications as "user@minute" strings, minute relative to the run's start. */
export function notificationTimeline(recorded: Recorded): string[] {
  return recorded.notifications.map((n) => `${n.userId}@${(n.at - START) / MINUTE}`);
}

/** Log entries, without notify entries, as "type@minute". */
export function entryTimeline(recorded: Recorded): string[] {
  return recorded.entries
    .filter((e) => e.type !== "notify_log_entry")
    .map((e) => `${e.type}@${(e.at - START) / MINUTE}`);
}
