/**
 * Schedule layers, each case a worked example of PagerDuty's documented rules, with the expected
 * rendering derived by hand in the comments.
 *
 * Rules used (sources: support.pagerduty.com "Schedule Basics", "Setting up Restrictions for
 * On-Call Shifts", "Scheduling Gaps", "Creating a Complex 4-User Rotation"; the REST API's
 * ScheduleLayer and /schedules/{id} documentation):
 * - turn k starts at rotation_virtual_start + k * rotation_turn_length_seconds on the schedule's
 *   wall clock and belongs to users[k mod n];
 * - restrictions hide the parts of turns outside their windows, the rotation keeps running;
 * - the layer counts from start to end;
 * - entries are cut at since/until unless overflow=true.
 * US daylight saving in 2026: clocks go forward on Sunday 8 March at 02:00 (EST -05:00 to EDT
 * -04:00) and back on Sunday 1 November at 02:00 (EDT to EST).
 */
import { describe, expect, it } from "vitest";
import { renderLayer, ScheduleInputError } from "../../../../mocks/pagerduty/schedules/index.js";
import { DAY, hoursBetween, layer, rows, WEEK } from "./helpers.js";

const NY = "America/New_York";

describe("weekly rotation", () => {
  // Three users, weekly turns handed off on Monday at 09:00 (Schedule Basics: "rotate your users
  // on a daily or weekly basis", handoff at the beginning of the shift). 2026-01-05 is a Monday.
  const weekly = layer("PWEEKLY", {
    start: "2026-01-05T09:00:00-05:00",
    turnSeconds: WEEK,
    users: ["PALICE1", "PBOB001", "PCAROL1"],
  });

  it("hands the week to the next user every Monday at 09:00 and wraps around", () => {
    // turn 0 = Jan 5-12 Alice, turn 1 = Jan 12-19 Bob, turn 2 = Jan 19-26 Carol, turn 3 = 3 mod 3
    // = 0 -> Alice again.
    const r = renderLayer(weekly, "2026-01-05T09:00:00-05:00", "2026-02-02T09:00:00-05:00", NY);
    expect(rows(r)).toEqual([
      ["PALICE1", "2026-01-05T09:00:00-05:00", "2026-01-12T09:00:00-05:00"],
      ["PBOB001", "2026-01-12T09:00:00-05:00", "2026-01-19T09:00:00-05:00"],
      ["PCAROL1", "2026-01-19T09:00:00-05:00", "2026-01-26T09:00:00-05:00"],
      ["PALICE1", "2026-01-26T09:00:00-05:00", "2026-02-02T09:00:00-05:00"],
    ]);
    expect(r.rendered_coverage_percentage).toBe(100);
  });

  it("cuts the entries at since and until", () => {
    // Wednesday Jan 7 12:00 falls in Alice's turn, Wednesday Jan 14 00:00 in Bob's.
    const r = renderLayer(weekly, "2026-01-07T12:00:00-05:00", "2026-01-14T00:00:00-05:00", NY);
    expect(rows(r)).toEqual([
      ["PALICE1", "2026-01-07T12:00:00-05:00", "2026-01-12T09:00:00-05:00"],
      ["PBOB001", "2026-01-12T09:00:00-05:00", "2026-01-14T00:00:00-05:00"],
    ]);
  });

  it("writes the entries in the requested time zone", () => {
    // 09:00 EST is 14:00 UTC; UTC is written with Z.
    const r = renderLayer(weekly, "2026-01-05T14:00:00Z", "2026-01-19T14:00:00Z", NY, {
      timeZone: "UTC",
    });
    expect(rows(r)).toEqual([
      ["PALICE1", "2026-01-05T14:00:00Z", "2026-01-12T14:00:00Z"],
      ["PBOB001", "2026-01-12T14:00:00Z", "2026-01-19T14:00:00Z"],
    ]);
  });

  it("counts turns from rotation_virtual_start, which may precede start", () => {
    // The virtual start is one week before the layer starts: turn 0 (Alice) is Dec 29 - Jan 5,
    // before the layer counts, so the first turn shown is turn 1, Bob's.
    const shifted = layer("PSHIFT1", {
      start: "2026-01-05T09:00:00-05:00",
      virtualStart: "2025-12-29T09:00:00-05:00",
      turnSeconds: WEEK,
      users: ["PALICE1", "PBOB001", "PCAROL1"],
    });
    const r = renderLayer(shifted, "2026-01-01T00:00:00-05:00", "2026-01-19T09:00:00-05:00", NY);
    expect(rows(r)).toEqual([
      ["PBOB001", "2026-01-05T09:00:00-05:00", "2026-01-12T09:00:00-05:00"],
      ["PCAROL1", "2026-01-12T09:00:00-05:00", "2026-01-19T09:00:00-05:00"],
    ]);
  });
});

