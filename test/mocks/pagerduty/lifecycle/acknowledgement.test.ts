import { describe, expect, it } from "vitest";
import {
  acknowledgements,
  escalationLevel,
  escalationLoop,
  incidentStatus,
  MAX_SNOOZE_SEC,
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

describe("incident lifecycle: acknowledgement", () => {
  it("acknowledging halts escalation and notifications", async () => {
    const incident = startIncident({
      urgency: "high",
      escalationPolicy: policy([["alice"], ["bob"]], [5, 5], 3),
    });
    await incident.clock.runUntil(at(7));
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0", "bob@5"]);
    incident.actor.send({ type: "ACKNOWLEDGE", by: "bob", channel: "website" });
    expect(incidentStatus(incident.snapshot())).toBe("acknowledged");
    expect(acknowledgements(incident.snapshot())).toEqual([{ by: "bob", at: at(7) }]);
    expect(pendingActions(incident.snapshot())).toEqual([]);
    expect(incident.clock.pendingTimers()).toBe(0);
    expect(incident.recorded.statusChanges.at(-1)).toMatchObject({
      from: "triggered",
      to: "acknowledged",
      reason: "acknowledged",
      by: "bob",
      channel: "website",
    });

    await incident.clock.runFor(24 * 60 * MINUTE);
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0", "bob@5"]);
    expect(entryTimeline(incident.recorded).at(-1)).toBe("acknowledge_log_entry@7");
    // Acknowledging keeps the incident where the escalation had taken it.
    expect(escalationLevel(incident.snapshot())).toBe(2);
    expect(incident.snapshot().context.assignees).toEqual(["bob"]);
  });

  it("the acknowledgement timeout returns it to triggered and restarts notification from level 1", async () => {
    const onCallAtLevel1 = (when: number) => (when < at(20) ? ["dave"] : ["erin"]);
    const incident = startIncident({
      urgency: "high",
      escalationPolicy: policy([["schedule:PRIMARY"], ["bob"], ["carol"]], [5, 5, 5]),
      onCallUsers: (_scheduleId, when) => onCallAtLevel1(when),
      acknowledgementTimeoutSec: 30 * 60,
    });
    await incident.clock.runUntil(at(7));
    incident.actor.send({ type: "ACKNOWLEDGE", by: "bob" });
    expect(pendingActions(incident.snapshot())).toEqual([{ type: "unacknowledge", at: at(37) }]);

    await incident.clock.runUntil(at(37) - 1);
    expect(incidentStatus(incident.snapshot())).toBe("acknowledged");
    await incident.clock.runUntil(at(37));
    expect(incidentStatus(incident.snapshot())).toBe("triggered");
    // The acknowledger and whoever is on call at level 1 now (the schedule handed off at 20).
    expect(notificationTimeline(incident.recorded)).toEqual([
      "dave@0",
      "bob@5",
      "bob@37",
      "erin@37",
    ]);
    expect(incident.recorded.notifications.at(-1)).toMatchObject({
      reason: "unacknowledged",
      level: 1,
    });
    expect(escalationLevel(incident.snapshot())).toBe(1);
    expect(escalationLoop(incident.snapshot())).toBe(0);
    expect(acknowledgements(incident.snapshot())).toEqual([]);
    expect(incident.recorded.entries.find((e) => e.type === "unacknowledge_log_entry")).toEqual({
      type: "unacknowledge_log_entry",
      incidentId: "PINC001",
      channel: "timeout",
      by: null,
      at: at(37),
    });
    expect(incident.recorded.statusChanges.at(-1)).toMatchObject({
      from: "acknowledged",
      to: "triggered",
      reason: "unacknowledged",
      assignees: ["bob", "erin"],
    });

    // Escalation runs again from the first rule, with its delays.
    expect(pendingActions(incident.snapshot())).toEqual([{ type: "escalate", at: at(42) }]);
    await incident.clock.runUntilIdle();
    expect(notificationTimeline(incident.recorded).slice(4)).toEqual(["bob@42", "carol@47"]);
    expect(entryTimeline(incident.recorded).at(-1)).toBe("exhaust_escalation_path_log_entry@52");
  });

  it("a second acknowledgement restarts the acknowledgement timeout", async () => {
    const incident = startIncident({
      urgency: "high",
      escalationPolicy: policy([["alice"], ["bob"]], [5, 5]),
      acknowledgementTimeoutSec: 30 * 60,
    });
    incident.actor.send({ type: "ACKNOWLEDGE", by: "alice" });
    await incident.clock.runUntil(at(20));
    incident.actor.send({ type: "ACKNOWLEDGE", by: "bob" });
    expect(pendingActions(incident.snapshot())).toEqual([{ type: "unacknowledge", at: at(50) }]);
    expect(acknowledgements(incident.snapshot()).map((a) => a.by)).toEqual(["alice", "bob"]);
    expect(incident.recorded.statusChanges).toHaveLength(2);

    await incident.clock.runUntil(at(49));
    expect(incidentStatus(incident.snapshot())).toBe("acknowledged");
    await incident.clock.runUntil(at(50));
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0", "alice@50", "bob@50"]);
  });

  it("REST status=triggered unacknowledges it: notification restarts, on the api channel", async () => {
    const incident = startIncident({
      urgency: "high",
      escalationPolicy: policy([["alice"], ["bob"]], [5, 5]),
    });
    expect(incident.snapshot().can({ type: "UNACKNOWLEDGE", by: "alice" })).toBe(false);
    await incident.clock.runUntil(at(2));
    incident.actor.send({ type: "ACKNOWLEDGE", by: "alice" });
    await incident.clock.runUntil(at(3));
    incident.actor.send({ type: "UNACKNOWLEDGE", by: "alice" });
    expect(incidentStatus(incident.snapshot())).toBe("triggered");
    expect(
      incident.recorded.entries.find((e) => e.type === "unacknowledge_log_entry"),
    ).toMatchObject({
      type: "unacknowledge_log_entry",
      channel: "api",
      by: "alice",
    });
    await incident.clock.runUntilIdle();
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0", "alice@3", "bob@8"]);
  });
});

describe("incident lifecycle: snooze", () => {
  const snoozable = () =>
    startIncident({
      urgency: "high",
      escalationPolicy: policy([["alice"], ["bob"]], [5, 5]),
      acknowledgementTimeoutSec: 30 * 60,
    });

  it("is refused unless acknowledged, and outside 1..604800 seconds", () => {
    const incident = snoozable();
    const snooze = (durationSec: number) => ({ type: "SNOOZE" as const, durationSec, by: "alice" });
    expect(incident.snapshot().can(snooze(600))).toBe(false);
    incident.actor.send(snooze(600));
    expect(incident.recorded.entries.some((e) => e.type === "snooze_log_entry")).toBe(false);

    incident.actor.send({ type: "ACKNOWLEDGE", by: "alice" });
    for (const refused of [0, -1, 1.5, MAX_SNOOZE_SEC + 1, Number.NaN]) {
      expect(incident.snapshot().can(snooze(refused)), `${refused} s`).toBe(false);
    }
    for (const accepted of [1, 3600, MAX_SNOOZE_SEC]) {
      expect(incident.snapshot().can(snooze(accepted)), `${accepted} s`).toBe(true);
    }
    const before = pendingActions(incident.snapshot());
    incident.actor.send(snooze(MAX_SNOOZE_SEC + 1));
    expect(pendingActions(incident.snapshot())).toEqual(before);
  });

  it("replaces the acknowledgement timeout once: back to triggered when it ends", async () => {
    const incident = snoozable();
    await incident.clock.runUntil(at(1));
    incident.actor.send({ type: "ACKNOWLEDGE", by: "alice" });
    await incident.clock.runUntil(at(10));
    incident.actor.send({ type: "SNOOZE", durationSec: 2 * 3600, by: "alice" });
    expect(pendingActions(incident.snapshot())).toEqual([{ type: "unacknowledge", at: at(130) }]);
    expect(incident.recorded.entries.at(-1)).toMatchObject({
      type: "snooze_log_entry",
      durationSec: 7200,
      until: at(130),
      by: "alice",
    });

    // The service's 30-minute timeout no longer applies to this acknowledgement.
    await incident.clock.runUntil(at(129));
    expect(incidentStatus(incident.snapshot())).toBe("acknowledged");
    await incident.clock.runUntil(at(130));
    expect(incidentStatus(incident.snapshot())).toBe("triggered");
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0", "alice@130"]);

    // A new acknowledgement gets the service's timeout again.
    await incident.clock.runUntil(at(131));
    incident.actor.send({ type: "ACKNOWLEDGE", by: "alice" });
    expect(pendingActions(incident.snapshot())).toEqual([{ type: "unacknowledge", at: at(161) }]);
  });

  it("works on a service without an acknowledgement timeout", async () => {
    const incident = startIncident({
      urgency: "high",
      escalationPolicy: policy([["alice"]], [5]),
    });
    incident.actor.send({ type: "ACKNOWLEDGE", by: "alice" });
    expect(incident.clock.pendingTimers()).toBe(0);
    incident.actor.send({ type: "SNOOZE", durationSec: 600, by: "alice" });
    await incident.clock.runUntilIdle();
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0", "alice@10"]);
    expect(entryTimeline(incident.recorded).slice(-2)).toEqual([
      "unacknowledge_log_entry@10",
      "exhaust_escalation_path_log_entry@15",
    ]);
  });
});

describe("incident lifecycle: resolve", () => {
  it("the auto-resolve timeout resolves an open incident, counted from when it opened", async () => {
    const incident = startIncident({
      urgency: "high",
      escalationPolicy: policy([["alice"], ["bob"]], [5, 5], 9),
      acknowledgementTimeoutSec: 30 * 60,
      autoResolveTimeoutSec: 4 * 3600,
    });
    expect(pendingActions(incident.snapshot())).toEqual([
      { type: "escalate", at: at(5) },
      { type: "resolve", at: at(240) },
    ]);
    await incident.clock.runUntil(at(100));
    incident.actor.send({ type: "ACKNOWLEDGE", by: "alice" });
    expect(pendingActions(incident.snapshot())).toEqual([
      { type: "unacknowledge", at: at(130) },
      { type: "resolve", at: at(240) },
    ]);
    await incident.clock.runUntilIdle();
    expect(incidentStatus(incident.snapshot())).toBe("resolved");
    expect(incident.minutes()).toBe(240);
    expect(incident.recorded.entries.at(-1)).toEqual({
      type: "resolve_log_entry",
      incidentId: "PINC001",
      channel: "timeout",
      by: null,
      at: at(240),
    });
    expect(incident.recorded.statusChanges.at(-1)).toMatchObject({
      from: "triggered",
      to: "resolved",
      reason: "resolved",
      channel: "timeout",
    });
    expect(pendingActions(incident.snapshot())).toEqual([]);
    expect(incident.snapshot().context.assignees).toEqual([]);
    expect(incident.clock.pendingTimers()).toBe(0);
  });

  const openStates: [string, (incident: ReturnType<typeof startIncident>) => Promise<void>][] = [
    ["just triggered", async () => {}],
    ["escalated", (incident) => incident.clock.runUntil(at(6))],
    [
      "acknowledged",
      async (incident) => {
        incident.actor.send({ type: "ACKNOWLEDGE", by: "alice" });
      },
    ],
    [
      "snoozed",
      async (incident) => {
        incident.actor.send({ type: "ACKNOWLEDGE", by: "alice" });
        incident.actor.send({ type: "SNOOZE", durationSec: 60, by: "alice" });
      },
    ],
    ["with its path exhausted", (incident) => incident.clock.runUntil(at(30))],
    [
      "assigned directly",
      async (incident) => {
        incident.actor.send({ type: "REASSIGN", assignees: ["zoe"], by: "alice" });
      },
    ],
  ];

  for (const [name, reach] of openStates) {
    it(`resolves from any open state: ${name}`, async () => {
      const incident = startIncident({
        urgency: "high",
        escalationPolicy: policy([["alice"], ["bob"]], [5, 5]),
        acknowledgementTimeoutSec: 1800,
        autoResolveTimeoutSec: 14_400,
      });
      await reach(incident);
      const from = incidentStatus(incident.snapshot());
      const notifications = incident.recorded.notifications.length;
      incident.actor.send({
        type: "RESOLVE",
        by: "alice",
        channel: "website",
        resolution: "fixed",
      });
      expect(incidentStatus(incident.snapshot())).toBe("resolved");
      expect(incident.recorded.entries.at(-1)).toMatchObject({
        type: "resolve_log_entry",
        by: "alice",
        channel: "website",
        resolution: "fixed",
      });
      expect(incident.recorded.statusChanges.at(-1)).toMatchObject({ from, to: "resolved" });
      expect(pendingActions(incident.snapshot())).toEqual([]);
      expect(incident.clock.pendingTimers()).toBe(0);

      // Resolving again is refused and changes nothing; no timer brings it back.
      expect(incident.snapshot().can({ type: "RESOLVE", by: "alice" })).toBe(false);
      const entries = incident.recorded.entries.length;
      incident.actor.send({ type: "RESOLVE", by: "alice" });
      incident.actor.send({ type: "ACKNOWLEDGE", by: "alice" });
      await incident.clock.runFor(7 * 24 * 60 * MINUTE);
      expect(incident.recorded.entries).toHaveLength(entries);
      expect(incident.recorded.notifications).toHaveLength(notifications);
      expect(incidentStatus(incident.snapshot())).toBe("resolved");
    });
  }
});

describe("incident lifecycle: urgency", () => {
  it("a low-urgency incident notifies its first level but never escalates automatically", async () => {
    const incident = startIncident({
      urgency: "low",
      escalationPolicy: policy([["alice"], ["bob"]], [5, 5], 3),
    });
    expect(pendingActions(incident.snapshot())).toEqual([]);
    await incident.clock.runUntilIdle();
    expect(incident.minutes()).toBe(0);
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0"]);
    expect(incident.recorded.notifications[0]?.urgency).toBe("low");
    expect(incident.recorded.entries.some((e) => e.type === "escalate_log_entry")).toBe(false);
  });

  it("a low-urgency incident cannot be escalated by hand", () => {
    const incident = startIncident({
      urgency: "low",
      escalationPolicy: policy([["alice"], ["bob"]], [5, 5]),
    });
    const escalate = { type: "ESCALATE" as const, level: 2, by: "alice" };
    expect(incident.snapshot().can(escalate)).toBe(false);
    const entries = incident.recorded.entries.length;
    incident.actor.send(escalate);
    expect(escalationLevel(incident.snapshot())).toBe(1);
    expect(incident.recorded.entries).toHaveLength(entries);
  });

  it("raising the urgency starts escalation from the current level; lowering it stops it", async () => {
    const incident = startIncident({
      urgency: "low",
      escalationPolicy: policy([["alice"], ["bob"], ["carol"]], [5, 5, 5]),
    });
    await incident.clock.runUntil(at(10));
    incident.actor.send({ type: "URGENCY", urgency: "high", by: "alice" });
    expect(incident.recorded.entries.at(-1)).toMatchObject({
      type: "urgency_change_log_entry",
      from: "low",
      to: "high",
      by: "alice",
    });
    expect(pendingActions(incident.snapshot())).toEqual([{ type: "escalate", at: at(15) }]);
    await incident.clock.runUntil(at(17));
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0", "bob@15"]);
    expect(incident.recorded.notifications.at(-1)?.urgency).toBe("high");

    incident.actor.send({ type: "URGENCY", urgency: "low", by: "bob" });
    expect(pendingActions(incident.snapshot())).toEqual([]);
    await incident.clock.runUntilIdle();
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0", "bob@15"]);

    // Same urgency again: refused, nothing logged.
    expect(incident.snapshot().can({ type: "URGENCY", urgency: "low", by: "bob" })).toBe(false);
  });

  it("a low-urgency incident still re-notifies when its acknowledgement times out", async () => {
    const incident = startIncident({
      urgency: "low",
      escalationPolicy: policy([["alice"], ["bob"]], [5, 5]),
      acknowledgementTimeoutSec: 600,
    });
    incident.actor.send({ type: "ACKNOWLEDGE", by: "alice" });
    await incident.clock.runUntilIdle();
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0", "alice@10"]);
    expect(incidentStatus(incident.snapshot())).toBe("triggered");
    expect(incident.clock.pendingTimers()).toBe(0);
  });
});
