/**
 * PagerDuty's incident lifecycle as an xstate v5 machine: one actor per incident, run on the
 * simulator clock (`createActor(machine, { clock: toXStateClock(clock), input })`).
 *
 *   open (parallel)
 *     status
 *       triggered     routing -> escalating (rule delay running) | waiting (no automatic escalation)
 *       acknowledged  routing -> timing (ack timeout or snooze running) | holding
 *     autoResolve     routing -> scheduled (auto-resolve timeout running) | off
 *   resolved          no timers; REOPEN goes back to open
 *
 * The machine is pure: every effect is a named action whose default does nothing
 * (`notifyUser`, `logEntry`, `statusChanged`); the host supplies them with
 * `incidentLifecycleMachine.provide({ actions })`. Delays come from the context through named
 * delays; time and on-call come from the input (`now`, `onCallUsers`).
 */
import { and, assign, enqueueActions, setup } from "xstate";
import {
  assertEscalationPolicy,
  copyPolicy,
  escalationDelayMs,
  hasScheduleTargets,
  MAX_SNOOZE_SEC,
  MIN_SNOOZE_SEC,
  timeoutMs,
} from "./escalation.js";
import {
  acknowledgeStep,
  changeUrgencyStep,
  delegateStep,
  escalateManuallyStep,
  escalateOnTimeoutStep,
  type LifecycleEffect,
  type LifecycleStep,
  reassignStep,
  reopenStep,
  resolveStep,
  snoozeStep,
  triggerStep,
  unacknowledgeStep,
} from "./steps.js";
import type {
  EscalationPolicySnapshot,
  IncidentLifecycleContext,
  IncidentLifecycleEvent,
  IncidentLifecycleInput,
  LogEntryParams,
  NotifyUserParams,
  StatusChangedParams,
} from "./types.js";

/** Checks an input; throws naming the field that is wrong. */
export function assertIncidentLifecycleInput(input: IncidentLifecycleInput): void {
  if (!input.incidentId) throw new RangeError("incident lifecycle: incidentId is empty");
  if (input.urgency !== "high" && input.urgency !== "low") {
    throw new RangeError(
      `incident ${input.incidentId}: urgency must be "high" or "low", got ${String(input.urgency)}`,
    );
  }
  if (typeof input.now !== "function") {
    throw new TypeError(`incident ${input.incidentId}: input.now must be the clock's now()`);
  }
  assertEscalationPolicy(input.escalationPolicy, `incident ${input.incidentId}: escalation policy`);
  if (hasScheduleTargets(input.escalationPolicy) && typeof input.onCallUsers !== "function") {
    throw new TypeError(
      `incident ${input.incidentId}: escalation policy ${input.escalationPolicy.id} targets schedules but no onCallUsers was given`,
    );
  }
  timeoutMs(
    input.acknowledgementTimeoutSec,
    `incident ${input.incidentId}: acknowledgementTimeoutSec`,
  );
  timeoutMs(input.autoResolveTimeoutSec, `incident ${input.incidentId}: autoResolveTimeoutSec`);
}

function createContext(input: IncidentLifecycleInput): IncidentLifecycleContext {
  assertIncidentLifecycleInput(input);
  return {
    incidentId: input.incidentId,
    urgency: input.urgency,
    // A copy: the incident follows the policy as it was at creation, whatever its owner does later.
    escalationPolicy: copyPolicy(input.escalationPolicy),
    acknowledgementTimeoutMs: timeoutMs(
      input.acknowledgementTimeoutSec,
      "acknowledgementTimeoutSec",
    ),
    autoResolveTimeoutMs: timeoutMs(input.autoResolveTimeoutSec, "autoResolveTimeoutSec"),
    now: input.now,
    onCallUsers: input.onCallUsers ?? null,
    triggerChannel: input.triggerChannel ?? "api",
    escalationLevel: 1,
    escalationLoop: 0,
    escalationExhausted: false,
    assignedVia: "escalation_policy",
    assignees: [],
    acknowledgements: [],
    snoozeMs: null,
    status: "triggered",
    escalationTimerStartedAt: null,
    acknowledgementTimerStartedAt: null,
    autoResolveTimerStartedAt: null,
  };
}

/** A policy the incident can follow: well formed, and its schedules resolvable. */
function isValidPolicy(
  context: IncidentLifecycleContext,
  policy: EscalationPolicySnapshot,
): boolean {
  try {
    assertEscalationPolicy(policy, "escalation policy");
    return context.onCallUsers !== null || !hasScheduleTargets(policy);
  } catch {
    return false;
  }
}

