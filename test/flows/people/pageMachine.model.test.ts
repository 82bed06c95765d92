/**
 * Model-based tests of one page (a responder and one incident): xstate/graph walks the machine
 * with every event it can meet (someone else acknowledging or resolving, PagerDuty accepting or
 * refusing each call) and its own delayed transitions (`xstate.after.*`), and every step of
 * every path is checked with the pure `transition`, through the effects it asks for.
 */
import { describe, expect, it } from "vitest";
import {
  initialTransition,
  __unsafe_getAllOwnEventDescriptors as ownEventTypes,
  type SnapshotFrom,
  transition,
} from "xstate";
import { getAdjacencyMap, getShortestPaths } from "xstate/graph";
import {
  type PageEvent,
  type PageInput,
  type PagePlan,
  pageMachine,
} from "../../../flows/people/index.js";

type Snapshot = SnapshotFrom<typeof pageMachine>;
type StateValue = Parameters<Snapshot["matches"]>[0];

const ok = { ok: true, status: 200 } as const;
const refused = { ok: false, status: 400, body: { error: { code: 2001 } } } as const;

const samples: PageEvent[] = [
  { type: "INCIDENT_ACKNOWLEDGED", by: "PBOB001" },
  { type: "INCIDENT_RESOLVED", by: "PBOB001" },
  { type: "ACKNOWLEDGE_DONE", outcome: ok },
  { type: "ACKNOWLEDGE_DONE", outcome: refused },
  { type: "STATUS_UPDATE_DONE", outcome: ok },
  { type: "STATUS_UPDATE_DONE", outcome: refused },
  { type: "RESOLVE_DONE", outcome: ok },
  { type: "RESOLVE_DONE", outcome: refused },
];

function events(snapshot: Snapshot): PageEvent[] {
  return [
    ...samples,
    ...ownEventTypes(snapshot)
      .filter((type) => type.startsWith("xstate.after."))
      .map((type) => ({ type }) as unknown as PageEvent),
  ];
}

const basePlan: PagePlan = {
  decision: "acknowledge",
  acknowledgeAfterMs: 180_000,
  investigateForMs: 1_200_000,
  statusUpdates: { firstMs: 300_000, nextMs: () => 600_000, message: "Looking into it" },
  resolve: true,
};

const plans: Record<string, PagePlan> = {
  "acknowledges, posts repeated updates, resolves": basePlan,
  "acknowledges, posts one update": {
    ...basePlan,
    statusUpdates: { firstMs: 300_000, nextMs: null, message: "Looking into it" },
  },
  "acknowledges without updates and hands off": {
    ...basePlan,
    statusUpdates: null,
    resolve: false,
  },
  misses: { ...basePlan, decision: "miss" },
};

const inputOf = (plan: PagePlan): PageInput => ({
  incident: "PINC001",
  user: "PALICE1",
  email: "alice@watermelon.example",
  plan,
});

/** What identifies a model state: the state value and what the context decides with. */
function serialize(snapshot: Snapshot): string {
  const c = snapshot.context;
  return JSON.stringify({
    value: snapshot.value,
    status: snapshot.status,
    resolvedMeanwhile: c.resolvedMeanwhile,
    // Counted up to "more than one", so the repeating updates give a finite graph.
    posted: Math.min(c.statusUpdatesPosted, 2),
    outcome: c.outcome,
  });
}

interface Effect {
  type: "journal" | "call";
  what: string;
}

function effectsOf(actions: { type: string; params?: unknown }[]): Effect[] {
  return actions.flatMap((a): Effect[] => {
    if (a.type === "journal")
      return [{ type: "journal", what: (a.params as { type: string }).type }];
    if (a.type === "call") return [{ type: "call", what: (a.params as { action: string }).action }];
    return [];
  });
}

const FINAL_OUTCOMES: Record<string, string> = {
  missed: "missed",
  stoodDown: "stood_down",
  resolvedElsewhere: "resolved_elsewhere",
  refused: "refused",
  resolved: "resolved",
  handedOff: "handed_off",
};

/** Where a call's answer is awaited: which call, by state. */
function awaiting(snapshot: Snapshot): string[] {
  const calls: string[] = [];
  if (snapshot.matches("acknowledging")) calls.push("acknowledge");
  if (snapshot.matches("resolving")) calls.push("resolve");
  if (snapshot.matches({ investigating: { updates: "posting" } })) calls.push("status_update");
  return calls;
}