describe("daily handoff at 09:00 in America/New_York across daylight saving changes", () => {
  // Two users, daily turns from Thursday 2026-03-05 09:00 EST: turn k on day Mar 5 + k, Alice on
  // even k, Bob on odd k. The handoff stays at 09:00 on the wall clock, so the turn containing a
  // change is 23 (spring) or 25 (autumn) hours long.
  const daily = layer("PDAILY1", {
    start: "2026-03-05T09:00:00-05:00",
    turnSeconds: DAY,
    users: ["PALICE1", "PBOB001"],
  });

  it("keeps the handoff at 09:00 when clocks go forward", () => {
    // Mar 6 = turn 1 (Bob), Mar 7 = turn 2 (Alice, to Sunday Mar 8 09:00 EDT), Mar 8 = turn 3
    // (Bob), Mar 9 = turn 4 (Alice).
    const r = renderLayer(daily, "2026-03-07T00:00:00-05:00", "2026-03-10T00:00:00-04:00", NY);
    expect(rows(r)).toEqual([
      ["PBOB001", "2026-03-07T00:00:00-05:00", "2026-03-07T09:00:00-05:00"],
      ["PALICE1", "2026-03-07T09:00:00-05:00", "2026-03-08T09:00:00-04:00"],
      ["PBOB001", "2026-03-08T09:00:00-04:00", "2026-03-09T09:00:00-04:00"],
      ["PALICE1", "2026-03-09T09:00:00-04:00", "2026-03-10T00:00:00-04:00"],
    ]);
    const [, saturday, sunday] = r.rendered_schedule_entries;
    expect(hoursBetween(saturday?.start ?? "", saturday?.end ?? "")).toBe(23);
    expect(hoursBetween(sunday?.start ?? "", sunday?.end ?? "")).toBe(24);
  });

  it("is still at 09:00 local (13:00 UTC) in summer, not at 09:00 EST", () => {
    // Jul 1 is Mar 5 + 26 + 30 + 31 + 30 + 1 = 118 days: turn 118, even, Alice. 09:00 EDT is
    // 13:00 UTC (counting 86,400-second turns from 14:00 UTC would hand off at 10:00 EDT).
    const r = renderLayer(daily, "2026-07-01T13:00:00Z", "2026-07-03T13:00:00Z", NY, {
      timeZone: "UTC",
    });
    expect(rows(r)).toEqual([
      ["PALICE1", "2026-07-01T13:00:00Z", "2026-07-02T13:00:00Z"],
      ["PBOB001", "2026-07-02T13:00:00Z", "2026-07-03T13:00:00Z"],
    ]);
  });

  it("keeps the handoff at 09:00 when clocks go back", () => {
    // Oct 31 is Mar 5 + 26 + 30 + 31 + 30 + 31 + 31 + 30 + 31 = 240 days: turn 240, Alice, from
    // Saturday 09:00 EDT to Sunday Nov 1 09:00 EST, 25 hours. Nov 1 = turn 241, Bob.
    const r = renderLayer(daily, "2026-10-31T09:00:00-04:00", "2026-11-02T09:00:00-05:00", NY);
    expect(rows(r)).toEqual([
      ["PALICE1", "2026-10-31T09:00:00-04:00", "2026-11-01T09:00:00-05:00"],
      ["PBOB001", "2026-11-01T09:00:00-05:00", "2026-11-02T09:00:00-05:00"],
    ]);
    const [saturday] = r.rendered_schedule_entries;
    expect(hoursBetween(saturday?.start ?? "", saturday?.end ?? "")).toBe(25);
  });

  it("hands off at the change when the handoff time does not exist that day", () => {
    // Handoff at 02:30: on Mar 8 the clocks jump from 02:00 EST to 03:00 EDT, so 02:30 is never
    // read; the handoff happens at the first instant past it, 03:00 EDT (07:00 UTC).
    const early = layer("PEARLY1", {
      start: "2026-03-06T02:30:00-05:00",
      turnSeconds: DAY,
      users: ["PALICE1", "PBOB001"],
    });
    // turn 0 Mar 6 Alice, turn 1 Mar 7 Bob, turn 2 Mar 8 Alice, turn 3 Mar 9 Bob.
    const r = renderLayer(early, "2026-03-07T02:30:00-05:00", "2026-03-10T02:30:00-04:00", NY);
    expect(rows(r)).toEqual([
      ["PBOB001", "2026-03-07T02:30:00-05:00", "2026-03-08T03:00:00-04:00"],
      ["PALICE1", "2026-03-08T03:00:00-04:00", "2026-03-09T02:30:00-04:00"],
      ["PBOB001", "2026-03-09T02:30:00-04:00", "2026-03-10T02:30:00-04:00"],
    ]);
  });

  it("hands off at the first of the two 01:30s when the clocks go back", () => {
    // Handoff at 01:30: on Nov 1, 01:30 is read twice (EDT, then EST an hour later); the handoff
    // happens at the first, 01:30 EDT = 05:30 UTC. Turn 0 Oct 30 Alice, 1 Oct 31 Bob, 2 Nov 1 Alice.
    const late = layer("PLATE01", {
      start: "2026-10-30T01:30:00-04:00",
      turnSeconds: DAY,
      users: ["PALICE1", "PBOB001"],
    });
    const r = renderLayer(late, "2026-10-31T05:30:00Z", "2026-11-02T06:30:00Z", NY, {
      timeZone: "UTC",
    });
    expect(rows(r)).toEqual([
      ["PBOB001", "2026-10-31T05:30:00Z", "2026-11-01T05:30:00Z"],
      ["PALICE1", "2026-11-01T05:30:00Z", "2026-11-02T06:30:00Z"],
    ]);
  });
});

