import { describe, expect, it } from "vitest";
import {
  assignedVia,
  escalationLevel,
  incidentStatus,
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

const threeLevels = () => policy([["alice"], ["bob"], ["carol"]], [5, 10, 15]);

describe("incident lifecycle: manual escalation (REST escalation_level)", () => {
  it("moves to the level asked for, notifies it, and runs that level's delay from then", async () => {
    const incident = startIncident({ urgency: "high", escalationPolicy: threeLevels() });
    await incident.clock.runUntil(at(2));
    incident.actor.send({ type: "ESCALATE", level: 3, by: "alice" });
    expect(escalationLevel(incident.snapshot())).toBe(3);
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0", "carol@2"]);
    expect(incident.recorded.entries.find((e) => e.type === "escalate_log_entry")).toMatchObject({
      channel: "api",
      by: "alice",
      fromLevel: 1,
      level: 3,
      assignees: ["carol"],
    });
    expect(pendingActions(incident.snapshot())).toEqual([{ type: "escalate", at: at(17) }]);
    await incident.clock.runUntilIdle();
    expect(entryTimeline(incident.recorded).at(-1)).toBe("exhaust_escalation_path_log_entry@17");
  });

  it("escalating an acknowledged incident triggers it again", async () => {
    const incident = startIncident({
      urgency: "high",
      escalationPolicy: threeLevels(),
      acknowledgementTimeoutSec: 1800,
    });
    incident.actor.send({ type: "ACKNOWLEDGE", by: "alice" });
    await incident.clock.runUntil(at(3));
    incident.actor.send({ type: "ESCALATE", level: 2, by: "alice" });
    expect(incidentStatus(incident.snapshot())).toBe("triggered");
    expect(incident.recorded.statusChanges.at(-1)).toMatchObject({
      from: "acknowledged",
      to: "triggered",
      reason: "escalated",
      assignees: ["bob"],
    });
    expect(pendingActions(incident.snapshot())).toEqual([{ type: "escalate", at: at(13) }]);
  });

  it("refuses levels the policy does not have", () => {
    const incident = startIncident({ urgency: "high", escalationPolicy: threeLevels() });
    for (const level of [0, 4, 1.5, -1]) {
      expect(incident.snapshot().can({ type: "ESCALATE", level, by: "alice" }), `${level}`).toBe(
        false,
      );
    }
    expect(incident.snapshot().can({ type: "ESCALATE", level: 1, by: "alice" })).toBe(true);
  });

  it("escalating to a level with nobody on call goes on to the next one that has someone", () => {
    const incident = startIncident({
      urgency: "high",
      escalationPolicy: policy([["alice"], ["schedule:NIGHT"], ["carol"]], [5, 10, 15]),
      onCallUsers: () => [],
    });
    incident.actor.send({ type: "ESCALATE", level: 2, by: "alice" });
    expect(escalationLevel(incident.snapshot())).toBe(3);
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0", "carol@0"]);
  });
});

describe("incident lifecycle: reassignment", () => {
  it("assigned to users directly, only they are notified and the policy no longer escalates", async () => {
    const incident = startIncident({ urgency: "high", escalationPolicy: threeLevels() });
    await incident.clock.runUntil(at(2));
    incident.actor.send({ type: "REASSIGN", assignees: ["erin", "frank", "erin"], by: "alice" });
    expect(assignedVia(incident.snapshot())).toBe("direct_assignment");
    expect(incident.snapshot().context.assignees).toEqual(["erin", "frank"]);
    expect(incident.recorded.entries.find((e) => e.by === "alice")).toMatchObject({
      type: "assign_log_entry",
      assignees: ["erin", "frank"],
      assignedVia: "direct_assignment",
    });
    expect(pendingActions(incident.snapshot())).toEqual([]);
    await incident.clock.runUntilIdle();
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0", "erin@2", "frank@2"]);
  });

  it("reassigning an acknowledged incident triggers it for the new assignees", () => {
    const incident = startIncident({ urgency: "high", escalationPolicy: threeLevels() });
    incident.actor.send({ type: "ACKNOWLEDGE", by: "alice" });
    incident.actor.send({ type: "REASSIGN", assignees: ["erin"], by: "alice" });
    expect(incidentStatus(incident.snapshot())).toBe("triggered");
    expect(incident.recorded.statusChanges.at(-1)).toMatchObject({
      from: "acknowledged",
      to: "triggered",
      reason: "reassigned",
    });
  });

  it("an acknowledgement timeout on a direct assignment re-notifies assignees and acknowledger, without escalating", async () => {
    const incident = startIncident({
      urgency: "high",
      escalationPolicy: threeLevels(),
      acknowledgementTimeoutSec: 600,
    });
    incident.actor.send({ type: "REASSIGN", assignees: ["erin"], by: "alice" });
    incident.actor.send({ type: "ACKNOWLEDGE", by: "frank" });
    await incident.clock.runUntilIdle();
    expect(notificationTimeline(incident.recorded)).toEqual([
      "alice@0",
      "erin@0",
      "frank@10",
      "erin@10",
    ]);
    expect(assignedVia(incident.snapshot())).toBe("direct_assignment");
    expect(incident.clock.pendingTimers()).toBe(0);
  });

  it("refuses an empty assignee list; escalating brings a direct assignment back on the policy", async () => {
    const incident = startIncident({ urgency: "high", escalationPolicy: threeLevels() });
    expect(incident.snapshot().can({ type: "REASSIGN", assignees: [], by: "alice" })).toBe(false);
    incident.actor.send({ type: "REASSIGN", assignees: ["erin"], by: "alice" });
    incident.actor.send({ type: "ESCALATE", level: 1, by: "alice" });
    expect(assignedVia(incident.snapshot())).toBe("escalation_policy");
    await incident.clock.runUntil(at(5));
    expect(notificationTimeline(incident.recorded)).toEqual([
      "alice@0",
      "erin@0",
      "alice@0",
      "bob@5",
    ]);
  });

  it("delegated to another escalation policy, it follows that one from its first level", async () => {
    const incident = startIncident({ urgency: "high", escalationPolicy: threeLevels() });
    await incident.clock.runUntil(at(6));
    const other = policy([["xavier"], ["yolanda"]], [3, 3], 0, "PEP0002");
    incident.actor.send({ type: "DELEGATE", escalationPolicy: other, by: "bob" });
    expect(incident.recorded.entries.find((e) => e.type === "delegate_log_entry")).toMatchObject({
      escalationPolicyId: "PEP0002",
      assignees: ["xavier"],
      by: "bob",
    });
    expect(escalationLevel(incident.snapshot())).toBe(1);
    await incident.clock.runUntilIdle();
    expect(notificationTimeline(incident.recorded)).toEqual([
      "alice@0",
      "bob@5",
      "xavier@6",
      "yolanda@9",
    ]);
    expect(entryTimeline(incident.recorded).at(-1)).toBe("exhaust_escalation_path_log_entry@12");
    expect(incident.snapshot().context.escalationPolicy.id).toBe("PEP0002");
  });
});

describe("incident lifecycle: reopening a resolved incident (REST status on a resolved one)", () => {
  const resolvedIncident = async () => {
    const incident = startIncident({
      urgency: "high",
      escalationPolicy: threeLevels(),
      acknowledgementTimeoutSec: 1800,
      autoResolveTimeoutSec: 3600,
    });
    await incident.clock.runUntil(at(6));
    incident.actor.send({ type: "RESOLVE", by: "bob" });
    await incident.clock.runUntil(at(20));
    return incident;
  };

  it("reopened triggered, it is assigned through its policy from level 1, timers running again", async () => {
    const incident = await resolvedIncident();
    expect(incident.snapshot().can({ type: "REOPEN", status: "triggered", by: "bob" })).toBe(true);
    incident.actor.send({ type: "REOPEN", status: "triggered", by: "bob" });
    expect(incidentStatus(incident.snapshot())).toBe("triggered");
    expect(incident.recorded.statusChanges.at(-1)).toMatchObject({
      from: "resolved",
      to: "triggered",
      reason: "reopened",
      assignees: ["alice"],
    });
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0", "bob@5", "alice@20"]);
    expect(pendingActions(incident.snapshot())).toEqual([
      { type: "escalate", at: at(25) },
      { type: "resolve", at: at(80) },
    ]);
  });

  it("reopened acknowledged, it is assigned to the user who reopened it", async () => {
    const incident = await resolvedIncident();
    incident.actor.send({ type: "REOPEN", status: "acknowledged", by: "carol" });
    expect(incidentStatus(incident.snapshot())).toBe("acknowledged");
    expect(incident.snapshot().context.assignees).toEqual(["carol"]);
    expect(notificationTimeline(incident.recorded)).toEqual(["alice@0", "bob@5"]);
    expect(pendingActions(incident.snapshot())).toEqual([
      { type: "unacknowledge", at: at(50) },
      { type: "resolve", at: at(80) },
    ]);
  });

  it("reopened with assignees or with the service's current policy, it follows them", async () => {
    const direct = await resolvedIncident();
    direct.actor.send({ type: "REOPEN", status: "triggered", by: "bob", assignees: ["zoe"] });
    expect(assignedVia(direct.snapshot())).toBe("direct_assignment");
    expect(notificationTimeline(direct.recorded).at(-1)).toBe("zoe@20");

    const current = await resolvedIncident();
    current.actor.send({
      type: "REOPEN",
      status: "triggered",
      by: "bob",
      escalationPolicy: policy([["yolanda"]], [5], 0, "PEP0003"),
    });
    expect(notificationTimeline(current.recorded).at(-1)).toBe("yolanda@20");
    expect(current.snapshot().context.escalationPolicy.id).toBe("PEP0003");
  });

  it("an open incident cannot be reopened, nor a resolved one acknowledged", async () => {
    const incident = startIncident({ urgency: "high", escalationPolicy: threeLevels() });
    expect(incident.snapshot().can({ type: "REOPEN", status: "triggered", by: "bob" })).toBe(false);
    incident.actor.send({ type: "RESOLVE", by: "bob" });
    expect(incident.snapshot().can({ type: "ACKNOWLEDGE", by: "bob" })).toBe(false);
    expect(
      incident.snapshot().can({ type: "REOPEN", status: "resolved" as "triggered", by: "bob" }),
    ).toBe(false);
  });
});
