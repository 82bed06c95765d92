/**
 * A responder as xstate v5 machines: the person (`responderMachine`), who answers their phone,
 * and one `pageMachine` child per incident they are paged for, so several incidents can be open
 * at once without their timers mixing.
 *
 *   page
 *     deciding        -> missed (final) | waiting
 *     waiting         after acknowledgeAfter -> acknowledging; someone else acks/resolves -> stoodDown
 *     acknowledging   the PUT in flight -> investigating | refused | stoodDown (resolved meanwhile)
 *     investigating   (parallel) work: after investigateFor -> resolving | handedOff
 *                                updates: first, then every `every`, posting status updates
 *                     resolved by someone else -> stoodDown
 *     resolving       the PUT in flight -> resolved | refused
 *
 * The machines are pure: delays come from the page's plan (drawn from the seeded stream before
 * the page starts), and every effect is a named action whose default does nothing: `journal`
 * (a decision: paged, missed, stood down) and `call` (a PagerDuty REST call; the host sends the
 * outcome back as ACKNOWLEDGE_DONE, STATUS_UPDATE_DONE or RESOLVE_DONE and journals it). The host
 * supplies them with `pageMachine.provide({ actions })`.
 */
import { type ActorRefFrom, and, assign, enqueueActions, not, sendTo, setup } from "xstate";

/** What a person will do about one page, decided when they are first notified. */
export interface PagePlan {
  decision: "acknowledge" | "miss";
  /** From the first notification to the acknowledgement. */
  acknowledgeAfterMs: number;
  /** From the acknowledgement to resolving (or handing off, without `resolve`). */
  investigateForMs: number;
  statusUpdates: {
    firstMs: number;
    /** The wait before each later update; null: only the first one is posted. */
    nextMs: (() => number) | null;
    message: string;
  } | null;
  resolve: boolean;
}

export type ResponderAction = "acknowledge" | "status_update" | "resolve";

/** How PagerDuty answered a call: `ok` for 2xx, else the refusal as it came. */
export type CallOutcome =
  | { ok: true; status: number }
  | { ok: false; status: number; body: unknown };

/**
 * How a page ended: `stood_down` when someone else acknowledged first (the incident may come
 * back), `resolved_elsewhere` when someone else resolved it, `handed_off` after investigating
 * without resolving.
 */
export type PageOutcome =
  | "missed"
  | "stood_down"
  | "resolved_elsewhere"
  | "refused"
  | "resolved"
  | "handed_off"
  | "pending";

export interface PageInput {
  incident: string;
  user: string;
  email: string;
  plan: PagePlan;
}

export interface PageContext extends PageInput {
  /** Set when the incident was resolved (by `by`) while our acknowledgement was in flight. */
  resolvedMeanwhile: { by: string | null } | null;
  statusUpdatesPosted: number;
  outcome: PageOutcome;
}

export type PageEvent =
  | { type: "INCIDENT_ACKNOWLEDGED"; by: string | null }
  | { type: "INCIDENT_RESOLVED"; by: string | null }
  | { type: "ACKNOWLEDGE_DONE"; outcome: CallOutcome }
  | { type: "STATUS_UPDATE_DONE"; outcome: CallOutcome }
  | { type: "RESOLVE_DONE"; outcome: CallOutcome };

/** A decision the machine journals; the host adds incident, user and email. */
export interface JournalParams {
  type: "responder.paged" | "responder.missed" | "responder.stood_down";
  data: Record<string, unknown>;
}

export interface CallParams {
  action: ResponderAction;
  /** The status update's text (status_update only). */
  message?: string;
}

type DoneEvent = Extract<PageEvent, { outcome: CallOutcome }>;

const refusedOutcome = ({ event }: { event: PageEvent }) =>
  "outcome" in event && !(event as DoneEvent).outcome.ok;

/** Journals standing down because someone else (`event.by`) acknowledged or resolved. */
const standDown = (reason: "acknowledged" | "resolved") =>
  ({
    type: "journal",
    params: ({ context, event }: { context: PageContext; event: PageEvent }): JournalParams => ({
      type: "responder.stood_down",
      data: {
        reason,
        by: "by" in event ? event.by : (context.resolvedMeanwhile?.by ?? null),
      },
    }),
  }) as const;

