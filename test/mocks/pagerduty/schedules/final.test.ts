/**
 * Final schedules: layers stacked, overrides on top, gaps left out. Expected renderings derived
 * by hand from PagerDuty's documented rules:
 * - "In a schedule with multiple layers, the lowest layer always takes precedence. If a user on
 *   Layer 1 and Layer 2 overlap, the user on Layer 2 will be the one on-call" (Schedule Basics;
 *   Layer 2 is the later entry of schedule_layers);
 * - overrides beat every layer, and "If you create an override on top of an existing override,
 *   the last created override will have priority" (POST /schedules/{id}/overrides);
 * - "It is also possible that no one is on-call during a given time period": the final schedule
 *   has no entry there and its coverage drops below 100.
 */
import { describe, expect, it } from "vitest";
import {
  defaultRenderRange,
  nextOnCallForUser,
  onCallAt,
  renderFinalSchedule,
  renderSchedule,
  ScheduleInputError,
  scheduleUsers,
} from "../../../../mocks/pagerduty/schedules/index.js";
import { DAY, layer, override, rows, schedule, WEEK } from "./helpers.js";

const NY = "America/New_York";

// Layer 1: Alice and Bob, daily turns handed off at 09:00 from Monday Jan 5 (Alice on Jan 5,
// Bob on Jan 6, Alice on Jan 7). Layer 2: Nora, nights only, 19:00 for 12 hours (to 07:00).
const days = layer("PDAYS01", {
  start: "2026-01-05T09:00:00-05:00",
  turnSeconds: DAY,
  users: ["PALICE1", "PBOB001"],
});
const nights = layer("PNIGHTS", {
  start: "2026-01-01T19:00:00-05:00",
  turnSeconds: WEEK,
  users: ["PNORA01"],
  restrictions: [
    { type: "daily_restriction", start_time_of_day: "19:00:00", duration_seconds: 12 * 3600 },
  ],
});
const dayAndNight = schedule("PSCHED1", NY, [days, nights]);
const since = "2026-01-05T09:00:00-05:00";
const until = "2026-01-07T09:00:00-05:00";

describe("two layers, the upper one covering nights", () => {
  it("the upper layer's nights hide the lower layer, which shows again at 07:00", () => {
    // Layer 1 alone: Alice Jan 5 09:00 - Jan 6 09:00, Bob Jan 6 09:00 - Jan 7 09:00.
    // Layer 2 has Nora 19:00-07:00 each night. Nora wins at night; Alice shows again from 07:00
    // to her 09:00 handoff on Jan 6, Bob from 07:00 to 09:00 on Jan 7.
    const r = renderFinalSchedule(dayAndNight, [], since, until);
    expect(r.final_schedule.name).toBe("Final Schedule");
    expect(rows(r.final_schedule)).toEqual([
      ["PALICE1", "2026-01-05T09:00:00-05:00", "2026-01-05T19:00:00-05:00"],
      ["PNORA01", "2026-01-05T19:00:00-05:00", "2026-01-06T07:00:00-05:00"],
      ["PALICE1", "2026-01-06T07:00:00-05:00", "2026-01-06T09:00:00-05:00"],
      ["PBOB001", "2026-01-06T09:00:00-05:00", "2026-01-06T19:00:00-05:00"],
      ["PNORA01", "2026-01-06T19:00:00-05:00", "2026-01-07T07:00:00-05:00"],
      ["PBOB001", "2026-01-07T07:00:00-05:00", "2026-01-07T09:00:00-05:00"],
    ]);
    expect(r.final_schedule.rendered_coverage_percentage).toBe(100);
    expect(r.overrides_subschedule).toEqual({
      name: "Overrides",
      rendered_schedule_entries: [],
      rendered_coverage_percentage: 0,
    });
  });

  it("the order of the layers decides: with the day layer on top, Nora never shows", () => {
    const r = renderFinalSchedule(schedule("PSCHED2", NY, [nights, days]), [], since, until);
    expect(rows(r.final_schedule)).toEqual([
      ["PALICE1", "2026-01-05T09:00:00-05:00", "2026-01-06T09:00:00-05:00"],
      ["PBOB001", "2026-01-06T09:00:00-05:00", "2026-01-07T09:00:00-05:00"],
    ]);
  });

  it("renderSchedule gives each layer its own rendering and its times in the requested zone", () => {
    const r = renderSchedule(dayAndNight, [], since, until, { timeZone: "UTC" });
    const [lower, upper] = r.schedule_layers;
    expect(lower?.start).toBe("2026-01-05T14:00:00Z");
    expect(lower?.end).toBeNull();
    expect(lower?.rendered_coverage_percentage).toBe(100);
    // Nora: Jan 5 19:00 - Jan 6 07:00 and Jan 6 19:00 - Jan 7 07:00 EST, 24 of 48 hours.
    expect(rows(upper as NonNullable<typeof upper>)).toEqual([
      ["PNORA01", "2026-01-06T00:00:00Z", "2026-01-06T12:00:00Z"],
      ["PNORA01", "2026-01-07T00:00:00Z", "2026-01-07T12:00:00Z"],
    ]);
    expect(upper?.rendered_coverage_percentage).toBe(50);
    expect(r.final_schedule.rendered_schedule_entries[0]?.start).toBe("2026-01-05T14:00:00Z");
    expect(r.time_zone).toBe(NY);
  });
});