describe("restrictions", () => {
  // Business hours as times-of-the-week restrictions: Monday to Friday, 09:00 for 8 hours, one
  // weekly_restriction per day (start_day_of_week 1..5). Weekly turns from Monday Jan 5 09:00.
  const businessHours = layer("PBIZHRS", {
    start: "2026-01-05T09:00:00-05:00",
    turnSeconds: WEEK,
    users: ["PALICE1", "PBOB001"],
    restrictions: [1, 2, 3, 4, 5].map((day) => ({
      type: "weekly_restriction",
      start_time_of_day: "09:00:00",
      duration_seconds: 8 * 3600,
      start_day_of_week: day,
    })),
  });

  it("business hours: a weekly_restriction per weekday, 09:00-17:00", () => {
    // Week of Jan 5 is turn 0 (Alice), week of Jan 12 turn 1 (Bob); each has five 8-hour windows.
    // Coverage: 10 x 8 h out of 14 x 24 h = 80/336 = 23.8095...% -> 23.81.
    const r = renderLayer(
      businessHours,
      "2026-01-05T00:00:00-05:00",
      "2026-01-19T00:00:00-05:00",
      NY,
    );
    const expected: [string, string, string][] = [];
    for (const [user, days] of [
      ["PALICE1", [5, 6, 7, 8, 9]],
      ["PBOB001", [12, 13, 14, 15, 16]],
    ] as const) {
      for (const d of days) {
        const day = String(d).padStart(2, "0");
        expected.push([user, `2026-01-${day}T09:00:00-05:00`, `2026-01-${day}T17:00:00-05:00`]);
      }
    }
    expect(rows(r)).toEqual(expected);
    expect(r.rendered_coverage_percentage).toBe(23.81);
  });

  it("after hours with gaps (the Scheduling Gaps example): Fri 17:00 - Mon 09:00 and 17:00-09:00 on weekdays", () => {
    // Restrictions: Mon-Thu 17:00 for 16 h (to 09:00 the next morning) and Friday 17:00 for 64 h
    // (to Monday 09:00). Weekly turns from Friday Jan 9 17:00, "a good starting point": turn 0
    // Alice Jan 9 17:00 - Jan 16 17:00, turn 1 Bob from Jan 16 17:00.
    const afterHours = layer("PAFTER1", {
      start: "2026-01-09T17:00:00-05:00",
      turnSeconds: WEEK,
      users: ["PALICE1", "PBOB001"],
      restrictions: [
        ...[1, 2, 3, 4].map((day) => ({
          type: "weekly_restriction" as const,
          start_time_of_day: "17:00:00",
          duration_seconds: 16 * 3600,
          start_day_of_week: day,
        })),
        {
          type: "weekly_restriction",
          start_time_of_day: "17:00:00",
          duration_seconds: 64 * 3600,
          start_day_of_week: 5,
        },
      ],
    });
    // Week of Monday Jan 12: the weekend window runs on to Mon 09:00; nights Mon-Thu; Friday's
    // 17:00 window belongs to Bob's turn and is cut at until (Mon Jan 19 00:00).
    const r = renderLayer(afterHours, "2026-01-12T00:00:00-05:00", "2026-01-19T00:00:00-05:00", NY);
    expect(rows(r)).toEqual([
      ["PALICE1", "2026-01-12T00:00:00-05:00", "2026-01-12T09:00:00-05:00"],
      ["PALICE1", "2026-01-12T17:00:00-05:00", "2026-01-13T09:00:00-05:00"],
      ["PALICE1", "2026-01-13T17:00:00-05:00", "2026-01-14T09:00:00-05:00"],
      ["PALICE1", "2026-01-14T17:00:00-05:00", "2026-01-15T09:00:00-05:00"],
      ["PALICE1", "2026-01-15T17:00:00-05:00", "2026-01-16T09:00:00-05:00"],
      ["PBOB001", "2026-01-16T17:00:00-05:00", "2026-01-19T00:00:00-05:00"],
    ]);
    // 9 + 4 x 16 + 55 = 128 hours of 168: 76.1904...% -> 76.19; the gaps are 09:00-17:00 on weekdays.
    expect(r.rendered_coverage_percentage).toBe(76.19);
  });

  it("the REST API's example layer: 08:00 for 32,400 s every day is 37.5% of a day", () => {
    // GET /schedules/{id} response example: one user, daily turns, daily_restriction 08:00 for
    // 9 hours; the final schedule of Nov 10 has 08:00-17:00 and a coverage of 37.5 (9/24).
    const example = layer("PG68P1M", {
      start: "2015-11-06T21:00:00-05:00",
      virtualStart: "2015-11-06T20:00:00-05:00",
      turnSeconds: DAY,
      users: ["PXPGF42"],
      restrictions: [
        { type: "daily_restriction", start_time_of_day: "08:00:00", duration_seconds: 32400 },
      ],
    });
    const r = renderLayer(example, "2015-11-10T00:00:00-05:00", "2015-11-11T00:00:00-05:00", NY);
    expect(rows(r)).toEqual([
      ["PXPGF42", "2015-11-10T08:00:00-05:00", "2015-11-10T17:00:00-05:00"],
    ]);
    expect(r.rendered_coverage_percentage).toBe(37.5);
  });

  it("a daily_restriction 19:00-07:00 runs past midnight", () => {
    // Setting up Restrictions: "restricted the on-call user to be on call from 19:00-07:00".
    // 12 h from 19:00 ends at 07:00 the next day; the window that started the evening before
    // since shows from since to 07:00.
    const nights = layer("PNIGHTS", {
      start: "2026-01-01T19:00:00-05:00",
      turnSeconds: WEEK,
      users: ["PNIGHT1"],
      restrictions: [
        { type: "daily_restriction", start_time_of_day: "19:00:00", duration_seconds: 12 * 3600 },
      ],
    });
    const r = renderLayer(nights, "2026-01-06T00:00:00-05:00", "2026-01-08T00:00:00-05:00", NY);
    expect(rows(r)).toEqual([
      ["PNIGHT1", "2026-01-06T00:00:00-05:00", "2026-01-06T07:00:00-05:00"],
      ["PNIGHT1", "2026-01-06T19:00:00-05:00", "2026-01-07T07:00:00-05:00"],
      ["PNIGHT1", "2026-01-07T19:00:00-05:00", "2026-01-08T00:00:00-05:00"],
    ]);
    // 7 + 12 + 5 = 24 of 48 hours.
    expect(r.rendered_coverage_percentage).toBe(50);
  });

  it("a restriction is wall-clock time: 09:00-17:00 stays 09:00-17:00 on the day clocks change", () => {
    // Sunday Mar 8: 09:00 and 17:00 are both EDT; the day before both EST.
    const sundays = layer("PSUNDAY", {
      start: "2026-03-01T00:00:00-05:00",
      turnSeconds: WEEK,
      users: ["PALICE1"],
      restrictions: [
        {
          type: "weekly_restriction",
          start_time_of_day: "09:00:00",
          duration_seconds: 8 * 3600,
          start_day_of_week: 7,
        },
      ],
    });
    const r = renderLayer(sundays, "2026-03-01T00:00:00-05:00", "2026-03-09T00:00:00-04:00", NY);
    expect(rows(r)).toEqual([
      ["PALICE1", "2026-03-01T09:00:00-05:00", "2026-03-01T17:00:00-05:00"],
      ["PALICE1", "2026-03-08T09:00:00-04:00", "2026-03-08T17:00:00-04:00"],
    ]);
  });
});