export const pageMachine = setup({
  types: {
    context: {} as PageContext,
    events: {} as PageEvent,
    input: {} as PageInput,
    output: {} as { incident: string; outcome: PageOutcome },
  },
  actions: {
    journal: (_, _params: JournalParams) => {},
    call: (_, _params: CallParams) => {},
    noteResolvedMeanwhile: assign({
      resolvedMeanwhile: ({ event }) => ({ by: "by" in event ? event.by : null }),
    }),
    countStatusUpdate: assign({
      statusUpdatesPosted: ({ context }) => context.statusUpdatesPosted + 1,
    }),
    setOutcome: assign((_, outcome: PageOutcome) => ({ outcome })),
  },
  guards: {
    misses: ({ context }) => context.plan.decision === "miss",
    refused: refusedOutcome,
    resolvedMeanwhile: ({ context }) => context.resolvedMeanwhile !== null,
    resolves: ({ context }) => context.plan.resolve,
    postsStatusUpdates: ({ context }) => context.plan.statusUpdates !== null,
    repeatsStatusUpdates: ({ context }) => context.plan.statusUpdates?.nextMs != null,
  },
  delays: {
    acknowledgeAfter: ({ context }) => context.plan.acknowledgeAfterMs,
    investigateFor: ({ context }) => context.plan.investigateForMs,
    firstStatusUpdate: ({ context }) => context.plan.statusUpdates?.firstMs ?? 0,
    nextStatusUpdate: ({ context }) => context.plan.statusUpdates?.nextMs?.() ?? 0,
  },
}).createMachine({
  id: "page",
  context: ({ input }) => ({
    ...input,
    resolvedMeanwhile: null,
    statusUpdatesPosted: 0,
    outcome: "pending",
  }),
  output: ({ context }) => ({ incident: context.incident, outcome: context.outcome }),
  entry: {
    type: "journal",
    params: ({ context }) => ({
      type: "responder.paged",
      data:
        context.plan.decision === "miss"
          ? { decision: "miss" }
          : { decision: "acknowledge", after: context.plan.acknowledgeAfterMs },
    }),
  },
  initial: "deciding",
  states: {
    deciding: {
      always: [{ guard: "misses", target: "missed" }, { target: "waiting" }],
    },
    missed: {
      type: "final",
      entry: [
        { type: "journal", params: { type: "responder.missed", data: {} } },
        { type: "setOutcome", params: "missed" },
      ],
    },
    waiting: {
      after: { acknowledgeAfter: "acknowledging" },
      on: {
        INCIDENT_ACKNOWLEDGED: { target: "stoodDown", actions: standDown("acknowledged") },
        INCIDENT_RESOLVED: { target: "resolvedElsewhere", actions: standDown("resolved") },
      },
    },
    acknowledging: {
      entry: { type: "call", params: { action: "acknowledge" } },
      on: {
        // Our own acknowledgement, or one made in the same instant: the PUT's answer decides.
        INCIDENT_ACKNOWLEDGED: {},
        INCIDENT_RESOLVED: { actions: "noteResolvedMeanwhile" },
        ACKNOWLEDGE_DONE: [
          { guard: "refused", target: "refused" },
          {
            guard: "resolvedMeanwhile",
            target: "resolvedElsewhere",
            actions: standDown("resolved"),
          },
          { target: "investigating" },
        ],
      },
    },
    investigating: {
      type: "parallel",
      on: {
        INCIDENT_RESOLVED: { target: "resolvedElsewhere", actions: standDown("resolved") },
      },
      states: {
        work: {
          initial: "working",
          states: {
            working: {
              after: {
                investigateFor: [
                  { guard: "resolves", target: "#page.resolving" },
                  { target: "#page.handedOff" },
                ],
              },
            },
          },
        },
        updates: {
          initial: "deciding",
          states: {
            deciding: {
              always: [{ guard: "postsStatusUpdates", target: "first" }, { target: "off" }],
            },
            first: { after: { firstStatusUpdate: "posting" } },
            posting: {
              entry: {
                type: "call",
                params: ({ context }) => ({
                  action: "status_update",
                  message: context.plan.statusUpdates?.message ?? "",
                }),
              },
              on: {
                STATUS_UPDATE_DONE: [
                  { guard: "refused", target: "off" },
                  {
                    guard: "repeatsStatusUpdates",
                    target: "next",
                    actions: "countStatusUpdate",
                  },
                  { target: "off", actions: "countStatusUpdate" },
                ],
              },
            },
            next: { after: { nextStatusUpdate: "posting" } },
            off: {},
          },
        },
      },
    },
    resolving: {
      entry: { type: "call", params: { action: "resolve" } },
      on: {
        // Our own resolution (or one in the same instant): the PUT's answer decides.
        INCIDENT_RESOLVED: {},
        INCIDENT_ACKNOWLEDGED: {},
        RESOLVE_DONE: [{ guard: "refused", target: "refused" }, { target: "resolved" }],
      },
    },
    resolved: { type: "final", entry: { type: "setOutcome", params: "resolved" } },
    handedOff: { type: "final", entry: { type: "setOutcome", params: "handed_off" } },
    refused: { type: "final", entry: { type: "setOutcome", params: "refused" } },
    stoodDown: { type: "final", entry: { type: "setOutcome", params: "stood_down" } },
    resolvedElsewhere: {
      type: "final",
      entry: { type: "setOutcome", params: "resolved_elsewhere" },
    },
  },
});