function isUserList(users: readonly string[] | undefined): users is readonly string[] {
  return (
    Array.isArray(users) &&
    users.length > 0 &&
    users.every((user) => typeof user === "string" && user !== "")
  );
}

type Step = (context: IncidentLifecycleContext, event: IncidentLifecycleEvent) => LifecycleStep;

/** A named action applying a step: its context changes, then its effects in order. */
function apply(step: Step) {
  return enqueueActions<
    IncidentLifecycleContext,
    IncidentLifecycleEvent,
    undefined,
    IncidentLifecycleEvent,
    never,
    LifecycleEffect,
    never,
    never,
    never
  >(({ context, event, enqueue }) => {
    const { patch, effects } = step(context, event);
    enqueue.assign(patch);
    for (const effect of effects) enqueue(effect);
  });
}

/** Narrows the event a step was declared for; xstate only routes that type there. */
function on<T extends IncidentLifecycleEvent["type"]>(
  type: T,
  run: (
    context: IncidentLifecycleContext,
    event: Extract<IncidentLifecycleEvent, { type: T }>,
  ) => LifecycleStep,
): Step {
  return (context, event) => {
    if (event.type !== type) {
      throw new Error(`incident ${context.incidentId}: ${type} step run for ${event.type}`);
    }
    return run(context, event as Extract<IncidentLifecycleEvent, { type: T }>);
  };
}