describe("restriction windows spanning a daylight saving change", () => {
  // Nights 19:00 for 12 hours of wall-clock time: the window ends at 07:00 whatever the clocks
  // did overnight, so it is 13 elapsed hours the night they go back and 11 the night they go
  // forward.
  const nights = layer("PNIGHT2", {
    start: "2026-01-01T19:00:00-05:00",
    turnSeconds: WEEK,
    users: ["PNIGHT1"],
    restrictions: [
      { type: "daily_restriction", start_time_of_day: "19:00:00", duration_seconds: 12 * 3600 },
    ],
  });

  it("ends at 07:00 EST after the clocks go back (13 hours)", () => {
    const r = renderLayer(nights, "2026-10-31T12:00:00-04:00", "2026-11-01T12:00:00-05:00", NY);
    expect(rows(r)).toEqual([
      ["PNIGHT1", "2026-10-31T19:00:00-04:00", "2026-11-01T07:00:00-05:00"],
    ]);
    const [night] = r.rendered_schedule_entries;
    expect(hoursBetween(night?.start ?? "", night?.end ?? "")).toBe(13);
  });

  it("ends at 07:00 EDT after the clocks go forward (11 hours)", () => {
    const r = renderLayer(nights, "2026-03-07T12:00:00-05:00", "2026-03-08T12:00:00-04:00", NY);
    expect(rows(r)).toEqual([
      ["PNIGHT1", "2026-03-07T19:00:00-05:00", "2026-03-08T07:00:00-04:00"],
    ]);
    const [night] = r.rendered_schedule_entries;
    expect(hoursBetween(night?.start ?? "", night?.end ?? "")).toBe(11);
  });
});