describe("an override on top", () => {
  it("beats every layer for its time, and shows in overrides_subschedule", () => {
    // Xavier from Jan 6 05:00 to 12:00: the end of Nora's night, Alice's 07:00-09:00 and the
    // first three hours of Bob's day.
    const overrides = [
      override("PQOVER1", "PXAVIER", "2026-01-06T05:00:00-05:00", "2026-01-06T12:00:00-05:00"),
    ];
    const r = renderFinalSchedule(dayAndNight, overrides, since, until);
    expect(rows(r.final_schedule)).toEqual([
      ["PALICE1", "2026-01-05T09:00:00-05:00", "2026-01-05T19:00:00-05:00"],
      ["PNORA01", "2026-01-05T19:00:00-05:00", "2026-01-06T05:00:00-05:00"],
      ["PXAVIER", "2026-01-06T05:00:00-05:00", "2026-01-06T12:00:00-05:00"],
      ["PBOB001", "2026-01-06T12:00:00-05:00", "2026-01-06T19:00:00-05:00"],
      ["PNORA01", "2026-01-06T19:00:00-05:00", "2026-01-07T07:00:00-05:00"],
      ["PBOB001", "2026-01-07T07:00:00-05:00", "2026-01-07T09:00:00-05:00"],
    ]);
    expect(rows(r.overrides_subschedule)).toEqual([
      ["PXAVIER", "2026-01-06T05:00:00-05:00", "2026-01-06T12:00:00-05:00"],
    ]);
    // 7 of 48 hours: 14.5833...% -> 14.58.
    expect(r.overrides_subschedule.rendered_coverage_percentage).toBe(14.58);
  });

  it("the last created of two overlapping overrides wins", () => {
    const xavier = override(
      "PQOVER1",
      "PXAVIER",
      "2026-01-06T05:00:00-05:00",
      "2026-01-06T12:00:00-05:00",
    );
    const yann = override(
      "PQOVER2",
      "PYANN01",
      "2026-01-06T10:00:00-05:00",
      "2026-01-06T11:00:00-05:00",
    );
    // Yann created after Xavier: Yann has 10:00-11:00 inside Xavier's override.
    const later = renderFinalSchedule(dayAndNight, [xavier, yann], since, until);
    expect(rows(later.overrides_subschedule)).toEqual([
      ["PXAVIER", "2026-01-06T05:00:00-05:00", "2026-01-06T10:00:00-05:00"],
      ["PYANN01", "2026-01-06T10:00:00-05:00", "2026-01-06T11:00:00-05:00"],
      ["PXAVIER", "2026-01-06T11:00:00-05:00", "2026-01-06T12:00:00-05:00"],
    ]);
    expect(rows(later.final_schedule).slice(2, 5)).toEqual(rows(later.overrides_subschedule));
    // Yann created first: Xavier's later override covers it all.
    const earlier = renderFinalSchedule(dayAndNight, [yann, xavier], since, until);
    expect(rows(earlier.overrides_subschedule)).toEqual([
      ["PXAVIER", "2026-01-06T05:00:00-05:00", "2026-01-06T12:00:00-05:00"],
    ]);
  });

  it("an override of the user already on call joins their shift", () => {
    // Alice takes 19:00-21:00 on Jan 5 from Nora: one Alice entry 09:00-21:00.
    const overrides = [
      override("PQOVER3", "PALICE1", "2026-01-05T19:00:00-05:00", "2026-01-05T21:00:00-05:00"),
    ];
    const r = renderFinalSchedule(dayAndNight, overrides, since, "2026-01-06T00:00:00-05:00");
    expect(rows(r.final_schedule)).toEqual([
      ["PALICE1", "2026-01-05T09:00:00-05:00", "2026-01-05T21:00:00-05:00"],
      ["PNORA01", "2026-01-05T21:00:00-05:00", "2026-01-06T00:00:00-05:00"],
    ]);
  });

  it("an override fills a gap", () => {
    // Nights only, Nora; Xavier on Jan 6 12:00-14:00, when no layer has anyone.
    const onlyNights = schedule("PSCHED3", NY, [nights]);
    const overrides = [
      override("PQOVER4", "PXAVIER", "2026-01-06T12:00:00-05:00", "2026-01-06T14:00:00-05:00"),
    ];
    const r = renderFinalSchedule(
      onlyNights,
      overrides,
      "2026-01-06T00:00:00-05:00",
      "2026-01-07T00:00:00-05:00",
    );
    expect(rows(r.final_schedule)).toEqual([
      ["PNORA01", "2026-01-06T00:00:00-05:00", "2026-01-06T07:00:00-05:00"],
      ["PXAVIER", "2026-01-06T12:00:00-05:00", "2026-01-06T14:00:00-05:00"],
      ["PNORA01", "2026-01-06T19:00:00-05:00", "2026-01-07T00:00:00-05:00"],
    ]);
    // 7 + 2 + 5 = 14 of 24 hours: 58.333...% -> 58.33.
    expect(r.final_schedule.rendered_coverage_percentage).toBe(58.33);
  });

  it("an override ending before it starts is refused with PagerDuty's reason", () => {
    const bad = [override("PQBAD01", "PXAVIER", "2026-01-06T12:00:00Z", "2026-01-06T12:00:00Z")];
    expect(() => renderFinalSchedule(dayAndNight, bad, since, until)).toThrow(ScheduleInputError);
    expect(() => renderFinalSchedule(dayAndNight, bad, since, until)).toThrow(
      "overrides[0].end: Override must end after its start",
    );
  });
});

