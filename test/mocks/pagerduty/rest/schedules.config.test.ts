/**
 * On-call schedules declared in createSimulator's `pagerduty` option, as a scenario file does:
 * the POST /schedules body's shape with a fixed id and overrides, targeted by a configured
 * escalation policy, served by the REST API from the start, kept across a reset, and refused
 * with the REST API's texts and the option's path when they break a rule.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createSimulator,
  type Simulator,
  type SimulatorOptions,
  SimulatorOptionsError,
} from "../../../../simulator/cli/api.js";
import { api, reset, startSimulator } from "./helpers.js";
import { DAY, NY, primaryBody, rows, USERS, userRef } from "./schedulesHelpers.js";

const rotation = {
  id: "PPRIMAR",
  ...primaryBody().schedule,
  overrides: [
    {
      start: "2026-01-05T12:00:00-05:00",
      end: "2026-01-05T13:00:00-05:00",
      user: { id: "PXENA01", type: "user_reference" as const },
    },
  ],
};

const options = (schedules: unknown[]): SimulatorOptions => ({
  seed: "rest-schedules-config",
  pagerduty: {
    users: USERS.map((u) => ({ ...u })),
    schedules: schedules as never,
    escalationPolicies: [
      {
        id: "PCHECKO",
        name: "Checkout",
        escalation_rules: [
          {
            escalation_delay_in_minutes: 10,
            targets: [{ id: "PPRIMAR", type: "schedule_reference" }],
          },
        ],
      },
    ],
  },
});

describe("schedules in the pagerduty option", () => {
  let sim: Simulator;
  let close: () => Promise<void>;
  beforeAll(async () => {
    ({ sim, close } = await startSimulator(options([rotation])));
  });
  afterAll(async () => close());

  it("are served from the start, targeted by the configured policy", async () => {
    const got = await api(
      sim,
      "GET",
      "/schedules/PPRIMAR?since=2026-01-05T09:00:00-05:00&until=2026-01-05T19:00:00-05:00",
    );
    expect(got.status).toBe(200);
    const s = got.json.schedule;
    expect(s).toMatchObject({ id: "PPRIMAR", name: "Primary", time_zone: NY });
    expect(s.escalation_policies.map((p: { id: string }) => p.id)).toEqual(["PCHECKO"]);
    expect(rows(s.final_schedule.rendered_schedule_entries)).toEqual([
      ["PALICE1", "2026-01-05T09:00:00-05:00", "2026-01-05T12:00:00-05:00"],
      ["PXENA01", "2026-01-05T12:00:00-05:00", "2026-01-05T13:00:00-05:00"],
      ["PALICE1", "2026-01-05T13:00:00-05:00", "2026-01-05T19:00:00-05:00"],
    ]);
    const oncalls = await api(
      sim,
      "GET",
      "/oncalls?escalation_policy_ids[]=PCHECKO&since=2026-01-05T17:30:00Z&until=2026-01-05T17:30:00Z",
    );
    expect(oncalls.json.oncalls.map((o: { user: { id: string } }) => o.user.id)).toEqual([
      "PXENA01",
    ]);
  });

  it("come back as configured after a reset, REST-made ones gone", async () => {
    await api(sim, "POST", "/schedules/PPRIMAR/overrides", {
      body: {
        override: {
          start: "2026-01-06T00:00:00Z",
          end: "2026-01-07T00:00:00Z",
          user: { id: "PBOB001" },
        },
      },
    });
    const extra = await api(sim, "POST", "/schedules", {
      body: { schedule: { ...primaryBody().schedule, name: "Extra" } },
    });
    expect(extra.status).toBe(201);
    await reset(sim);
    const list = await api(sim, "GET", "/schedules?total=true");
    expect(list.json.schedules.map((s: { id: string }) => s.id)).toEqual(["PPRIMAR"]);
    const overrides = await api(
      sim,
      "GET",
      "/schedules/PPRIMAR/overrides?since=2026-01-05T00:00:00Z&until=2026-01-08T00:00:00Z",
    );
    expect(overrides.json.overrides.map((o: { user: { id: string } }) => o.user.id)).toEqual([
      "PXENA01",
    ]);
  });
});

describe("schedules the option refuses", () => {
  const refusal = (schedules: unknown[]) => {
    try {
      createSimulator(options(schedules));
    } catch (error) {
      expect(error).toBeInstanceOf(SimulatorOptionsError);
      return (error as Error).message;
    }
    throw new Error("the options were accepted");
  };

  it("name the field for a wrong shape", () => {
    const { time_zone: _zone, ...noZone } = rotation;
    expect(refusal([noZone])).toMatch(/pagerduty\.schedules\.0\.time_zone/);
    expect(refusal([{ ...rotation, id: "primary" }])).toMatch(
      /pagerduty\.schedules\.0\.id: expected a PagerDuty id/,
    );
    expect(refusal([{ ...rotation, colour: "red" }])).toMatch(/pagerduty\.schedules\.0/);
  });

  it("give the REST API's texts for a body it would refuse, with the entry's path", () => {
    const layer = {
      start: "2026-01-05T09:00:00-05:00",
      rotation_virtual_start: "2026-01-05T09:00:00-05:00",
      rotation_turn_length_seconds: 600,
      users: [userRef("PNOBODY")],
    };
    const message = refusal([{ ...rotation, schedule_layers: [layer] }]);
    expect(message).toContain("pagerduty.schedules.0:");
    expect(message).toContain(
      "Schedule layer 1 rotation turn length seconds must be greater than or equal to 3600",
    );
    expect(message).toContain("Schedule layer 1 user PNOBODY not found");
    const override = refusal([
      {
        ...rotation,
        overrides: [
          { start: "2026-01-06T00:00:00Z", end: "2026-01-05T00:00:00Z", user: { id: "PBOB001" } },
        ],
      },
    ]);
    expect(override).toContain(
      "pagerduty.schedules.0.overrides.0: Override must end after its start",
    );
  });

  it("refuse a policy targeting a schedule that is not configured", () => {
    const message = refusal([{ ...rotation, id: "POTHER1" }]);
    expect(message).toContain("pagerduty.escalationPolicies.0");
    expect(message).toContain("PPRIMAR");
  });

  it("keep layers that start before the run from starting before it", async () => {
    const { sim, close } = await startSimulator(
      options([
        {
          ...rotation,
          schedule_layers: [
            {
              start: "2025-01-01T00:00:00Z",
              rotation_virtual_start: "2025-01-01T00:00:00Z",
              rotation_turn_length_seconds: DAY,
              users: [userRef("PBOB001")],
            },
          ],
        },
      ]),
    );
    try {
      const s = (await api(sim, "GET", "/schedules/PPRIMAR?time_zone=UTC")).json.schedule;
      expect(s.schedule_layers[0].start).toBe("2026-01-05T09:00:00Z");
      expect(s.schedule_layers[0].rotation_virtual_start).toBe("2025-01-01T00:00:00Z");
    } finally {
      await close();
    }
  });
});