describe("a layer with an end date", () => {
  it("has no one on call after its end", () => {
    // Daily turns from Monday Jan 5 09:00, Alice/Bob/Alice, ended Thursday Jan 8 09:00: 3 of the
    // 6 days of the range are covered.
    const ended = layer("PENDED1", {
      start: "2026-01-05T09:00:00-05:00",
      end: "2026-01-08T09:00:00-05:00",
      turnSeconds: DAY,
      users: ["PALICE1", "PBOB001"],
    });
    const r = renderLayer(ended, "2026-01-05T09:00:00-05:00", "2026-01-11T09:00:00-05:00", NY);
    expect(rows(r)).toEqual([
      ["PALICE1", "2026-01-05T09:00:00-05:00", "2026-01-06T09:00:00-05:00"],
      ["PBOB001", "2026-01-06T09:00:00-05:00", "2026-01-07T09:00:00-05:00"],
      ["PALICE1", "2026-01-07T09:00:00-05:00", "2026-01-08T09:00:00-05:00"],
    ]);
    expect(r.rendered_coverage_percentage).toBe(50);
  });

  it("cuts the turn in force at its end", () => {
    // Ending at 21:00 cuts Bob's Jan 6 turn after 12 hours.
    const ended = layer("PENDED2", {
      start: "2026-01-05T09:00:00-05:00",
      end: "2026-01-06T21:00:00-05:00",
      turnSeconds: DAY,
      users: ["PALICE1", "PBOB001"],
    });
    const r = renderLayer(ended, "2026-01-05T09:00:00-05:00", "2026-01-08T09:00:00-05:00", NY);
    expect(rows(r)).toEqual([
      ["PALICE1", "2026-01-05T09:00:00-05:00", "2026-01-06T09:00:00-05:00"],
      ["PBOB001", "2026-01-06T09:00:00-05:00", "2026-01-06T21:00:00-05:00"],
    ]);
  });
});

