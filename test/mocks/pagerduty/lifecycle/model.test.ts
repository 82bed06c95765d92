/**
 * Model-based tests: xstate/graph walks the machine with sample events (delayed transitions
 * appear as `xstate.after.*` events), invariants are checked on every step of every path using
 * the pure `transition` (its actions, not executed), and each path is then replayed on an actor
 * driven by the virtual clock, timer by timer, which must reach the same states with the same
 * effects.
 */
import { describe, expect, it } from "vitest";
import {
  initialTransition,
  __unsafe_getAllOwnEventDescriptors as ownEventTypes,
  transition,
} from "xstate";
import { getAdjacencyMap, getShortestPaths, getSimplePaths, type StatePath } from "xstate/graph";
import {
  type IncidentLifecycleEvent,
  type IncidentLifecycleInput,
  type IncidentLifecycleSnapshot,
  type IncidentStatus,
  incidentLifecycleMachine,
  incidentStatus,
  type LifecycleEffect,
  pendingActions,
} from "../../../../mocks/pagerduty/lifecycle/index.js";
import { policy, type Recorded, START, startIncident } from "./harness.js";

type Path = StatePath<IncidentLifecycleSnapshot, IncidentLifecycleEvent>;
type AnyEvent = IncidentLifecycleEvent | { type: `xstate.after.${string}` | "xstate.init" };

const SCHEDULES: Record<string, string[]> = { PRIMARY: ["bea"], GAP: [] };
const onCallUsers = (scheduleId: string) => SCHEDULES[scheduleId] ?? [];

/** Three levels, the second one empty, repeated once. */
const modelPolicy = policy(
  [["ann"], ["schedule:GAP"], ["schedule:PRIMARY", "cat"]],
  [5, 10, 15],
  1,
);
const otherPolicy = policy([["eve"]], [7], 0, "PEP0002");

type ModelInput = Omit<IncidentLifecycleInput, "now" | "incidentId">;

const baseInput: ModelInput = {
  urgency: "high",
  escalationPolicy: modelPolicy,
  onCallUsers,
  acknowledgementTimeoutSec: 1800,
};

const allEvents: IncidentLifecycleEvent[] = [
  { type: "ACKNOWLEDGE", by: "ann" },
  { type: "UNACKNOWLEDGE", by: "ann" },
  { type: "RESOLVE", by: "ann" },
  { type: "ESCALATE", level: 1, by: "ann" },
  { type: "ESCALATE", level: 3, by: "ann" },
  { type: "ESCALATE", level: 4, by: "ann" },
  { type: "REASSIGN", assignees: ["dan"], by: "ann" },
  { type: "REASSIGN", assignees: [], by: "ann" },
  { type: "DELEGATE", escalationPolicy: otherPolicy, by: "ann" },
  { type: "SNOOZE", durationSec: 600, by: "ann" },
  { type: "SNOOZE", durationSec: 0, by: "ann" },
  { type: "URGENCY", urgency: "low", by: "ann" },
  { type: "URGENCY", urgency: "high", by: "ann" },
  { type: "REOPEN", status: "triggered", by: "ann" },
  { type: "REOPEN", status: "acknowledged", by: "cat" },
  { type: "REOPEN", status: "triggered", by: "ann", assignees: ["dan"] },
];

function modelInput(input: ModelInput): IncidentLifecycleInput {
  // The pure model has no clock: every instant is the start.
  return { incidentId: "PMODEL1", now: () => START, ...input };
}

/** What identifies a model state: the state value and the context (timestamps aside). */
function serialize(snapshot: IncidentLifecycleSnapshot): string {
  const c = snapshot.context;
  return JSON.stringify({
    value: snapshot.value,
    urgency: c.urgency,
    policy: c.escalationPolicy.id,
    level: c.escalationLevel,
    loop: c.escalationLoop,
    exhausted: c.escalationExhausted,
    via: c.assignedVia,
    assignees: c.assignees,
    acknowledgers: c.acknowledgements.map((a) => a.by),
    snoozeMs: c.snoozeMs,
  });
}

