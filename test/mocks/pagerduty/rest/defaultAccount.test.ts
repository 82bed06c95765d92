import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { api, startSimulator } from "./helpers.js";

let sim: Simulator;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ sim, close } = await startSimulator({ seed: "rest-default-account" }));
});
afterAll(async () => close());

const MINUTE = 60_000;

describe("the default account (no scenario)", () => {
  it("has a user, a service with an Events API v2 key, a policy and the schedule it pages", async () => {
    const me = (await api(sim, "GET", "/users/me")).json.user;
    const schedules = (await api(sim, "GET", "/schedules?include[]=schedule_layers")).json
      .schedules;
    expect(schedules).toHaveLength(1);
    const layer = schedules[0].schedule_layers[0];
    expect(layer.users.map((u: { user: { id: string } }) => u.user.id)).toEqual([me.id]);
    expect(layer.rotation_turn_length_seconds).toBe(7 * 24 * 3600);

    const policies = (await api(sim, "GET", "/escalation_policies")).json.escalation_policies;
    expect(policies).toHaveLength(1);
    expect(policies[0].escalation_rules[0].targets).toEqual([
      expect.objectContaining({ id: schedules[0].id, type: "schedule_reference" }),
    ]);

    const services = (await api(sim, "GET", "/services?include[]=integrations")).json.services;
    expect(services).toHaveLength(1);
    expect(services[0].escalation_policy.id).toBe(policies[0].id);
    expect(services[0].integrations[0].integration_key).toBe(sim.env.PAGERDUTY_ROUTING_KEY);
    expect(sim.env.PAGERDUTY_TOKEN).toHaveLength(20);
    expect(sim.env.PAGERDUTY_EVENTS_URL).toMatch(/^https:/);
    expect(sim.env.PAGERDUTY_API_URL).toMatch(/^https:/);

    // Still on call a virtual month later: the rotation has one user and no end.
    await sim.clock.runFor(30 * 24 * 60 * MINUTE);
    const oncalls = (await api(sim, "GET", "/oncalls")).json.oncalls;
    expect(oncalls.map((o: { user: { id: string } }) => o.user.id)).toEqual([me.id]);
    expect(oncalls[0].schedule.id).toBe(schedules[0].id);
  });
});
