/**
 * On-call schedules through HTTP, against a whole simulator in-process: create, read with
 * since/until/time_zone/overflow rendering (layers, overrides and the final schedule), update,
 * delete, list, overrides and the users on call, PagerDuty's 400 bodies for bad input, the
 * escalation policy routes taking schedule targets, and @pagerduty/pdjs paging through them.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { api, reset, startSimulator } from "./helpers.js";
import {
  accountOptions,
  DAY,
  NY,
  pdjsClient,
  primaryBody,
  rows,
  secondaryBody,
  userRef,
} from "./schedulesHelpers.js";

let sim: Simulator;
let ca: Buffer;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ sim, ca, close } = await startSimulator(accountOptions("rest-schedules")));
});
afterAll(async () => close());
beforeEach(async () => reset(sim));

async function createPrimary(extra: Record<string, unknown> = {}) {
  const reply = await api(sim, "POST", "/schedules", { body: primaryBody(extra) });
  expect(reply.status, reply.text).toBe(201);
  return reply.json.schedule;
}

describe("POST /schedules", () => {
  it("creates a schedule and answers it whole, the highest layer first", async () => {
    const reply = await api(sim, "POST", "/schedules", { body: primaryBody() });
    expect(reply.status).toBe(201);
    const s = reply.json.schedule;
    expect(s.id).toMatch(/^P[A-Z0-9]{6}$/);
    expect(s).toMatchObject({
      type: "schedule",
      summary: "Primary",
      name: "Primary",
      self: `https://api.pagerduty.com/schedules/${s.id}`,
      html_url: `https://watermelon.pagerduty.com/schedules/${s.id}`,
      time_zone: NY,
      description: "Days and nights",
      escalation_policies: [],
      teams: [],
    });
    expect(s.users.map((u: { id: string; summary: string }) => [u.id, u.summary])).toEqual([
      ["PALICE1", "Alice Adams"],
      ["PBOB001", "Bob Brown"],
      ["PNORA01", "Nora North"],
    ]);
    // GET and POST bodies list layers in opposite orders (PagerDuty/public-support-scripts#60).
    expect(s.schedule_layers.map((l: { name: string }) => l.name)).toEqual(["Nights", "Days"]);
    const [nights, days] = s.schedule_layers;
    expect(days).toMatchObject({
      start: "2026-01-05T09:00:00-05:00",
      end: null,
      rotation_virtual_start: "2026-01-05T09:00:00-05:00",
      rotation_turn_length_seconds: DAY,
      restrictions: [],
      rendered_schedule_entries: [],
      rendered_coverage_percentage: null,
    });
    expect(days.users[0].user).toMatchObject({ id: "PALICE1", type: "user_reference" });
    expect(nights.restrictions).toEqual([
      { type: "daily_restriction", start_time_of_day: "19:00:00", duration_seconds: 43_200 },
    ]);
    expect(nights.id).not.toBe(days.id);
    expect(s.final_schedule).toEqual({
      name: "Final Schedule",
      rendered_schedule_entries: [],
      rendered_coverage_percentage: null,
    });
    expect(s.overrides_subschedule.name).toBe("Overrides");

    const got = await api(sim, "GET", `/schedules/${s.id}`);
    expect(got.status).toBe(200);
    expect(got.json.schedule).toEqual(s);
  });

  it("starts a layer given a past start at the time of the request, its rotation unchanged", async () => {
    const body = primaryBody();
    const layer = body.schedule.schedule_layers[0] as Record<string, unknown>;
    layer.start = "2025-06-01T09:00:00-04:00";
    layer.rotation_virtual_start = "2025-06-01T09:00:00-04:00";
    const reply = await api(sim, "POST", "/schedules", { body });
    const days = reply.json.schedule.schedule_layers[1];
    // The simulator clock starts at 2026-01-05T09:00:00Z, 04:00 in New York.
    expect(days.start).toBe("2026-01-05T04:00:00-05:00");
    expect(days.rotation_virtual_start).toBe("2025-06-01T09:00:00-04:00");
  });

  it("names unnamed layers by their position and an unnamed schedule as PagerDuty's default", async () => {
    const body = secondaryBody();
    delete (body.schedule as { name?: string }).name;
    const s = (await api(sim, "POST", "/schedules", { body })).json.schedule;
    expect(s.name).toBe("New Schedule");
    expect(s.schedule_layers[0].name).toBe("Layer 1");
  });

  it("refuses a body with every broken rule listed at once, and stores nothing", async () => {
    const reply = await api(sim, "POST", "/schedules", {
      body: {
        schedule: {
          type: "schedule",
          time_zone: "Mars/Olympus_Mons",
          schedule_layers: [
            {
              start: "next tuesday",
              rotation_virtual_start: "2026-01-05T09:00:00Z",
              rotation_turn_length_seconds: 60,
              users: [],
            },
            {
              start: "2026-01-05T09:00:00Z",
              end: "2026-01-04T09:00:00Z",
              rotation_virtual_start: "2026-01-05T09:00:00Z",
              rotation_turn_length_seconds: DAY,
              users: [userRef("PNOBODY")],
              restrictions: [
                {
                  type: "weekly_restriction",
                  start_time_of_day: "09:00:00",
                  duration_seconds: 3600,
                },
                {
                  type: "weekly_restriction",
                  start_time_of_day: "09:00:00",
                  duration_seconds: 7 * DAY,
                  start_day_of_week: 1,
                },
                { type: "monthly_restriction", start_time_of_day: "09:00", duration_seconds: 60 },
                { type: "daily_restriction", start_time_of_day: "25:00:00", duration_seconds: 60 },
              ],
            },
          ],
        },
      },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error.message).toBe("Invalid Input Provided");
    expect(reply.json.error.code).toBe(2001);
    expect(reply.json.error.errors).toEqual([
      "Time zone is invalid",
      "Schedule layer 1 start is not a valid ISO 8601 date-time",
      "Schedule layer 1 rotation turn length seconds must be greater than or equal to 3600",
      "Schedule layer 1 users can't be blank",
      "Schedule layer 2 end must be after its start",
      "Schedule layer 2 user PNOBODY not found",
      // The texts of real answers (go-pagerduty#52, hashicorp/terraform#11135).
      "Start day of week must be in 1, 2, 3, 4, 5, 6, 7, 1, 2, 3, 4, 5, 6, or 7.",
      "Please use a shorter duration or just turn the recurrence off.",
      "Schedule layer 2 restriction 3 type is invalid (must be one of: daily_restriction, weekly_restriction)",
      "Schedule layer 2 restriction 4 start time of day is invalid (must be HH:mm:ss)",
    ]);
    const list = await api(sim, "GET", "/schedules?total=true");
    expect(list.json.total).toBe(0);
  });

  it("refuses a body without its wrapper, time zone or layers", async () => {
    const bare = await api(sim, "POST", "/schedules", { body: primaryBody().schedule });
    expect(bare.status).toBe(400);
    expect(bare.json.error.code).toBe(2001);
    expect(bare.json.error.errors[0]).toContain('{"schedule": {...}}');

    const empty = await api(sim, "POST", "/schedules", { body: { schedule: { name: "x" } } });
    expect(empty.json.error.errors).toEqual([
      "Time zone can't be blank",
      "Schedule layers can't be blank",
    ]);
    const noLayers = await api(sim, "POST", "/schedules", {
      body: { schedule: { time_zone: NY, schedule_layers: [] } },
    });
    expect(noLayers.json.error.errors).toEqual(["Schedule layers can't be blank"]);
  });
});

describe("GET /schedules/{id}", () => {
  const range = "since=2026-01-05T09:00:00-05:00&until=2026-01-07T09:00:00-05:00";

  it("renders the layers, the overrides and the final schedule over since and until", async () => {
    const s = await createPrimary();
    const reply = await api(sim, "GET", `/schedules/${s.id}?${range}`);
    expect(reply.status).toBe(200);
    const got = reply.json.schedule;
    const [nights, days] = got.schedule_layers;
    expect(rows(days.rendered_schedule_entries)).toEqual([
      ["PALICE1", "2026-01-05T09:00:00-05:00", "2026-01-06T09:00:00-05:00"],
      ["PBOB001", "2026-01-06T09:00:00-05:00", "2026-01-07T09:00:00-05:00"],
    ]);
    expect(days.rendered_coverage_percentage).toBe(100);
    expect(rows(nights.rendered_schedule_entries)).toEqual([
      ["PNORA01", "2026-01-05T19:00:00-05:00", "2026-01-06T07:00:00-05:00"],
      ["PNORA01", "2026-01-06T19:00:00-05:00", "2026-01-07T07:00:00-05:00"],
    ]);
    expect(nights.rendered_coverage_percentage).toBe(50);
    expect(rows(got.final_schedule.rendered_schedule_entries)).toEqual([
      ["PALICE1", "2026-01-05T09:00:00-05:00", "2026-01-05T19:00:00-05:00"],
      ["PNORA01", "2026-01-05T19:00:00-05:00", "2026-01-06T07:00:00-05:00"],
      ["PALICE1", "2026-01-06T07:00:00-05:00", "2026-01-06T09:00:00-05:00"],
      ["PBOB001", "2026-01-06T09:00:00-05:00", "2026-01-06T19:00:00-05:00"],
      ["PNORA01", "2026-01-06T19:00:00-05:00", "2026-01-07T07:00:00-05:00"],
      ["PBOB001", "2026-01-07T07:00:00-05:00", "2026-01-07T09:00:00-05:00"],
    ]);
    expect(got.final_schedule.rendered_coverage_percentage).toBe(100);
    expect(got.final_schedule.rendered_schedule_entries[0].user).toMatchObject({
      summary: "Alice Adams",
      self: "https://api.pagerduty.com/users/PALICE1",
    });
    expect(got.overrides_subschedule).toEqual({
      name: "Overrides",
      rendered_schedule_entries: [],
      rendered_coverage_percentage: 0,
    });
  });

  it("writes every time in the requested time_zone, and reads since/until without offset in it", async () => {
    const s = await createPrimary();
    const utc = await api(
      sim,
      "GET",
      `/schedules/${s.id}?since=2026-01-05T14:00:00&until=2026-01-06T14:00:00&time_zone=UTC`,
    );
    expect(utc.status).toBe(200);
    expect(rows(utc.json.schedule.final_schedule.rendered_schedule_entries)).toEqual([
      ["PALICE1", "2026-01-05T14:00:00Z", "2026-01-06T00:00:00Z"],
      ["PNORA01", "2026-01-06T00:00:00Z", "2026-01-06T12:00:00Z"],
      ["PALICE1", "2026-01-06T12:00:00Z", "2026-01-06T14:00:00Z"],
    ]);
    expect(utc.json.schedule.schedule_layers[1].start).toBe("2026-01-05T14:00:00Z");
    // The schedule's own zone still reckons the turns: handoffs stay at 09:00 New York.
    expect(utc.json.schedule.time_zone).toBe(NY);
  });

  it("cuts entries at the bounds unless overflow=true", async () => {
    const s = await createPrimary();
    const q = "since=2026-01-05T10:00:00-05:00&until=2026-01-05T12:00:00-05:00";
    const cut = await api(sim, "GET", `/schedules/${s.id}?${q}`);
    expect(rows(cut.json.schedule.final_schedule.rendered_schedule_entries)).toEqual([
      ["PALICE1", "2026-01-05T10:00:00-05:00", "2026-01-05T12:00:00-05:00"],
    ]);
    const whole = await api(sim, "GET", `/schedules/${s.id}?${q}&overflow=true`);
    expect(rows(whole.json.schedule.final_schedule.rendered_schedule_entries)).toEqual([
      ["PALICE1", "2026-01-05T09:00:00-05:00", "2026-01-05T19:00:00-05:00"],
    ]);
    expect(rows(whole.json.schedule.schedule_layers[1].rendered_schedule_entries)).toEqual([
      ["PALICE1", "2026-01-05T09:00:00-05:00", "2026-01-06T09:00:00-05:00"],
    ]);
  });

  it("renders two weeks from since when until is missing, and two weeks before until", async () => {
    const s = await createPrimary();
    const since = await api(sim, "GET", `/schedules/${s.id}?since=2026-01-05T09:00:00-05:00`);
    const entries = since.json.schedule.final_schedule.rendered_schedule_entries;
    expect(entries.at(-1).end).toBe("2026-01-19T09:00:00-05:00");
    const until = await api(sim, "GET", `/schedules/${s.id}?until=2026-01-19T09:00:00-05:00`);
    expect(until.json.schedule.final_schedule.rendered_coverage_percentage).toBeGreaterThan(0);
    expect(until.json.schedule.final_schedule.rendered_schedule_entries.at(-1).end).toBe(
      "2026-01-19T09:00:00-05:00",
    );
  });

  it("shows a user's next on-call with include_next_oncall_for_user", async () => {
    const s = await createPrimary();
    const reply = await api(sim, "GET", `/schedules/${s.id}?include_next_oncall_for_user=PBOB001`);
    expect(reply.json.schedule.next_oncall_for_user).toMatchObject({
      start: "2026-01-06T09:00:00-05:00",
      end: "2026-01-06T19:00:00-05:00",
      user: { id: "PBOB001", type: "user_reference" },
    });
  });

  it("answers unreadable and reversed ranges and unknown zones with PagerDuty's codes", async () => {
    const s = await createPrimary();
    const bad = await api(sim, "GET", `/schedules/${s.id}?since=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe(2004);
    expect(bad.json.error.errors[0]).toMatch(/^since: expected an ISO 8601 date-time/);
    const reversed = await api(
      sim,
      "GET",
      `/schedules/${s.id}?since=2026-01-07T00:00:00Z&until=2026-01-06T00:00:00Z`,
    );
    expect(reversed.json.error).toEqual({
      message: "Invalid Query Date Range",
      code: 2005,
      errors: ["until must be after since"],
    });
    const zone = await api(sim, "GET", `/schedules/${s.id}?time_zone=Nowhere`);
    expect(zone.json.error.code).toBe(2001);
  });

  it("answers 404 Not Found for an unknown schedule", async () => {
    for (const [method, path] of [
      ["GET", "/schedules/PNOPE00"],
      ["PUT", "/schedules/PNOPE00"],
      ["DELETE", "/schedules/PNOPE00"],
      ["GET", "/schedules/PNOPE00/users"],
      ["GET", "/schedules/PNOPE00/overrides?since=2026-01-05T00:00:00Z&until=2026-01-06T00:00:00Z"],
      ["DELETE", "/schedules/PNOPE00/overrides/PNOPE01"],
    ] as const) {
      const reply = await api(sim, method, path, method === "PUT" ? { body: primaryBody() } : {});
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(reply.json.error).toMatchObject({ message: "Not Found", code: 2100 });
    }
  });
});

describe("PUT /schedules/{id}", () => {
  it("replaces what the body gives, keeping the ids of the layers it names", async () => {
    const s = await createPrimary();
    const [nights, days] = s.schedule_layers;
    const reply = await api(sim, "PUT", `/schedules/${s.id}`, {
      body: {
        schedule: {
          name: "Primary (new)",
          schedule_layers: [
            {
              id: days.id,
              name: "Days",
              start: "2026-01-05T09:00:00-05:00",
              rotation_virtual_start: "2026-01-05T09:00:00-05:00",
              rotation_turn_length_seconds: DAY,
              users: [userRef("PBOB001"), userRef("PALICE1")],
            },
            {
              name: "Weekend",
              start: "2026-01-10T00:00:00-05:00",
              rotation_virtual_start: "2026-01-10T00:00:00-05:00",
              rotation_turn_length_seconds: DAY,
              users: [userRef("PXENA01")],
            },
          ],
        },
      },
    });
    expect(reply.status).toBe(200);
    const updated = reply.json.schedule;
    expect(updated).toMatchObject({ id: s.id, name: "Primary (new)", time_zone: NY });
    expect(updated.description).toBe("Days and nights");
    const [weekend, newDays] = updated.schedule_layers;
    expect(newDays.id).toBe(days.id);
    expect(weekend.id).not.toBe(nights.id);
    expect(weekend.name).toBe("Weekend");
    const got = await api(
      sim,
      "GET",
      `/schedules/${s.id}?since=2026-01-05T09:00:00-05:00&until=2026-01-05T10:00:00-05:00`,
    );
    expect(rows(got.json.schedule.final_schedule.rendered_schedule_entries)).toEqual([
      ["PBOB001", "2026-01-05T09:00:00-05:00", "2026-01-05T10:00:00-05:00"],
    ]);
  });

  it("refuses a broken update and keeps the schedule as it was", async () => {
    const s = await createPrimary();
    const reply = await api(sim, "PUT", `/schedules/${s.id}`, {
      body: { schedule: { time_zone: "Nowhere/Else" } },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatchObject({ code: 2001, errors: ["Time zone is invalid"] });
    expect((await api(sim, "GET", `/schedules/${s.id}`)).json.schedule).toEqual(s);
  });
});

describe("DELETE /schedules/{id}", () => {
  it("deletes a schedule, but not while an escalation policy targets it", async () => {
    const s = await createPrimary();
    const policy = await api(sim, "POST", "/escalation_policies", {
      body: {
        escalation_policy: {
          name: "Primary on call",
          escalation_rules: [
            {
              escalation_delay_in_minutes: 15,
              targets: [{ id: s.id, type: "schedule_reference" }],
            },
          ],
        },
      },
    });
    expect(policy.status, policy.text).toBe(201);
    const policyId = policy.json.escalation_policy.id;
    expect(policy.json.escalation_policy.escalation_rules[0].targets[0]).toMatchObject({
      id: s.id,
      type: "schedule_reference",
      summary: "Primary",
    });
    const shown = (await api(sim, "GET", `/schedules/${s.id}`)).json.schedule;
    expect(shown.escalation_policies).toEqual([
      expect.objectContaining({ id: policyId, type: "escalation_policy_reference" }),
    ]);

    const refused = await api(sim, "DELETE", `/schedules/${s.id}`);
    expect(refused.status).toBe(400);
    expect(refused.json.error).toEqual({
      message: "Invalid Input Provided",
      code: 2001,
      errors: ["Schedule can't be deleted if it's being used by escalation policies"],
    });
    expect((await api(sim, "DELETE", `/escalation_policies/${policyId}`)).status).toBe(204);
    const deleted = await api(sim, "DELETE", `/schedules/${s.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    expect((await api(sim, "GET", `/schedules/${s.id}`)).status).toBe(404);
  });

  it("the escalation policy routes refuse a schedule target that does not exist", async () => {
    const reply = await api(sim, "POST", "/escalation_policies", {
      body: {
        escalation_policy: {
          name: "Nobody",
          escalation_rules: [
            {
              escalation_delay_in_minutes: 15,
              targets: [{ id: "PNOSUCH", type: "schedule_reference" }],
            },
          ],
        },
      },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error.code).toBe(2001);
  });
});

describe("GET /schedules", () => {
  it("lists schedules by name with query and pagination, layers only when asked", async () => {
    await createPrimary();
    await api(sim, "POST", "/schedules", { body: secondaryBody("Secondary") });
    await api(sim, "POST", "/schedules", { body: secondaryBody("Backup") });
    const all = await api(sim, "GET", "/schedules?total=true");
    expect(all.status).toBe(200);
    expect(all.json.schedules.map((s: { name: string }) => s.name)).toEqual([
      "Backup",
      "Primary",
      "Secondary",
    ]);
    expect(all.json).toMatchObject({ limit: 25, offset: 0, more: false, total: 3 });
    expect(all.json.schedules[0].schedule_layers).toBeUndefined();
    expect(all.json.schedules[0].final_schedule).toBeUndefined();

    const page = await api(sim, "GET", "/schedules?limit=2&offset=1");
    expect(page.json.schedules.map((s: { name: string }) => s.name)).toEqual([
      "Primary",
      "Secondary",
    ]);
    expect(page.json).toMatchObject({ limit: 2, offset: 1, more: false, total: null });

    const query = await api(sim, "GET", "/schedules?query=PRIM");
    expect(query.json.schedules.map((s: { name: string }) => s.name)).toEqual(["Primary"]);

    const withLayers = await api(
      sim,
      "GET",
      "/schedules?query=primary&include[]=schedule_layers&include[]=final_schedule&since=2026-01-05T14:00:00Z&until=2026-01-05T15:00:00Z&time_zone=UTC",
    );
    const listed = withLayers.json.schedules[0];
    expect(listed.schedule_layers).toHaveLength(2);
    expect(listed.overrides_subschedule).toBeUndefined();
    expect(rows(listed.final_schedule.rendered_schedule_entries)).toEqual([
      ["PALICE1", "2026-01-05T14:00:00Z", "2026-01-05T15:00:00Z"],
    ]);
  });

  it("filters by team_ids[], and refuses a team that does not exist", async () => {
    const team = await api(sim, "POST", "/teams", { body: { team: { name: "Payments" } } });
    expect(team.status, team.text).toBe(201);
    const teamId = team.json.team.id;
    const body = primaryBody({ teams: [{ id: teamId, type: "team_reference" }] });
    const s = (await api(sim, "POST", "/schedules", { body })).json.schedule;
    expect(s.teams).toEqual([expect.objectContaining({ id: teamId, summary: "Payments" })]);
    await api(sim, "POST", "/schedules", { body: secondaryBody() });
    const listed = await api(sim, "GET", `/schedules?team_ids[]=${teamId}`);
    expect(listed.json.schedules.map((x: { id: string }) => x.id)).toEqual([s.id]);
    const unknown = await api(sim, "POST", "/schedules", {
      body: primaryBody({ teams: [{ id: "PNOTEAM", type: "team_reference" }] }),
    });
    expect(unknown.json.error.errors).toEqual(["Team PNOTEAM not found"]);
  });

  it("renders the list in the requesting user's time zone by default", async () => {
    await createPrimary();
    // The ready line's token is Alice's, whose zone is New York.
    const reply = await api(
      sim,
      "GET",
      "/schedules?include[]=final_schedule&since=2026-01-05T14:00:00Z&until=2026-01-05T15:00:00Z",
    );
    expect(rows(reply.json.schedules[0].final_schedule.rendered_schedule_entries)).toEqual([
      ["PALICE1", "2026-01-05T09:00:00-05:00", "2026-01-05T10:00:00-05:00"],
    ]);
  });
});

describe("overrides", () => {
  const window = "since=2026-01-05T00:00:00-05:00&until=2026-01-08T00:00:00-05:00";

  it("creates several at once, answering each, and the final schedule follows the latest", async () => {
    const s = await createPrimary();
    const reply = await api(sim, "POST", `/schedules/${s.id}/overrides`, {
      body: {
        overrides: [
          {
            start: "2026-01-05T12:00:00-05:00",
            end: "2026-01-05T16:00:00-05:00",
            user: { id: "PXENA01", type: "user_reference" },
            time_zone: "UTC",
          },
          {
            start: "2026-01-05T14:00:00",
            end: "2026-01-05T15:00:00",
            user: { id: "PBOB001", type: "user_reference" },
          },
          {
            start: "2026-01-06T12:00:00-05:00",
            end: "2026-01-06T12:00:00-05:00",
            user: { id: "PBOB001", type: "user_reference" },
          },
        ],
      },
    });
    expect(reply.status).toBe(201);
    expect(reply.json).toHaveLength(3);
    expect(reply.json[0]).toMatchObject({
      status: 201,
      override: {
        start: "2026-01-05T17:00:00Z",
        end: "2026-01-05T21:00:00Z",
        user: { id: "PXENA01", type: "user_reference", summary: "Xena Xu" },
      },
    });
    expect(reply.json[0].override.id).toMatch(/^P[A-Z0-9]{6}$/);
    // Without an offset or a time_zone, times are the schedule's.
    expect(reply.json[1].override).toMatchObject({
      start: "2026-01-05T14:00:00-05:00",
      end: "2026-01-05T15:00:00-05:00",
    });
    expect(reply.json[2]).toEqual({
      status: 400,
      errors: ["Override must end after its start"],
      override: {
        start: "2026-01-06T12:00:00-05:00",
        end: "2026-01-06T12:00:00-05:00",
        user: expect.objectContaining({ id: "PBOB001" }),
      },
    });

    const got = await api(
      sim,
      "GET",
      `/schedules/${s.id}?since=2026-01-05T09:00:00-05:00&until=2026-01-05T19:00:00-05:00`,
    );
    expect(rows(got.json.schedule.final_schedule.rendered_schedule_entries)).toEqual([
      ["PALICE1", "2026-01-05T09:00:00-05:00", "2026-01-05T12:00:00-05:00"],
      ["PXENA01", "2026-01-05T12:00:00-05:00", "2026-01-05T14:00:00-05:00"],
      ["PBOB001", "2026-01-05T14:00:00-05:00", "2026-01-05T15:00:00-05:00"],
      ["PXENA01", "2026-01-05T15:00:00-05:00", "2026-01-05T16:00:00-05:00"],
      ["PALICE1", "2026-01-05T16:00:00-05:00", "2026-01-05T19:00:00-05:00"],
    ]);
    expect(got.json.schedule.overrides_subschedule.rendered_coverage_percentage).toBe(40);

    const listed = await api(sim, "GET", `/schedules/${s.id}/overrides?${window}`);
    expect(listed.status).toBe(200);
    expect(rows(listed.json.overrides)).toEqual([
      ["PXENA01", "2026-01-05T12:00:00-05:00", "2026-01-05T16:00:00-05:00"],
      ["PBOB001", "2026-01-05T14:00:00-05:00", "2026-01-05T15:00:00-05:00"],
    ]);
  });

  it("takes the single override pagerduty-cli sends, and refuses a bad one whole", async () => {
    const s = await createPrimary();
    const one = await api(sim, "POST", `/schedules/${s.id}/overrides`, {
      body: {
        override: {
          start: "2026-01-06T14:00:00.000Z",
          end: "2026-01-07T14:00:00.000Z",
          user: { id: "PXENA01", type: "user_reference" },
        },
      },
    });
    expect(one.status).toBe(201);
    expect(one.json.override).toMatchObject({
      start: "2026-01-06T09:00:00-05:00",
      end: "2026-01-07T09:00:00-05:00",
      user: { id: "PXENA01" },
    });
    const bad = await api(sim, "POST", `/schedules/${s.id}/overrides`, {
      body: { override: { start: "2026-01-06T14:00:00Z", user: { id: "PNOBODY" } } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toEqual({
      message: "Invalid Input Provided",
      code: 2001,
      errors: ["End can't be blank", "User PNOBODY not found"],
    });
    const none = await api(sim, "POST", `/schedules/${s.id}/overrides`, {
      body: { overrides: [] },
    });
    expect(none.status).toBe(400);
  });

  it("lists overrides cut at the range unless overflow, editable ones by id only", async () => {
    const s = await createPrimary();
    await api(sim, "POST", `/schedules/${s.id}/overrides`, {
      body: {
        overrides: [
          // Began before the simulator clock's start (09:00Z, 04:00 New York): not editable.
          {
            start: "2026-01-05T00:00:00-05:00",
            end: "2026-01-05T06:00:00-05:00",
            user: { id: "PXENA01" },
          },
          {
            start: "2026-01-06T00:00:00-05:00",
            end: "2026-01-06T06:00:00-05:00",
            user: { id: "PBOB001" },
          },
        ],
      },
    });
    const cut = await api(
      sim,
      "GET",
      `/schedules/${s.id}/overrides?since=2026-01-05T02:00:00-05:00&until=2026-01-06T03:00:00-05:00`,
    );
    expect(rows(cut.json.overrides)).toEqual([
      ["PXENA01", "2026-01-05T02:00:00-05:00", "2026-01-05T06:00:00-05:00"],
      ["PBOB001", "2026-01-06T00:00:00-05:00", "2026-01-06T03:00:00-05:00"],
    ]);
    const whole = await api(
      sim,
      "GET",
      `/schedules/${s.id}/overrides?since=2026-01-05T02:00:00-05:00&until=2026-01-06T03:00:00-05:00&overflow=true`,
    );
    expect(whole.json.overrides[0].start).toBe("2026-01-05T00:00:00-05:00");
    const editable = await api(sim, "GET", `/schedules/${s.id}/overrides?${window}&editable=true`);
    expect(editable.json.overrides).toEqual([{ id: whole.json.overrides[1].id }]);
    const missing = await api(
      sim,
      "GET",
      `/schedules/${s.id}/overrides?since=2026-01-05T00:00:00Z`,
    );
    expect(missing.status).toBe(400);
    expect(missing.json.error.code).toBe(2004);
    expect(missing.json.error.errors).toEqual(["until is required"]);
  });

  it("deletes a future override, truncates one in progress to now, and keeps a past one", async () => {
    const s = await createPrimary();
    const created = await api(sim, "POST", `/schedules/${s.id}/overrides`, {
      body: {
        overrides: [
          {
            start: "2026-01-05T03:00:00-05:00",
            end: "2026-01-05T05:00:00-05:00",
            user: { id: "PXENA01" },
          },
          {
            start: "2026-01-05T03:30:00-05:00",
            end: "2026-01-05T04:00:00-05:00",
            user: { id: "PBOB001" },
          },
          {
            start: "2026-01-06T00:00:00-05:00",
            end: "2026-01-06T06:00:00-05:00",
            user: { id: "PBOB001" },
          },
        ],
      },
    });
    const [inProgress, past, future] = created.json.map(
      (r: { override: { id: string } }) => r.override.id,
    );
    const gone = await api(sim, "DELETE", `/schedules/${s.id}/overrides/${future}`);
    expect(gone.status).toBe(204);
    const truncated = await api(sim, "DELETE", `/schedules/${s.id}/overrides/${inProgress}`);
    expect(truncated.status).toBe(200);
    expect(truncated.json.override).toMatchObject({
      id: inProgress,
      start: "2026-01-05T03:00:00-05:00",
      end: "2026-01-05T04:00:00-05:00",
    });
    const kept = await api(sim, "DELETE", `/schedules/${s.id}/overrides/${past}`);
    expect(kept.status).toBe(400);
    expect(kept.json.error.errors).toEqual(["You cannot remove a past override"]);
    const left = await api(sim, "GET", `/schedules/${s.id}/overrides?${window}`);
    expect(left.json.overrides.map((o: { id: string }) => o.id)).toEqual([inProgress, past]);
    expect((await api(sim, "DELETE", `/schedules/${s.id}/overrides/PNOPE00`)).status).toBe(404);
  });
});

describe("GET /schedules/{id}/users", () => {
  it("lists the users on call within since/until, or every user of the layers", async () => {
    const s = await createPrimary();
    const all = await api(sim, "GET", `/schedules/${s.id}/users`);
    expect(all.status).toBe(200);
    expect(all.json.users.map((u: { id: string }) => u.id)).toEqual([
      "PALICE1",
      "PBOB001",
      "PNORA01",
    ]);
    expect(all.json.users[0]).toMatchObject({
      type: "user",
      name: "Alice Adams",
      email: "alice@example.com",
    });
    const day = await api(
      sim,
      "GET",
      `/schedules/${s.id}/users?since=2026-01-05T10:00:00-05:00&until=2026-01-05T18:00:00-05:00`,
    );
    expect(day.json.users.map((u: { id: string }) => u.id)).toEqual(["PALICE1"]);
  });
});

describe("the account's state", () => {
  it("goes back to the configured schedules on reset", async () => {
    await createPrimary();
    await reset(sim);
    expect((await api(sim, "GET", "/schedules?total=true")).json.total).toBe(0);
  });
});

describe("@pagerduty/pdjs 2.2.4", () => {
  it("creates, reads and pages through schedules with .all()", async () => {
    const pd = pdjsClient(sim, ca);
    const created = await pd.post("/schedules", { data: primaryBody() });
    expect(created.status).toBe(201);
    for (const name of ["A", "B", "C"]) await pd.post("/schedules", { data: secondaryBody(name) });
    const first = await pd.get("/schedules", { data: { limit: 2 } });
    expect(first.data.schedules).toHaveLength(2);
    expect(first.data.more).toBe(true);
    const all = await pd.all("/schedules", { data: { limit: 2 } });
    expect(all.resource.map((s: { name: string }) => s.name)).toEqual(["A", "B", "C", "Primary"]);
    const one = await pd.get(`/schedules/${created.data.schedule.id}`, {
      data: { since: "2026-01-05T14:00:00Z", until: "2026-01-05T15:00:00Z", time_zone: "UTC" },
    });
    expect(rows(one.data.schedule.final_schedule.rendered_schedule_entries)).toEqual([
      ["PALICE1", "2026-01-05T14:00:00Z", "2026-01-05T15:00:00Z"],
    ]);
  });
});