describe("turn lengths that are not a multiple of a day", () => {
  it("Creating a Complex 4-User Rotation: 12-hour turns from 17:00 restricted to 00:00-10:00 give 5-hour shifts", () => {
    // Turns alternate 17:00-05:00 and 05:00-17:00; the window 00:00-10:00 shows the last 5 hours
    // of the night turn and the first 5 of the day turn. From Jan 4 17:00 UTC: turn 0 Alice
    // (Jan 5 00-05), 1 Bob (Jan 5 05-10), 2 Carol (Jan 6 00-05), 3 Dan (Jan 6 05-10),
    // 4 = 0 mod 4 Alice (Jan 7 00-05), 5 Bob (Jan 7 05-10).
    const fiveHours = layer("PCOMPLX", {
      start: "2026-01-04T17:00:00Z",
      turnSeconds: 12 * 3600,
      users: ["PALICE1", "PBOB001", "PCAROL1", "PDAN001"],
      restrictions: [
        { type: "daily_restriction", start_time_of_day: "00:00:00", duration_seconds: 10 * 3600 },
      ],
    });
    const r = renderLayer(fiveHours, "2026-01-05T00:00:00Z", "2026-01-08T00:00:00Z", "UTC");
    expect(rows(r)).toEqual([
      ["PALICE1", "2026-01-05T00:00:00Z", "2026-01-05T05:00:00Z"],
      ["PBOB001", "2026-01-05T05:00:00Z", "2026-01-05T10:00:00Z"],
      ["PCAROL1", "2026-01-06T00:00:00Z", "2026-01-06T05:00:00Z"],
      ["PDAN001", "2026-01-06T05:00:00Z", "2026-01-06T10:00:00Z"],
      ["PALICE1", "2026-01-07T00:00:00Z", "2026-01-07T05:00:00Z"],
      ["PBOB001", "2026-01-07T05:00:00Z", "2026-01-07T10:00:00Z"],
    ]);
    // 30 of 72 hours: 41.666...% -> 41.67.
    expect(r.rendered_coverage_percentage).toBe(41.67);
  });

  it("36-hour turns keep to the wall clock across the spring change", () => {
    // From Saturday Mar 7 00:00 EST: turn 0 (Alice) ends 36 wall-clock hours later, Sunday Mar 8
    // 12:00 EDT, which is 35 hours of elapsed time; turn 1 (Bob) to Tuesday Mar 10 00:00 EDT.
    const long = layer("PLONG01", {
      start: "2026-03-07T00:00:00-05:00",
      turnSeconds: 36 * 3600,
      users: ["PALICE1", "PBOB001"],
    });
    const r = renderLayer(long, "2026-03-07T00:00:00-05:00", "2026-03-11T12:00:00-04:00", NY);
    expect(rows(r)).toEqual([
      ["PALICE1", "2026-03-07T00:00:00-05:00", "2026-03-08T12:00:00-04:00"],
      ["PBOB001", "2026-03-08T12:00:00-04:00", "2026-03-10T00:00:00-04:00"],
      ["PALICE1", "2026-03-10T00:00:00-04:00", "2026-03-11T12:00:00-04:00"],
    ]);
    const [first] = r.rendered_schedule_entries;
    expect(hoursBetween(first?.start ?? "", first?.end ?? "")).toBe(35);
  });
});