function effectsOf(actions: { type: string; params?: unknown }[]): LifecycleEffect[] {
  return actions
    .filter((a) => a.type === "notifyUser" || a.type === "logEntry" || a.type === "statusChanged")
    .map((a) => ({ type: a.type, params: a.params }) as LifecycleEffect);
}

/** Effects without their instants: the pure model's clock stands still. */
function timeless(effects: LifecycleEffect[]): unknown[] {
  return effects.map((effect) => {
    const { at: _at, until: _until, ...rest } = effect.params as unknown as Record<string, unknown>;
    return { type: effect.type, params: rest };
  });
}

function isTimer(event: AnyEvent): boolean {
  return event.type.startsWith("xstate.after.");
}

function timerDelay(event: AnyEvent): string {
  return event.type.split(".")[2] ?? "";
}

const PENDING_OF_DELAY: Record<string, string> = {
  escalationDelay: "escalate",
  acknowledgementTimeout: "unacknowledge",
  autoResolveTimeout: "resolve",
};

interface Tally {
  steps: number;
  statuses: Set<IncidentStatus>;
  entryTypes: Set<string>;
  timers: Set<string>;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Invariants of one step `prev --event--> next` with the effects the step asks for. Plain checks
 * (thousands of steps), reported together with the step that broke them.
 */
function checkStep(
  prev: IncidentLifecycleSnapshot | null,
  event: AnyEvent,
  next: IncidentLifecycleSnapshot,
  effects: LifecycleEffect[],
  tally: Tally,
): void {
  const problems: string[] = [];
  const fail = (problem: string) => problems.push(problem);
  const c = next.context;
  const status = incidentStatus(next);
  tally.steps++;
  tally.statuses.add(status);
  if (isTimer(event)) tally.timers.add(timerDelay(event));
  for (const effect of effects) {
    if (effect.type === "logEntry") tally.entryTypes.add(effect.params.type);
  }

  // The status the context keeps agrees with the state value.
  if (c.status !== status) fail(`context.status ${c.status} in ${status}`);

  // Levels and loops stay within the policy the incident follows.
  const rules = c.escalationPolicy.escalation_rules.length;
  if (!(c.escalationLevel >= 1 && c.escalationLevel <= rules)) {
    fail(`level ${c.escalationLevel} outside 1..${rules}`);
  }
  if (!(c.escalationLoop >= 0 && c.escalationLoop <= c.escalationPolicy.num_loops)) {
    fail(`loop ${c.escalationLoop} outside 0..${c.escalationPolicy.num_loops}`);
  }

  // Nobody is paged for an acknowledged or resolved incident; whoever is paged is assigned,
  // and each notification has its notify_log_entry right after it.
  effects.forEach((effect, index) => {
    if (effect.type !== "notifyUser") return;
    const user = effect.params.userId;
    if (status !== "triggered") fail(`${user} notified while ${status}`);
    if (!c.assignees.includes(user)) fail(`${user} notified but not assigned`);
    const after = effects[index + 1];
    if (
      after?.type !== "logEntry" ||
      after.params.type !== "notify_log_entry" ||
      after.params.userId !== user
    ) {
      fail(`notification of ${user} without its notify_log_entry`);
    }
  });

  // One status change when, and only when, the status changes.
  const changes = effects.flatMap((effect) =>
    effect.type === "statusChanged" ? [[effect.params.from, effect.params.to]] : [],
  );
  const before = prev ? incidentStatus(prev) : null;
  const expectedChanges = before === status ? [] : [[before, status]];
  if (!same(changes, expectedChanges)) {
    fail(`status changes ${JSON.stringify(changes)} for ${before} -> ${status}`);
  }

  const pending = pendingActions(next).map((action) => action.type);
  const timers = ownEventTypes(next).filter((type) => type.startsWith("xstate.after."));
  if (status === "resolved") {
    // Resolved is final for every automatic timer: nothing pending, nothing can fire.
    if (pending.length > 0 || timers.length > 0) fail(`resolved with timers ${timers}`);
    if (c.assignees.length > 0 || c.acknowledgements.length > 0) {
      fail("resolved with assignees or acknowledgements");
    }
  }
  if (before === "resolved" && status !== "resolved" && event.type !== "REOPEN") {
    fail(`left resolved on ${event.type}`);
  }
  if (status === "acknowledged" && c.acknowledgements.length === 0) {
    fail("acknowledged without an acknowledgement");
  }

  // Escalation is pending exactly when a high-urgency incident follows its policy unacknowledged.
  const escalates =
    status === "triggered" &&
    c.urgency === "high" &&
    c.assignedVia === "escalation_policy" &&
    !c.escalationExhausted;
  if (pending.includes("escalate") !== escalates) {
    fail(`escalate pending: ${pending.includes("escalate")}, expected ${escalates}`);
  }
  if (pending.length !== timers.length) fail(`pending ${pending} but timers ${timers}`);

  // A timer escalation moves forward on the path, or exhausts it.
  if (prev && isTimer(event) && timerDelay(event) === "escalationDelay") {
    const from = prev.context.escalationLoop * 100 + prev.context.escalationLevel;
    const to = c.escalationLoop * 100 + c.escalationLevel;
    const exhausted = effects.some(
      (effect) =>
        effect.type === "logEntry" && effect.params.type === "exhaust_escalation_path_log_entry",
    );
    if (exhausted ? to !== from || !c.escalationExhausted : to <= from) {
      fail(`timer escalation from ${from} to ${to} (exhausted: ${exhausted})`);
    }
  }

  // Acknowledging does not change who is assigned.
  if (prev && event.type === "ACKNOWLEDGE" && !same(c.assignees, prev.context.assignees)) {
    fail("acknowledging changed the assignees");
  }

  if (problems.length > 0) {
    expect(
      problems,
      `${prev ? serialize(prev) : "init"} --${JSON.stringify(event)}--> ${serialize(next)}`,
    ).toEqual([]);
  }
}

/** Walks every path's steps through the pure `transition`, checking each step. */
function checkPaths(paths: Path[], input: IncidentLifecycleInput, tally: Tally): void {
  for (const path of paths) {
    const [initial, initialActions] = initialTransition(incidentLifecycleMachine, input);
    checkStep(null, { type: "xstate.init" }, initial, effectsOf(initialActions), tally);
    let snapshot = initial;
    for (const step of path.steps.slice(1)) {
      const [next, actions] = transition(incidentLifecycleMachine, snapshot, step.event);
      checkStep(snapshot, step.event, next, effectsOf(actions), tally);
      if (serialize(next) !== serialize(step.state)) {
        expect(serialize(next)).toBe(serialize(step.state));
      }
      snapshot = next;
    }
  }
}

/**
 * The sample events plus the state's own delayed transitions (`xstate.after.*`): an events option
 * replaces xstate/graph's default one, which would otherwise add them.
 */
function eventsWithTimers(samples: readonly IncidentLifecycleEvent[]) {
  return (snapshot: IncidentLifecycleSnapshot): IncidentLifecycleEvent[] => [
    ...samples,
    ...ownEventTypes(snapshot)
      .filter((type) => type.startsWith("xstate.after."))
      .map((type) => ({ type }) as unknown as IncidentLifecycleEvent),
  ];
}

interface Edge {
  from: IncidentLifecycleSnapshot;
  event: IncidentLifecycleEvent;
}

/** Checks every transition of the graph (not only those on shortest paths); returns them. */
function checkEdges(
  input: IncidentLifecycleInput,
  events: (snapshot: IncidentLifecycleSnapshot) => IncidentLifecycleEvent[],
  tally: Tally,
): Edge[] {
  const adjacency = getAdjacencyMap(incidentLifecycleMachine, {
    input,
    events,
    serializeState: serialize,
  });
  const edges: Edge[] = [];
  for (const { state, transitions } of Object.values(adjacency)) {
    const outgoing = Object.values(transitions) as {
      event: IncidentLifecycleEvent;
      state: IncidentLifecycleSnapshot;
    }[];
    for (const { event, state: expected } of outgoing) {
      const [next, actions] = transition(incidentLifecycleMachine, state, event);
      if (serialize(next) !== serialize(expected)) {
        expect(serialize(next)).toBe(serialize(expected));
      }
      checkStep(state, event, next, effectsOf(actions), tally);
      edges.push({ from: state, event });
    }
  }
  return edges;
}

/** A path to an edge's source (a shortest one), followed by the edge. */
function pathThrough(edge: Edge, shortest: Map<string, Path>): Path {
  const to = shortest.get(serialize(edge.from));
  if (!to) throw new Error(`no path to ${serialize(edge.from)}`);
  const [next] = transition(incidentLifecycleMachine, edge.from, edge.event);
  return { ...to, state: next, steps: [...to.steps, { state: next, event: edge.event }] };
}

function comparable(snapshot: IncidentLifecycleSnapshot) {
  return JSON.parse(serialize(snapshot));
}

/**
 * Replays a path on an actor on the virtual clock: events are sent, timers are reached by running
 * the clock to the pending action's instant. Returns false if the path needs a timer to fire
 * before an earlier one (the graph knows no time), true once replayed with matching states and
 * effects.
 */
async function replay(path: Path, input: ModelInput): Promise<boolean> {
  const incident = startIncident({ ...input, incidentId: "PMODEL1" });
  let snapshot = initialTransition(incidentLifecycleMachine, modelInput(input))[0];
  const recordedSoFar = (recorded: Recorded) => recorded.effects.length;
  expect(comparable(incident.snapshot())).toEqual(comparable(snapshot));
  for (const step of path.steps.slice(1)) {
    const event = step.event as AnyEvent;
    const [next, actions] = transition(incidentLifecycleMachine, snapshot, step.event);
    const mark = recordedSoFar(incident.recorded);
    if (isTimer(event)) {
      const [earliest] = pendingActions(incident.snapshot());
      if (!earliest || earliest.type !== PENDING_OF_DELAY[timerDelay(event)]) return false;
      const due = pendingActions(incident.snapshot()).filter((action) => action.at === earliest.at);
      if (due.length > 1) return false;
      await incident.clock.runUntil(earliest.at);
    } else {
      incident.actor.send(step.event);
    }
    expect(
      comparable(incident.snapshot()),
      path.steps.map((s) => s.event.type).join(" > "),
    ).toEqual(comparable(next));
    expect(timeless(incident.recorded.effects.slice(mark))).toEqual(timeless(effectsOf(actions)));
    snapshot = next;
  }
  return true;
}

function newTally(): Tally {
  return { steps: 0, statuses: new Set(), entryTypes: new Set(), timers: new Set() };
}

// Thousands of transitions and hundreds of replays: more than the default 20 s on a busy machine.
describe("incident lifecycle: model-based", { timeout: 120_000 }, () => {
  it("every transition keeps the invariants; paths to every state and every timer replay on the clock", async () => {
    const input = modelInput(baseInput);
    const events = eventsWithTimers(allEvents);
    const tally = newTally();
    const edges = checkEdges(input, events, tally);
    const paths = getShortestPaths(incidentLifecycleMachine, {
      input,
      events,
      serializeState: serialize,
    });
    checkPaths(paths, input, tally);

    // The walk is not vacuous: it reached every status, every timer and the escalation path's
    // repeat and end.
    expect(paths.length).toBeGreaterThan(100);
    expect([...tally.statuses].sort()).toEqual(["acknowledged", "resolved", "triggered"]);
    expect([...tally.timers].sort()).toEqual(["acknowledgementTimeout", "escalationDelay"]);
    for (const type of [
      "repeat_escalation_path_log_entry",
      "exhaust_escalation_path_log_entry",
      "unacknowledge_log_entry",
      "snooze_log_entry",
      "delegate_log_entry",
      "urgency_change_log_entry",
      "assign_log_entry",
      "resolve_log_entry",
    ]) {
      expect(tally.entryTypes).toContain(type);
    }

    // With no auto-resolve, at most one timer runs at a time: every path is possible in time.
    const shortest = new Map(paths.map((path) => [serialize(path.state), path]));
    const timerEdges = edges.filter((edge) => isTimer(edge.event));
    expect(timerEdges.length).toBeGreaterThan(20);
    for (const path of [...paths, ...timerEdges.map((edge) => pathThrough(edge, shortest))]) {
      expect(await replay(path, baseInput)).toBe(true);
    }
  });

  it("with auto-resolve, resolved stays final and time-possible paths replay", async () => {
    const withAutoResolve: ModelInput = { ...baseInput, autoResolveTimeoutSec: 3600 };
    const input = modelInput(withAutoResolve);
    // The status events, with a second acknowledger; the rest is the first model's.
    const events = eventsWithTimers([
      { type: "ACKNOWLEDGE", by: "ann" },
      { type: "ACKNOWLEDGE", by: "cat" },
      { type: "UNACKNOWLEDGE", by: "ann" },
      { type: "RESOLVE", by: "ann" },
      { type: "ESCALATE", level: 3, by: "ann" },
      { type: "REASSIGN", assignees: ["dan"], by: "ann" },
      { type: "SNOOZE", durationSec: 600, by: "ann" },
      { type: "REOPEN", status: "triggered", by: "ann" },
      { type: "REOPEN", status: "acknowledged", by: "cat" },
    ]);
    const tally = newTally();
    const edges = checkEdges(input, events, tally);
    const paths = getShortestPaths(incidentLifecycleMachine, {
      input,
      events,
      serializeState: serialize,
    });
    checkPaths(paths, input, tally);
    expect([...tally.timers].sort()).toEqual([
      "acknowledgementTimeout",
      "autoResolveTimeout",
      "escalationDelay",
    ]);

    const shortest = new Map(paths.map((path) => [serialize(path.state), path]));
    const autoResolves = edges
      .filter((edge) => timerDelay(edge.event) === "autoResolveTimeout")
      .map((edge) => pathThrough(edge, shortest));
    let replayed = 0;
    let autoResolvedOnClock = 0;
    for (const path of [...paths, ...autoResolves]) {
      if (!(await replay(path, withAutoResolve))) continue;
      replayed++;
      if (path.steps.at(-1)?.event.type.startsWith("xstate.after.autoResolveTimeout")) {
        autoResolvedOnClock++;
      }
    }
    expect(replayed).toBeGreaterThan((paths.length + autoResolves.length) / 2);
    expect(autoResolvedOnClock).toBeGreaterThan(0);
  });

  it("every simple path to resolved of a two-level policy keeps the invariants and replays", async () => {
    const small: ModelInput = {
      urgency: "high",
      escalationPolicy: policy([["ann"], ["cat"]], [5, 10]),
      acknowledgementTimeoutSec: 600,
    };
    const input = modelInput(small);
    const paths = getSimplePaths(incidentLifecycleMachine, {
      input,
      events: eventsWithTimers([
        { type: "ACKNOWLEDGE", by: "ann" },
        { type: "UNACKNOWLEDGE", by: "ann" },
        { type: "RESOLVE", by: "cat" },
        { type: "ESCALATE", level: 2, by: "ann" },
        { type: "SNOOZE", durationSec: 60, by: "ann" },
      ]),
      serializeState: serialize,
      toState: (snapshot) => snapshot.matches("resolved"),
    });
    const tally = newTally();
    checkPaths(paths, input, tally);
    expect(paths.length).toBeGreaterThan(20);
    for (const path of paths) {
      expect(incidentStatus(path.state)).toBe("resolved");
      expect(await replay(path, small)).toBe(true);
    }
  });
});