export type PageActorRef = ActorRefFrom<typeof pageMachine>;

export interface ResponderInput {
  user: string;
  email: string;
  /** The plan for the `attempt`-th page about `incident` (1 for the first). */
  plan(incident: string, attempt: number): PagePlan;
}

export interface ResponderContext {
  user: string;
  email: string;
  plan: ResponderInput["plan"];
  /** The page running per incident id. */
  pages: Record<string, PageActorRef>;
  /** Pages started per incident, so a new page after standing down gets a fresh plan. */
  attempts: Record<string, number>;
  /** Incidents this person is done with: later notifications about them are ignored. */
  closed: Record<string, PageOutcome>;
}

export type ResponderEvent =
  | { type: "NOTIFIED"; incident: string; user: string }
  | { type: "INCIDENT_ACKNOWLEDGED"; incident: string; by: string | null }
  | { type: "INCIDENT_RESOLVED"; incident: string; by: string | null };

type PageDoneEvent = {
  type: `xstate.done.actor.${string}`;
  output: { incident: string; outcome: PageOutcome };
};

export const responderMachine = setup({
  types: {
    context: {} as ResponderContext,
    events: {} as ResponderEvent,
    input: {} as ResponderInput,
  },
  actors: { page: pageMachine },
  guards: {
    isForMe: ({ context, event }) => event.type === "NOTIFIED" && event.user === context.user,
    isPaging: ({ context, event }) =>
      "incident" in event && context.pages[event.incident] !== undefined,
    isClosed: ({ context, event }) =>
      "incident" in event && context.closed[event.incident] !== undefined,
  },
  actions: {
    startPage: assign(({ context, event, spawn }) => {
      const { incident } = event as Extract<ResponderEvent, { type: "NOTIFIED" }>;
      const attempt = (context.attempts[incident] ?? 0) + 1;
      const page = spawn("page", {
        id: `page:${incident}:${attempt}`,
        input: {
          incident,
          user: context.user,
          email: context.email,
          plan: context.plan(incident, attempt),
        },
      });
      return {
        pages: { ...context.pages, [incident]: page },
        attempts: { ...context.attempts, [incident]: attempt },
      };
    }),
    forward: sendTo(
      ({ context, event }) =>
        context.pages[(event as { incident: string }).incident] as PageActorRef,
      ({ event }) => {
        const { incident: _incident, ...rest } = event as Exclude<
          ResponderEvent,
          { type: "NOTIFIED" }
        >;
        return rest as PageEvent;
      },
    ),
    endPage: enqueueActions(({ context, event, enqueue }) => {
      const { incident, outcome } = (event as unknown as PageDoneEvent).output;
      const { [incident]: _ended, ...pages } = context.pages;
      // Standing down for someone else's acknowledgement is not the end: if the incident comes
      // back (acknowledgement timeout) and pages them again, they answer again.
      const closed =
        outcome === "stood_down" ? context.closed : { ...context.closed, [incident]: outcome };
      enqueue.assign({ pages, closed });
    }),
  },
}).createMachine({
  id: "responder",
  context: ({ input }) => ({
    user: input.user,
    email: input.email,
    plan: input.plan,
    pages: {},
    attempts: {},
    closed: {},
  }),
  on: {
    NOTIFIED: {
      // Notified again (another contact method, the next escalation loop) while paged: the
      // running page goes on, its delay is not restarted.
      guard: and(["isForMe", not("isPaging"), not("isClosed")]),
      actions: "startPage",
    },
    INCIDENT_ACKNOWLEDGED: { guard: "isPaging", actions: "forward" },
    INCIDENT_RESOLVED: { guard: "isPaging", actions: "forward" },
    "xstate.done.actor.*": { actions: "endPage" },
  },
});
