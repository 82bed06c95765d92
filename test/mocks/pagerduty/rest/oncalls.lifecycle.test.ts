/**
 * On-call schedules behind the incident lifecycle: an Events API trigger for a service whose
 * escalation policy targets a configured rotation pages whoever the final schedule has on call
 * at that virtual instant (store.onCallUsers), across a handoff, an override made over REST and
 * a layer ended over REST, after which nobody is on call and no incident opens.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { mark } from "../helpers.js";
import {
  ALICE,
  BOB,
  CAROL,
  followUp,
  incidentByKey,
  startAccount,
  trigger,
} from "../incidents/helpers.js";
import { api } from "./helpers.js";
import { DAY, NY, userRef } from "./schedulesHelpers.js";

const ROTA = "PROTA01";
const at = (iso: string) => Date.parse(iso);

let sim: Simulator;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ sim, close } = await startAccount("oncalls-lifecycle", {
    schedules: [
      {
        id: ROTA,
        name: "Checkout rotation",
        time_zone: NY,
        // Daily turns handed off at 09:00 New York time: Alice until Monday 09:00, then Bob.
        schedule_layers: [
          {
            start: "2026-01-04T09:00:00-05:00",
            rotation_virtual_start: "2026-01-04T09:00:00-05:00",
            rotation_turn_length_seconds: DAY,
            users: [userRef(ALICE.id), userRef(BOB.id)],
          },
        ],
      },
    ],
    escalationPolicies: [
      {
        id: "PCHKOUT",
        name: "Checkout on-call",
        escalation_rules: [
          { escalation_delay_in_minutes: 10, targets: [{ id: ROTA, type: "schedule_reference" }] },
        ],
      },
    ],
  }));
});
afterAll(async () => close());

const assignees = async (key: string) =>
  (await incidentByKey(sim, key)).assignments.map(
    (a: { assignee: { id: string } }) => a.assignee.id,
  );

describe("an incident on a service whose policy targets a schedule", () => {
  it("goes to whoever is on call when it opens, the handoff and overrides included", async () => {
    // The clock starts at 2026-01-05T09:00:00Z, 04:00 in New York: Alice's turn.
    const first = await trigger(sim, { dedupKey: "before-handoff" });
    expect(await assignees(first)).toEqual([ALICE.id]);
    await followUp(sim, "resolve", first);

    await sim.clock.runUntil(at("2026-01-05T14:30:00Z"));
    const second = await trigger(sim, { dedupKey: "after-handoff" });
    expect(await assignees(second)).toEqual([BOB.id]);
    await followUp(sim, "resolve", second);

    const override = await api(sim, "POST", `/schedules/${ROTA}/overrides`, {
      body: {
        override: {
          start: "2026-01-05T15:00:00Z",
          end: "2026-01-05T16:00:00Z",
          user: { id: CAROL.id, type: "user_reference" },
        },
      },
    });
    expect(override.status).toBe(201);
    await sim.clock.runUntil(at("2026-01-05T15:30:00Z"));
    const third = await trigger(sim, { dedupKey: "during-override" });
    expect(await assignees(third)).toEqual([CAROL.id]);
    await followUp(sim, "resolve", third);
  });

  it("does not open when the schedule has nobody on call", async () => {
    const s = (await api(sim, "GET", `/schedules/${ROTA}`)).json.schedule;
    const [layer] = s.schedule_layers;
    const ended = await api(sim, "PUT", `/schedules/${ROTA}`, {
      body: {
        schedule: {
          schedule_layers: [
            {
              ...layer,
              users: layer.users.map((u: { user: { id: string } }) => userRef(u.user.id)),
              end: "2026-01-05T17:00:00Z",
            },
          ],
        },
      },
    });
    expect(ended.status, ended.text).toBe(200);
    await sim.clock.runUntil(at("2026-01-05T17:30:00Z"));
    const w = mark(sim);
    await trigger(sim, { dedupKey: "nobody-on-call" });
    expect(w.journal("pagerduty.incident.triggered")).toEqual([]);
    const incidents = await api(
      sim,
      "GET",
      "/incidents?incident_key=nobody-on-call&date_range=all",
    );
    expect(incidents.json.incidents).toEqual([]);
  });
});
