/**
 * The schedule and on-call answers against PagerDuty's REST spec (../shared/specs/pagerduty/
 * REST-openapiv3.json): every route is the spec's operation, and what each answers, success and
 * refusal, matches the operation's response schema. Where the spec's schemas and real answers
 * part, the test follows the real answers and says so: any property a schema does not require may
 * be null (schedulesHelpers.ts), and the override list, which the spec gives under a 201, is
 * answered 200 and checked against that schema. Answers with include[] expansions are not
 * checked: the spec's Oncall schema only allows references there.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { oncallRoutes } from "../../../../mocks/pagerduty/rest/oncalls.js";
import { scheduleRoutes } from "../../../../mocks/pagerduty/rest/schedules.js";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { api, reset, startSimulator } from "./helpers.js";
import {
  accountOptions,
  primaryBody,
  type SpecValidators,
  secondaryBody,
  specPresent,
  specValidators,
} from "./schedulesHelpers.js";

describe.skipIf(!specPresent)(
  "schedules and on-calls against the REST spec (skipped: ../shared/specs/pagerduty/REST-openapiv3.json is absent)",
  () => {
    let sim: Simulator;
    let close: () => Promise<void>;
    let v: SpecValidators;
    beforeAll(async () => {
      ({ sim, close } = await startSimulator(accountOptions("rest-schedules-spec")));
      v = specValidators([...scheduleRoutes, ...oncallRoutes]);
    });
    afterAll(async () => close());
    beforeEach(async () => reset(sim));

    it("has every route as the spec's operation, and schemas with teeth", () => {
      expect(scheduleRoutes).toHaveLength(9);
      const get = v.validator("getSchedule", 200);
      expect(get({ schedule: { type: "schedule" } })).toBe(false);
      expect(get({ schedule: { type: "schedule", time_zone: "UTC", schedule_layers: [{}] } })).toBe(
        false,
      );
      const oncalls = v.validator("listOnCalls", 200);
      expect(oncalls({ oncalls: [{ escalation_level: "2" }] })).toBe(false);
      expect(oncalls({ oncalls: [{ user: { id: "P1", type: "user" } }] })).toBe(false);
      expect(oncalls({ oncalls: [] })).toBe(true);
    });

    it("accepts the spec's own example requests", async () => {
      const create = v.operation("POST", "/schedules").requestBody.content["application/json"]
        .examples.request.value;
      // The example's user is PagerDuty's; ours has another id.
      create.schedule.schedule_layers[0].users[0].user.id = "PALICE1";
      const created = await api(sim, "POST", "/schedules", { body: create });
      expect(created.status, created.text).toBe(201);
      v.expectValid("createSchedule", 201, created.json);
      const id = created.json.schedule.id;

      const update = v.operation("PUT", "/schedules/{id}").requestBody.content["application/json"]
        .examples.request.value;
      update.schedule.schedule_layers[0].users[0].user.id = "PBOB001";
      const updated = await api(sim, "PUT", `/schedules/${id}`, { body: update });
      expect(updated.status, updated.text).toBe(200);
      v.expectValid("updateSchedule", 200, updated.json);

      const overrides = v.operation("POST", "/schedules/{id}/overrides").requestBody.content[
        "application/json"
      ].examples.request.value;
      overrides.overrides[0].user.id = "PNORA01";
      overrides.overrides[1].user.id = "PXENA01";
      const added = await api(sim, "POST", `/schedules/${id}/overrides`, { body: overrides });
      expect(added.status, added.text).toBe(201);
      expect(added.json.map((r: { status: number }) => r.status)).toEqual([201, 201]);
      v.expectValid("createScheduleOverride", 201, added.json);
    });

    it("answers every read and write as the spec's schemas have them", async () => {
      const created = await api(sim, "POST", "/schedules", { body: primaryBody() });
      v.expectValid("createSchedule", 201, created.json);
      const id = created.json.schedule.id;
      await api(sim, "POST", "/schedules", { body: secondaryBody() });
      const policy = await api(sim, "POST", "/escalation_policies", {
        body: {
          escalation_policy: {
            name: "Primary on call",
            escalation_rules: [
              { escalation_delay_in_minutes: 5, targets: [{ id, type: "schedule_reference" }] },
              {
                escalation_delay_in_minutes: 5,
                targets: [{ id: "PBOB001", type: "user_reference" }],
              },
            ],
          },
        },
      });
      expect(policy.status, policy.text).toBe(201);
      const added = await api(sim, "POST", `/schedules/${id}/overrides`, {
        body: {
          overrides: [
            {
              start: "2026-01-05T12:00:00-05:00",
              end: "2026-01-05T13:00:00-05:00",
              user: { id: "PXENA01", type: "user_reference" },
            },
            {
              start: "2026-01-05T13:00:00-05:00",
              end: "2026-01-05T12:00:00-05:00",
              user: { id: "PXENA01", type: "user_reference" },
            },
          ],
        },
      });
      expect(added.json.map((r: { status: number }) => r.status)).toEqual([201, 400]);
      v.expectValid("createScheduleOverride", 201, added.json);

      const range = "since=2026-01-05T09:00:00-05:00&until=2026-01-08T09:00:00-05:00";
      const reads: [string, string][] = [
        ["listSchedules", "/schedules"],
        [
          "listSchedules",
          `/schedules?include[]=schedule_layers&include[]=overrides_subschedule&include[]=final_schedule&${range}&include_next_oncall_for_user=PBOB001`,
        ],
        ["getSchedule", `/schedules/${id}`],
        ["getSchedule", `/schedules/${id}?${range}`],
        ["getSchedule", `/schedules/${id}?${range}&overflow=true&time_zone=UTC`],
        ["getSchedule", `/schedules/${id}?include_next_oncall_for_user=PNORA01`],
        ["listScheduleUsers", `/schedules/${id}/users`],
        ["listScheduleUsers", `/schedules/${id}/users?${range}`],
        ["listOnCalls", "/oncalls"],
        ["listOnCalls", `/oncalls?${range}&time_zone=America/New_York`],
        ["listOnCalls", `/oncalls?${range}&earliest=true&schedule_ids[]=null`],
      ];
      for (const [operationId, path] of reads) {
        const reply = await api(sim, "GET", path);
        expect(reply.status, path).toBe(200);
        v.expectValid(operationId, 200, reply.json);
      }
      const listed = await api(sim, "GET", `/schedules/${id}/overrides?${range}`);
      expect(listed.status).toBe(200);
      v.expectValid("listScheduleOverrides", 201, listed.json);
      const editable = await api(sim, "GET", `/schedules/${id}/overrides?${range}&editable=true`);
      expect(editable.json.overrides).toHaveLength(1);
      // "The result will only include the id of the override", which the schema does not allow.
      expect(v.validator("listScheduleOverrides", 201)(editable.json)).toBe(false);
    });

    it("refuses with the spec's error body", async () => {
      const refusals = [
        await api(sim, "POST", "/schedules", { body: { schedule: { time_zone: "Nowhere" } } }),
        await api(sim, "GET", "/schedules/PNOPE00"),
        await api(sim, "GET", "/oncalls?since=later"),
        await api(sim, "GET", "/oncalls?until=2027-01-01T00:00:00Z"),
        await api(sim, "GET", "/schedules?since=2026-02-01T00:00:00Z&until=2026-01-01T00:00:00Z"),
      ];
      expect(refusals.map((r) => r.status)).toEqual([400, 404, 400, 400, 400]);
      for (const r of refusals) v.expectError(r.json);
    });
  },
);
