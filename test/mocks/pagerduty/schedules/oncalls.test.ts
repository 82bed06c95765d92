/**
 * GET /oncalls from escalation policies: schedule targets give one on-call per final-schedule
 * shift overlapping the range, with the shift's own start and end; user targets are always on
 * call (start and end null, schedule null); escalation_level is the rule's 1-based position
 * (OpenAPI listOnCalls and Oncall).
 */
import { describe, expect, it } from "vitest";
import {
  type EscalationPolicy,
  type OncallEntry,
  oncalls,
  ScheduleInputError,
  type ScheduleWithOverrides,
} from "../../../../mocks/pagerduty/schedules/index.js";
import { DAY, layer, schedule, WEEK } from "./helpers.js";

const NY = "America/New_York";

// Primary: Alice/Bob daily from Jan 5 09:00, Nora nights 19:00-07:00 on top (as in final.test.ts).
const primary: ScheduleWithOverrides = {
  schedule: schedule("PPRIMAR", NY, [
    layer("PDAYS01", {
      start: "2026-01-05T09:00:00-05:00",
      turnSeconds: DAY,
      users: ["PALICE1", "PBOB001"],
    }),
    layer("PNIGHTS", {
      start: "2026-01-01T19:00:00-05:00",
      turnSeconds: WEEK,
      users: ["PNORA01"],
      restrictions: [
        { type: "daily_restriction", start_time_of_day: "19:00:00", duration_seconds: 12 * 3600 },
      ],
    }),
  ]),
  overrides: [],
};
// Secondary: Xena/Yuri weekly from Monday Jan 5 09:00.
const secondary: ScheduleWithOverrides = {
  schedule: schedule("PSECOND", NY, [
    layer("PWEEKLY", {
      start: "2026-01-05T09:00:00-05:00",
      turnSeconds: WEEK,
      users: ["PXENA01", "PYURI01"],
    }),
  ]),
  overrides: [],
};
const policy: EscalationPolicy = {
  id: "PPOLICY",
  num_loops: 0,
  escalation_rules: [
    {
      id: "PRULE01",
      escalation_delay_in_minutes: 30,
      targets: [{ id: "PPRIMAR", type: "schedule_reference" }],
    },
    {
      id: "PRULE02",
      escalation_delay_in_minutes: 30,
      targets: [
        { id: "PSECOND", type: "schedule_reference" },
        { id: "PMANAGR", type: "user_reference" },
      ],
    },
  ],
};
const base = {
  escalationPolicies: [policy],
  schedules: [primary, secondary],
  timeZone: NY,
};

function summary(entries: OncallEntry[]) {
  return entries.map((e) => [
    e.escalation_level,
    e.user.id,
    e.schedule?.id ?? null,
    e.start,
    e.end,
  ]);
}

