import { describe, expect, it } from "vitest";
import {
  assertIncidentLifecycleInput,
  escalationLevel,
  escalationLoop,
  firstOnCallLevel,
  incidentStatus,
  isEscalationExhausted,
  type LogEntryParams,
  pendingActions,
} from "../../../../mocks/pagerduty/lifecycle/index.js";
import {
  entryTimeline,
  MINUTE,
  notificationTimeline,
  policy,
  START,
  startIncident,
} from "./harness.js";

const at = (minutes: number) => START + minutes * MINUTE;

/** A schedule whose on-call user changes at `handoffMin` minutes into the run. */
function rotation(before: string, after: string, handoffMin: number) {
  return (at: number) => (at < START + handoffMin * MINUTE ? [before] : [after]);
}

describe("incident lifecycle: escalation", () => {
  it("notifies rule 1 at trigger, then escalates to the next rule once its delay runs out", async () => {
    const incident = startIncident({
      urgency: "high",
      escalationPolicy: policy([["alice"], ["bob", "carol"], ["dave"]], [5, 10, 15]),
    });
    expect(incidentStatus(incident.snapshot())).toBe("triggered");
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0"]);
    expect(incident.snapshot().context.assignees).toEqual(["alice"]);
    expect(pendingActions(incident.snapshot())).toEqual([{ type: "escalate", at: at(5) }]);

    await incident.clock.runUntil(at(5) - 1);
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0"]);
    expect(escalationLevel(incident.snapshot())).toBe(1);

    await incident.clock.runUntil(at(5));
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0", "bob@5", "carol@5"]);
    expect(escalationLevel(incident.snapshot())).toBe(2);
    // Escalated away from rule 1: no longer assigned to alice.
    expect(incident.snapshot().context.assignees).toEqual(["bob", "carol"]);
    // The new rule's own delay applies from the escalation.
    expect(pendingActions(incident.snapshot())).toEqual([{ type: "escalate", at: at(15) }]);
    const escalation = incident.recorded.entries.find((e) => e.type === "escalate_log_entry");
    expect(escalation).toMatchObject({
      incidentId: "PINC001",
      channel: "timeout",
      by: null,
      fromLevel: 1,
      level: 2,
      loop: 0,
      assignees: ["bob", "carol"],
      at: at(5),
    });
    const notifyEntries = incident.recorded.entries.filter(
      (e): e is Extract<LogEntryParams, { type: "notify_log_entry" }> =>
        e.type === "notify_log_entry",
    );
    expect(notifyEntries.map((e) => `${e.userId}:${e.level}`)).toEqual([
      "alice:1",
      "bob:2",
      "carol:2",
    ]);
    expect(incident.recorded.notifications.map((n) => `${n.userId}:${n.reason}`)).toEqual([
      "alice:triggered",
      "bob:escalated",
      "carol:escalated",
    ]);

    await incident.clock.runUntil(at(15));
    expect(notificationTimeline(incident.recorded).at(-1)).toBe("dave@15");
    expect(escalationLevel(incident.snapshot())).toBe(3);
  });

  it("loops num_loops times over the rules, then stays on the last level with the path exhausted", async () => {
    const incident = startIncident({
      urgency: "high",
      escalationPolicy: policy([["alice"], ["bob"]], [5, 10], 2),
    });
    await incident.clock.runUntilIdle();
    // Three passes (the first one and two repeats), each 5 + 10 minutes.
    expect(notificationTimeline(incident.recorded)).toEqual([
      "alice@0",
      "bob@5",
      "alice@15",
      "bob@20",
      "alice@30",
      "bob@35",
    ]);
    expect(entryTimeline(incident.recorded)).toEqual([
      "trigger_log_entry@0",
      "assign_log_entry@0",
      "escalate_log_entry@5",
      "repeat_escalation_path_log_entry@15",
      "escalate_log_entry@15",
      "escalate_log_entry@20",
      "repeat_escalation_path_log_entry@30",
      "escalate_log_entry@30",
      "escalate_log_entry@35",
      "exhaust_escalation_path_log_entry@45",
    ]);
    expect(incident.recorded.entries.filter((e) => e.type === "escalate_log_entry")).toEqual(
      expect.arrayContaining([expect.objectContaining({ fromLevel: 2, level: 1, loop: 1 })]),
    );
    expect(incident.minutes()).toBe(45);
    expect(incidentStatus(incident.snapshot())).toBe("triggered");
    expect(escalationLevel(incident.snapshot())).toBe(2);
    expect(escalationLoop(incident.snapshot())).toBe(2);
    expect(isEscalationExhausted(incident.snapshot())).toBe(true);
    expect(incident.snapshot().context.assignees).toEqual(["bob"]);
    expect(pendingActions(incident.snapshot())).toEqual([]);
    expect(incident.clock.pendingTimers()).toBe(0);
  });

  it("without repeats, a one-rule policy is exhausted once its delay runs out", async () => {
    const incident = startIncident({
      urgency: "high",
      escalationPolicy: policy([["alice"]], [30]),
    });
    await incident.clock.runUntilIdle();
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0"]);
    expect(entryTimeline(incident.recorded).at(-1)).toBe("exhaust_escalation_path_log_entry@30");
    expect(incident.snapshot().context.assignees).toEqual(["alice"]);
  });

  it("resolves schedule targets to whoever is on call at that instant", async () => {
    const asked: string[] = [];
    const primary = rotation("dave", "erin", 15);
    const incident = startIncident({
      urgency: "high",
      escalationPolicy: policy([["schedule:PRIMARY"], ["bob"]], [10, 10], 1),
      onCallUsers: (scheduleId, when) => {
        asked.push(`${scheduleId}@${(when - START) / MINUTE}`);
        return scheduleId === "PRIMARY" ? primary(when) : [];
      },
    });
    await incident.clock.runUntilIdle();
    // The repeat reaches the schedule again after the hand-off: its new on-call user is paged.
    expect(notificationTimeline(incident.recorded)).toEqual([
      "dave@0",
      "bob@10",
      "erin@20",
      "bob@30",
    ]);
    expect(asked).toEqual(["PRIMARY@0", "PRIMARY@20"]);
  });

  it("assigns to the next level that has someone when nobody is on call at the first", () => {
    const incident = startIncident({
      urgency: "high",
      escalationPolicy: policy([["schedule:NIGHT"], ["bob"], ["carol"]], [5, 10, 15]),
      onCallUsers: () => [],
    });
    expect(notificationTimeline(incident.recorded)).toEqual(["bob@0"]);
    expect(escalationLevel(incident.snapshot())).toBe(2);
    expect(incident.recorded.entries.find((e) => e.type === "assign_log_entry")).toMatchObject({
      level: 2,
      assignees: ["bob"],
      assignedVia: "escalation_policy",
    });
    // Level 2's delay is the one that runs.
    expect(pendingActions(incident.snapshot())).toEqual([{ type: "escalate", at: at(10) }]);
  });

  it("skips an empty level when escalating, and wraps to the next loop when the rest are empty", async () => {
    const skipping = startIncident({
      urgency: "high",
      escalationPolicy: policy([["alice"], ["schedule:NIGHT"], ["carol"]], [5, 10, 15]),
      onCallUsers: () => [],
    });
    await skipping.clock.runUntilIdle();
    expect(notificationTimeline(skipping.recorded)).toEqual(["alice@0", "carol@5"]);
    expect(entryTimeline(skipping.recorded).at(-1)).toBe("exhaust_escalation_path_log_entry@20");

    const wrapping = startIncident({
      urgency: "high",
      escalationPolicy: policy([["alice"], ["schedule:NIGHT"]], [5, 10], 1),
      onCallUsers: () => [],
    });
    await wrapping.clock.runUntilIdle();
    expect(notificationTimeline(wrapping.recorded)).toEqual(["alice@0", "alice@5"]);
    expect(entryTimeline(wrapping.recorded)).toEqual([
      "trigger_log_entry@0",
      "assign_log_entry@0",
      "repeat_escalation_path_log_entry@5",
      "escalate_log_entry@5",
      "exhaust_escalation_path_log_entry@10",
    ]);
    expect(escalationLoop(wrapping.snapshot())).toBe(1);
  });

  it("with nobody on call anywhere the incident stays unassigned at level 1, its path exhausted", async () => {
    const nobody = policy([["schedule:NIGHT"], ["schedule:WEEKEND"]], [5, 5]);
    // What a host asks before creating an incident (PagerDuty creates none in this case).
    expect(firstOnCallLevel(nobody, () => [], START)).toBeNull();
    expect(firstOnCallLevel(nobody, (id) => (id === "WEEKEND" ? ["zoe"] : []), START)).toBe(2);

    const incident = startIncident({
      urgency: "high",
      escalationPolicy: nobody,
      onCallUsers: () => [],
    });
    await incident.clock.runUntilIdle();
    expect(incident.recorded.notifications).toEqual([]);
    expect(entryTimeline(incident.recorded)).toEqual([
      "trigger_log_entry@0",
      "exhaust_escalation_path_log_entry@0",
    ]);
    expect(escalationLevel(incident.snapshot())).toBe(1);
    expect(incident.snapshot().context.assignees).toEqual([]);
    expect(incident.recorded.statusChanges).toMatchObject([
      { from: null, to: "triggered", assignees: [] },
    ]);
  });

  it("follows the escalation policy as it was when the incident was created", async () => {
    type Mutable = {
      id: string;
      num_loops: number;
      escalation_rules: {
        id: string;
        escalation_delay_in_minutes: number;
        targets: { type: "user_reference"; id: string }[];
      }[];
    };
    const live = structuredClone(policy([["alice"], ["bob"]], [5, 5])) as Mutable;
    const incident = startIncident({ urgency: "high", escalationPolicy: live });
    // The policy is edited after the incident opened: a new delay, a new target, a new rule.
    const [first, second] = live.escalation_rules;
    if (!first || !second) throw new Error("two rules expected");
    first.escalation_delay_in_minutes = 60;
    second.targets.push({ type: "user_reference", id: "mallory" });
    live.escalation_rules.push({
      id: "PR3",
      escalation_delay_in_minutes: 1,
      targets: [{ type: "user_reference", id: "eve" }],
    });
    await incident.clock.runUntilIdle();
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0", "bob@5"]);
  });

  it("the same incident on two clocks asks for the same effects, byte for byte", async () => {
    const run = async () => {
      const incident = startIncident({
        urgency: "high",
        escalationPolicy: policy([["schedule:PRIMARY", "bob"], ["carol"]], [5, 10], 2),
        onCallUsers: (_id, when) => rotation("dave", "erin", 17)(when),
        acknowledgementTimeoutSec: 600,
        autoResolveTimeoutSec: 7200,
      });
      await incident.clock.runUntil(at(22));
      incident.actor.send({ type: "ACKNOWLEDGE", by: "carol" });
      await incident.clock.runUntilIdle();
      return JSON.stringify(incident.recorded.effects);
    };
    const first = await run();
    expect(first.length).toBeGreaterThan(1000);
    expect(await run()).toBe(first);
  });

  it("refuses inputs PagerDuty would not have, naming the field", () => {
    const base = {
      incidentId: "PINC002",
      urgency: "high" as const,
      now: () => START,
      escalationPolicy: policy([["alice"]], [5]),
    };
    expect(() =>
      assertIncidentLifecycleInput({
        ...base,
        escalationPolicy: { ...base.escalationPolicy, escalation_rules: [] },
      }),
    ).toThrow(/escalation_rules must have at least one rule/);
    expect(() =>
      assertIncidentLifecycleInput({
        ...base,
        escalationPolicy: { ...base.escalationPolicy, num_loops: -1 },
      }),
    ).toThrow(/num_loops/);
    expect(() => assertIncidentLifecycleInput({ ...base, acknowledgementTimeoutSec: -5 })).toThrow(
      /acknowledgementTimeoutSec/,
    );
    expect(() => assertIncidentLifecycleInput(base)).not.toThrow();
  });

  it("refuses a policy with schedule targets when no on-call resolver is given", () => {
    expect(() =>
      assertIncidentLifecycleInput({
        incidentId: "PINC003",
        urgency: "high",
        now: () => START,
        escalationPolicy: policy([["alice"], ["schedule:PRIMARY"]], [5, 5]),
      }),
    ).toThrow(/PEP0001 targets schedules but no onCallUsers/);
  });
});