/** Invariants of one step `prev --event--> next` and the effects it asks for. */
function checkStep(
  plan: PagePlan,
  prev: Snapshot | null,
  event: PageEvent | { type: string },
  next: Snapshot,
  effects: Effect[],
  seen: Set<string>,
): void {
  const problems: string[] = [];
  const fail = (p: string) => problems.push(p);
  const calls = effects.filter((e) => e.type === "call").map((e) => e.what);
  const journaled = effects.filter((e) => e.type === "journal").map((e) => e.what);

  // The page is journaled once, when it starts; a missed one is journaled as missed right away.
  if (prev === null) {
    const expected =
      plan.decision === "miss" ? ["responder.paged", "responder.missed"] : ["responder.paged"];
    if (JSON.stringify(journaled) !== JSON.stringify(expected)) fail(`init journaled ${journaled}`);
  } else if (journaled.includes("responder.paged")) fail("paged twice");

  // A missed page calls PagerDuty for nothing.
  if (plan.decision === "miss" && calls.length > 0) fail(`a missed page called ${calls}`);

  // Each call is asked for exactly when the state that awaits its answer is entered.
  const before = prev ? awaiting(prev) : [];
  const entered = awaiting(next).filter((c) => !before.includes(c));
  for (const call of calls) {
    if (!awaiting(next).includes(call)) fail(`${call} called but not awaited`);
  }
  for (const call of entered) {
    if (!calls.includes(call)) fail(`${call} awaited but never called`);
  }

  // Resolving comes only after PagerDuty accepted the acknowledgement, and only when planned.
  if (calls.includes("resolve")) {
    if (!plan.resolve) fail("resolved without resolve planned");
    if (!prev?.matches("investigating")) fail("resolve called outside investigating");
  }
  if (calls.includes("status_update") && plan.statusUpdates === null) fail("unplanned update");

  // Someone else resolving never leads to a call; it ends the page unless our own call is in
  // flight (its answer decides).
  if (event.type === "INCIDENT_RESOLVED" && calls.length > 0) fail("called on a resolution");
  if (
    event.type === "INCIDENT_RESOLVED" &&
    prev?.status === "active" &&
    (prev.matches("waiting") || prev.matches("investigating"))
  ) {
    if (!next.matches("resolvedElsewhere")) fail("not stood down after a resolution elsewhere");
    if (!journaled.includes("responder.stood_down")) fail("stood down without journaling it");
  }
  if (event.type === "INCIDENT_ACKNOWLEDGED" && prev?.matches("waiting")) {
    if (!next.matches("stoodDown") || calls.length > 0) fail("kept waiting after another's ack");
  }

  // A final state has its outcome, and nothing is awaited any more.
  if (next.status === "done") {
    const state = Object.keys(FINAL_OUTCOMES).find((s) => next.matches(s as StateValue));
    if (!state) fail(`done in ${JSON.stringify(next.value)}`);
    else {
      seen.add(state);
      if (next.context.outcome !== FINAL_OUTCOMES[state]) fail(`outcome ${next.context.outcome}`);
      if (next.output?.outcome !== FINAL_OUTCOMES[state]) fail(`output ${next.output?.outcome}`);
    }
  } else if (next.context.outcome !== "pending")
    fail(`outcome ${next.context.outcome} while active`);

  if (problems.length > 0) {
    expect(
      problems,
      `${prev ? serialize(prev) : "init"} --${JSON.stringify(event)}--> ${serialize(next)}`,
    ).toEqual([]);
  }
}

describe.each(Object.entries(plans))("a page that %s", (_name, plan) => {
  const input = inputOf(plan);

  it("keeps its invariants on every transition of its graph", () => {
    const adjacency = getAdjacencyMap(pageMachine, { input, events, serializeState: serialize });
    const seen = new Set<string>();
    const [initial, initialActions] = initialTransition(pageMachine, input);
    checkStep(plan, null, { type: "xstate.init" }, initial, effectsOf(initialActions), seen);
    let steps = 0;
    for (const { state, transitions } of Object.values(adjacency)) {
      for (const { event } of Object.values(transitions) as { event: PageEvent }[]) {
        const [next, actions] = transition(pageMachine, state, event);
        checkStep(plan, state, event, next, effectsOf(actions), seen);
        steps++;
      }
    }
    expect(steps).toBeGreaterThan(0);
    const expectedFinals =
      plan.decision === "miss"
        ? ["missed"]
        : ["stoodDown", "resolvedElsewhere", "refused", plan.resolve ? "resolved" : "handedOff"];
    expect([...seen].sort()).toEqual(expectedFinals.sort());
  });
});

describe("paths through a page", () => {
  const input = inputOf(plans["acknowledges, posts repeated updates, resolves"] as PagePlan);
  const paths = getShortestPaths(pageMachine, { input, events, serializeState: serialize });
  const describePath = (to: StateValue) => {
    const path = paths.find((p) => p.state.matches(to) && p.state.status === "done");
    if (!path) throw new Error(`no path to ${to}`);
    return path.steps
      .map((s) => s.event.type.replace(/^xstate\.after\.(\w+)\..*$/, "after $1"))
      .join(" > ");
  };

  it("resolves the shortest way: acknowledge, accepted, investigate, resolve, accepted", () => {
    expect(describePath("resolved")).toBe(
      "xstate.init > after acknowledgeAfter > ACKNOWLEDGE_DONE > after investigateFor > RESOLVE_DONE",
    );
  });

  it("stands down without a call when someone else acknowledges while it waits", () => {
    expect(describePath("stoodDown")).toBe("xstate.init > INCIDENT_ACKNOWLEDGED");
  });

  it("goes on waiting for its own call's answer when the incident is resolved meanwhile", () => {
    const [init] = initialTransition(pageMachine, input);
    const [acknowledging] = transition(pageMachine, init, {
      type: "xstate.after.acknowledgeAfter.page.waiting",
    } as unknown as PageEvent);
    expect(acknowledging.value).toBe("acknowledging");
    const [still] = transition(pageMachine, acknowledging, {
      type: "INCIDENT_RESOLVED",
      by: "PBOB001",
    });
    expect(still.value).toBe("acknowledging");
    const [after, actions] = transition(pageMachine, still, {
      type: "ACKNOWLEDGE_DONE",
      outcome: ok,
    });
    expect(after.value).toBe("resolvedElsewhere");
    expect(effectsOf(actions)).toEqual([{ type: "journal", what: "responder.stood_down" }]);
    expect(actions.find((a) => a.type === "journal")?.params).toMatchObject({
      data: { reason: "resolved", by: "PBOB001" },
    });
  });
});