describe("overflow", () => {
  // The REST API's own example (GET /schedules/{id}, overflow): a rotation that changes daily at
  // midnight UTC, range 2011-06-01T10:00Z to 14:00Z.
  const midnight = layer("PMIDNIT", {
    start: "2011-05-30T00:00:00Z",
    turnSeconds: DAY,
    users: ["PALICE1", "PBOB001"],
  });

  it("without overflow the entry is cut at the bounds", () => {
    const r = renderLayer(midnight, "2011-06-01T10:00:00Z", "2011-06-01T14:00:00Z", "UTC");
    // Jun 1 is turn 2 (May 30 + 2 days): Alice.
    expect(rows(r)).toEqual([["PALICE1", "2011-06-01T10:00:00Z", "2011-06-01T14:00:00Z"]]);
    expect(r.rendered_coverage_percentage).toBe(100);
  });

  it("with overflow=true the entry runs from 00:00 to the next 00:00", () => {
    const r = renderLayer(midnight, "2011-06-01T10:00:00Z", "2011-06-01T14:00:00Z", "UTC", {
      overflow: true,
    });
    expect(rows(r)).toEqual([["PALICE1", "2011-06-01T00:00:00Z", "2011-06-02T00:00:00Z"]]);
  });
});

describe("rendering is joined per user", () => {
  it("a one-user layer is one entry, not one per turn", () => {
    const solo = layer("PSOLO01", {
      start: "2026-01-05T00:00:00Z",
      turnSeconds: DAY,
      users: ["PALICE1"],
    });
    const r = renderLayer(solo, "2026-01-05T00:00:00Z", "2026-01-08T00:00:00Z", "UTC");
    expect(rows(r)).toEqual([["PALICE1", "2026-01-05T00:00:00Z", "2026-01-08T00:00:00Z"]]);
  });
});

describe("bad input names the field", () => {
  const base = {
    start: "2026-01-05T00:00:00Z",
    turnSeconds: DAY,
    users: ["PALICE1"],
  };
  const since = "2026-01-05T00:00:00Z";
  const until = "2026-01-06T00:00:00Z";

  function fieldOf(run: () => unknown): string | undefined {
    try {
      run();
    } catch (error) {
      if (error instanceof ScheduleInputError) return error.field;
      throw error;
    }
    return undefined;
  }

  it("an unknown time zone", () => {
    expect(fieldOf(() => renderLayer(layer("P1", base), since, until, "Mars/Olympus"))).toBe(
      "time_zone",
    );
  });
  it("a turn length that is not a positive whole number of seconds", () => {
    expect(
      fieldOf(() => renderLayer(layer("P1", { ...base, turnSeconds: 0 }), since, until, "UTC")),
    ).toBe("schedule_layer.rotation_turn_length_seconds");
  });
  it("a weekly restriction without its day", () => {
    const l = layer("P1", {
      ...base,
      restrictions: [
        { type: "weekly_restriction", start_time_of_day: "09:00:00", duration_seconds: 3600 },
      ],
    });
    expect(fieldOf(() => renderLayer(l, since, until, "UTC"))).toBe(
      "schedule_layer.restrictions[0].start_day_of_week",
    );
  });
  it("a time of day that is not HH:mm:ss", () => {
    const l = layer("P1", {
      ...base,
      restrictions: [
        { type: "daily_restriction", start_time_of_day: "25:00:00", duration_seconds: 3600 },
      ],
    });
    expect(fieldOf(() => renderLayer(l, since, until, "UTC"))).toBe(
      "schedule_layer.restrictions[0].start_time_of_day",
    );
  });
  it("until not after since", () => {
    expect(fieldOf(() => renderLayer(layer("P1", base), until, since, "UTC"))).toBe("until");
  });
  it("a start that is not a date-time", () => {
    expect(
      fieldOf(() => renderLayer(layer("P1", { ...base, start: "soon" }), since, until, "UTC")),
    ).toBe("schedule_layer.start");
  });
});
