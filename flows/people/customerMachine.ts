/**
 * A customer as xstate v5 machines: the person (`customerMachine`), who uses one service, and one
 * `encounterMachine` child per fault on it.
 *
 *   encounter
 *     unaware     after noticeAfter -> checking; the fault ends first -> unaffected (final)
 *     checking    looks at the status page -> reporting | done
 *     reporting   the report in flight -> done
 *
 * Pure like the responder's: the delay comes from the plan, effects are the named actions
 * `journal` and `call` (the host answers STATUS_CHECKED or REPORT_DONE).
 */
import { type ActorRefFrom, and, assign, enqueueActions, not, sendTo, setup } from "xstate";

export interface EncounterPlan {
  noticeAfterMs: number;
  reports: boolean;
  message: string;
}

export interface EncounterInput {
  customer: string;
  service: string;
  faultId: string;
  plan: EncounterPlan;
}

export interface EncounterContext extends EncounterInput {
  informed: boolean;
}

export type EncounterEvent =
  | { type: "FAULT_ENDED" }
  | { type: "STATUS_CHECKED"; informed: boolean; incidentId: string | null }
  | { type: "REPORT_DONE"; ok: boolean };

export interface CustomerJournalParams {
  type: "customer.noticed" | "customer.informed";
  data: Record<string, unknown>;
}

export type CustomerCall =
  | { action: "check_status" }
  | { action: "report"; message: string; informedBeforeReport: boolean };

export const encounterMachine = setup({
  types: {
    context: {} as EncounterContext,
    events: {} as EncounterEvent,
    input: {} as EncounterInput,
    output: {} as { faultId: string },
  },
  actions: {
    journal: (_, _params: CustomerJournalParams) => {},
    call: (_, _params: CustomerCall) => {},
    noteInformed: assign({ informed: true }),
  },
  guards: {
    informed: ({ event }) => event.type === "STATUS_CHECKED" && event.informed,
    reports: ({ context }) => context.plan.reports,
  },
  delays: {
    noticeAfter: ({ context }) => context.plan.noticeAfterMs,
  },
}).createMachine({
  id: "encounter",
  context: ({ input }) => ({ ...input, informed: false }),
  output: ({ context }) => ({ faultId: context.faultId }),
  initial: "unaware",
  states: {
    unaware: {
      after: { noticeAfter: "checking" },
      on: { FAULT_ENDED: "unaffected" },
    },
    checking: {
      entry: [
        { type: "journal", params: { type: "customer.noticed", data: {} } },
        { type: "call", params: { action: "check_status" } },
      ],
      on: {
        STATUS_CHECKED: [
          {
            guard: "informed",
            actions: [
              "noteInformed",
              {
                type: "journal",
                params: ({ event }) => ({
                  type: "customer.informed",
                  data: { incidentId: event.type === "STATUS_CHECKED" ? event.incidentId : null },
                }),
              },
            ],
            target: "deciding",
          },
          { target: "deciding" },
        ],
      },
    },
    deciding: {
      always: [{ guard: "reports", target: "reporting" }, { target: "done" }],
    },
    reporting: {
      entry: {
        type: "call",
        params: ({ context }) => ({
          action: "report",
          message: context.plan.message,
          informedBeforeReport: context.informed,
        }),
      },
      on: { REPORT_DONE: "done" },
    },
    unaffected: { type: "final" },
    done: { type: "final" },
  },
});

export type EncounterActorRef = ActorRefFrom<typeof encounterMachine>;

export interface CustomerInput {
  customer: string;
  service: string;
  plan(faultId: string): EncounterPlan;
}

export interface CustomerContext {
  customer: string;
  service: string;
  plan: CustomerInput["plan"];
  /** The encounter running per fault id. */
  encounters: Record<string, EncounterActorRef>;
  /** Faults already met: one encounter (and at most one report) per fault. */
  seen: Record<string, true>;
}

export type CustomerEvent =
  | { type: "FAULT_STARTED"; faultId: string; service: string }
  | { type: "FAULT_ENDED"; faultId: string };

export const customerMachine = setup({
  types: {
    context: {} as CustomerContext,
    events: {} as CustomerEvent,
    input: {} as CustomerInput,
  },
  actors: { encounter: encounterMachine },
  guards: {
    onMyService: ({ context, event }) =>
      event.type === "FAULT_STARTED" && event.service === context.service,
    seen: ({ context, event }) => context.seen[event.faultId] !== undefined,
    meeting: ({ context, event }) => context.encounters[event.faultId] !== undefined,
  },
  actions: {
    startEncounter: assign(({ context, event, spawn }) => {
      const { faultId } = event;
      const encounter = spawn("encounter", {
        id: `encounter:${faultId}`,
        input: {
          customer: context.customer,
          service: context.service,
          faultId,
          plan: context.plan(faultId),
        },
      });
      return {
        encounters: { ...context.encounters, [faultId]: encounter },
        seen: { ...context.seen, [faultId]: true as const },
      };
    }),
    forwardEnd: sendTo(
      ({ context, event }) => context.encounters[event.faultId] as EncounterActorRef,
      { type: "FAULT_ENDED" },
    ),
    endEncounter: enqueueActions(({ context, event, enqueue }) => {
      const { faultId } = (event as unknown as { output: { faultId: string } }).output;
      const { [faultId]: _ended, ...encounters } = context.encounters;
      enqueue.assign({ encounters });
    }),
  },
}).createMachine({
  id: "customer",
  context: ({ input }) => ({
    customer: input.customer,
    service: input.service,
    plan: input.plan,
    encounters: {},
    seen: {},
  }),
  on: {
    FAULT_STARTED: { guard: and(["onMyService", not("seen")]), actions: "startEncounter" },
    FAULT_ENDED: { guard: "meeting", actions: "forwardEnd" },
    "xstate.done.actor.*": { actions: "endEncounter" },
  },
});