export const incidentLifecycleMachine = setup({
  types: {
    input: {} as IncidentLifecycleInput,
    context: {} as IncidentLifecycleContext,
    events: {} as IncidentLifecycleEvent,
  },
  actions: {
    // Effects the host provides. Defaults do nothing.
    notifyUser: (_, _params: NotifyUserParams) => {},
    logEntry: (_, _params: LogEntryParams) => {},
    statusChanged: (_, _params: StatusChangedParams) => {},

    // Transitions, each a pure step over the context.
    trigger: apply((context) => triggerStep(context)),
    escalateOnTimeout: apply((context) => escalateOnTimeoutStep(context)),
    escalateManually: apply(on("ESCALATE", escalateManuallyStep)),
    reassign: apply(on("REASSIGN", reassignStep)),
    delegate: apply(on("DELEGATE", delegateStep)),
    acknowledge: apply(on("ACKNOWLEDGE", acknowledgeStep)),
    snooze: apply(on("SNOOZE", snoozeStep)),
    unacknowledge: apply(
      on("UNACKNOWLEDGE", (context, event) =>
        unacknowledgeStep(context, { by: event.by, channel: event.channel ?? "api" }),
      ),
    ),
    unacknowledgeOnTimeout: apply((context) =>
      unacknowledgeStep(context, { by: null, channel: "timeout" }),
    ),
    resolve: apply(
      on("RESOLVE", (context, event) =>
        resolveStep(context, {
          by: event.by,
          channel: event.channel ?? "api",
          ...(event.resolution === undefined ? {} : { resolution: event.resolution }),
        }),
      ),
    ),
    autoResolve: apply((context) => resolveStep(context, { by: null, channel: "timeout" })),
    changeUrgency: apply(on("URGENCY", changeUrgencyStep)),
    reopen: apply(on("REOPEN", reopenStep)),

    // Bookkeeping of the status and of when timers were armed (for pending_actions).
    enterTriggered: assign({ status: "triggered" }),
    enterAcknowledged: assign({ status: "acknowledged" }),
    enterResolved: assign({ status: "resolved" }),
    startEscalationTimer: assign({ escalationTimerStartedAt: ({ context }) => context.now() }),
    stopEscalationTimer: assign({ escalationTimerStartedAt: null }),
    startAcknowledgementTimer: assign({
      acknowledgementTimerStartedAt: ({ context }) => context.now(),
    }),
    stopAcknowledgementTimer: assign({ acknowledgementTimerStartedAt: null }),
    startAutoResolveTimer: assign({ autoResolveTimerStartedAt: ({ context }) => context.now() }),
    stopAutoResolveTimer: assign({ autoResolveTimerStartedAt: null }),
  },
  guards: {
    /** High urgency, assigned through the policy, path not exhausted. */
    escalatesAutomatically: ({ context }) =>
      context.urgency === "high" &&
      context.assignedVia === "escalation_policy" &&
      !context.escalationExhausted,
    acknowledgementTimesOut: ({ context }) =>
      (context.snoozeMs ?? context.acknowledgementTimeoutMs) !== null,
    autoResolves: ({ context }) => context.autoResolveTimeoutMs !== null,
    /** Low-urgency incidents cannot be escalated; the level must exist in the policy. */
    canEscalate: ({ context, event }) =>
      event.type === "ESCALATE" &&
      context.urgency === "high" &&
      Number.isInteger(event.level) &&
      event.level >= 1 &&
      event.level <= context.escalationPolicy.escalation_rules.length,
    canReassign: ({ event }) => event.type === "REASSIGN" && isUserList(event.assignees),
    canDelegate: ({ context, event }) =>
      event.type === "DELEGATE" && isValidPolicy(context, event.escalationPolicy),
    canSnooze: ({ event }) =>
      event.type === "SNOOZE" &&
      Number.isInteger(event.durationSec) &&
      event.durationSec >= MIN_SNOOZE_SEC &&
      event.durationSec <= MAX_SNOOZE_SEC,
    changesUrgency: ({ context, event }) =>
      event.type === "URGENCY" &&
      (event.urgency === "high" || event.urgency === "low") &&
      event.urgency !== context.urgency,
    canReopen: ({ context, event }) =>
      event.type === "REOPEN" &&
      (event.status === "triggered" || event.status === "acknowledged") &&
      (event.assignees === undefined || isUserList(event.assignees)) &&
      (event.escalationPolicy === undefined || isValidPolicy(context, event.escalationPolicy)),
    reopensAcknowledged: ({ event }) => event.type === "REOPEN" && event.status === "acknowledged",
  },
  delays: {
    escalationDelay: ({ context }) =>
      escalationDelayMs(context.escalationPolicy, context.escalationLevel),
    acknowledgementTimeout: ({ context }) =>
      context.snoozeMs ?? context.acknowledgementTimeoutMs ?? 0,
    autoResolveTimeout: ({ context }) => context.autoResolveTimeoutMs ?? 0,
  },
}).createMachine({
  id: "incident",
  context: ({ input }) => createContext(input),
  entry: "trigger",
  initial: "open",
  states: {
    open: {
      type: "parallel",
      on: {
        RESOLVE: { target: "resolved", actions: "resolve" },
      },
      states: {
        status: {
          initial: "triggered",
          on: {
            ACKNOWLEDGE: { target: ".acknowledged", actions: "acknowledge" },
            ESCALATE: { guard: "canEscalate", target: ".triggered", actions: "escalateManually" },
            REASSIGN: { guard: "canReassign", target: ".triggered", actions: "reassign" },
            DELEGATE: { guard: "canDelegate", target: ".triggered", actions: "delegate" },
          },
          states: {
            triggered: {
              entry: "enterTriggered",
              initial: "routing",
              on: {
                URGENCY: { guard: "changesUrgency", target: ".routing", actions: "changeUrgency" },
              },
              states: {
                routing: {
                  always: [
                    { guard: "escalatesAutomatically", target: "escalating" },
                    { target: "waiting" },
                  ],
                },
                escalating: {
                  entry: "startEscalationTimer",
                  exit: "stopEscalationTimer",
                  after: {
                    escalationDelay: { target: "routing", actions: "escalateOnTimeout" },
                  },
                },
                waiting: {},
              },
            },
            acknowledged: {
              entry: "enterAcknowledged",
              initial: "routing",
              on: {
                SNOOZE: { guard: "canSnooze", target: ".routing", actions: "snooze" },
                UNACKNOWLEDGE: { target: "triggered", actions: "unacknowledge" },
                URGENCY: { guard: "changesUrgency", actions: "changeUrgency" },
              },
              states: {
                routing: {
                  always: [
                    { guard: "acknowledgementTimesOut", target: "timing" },
                    { target: "holding" },
                  ],
                },
                timing: {
                  entry: "startAcknowledgementTimer",
                  exit: "stopAcknowledgementTimer",
                  after: {
                    acknowledgementTimeout: {
                      target: "#incident.open.status.triggered",
                      actions: "unacknowledgeOnTimeout",
                    },
                  },
                },
                holding: {},
              },
            },
          },
        },
        autoResolve: {
          initial: "routing",
          states: {
            routing: {
              always: [{ guard: "autoResolves", target: "scheduled" }, { target: "off" }],
            },
            scheduled: {
              entry: "startAutoResolveTimer",
              exit: "stopAutoResolveTimer",
              after: {
                autoResolveTimeout: { target: "#incident.resolved", actions: "autoResolve" },
              },
            },
            off: {},
          },
        },
      },
    },
    resolved: {
      entry: "enterResolved",
      on: {
        REOPEN: [
          {
            guard: and(["canReopen", "reopensAcknowledged"]),
            target: "#incident.open.status.acknowledged",
            actions: "reopen",
          },
          { guard: "canReopen", target: "open", actions: "reopen" },
        ],
      },
    },
  },
});