describe("a gap with no one on call", () => {
  // One layer, on call 09:00-17:00 only.
  const officeHours = schedule("PSCHED4", NY, [
    layer("POFFICE", {
      start: "2026-01-05T00:00:00-05:00",
      turnSeconds: DAY,
      users: ["PALICE1", "PBOB001"],
      restrictions: [
        { type: "daily_restriction", start_time_of_day: "09:00:00", duration_seconds: 8 * 3600 },
      ],
    }),
  ]);

  it("is left out of the final schedule and lowers its coverage", () => {
    // Jan 6 is turn 1: Bob, 09:00-17:00; 8 of 24 hours = 33.333...% -> 33.33.
    const r = renderFinalSchedule(
      officeHours,
      [],
      "2026-01-06T00:00:00-05:00",
      "2026-01-07T00:00:00-05:00",
    );
    expect(rows(r.final_schedule)).toEqual([
      ["PBOB001", "2026-01-06T09:00:00-05:00", "2026-01-06T17:00:00-05:00"],
    ]);
    expect(r.final_schedule.rendered_coverage_percentage).toBe(33.33);
  });

  it("has no one on call in it", () => {
    expect(onCallAt(officeHours, [], "2026-01-06T20:00:00-05:00")).toEqual([]);
    expect(onCallAt(officeHours, [], "2026-01-06T16:59:59-05:00")).toEqual(["PBOB001"]);
    // The end of an entry is not part of it.
    expect(onCallAt(officeHours, [], "2026-01-06T17:00:00-05:00")).toEqual([]);
  });
});

describe("a layer ended and a new one started, as an edit of the schedule leaves it", () => {
  it("the old rotation stops at the end, the new one takes over from its start", () => {
    // Edits apply from their effective date on (Schedule Basics): Layer 1 (Alice, Bob) ends
    // Thursday Jan 8 09:00, Layer 2 (Carol, Dan) starts then. Days: Jan 5 Alice, 6 Bob, 7 Alice,
    // then Jan 8 Carol, 9 Dan, 10 Carol.
    const edited = schedule("PSCHED5", NY, [
      layer("POLD001", {
        start: "2026-01-05T09:00:00-05:00",
        end: "2026-01-08T09:00:00-05:00",
        turnSeconds: DAY,
        users: ["PALICE1", "PBOB001"],
      }),
      layer("PNEW001", {
        start: "2026-01-08T09:00:00-05:00",
        turnSeconds: DAY,
        users: ["PCAROL1", "PDAN001"],
      }),
    ]);
    const r = renderFinalSchedule(
      edited,
      [],
      "2026-01-05T09:00:00-05:00",
      "2026-01-11T09:00:00-05:00",
    );
    expect(rows(r.final_schedule).map(([user, start]) => [user, start.slice(0, 10)])).toEqual([
      ["PALICE1", "2026-01-05"],
      ["PBOB001", "2026-01-06"],
      ["PALICE1", "2026-01-07"],
      ["PCAROL1", "2026-01-08"],
      ["PDAN001", "2026-01-09"],
      ["PCAROL1", "2026-01-10"],
    ]);
    expect(r.final_schedule.rendered_coverage_percentage).toBe(100);
  });
});