describe("oncalls", () => {
  it("at an instant: who is on call at each level, with their whole shift", () => {
    // Jan 6 08:00: level 1 Alice (07:00-09:00 between Nora's night and Bob's day); level 2 the
    // manager (always, listed first) and Xena (week of Jan 5 09:00 - Jan 12 09:00).
    const at = "2026-01-06T08:00:00-05:00";
    expect(summary(oncalls({ ...base, since: at, until: at }))).toEqual([
      [1, "PALICE1", "PPRIMAR", "2026-01-06T07:00:00-05:00", "2026-01-06T09:00:00-05:00"],
      [2, "PMANAGR", null, null, null],
      [2, "PXENA01", "PSECOND", "2026-01-05T09:00:00-05:00", "2026-01-12T09:00:00-05:00"],
    ]);
  });

  it("over a range: every shift that overlaps it, not cut at since/until", () => {
    // Jan 5 12:00 - Jan 6 08:00 overlaps Alice 09:00-19:00, Nora 19:00-07:00, Alice 07:00-09:00.
    const entries = oncalls({
      ...base,
      since: "2026-01-05T12:00:00-05:00",
      until: "2026-01-06T08:00:00-05:00",
    });
    expect(summary(entries).filter(([level]) => level === 1)).toEqual([
      [1, "PALICE1", "PPRIMAR", "2026-01-05T09:00:00-05:00", "2026-01-05T19:00:00-05:00"],
      [1, "PNORA01", "PPRIMAR", "2026-01-05T19:00:00-05:00", "2026-01-06T07:00:00-05:00"],
      [1, "PALICE1", "PPRIMAR", "2026-01-06T07:00:00-05:00", "2026-01-06T09:00:00-05:00"],
    ]);
    expect(entries[0]).toEqual({
      escalation_policy: { id: "PPOLICY", type: "escalation_policy_reference" },
      escalation_level: 1,
      schedule: { id: "PPRIMAR", type: "schedule_reference" },
      user: { id: "PALICE1", type: "user_reference" },
      start: "2026-01-05T09:00:00-05:00",
      end: "2026-01-05T19:00:00-05:00",
    });
  });

  it("earliest=true keeps the first on-call per policy, level and user", () => {
    const entries = oncalls({
      ...base,
      since: "2026-01-05T12:00:00-05:00",
      until: "2026-01-06T08:00:00-05:00",
      earliest: true,
    });
    expect(summary(entries)).toEqual([
      [1, "PALICE1", "PPRIMAR", "2026-01-05T09:00:00-05:00", "2026-01-05T19:00:00-05:00"],
      [1, "PNORA01", "PPRIMAR", "2026-01-05T19:00:00-05:00", "2026-01-06T07:00:00-05:00"],
      [2, "PMANAGR", null, null, null],
      [2, "PXENA01", "PSECOND", "2026-01-05T09:00:00-05:00", "2026-01-12T09:00:00-05:00"],
    ]);
  });

  it("filters: user_ids[], schedule_ids[] (null for direct targets), escalation_policy_ids[]", () => {
    const range = { since: "2026-01-05T12:00:00-05:00", until: "2026-01-06T08:00:00-05:00" };
    expect(summary(oncalls({ ...base, ...range, userIds: ["PNORA01"] }))).toEqual([
      [1, "PNORA01", "PPRIMAR", "2026-01-05T19:00:00-05:00", "2026-01-06T07:00:00-05:00"],
    ]);
    expect(summary(oncalls({ ...base, ...range, scheduleIds: [null] }))).toEqual([
      [2, "PMANAGR", null, null, null],
    ]);
    expect(summary(oncalls({ ...base, ...range, scheduleIds: ["PSECOND"] }))).toEqual([
      [2, "PXENA01", "PSECOND", "2026-01-05T09:00:00-05:00", "2026-01-12T09:00:00-05:00"],
    ]);
    expect(oncalls({ ...base, ...range, escalationPolicyIds: ["POTHER1"] })).toEqual([]);
  });

  it("writes times in the requested zone", () => {
    const at = "2026-01-06T13:00:00Z";
    const [first] = oncalls({ ...base, timeZone: "UTC", since: at, until: at });
    expect([first?.start, first?.end]).toEqual(["2026-01-06T12:00:00Z", "2026-01-06T14:00:00Z"]);
  });

  it("a shift with no end in sight ends at the horizon; one that began long ago at its start", () => {
    // One user, no restrictions, from Jan 1: on call from the layer's start for ever; the end is
    // followed 90 days (the default horizon) past until.
    const always: ScheduleWithOverrides = {
      schedule: schedule("PALWAYS", "UTC", [
        layer("PSOLO01", { start: "2026-01-01T00:00:00Z", turnSeconds: DAY, users: ["PSOLO01"] }),
      ]),
      overrides: [],
    };
    const at = "2026-01-10T00:00:00Z";
    const [entry] = oncalls({
      escalationPolicies: [
        { id: "PPOL002", escalation_rules: [{ targets: [{ id: "PALWAYS", type: "schedule" }] }] },
      ],
      schedules: [always],
      timeZone: "UTC",
      since: at,
      until: at,
    });
    expect([entry?.start, entry?.end]).toEqual(["2026-01-01T00:00:00Z", "2026-04-10T00:00:00Z"]);
  });

  it("a schedule target missing from the schedules given is an error naming the target", () => {
    const at = "2026-01-06T13:00:00Z";
    expect(() => oncalls({ ...base, schedules: [primary], since: at, until: at })).toThrow(
      ScheduleInputError,
    );
    expect(() => oncalls({ ...base, schedules: [primary], since: at, until: at })).toThrow(
      "escalation_policies[0].escalation_rules[1].targets[0].id",
    );
  });
});