describe("who is on call", () => {
  it("onCallAt follows the final schedule, overrides included", () => {
    const overrides = [
      override("PQOVER1", "PXAVIER", "2026-01-06T05:00:00-05:00", "2026-01-06T12:00:00-05:00"),
    ];
    // Jan 5 12:00 Alice (day), 23:00 Nora (night), Jan 6 06:00 Xavier, Jan 6 08:00 still Xavier,
    // Jan 6 13:00 Bob. Epoch milliseconds work too (the lifecycle machine passes those).
    expect(onCallAt(dayAndNight, overrides, "2026-01-05T12:00:00-05:00")).toEqual(["PALICE1"]);
    expect(onCallAt(dayAndNight, overrides, "2026-01-05T23:00:00-05:00")).toEqual(["PNORA01"]);
    expect(onCallAt(dayAndNight, overrides, "2026-01-06T06:00:00-05:00")).toEqual(["PXAVIER"]);
    expect(onCallAt(dayAndNight, overrides, Date.parse("2026-01-06T13:00:00Z"))).toEqual([
      "PXAVIER",
    ]);
    expect(onCallAt(dayAndNight, overrides, new Date("2026-01-06T18:00:00Z"))).toEqual(["PBOB001"]);
  });

  it("scheduleUsers lists the layers' users, or those on call within a range", () => {
    expect(scheduleUsers(dayAndNight, [])).toEqual(["PALICE1", "PBOB001", "PNORA01"]);
    // Jan 6 00:00-12:00: Nora to 07:00, Alice 07:00-09:00, Bob from 09:00.
    expect(
      scheduleUsers(dayAndNight, [], {
        since: "2026-01-06T00:00:00-05:00",
        until: "2026-01-06T12:00:00-05:00",
      }),
    ).toEqual(["PNORA01", "PALICE1", "PBOB001"]);
  });

  it("nextOnCallForUser gives the current or next shift, whole", () => {
    // At Jan 5 10:00 Alice is on call (09:00-19:00); Bob's next shift is Jan 6 09:00-19:00.
    expect(nextOnCallForUser(dayAndNight, [], "PALICE1", "2026-01-05T10:00:00-05:00")).toEqual({
      user: { id: "PALICE1", type: "user_reference" },
      start: "2026-01-05T09:00:00-05:00",
      end: "2026-01-05T19:00:00-05:00",
    });
    expect(nextOnCallForUser(dayAndNight, [], "PBOB001", "2026-01-05T10:00:00-05:00")?.start).toBe(
      "2026-01-06T09:00:00-05:00",
    );
    expect(nextOnCallForUser(dayAndNight, [], "PNOBODY", "2026-01-05T10:00:00-05:00")).toBeNull();
  });
});

describe("overflow on the final schedule", () => {
  it("returns the entries crossing the bounds whole, coverage still over the range", () => {
    // Range Jan 5 12:00-20:00: Alice 09:00-19:00 and Nora 19:00-07:00 cross the bounds.
    const r = renderFinalSchedule(
      dayAndNight,
      [],
      "2026-01-05T12:00:00-05:00",
      "2026-01-05T20:00:00-05:00",
      { overflow: true },
    );
    expect(rows(r.final_schedule)).toEqual([
      ["PALICE1", "2026-01-05T09:00:00-05:00", "2026-01-05T19:00:00-05:00"],
      ["PNORA01", "2026-01-05T19:00:00-05:00", "2026-01-06T07:00:00-05:00"],
    ]);
    expect(r.final_schedule.rendered_coverage_percentage).toBe(100);
  });
});

describe("request parameters", () => {
  it("since and until default to two weeks from the one given; neither means no rendering", () => {
    // GET /schedules/{id}: since "Defaults to 2 weeks before until if an until is given", until
    // "Defaults to 2 weeks after since if a since is given".
    const since = Date.parse("2026-01-05T00:00:00Z");
    const twoWeeks = 14 * 86_400_000;
    expect(defaultRenderRange("2026-01-05T00:00:00Z", undefined)).toEqual({
      since,
      until: since + twoWeeks,
    });
    expect(defaultRenderRange(undefined, "2026-01-05T00:00:00Z")).toEqual({
      since: since - twoWeeks,
      until: since,
    });
    expect(defaultRenderRange(undefined, undefined)).toBeNull();
  });

  it("a since or until without an offset is read in the request's time zone", () => {
    // 2026-01-05T19:00:00 read in New York is 19:00 EST: Nora's night starts right then.
    const r = renderFinalSchedule(dayAndNight, [], "2026-01-05T19:00:00", "2026-01-06T07:00:00", {
      timeZone: NY,
    });
    expect(rows(r.final_schedule)).toEqual([
      ["PNORA01", "2026-01-05T19:00:00-05:00", "2026-01-06T07:00:00-05:00"],
    ]);
  });
});
