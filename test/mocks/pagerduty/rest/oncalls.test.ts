/**
 * GET /oncalls through HTTP: on-calls computed from the account's escalation policies (schedule
 * targets per final-schedule shift, user targets always on call), the filters, `earliest`,
 * `time_zone`, the 90-day limit on the simulator clock, `include[]` and pagination; the store's
 * `onCallUsers` (what the incident lifecycle asks) agreeing with it; pdjs and pagerduty-cli.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createPagerDuty } from "../../../../mocks/pagerduty/index.js";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { Journal } from "../../../../simulator/kernel/journal.js";
import { createRng } from "../../../../simulator/kernel/rng.js";
import { createVirtualClock } from "../../../../simulator/kernel/virtualClock.js";
import { api, reset, startSimulator, token } from "./helpers.js";
import {
  accountOptions,
  NY,
  pdjsClient,
  primaryBody,
  rows,
  secondaryBody,
  USERS,
} from "./schedulesHelpers.js";

const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));

let sim: Simulator;
let ca: Buffer;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ sim, ca, close } = await startSimulator(accountOptions("rest-oncalls")));
});
afterAll(async () => close());
beforeEach(async () => reset(sim));

interface Account {
  primary: string;
  secondary: string;
  policy: string;
  defaultPolicy: string;
}

/**
 * Primary (Alice/Bob days, Nora nights) at level 1, Bob directly at level 2, Secondary (Xena)
 * at level 3; the default policy ("Default", Alice directly) is listed before it.
 */
async function account(): Promise<Account> {
  const primary = (await api(sim, "POST", "/schedules", { body: primaryBody() })).json.schedule.id;
  const secondary = (await api(sim, "POST", "/schedules", { body: secondaryBody() })).json.schedule
    .id;
  const reply = await api(sim, "POST", "/escalation_policies", {
    body: {
      escalation_policy: {
        name: "Checkout",
        escalation_rules: [
          {
            escalation_delay_in_minutes: 10,
            targets: [{ id: primary, type: "schedule_reference" }],
          },
          { escalation_delay_in_minutes: 10, targets: [{ id: "PBOB001", type: "user_reference" }] },
          {
            escalation_delay_in_minutes: 10,
            targets: [{ id: secondary, type: "schedule_reference" }],
          },
        ],
      },
    },
  });
  expect(reply.status, reply.text).toBe(201);
  const defaultPolicy = (await api(sim, "GET", "/escalation_policies?query=Default")).json
    .escalation_policies[0].id;
  return { primary, secondary, policy: reply.json.escalation_policy.id, defaultPolicy };
}

type Row = [string, number, string | null, string, string | null, string | null];
// biome-ignore lint/suspicious/noExplicitAny: on-calls are checked field by field.
const table = (oncalls: any[]): Row[] =>
  oncalls.map((o) => [
    o.escalation_policy.summary,
    o.escalation_level,
    o.schedule?.summary ?? null,
    o.user.id,
    o.start,
    o.end,
  ]);

describe("GET /oncalls", () => {
  it("lists who is on call now, per policy and level, when no range is given", async () => {
    await account();
    // The simulator clock starts at 2026-01-05T09:00:00Z, before Primary's first handoff.
    const reply = await api(sim, "GET", "/oncalls?time_zone=UTC");
    expect(reply.status).toBe(200);
    expect(table(reply.json.oncalls)).toEqual([
      ["Default", 1, null, "PALICE1", null, null],
      ["Checkout", 2, null, "PBOB001", null, null],
      // Secondary's layer asked to start at 00:00, before it was created: it starts at 09:00.
      ["Checkout", 3, "Secondary", "PXENA01", "2026-01-05T09:00:00Z", "2026-04-05T09:00:00Z"],
    ]);
    expect(reply.json.oncalls[2].schedule).toMatchObject({
      type: "schedule_reference",
      self: expect.stringMatching(/^https:\/\/api\.pagerduty\.com\/schedules\/P/),
    });
    expect(reply.json).toMatchObject({ limit: 25, offset: 0, more: false, total: null });
  });

  it("gives one on-call per final-schedule shift overlapping the range, whole", async () => {
    const a = await account();
    const reply = await api(
      sim,
      "GET",
      `/oncalls?escalation_policy_ids[]=${a.policy}&since=2026-01-05T10:00:00-05:00&until=2026-01-06T08:00:00-05:00&time_zone=${NY}`,
    );
    expect(table(reply.json.oncalls)).toEqual([
      [
        "Checkout",
        1,
        "Primary",
        "PALICE1",
        "2026-01-05T09:00:00-05:00",
        "2026-01-05T19:00:00-05:00",
      ],
      [
        "Checkout",
        1,
        "Primary",
        "PNORA01",
        "2026-01-05T19:00:00-05:00",
        "2026-01-06T07:00:00-05:00",
      ],
      [
        "Checkout",
        1,
        "Primary",
        "PALICE1",
        "2026-01-06T07:00:00-05:00",
        "2026-01-06T09:00:00-05:00",
      ],
      ["Checkout", 2, null, "PBOB001", null, null],
      [
        "Checkout",
        3,
        "Secondary",
        "PXENA01",
        "2026-01-05T04:00:00-05:00",
        "2026-04-06T09:00:00-04:00",
      ],
    ]);
  });

  it("filters by user, schedule (null for direct targets) and policy, and keeps the earliest", async () => {
    const a = await account();
    const range = "since=2026-01-05T10:00:00-05:00&until=2026-01-07T10:00:00-05:00";
    const alice = await api(sim, "GET", `/oncalls?${range}&user_ids[]=PALICE1`);
    expect(table(alice.json.oncalls).map((r) => [r[0], r[1], r[3], r[4]])).toEqual([
      ["Default", 1, "PALICE1", null],
      ["Checkout", 1, "PALICE1", "2026-01-05T09:00:00-05:00"],
      ["Checkout", 1, "PALICE1", "2026-01-06T07:00:00-05:00"],
      ["Checkout", 1, "PALICE1", "2026-01-07T09:00:00-05:00"],
    ]);
    const direct = await api(sim, "GET", `/oncalls?${range}&schedule_ids[]=null`);
    expect(table(direct.json.oncalls).map((r) => [r[0], r[1], r[3]])).toEqual([
      ["Default", 1, "PALICE1"],
      ["Checkout", 2, "PBOB001"],
    ]);
    const secondary = await api(sim, "GET", `/oncalls?${range}&schedule_ids[]=${a.secondary}`);
    expect(table(secondary.json.oncalls).map((r) => r[3])).toEqual(["PXENA01"]);
    const both = await api(
      sim,
      "GET",
      `/oncalls?${range}&schedule_ids[]=${a.primary}&user_ids[]=PBOB001`,
    );
    expect(table(both.json.oncalls).map((r) => [r[3], r[4]])).toEqual([
      ["PBOB001", "2026-01-06T09:00:00-05:00"],
      ["PBOB001", "2026-01-07T07:00:00-05:00"],
    ]);
    const earliest = await api(
      sim,
      "GET",
      `/oncalls?${range}&escalation_policy_ids[]=${a.policy}&earliest=true&time_zone=${NY}`,
    );
    expect(table(earliest.json.oncalls).map((r) => [r[1], r[3], r[4]])).toEqual([
      [1, "PALICE1", "2026-01-05T09:00:00-05:00"],
      [1, "PNORA01", "2026-01-05T19:00:00-05:00"],
      [1, "PBOB001", "2026-01-06T09:00:00-05:00"],
      [2, "PBOB001", null],
      [3, "PXENA01", "2026-01-05T04:00:00-05:00"],
    ]);
  });

  it("follows overrides", async () => {
    const a = await account();
    await api(sim, "POST", `/schedules/${a.primary}/overrides`, {
      body: {
        overrides: [
          {
            start: "2026-01-05T12:00:00-05:00",
            end: "2026-01-05T13:00:00-05:00",
            user: { id: "PXENA01" },
          },
        ],
      },
    });
    const reply = await api(
      sim,
      "GET",
      `/oncalls?schedule_ids[]=${a.primary}&since=2026-01-05T12:30:00-05:00&until=2026-01-05T12:30:00-05:00&time_zone=${NY}`,
    );
    expect(table(reply.json.oncalls)).toEqual([
      [
        "Checkout",
        1,
        "Primary",
        "PXENA01",
        "2026-01-05T12:00:00-05:00",
        "2026-01-05T13:00:00-05:00",
      ],
    ]);
  });

  it("expands escalation policies, users and schedules with include[]", async () => {
    const a = await account();
    const reply = await api(
      sim,
      "GET",
      `/oncalls?escalation_policy_ids[]=${a.policy}&include[]=users&include[]=schedules&include[]=escalation_policies&since=2026-01-05T15:00:00Z&until=2026-01-05T15:00:00Z`,
    );
    const [first] = reply.json.oncalls;
    expect(first.user).toMatchObject({ type: "user", id: "PALICE1", email: "alice@example.com" });
    expect(first.schedule).toMatchObject({ type: "schedule", id: a.primary, time_zone: NY });
    expect(first.escalation_policy).toMatchObject({
      type: "escalation_policy",
      id: a.policy,
      escalation_rules: expect.any(Array),
    });
  });

  it("pages with limit and offset, counting total when asked", async () => {
    await account();
    const page = await api(sim, "GET", "/oncalls?limit=2&offset=1&total=true");
    expect(page.json.oncalls).toHaveLength(2);
    expect(page.json).toMatchObject({ limit: 2, offset: 1, more: false, total: 3 });
    const first = await api(sim, "GET", "/oncalls?limit=1");
    expect(first.json).toMatchObject({ limit: 1, more: true, total: null });
  });

  it("refuses times it cannot read, a reversed range and one past 90 days from the clock's now", async () => {
    await account();
    const unreadable = await api(sim, "GET", "/oncalls?since=soon");
    expect(unreadable.status).toBe(400);
    expect(unreadable.json.error).toMatchObject({ code: 2004 });
    expect(unreadable.json.error.errors[0]).toMatch(/^since: expected an ISO 8601 date-time/);
    const reversed = await api(
      sim,
      "GET",
      "/oncalls?since=2026-01-06T00:00:00Z&until=2026-01-05T00:00:00Z",
    );
    expect(reversed.json.error).toEqual({
      message: "Invalid Query Date Range",
      code: 2005,
      errors: ["The until time cannot be before the since time"],
    });
    // 90 days from 2026-01-05T09:00:00Z.
    const inside = await api(sim, "GET", "/oncalls?until=2026-04-05T09:00:00Z");
    expect(inside.status).toBe(200);
    const past = await api(sim, "GET", "/oncalls?until=2026-04-05T09:00:01Z");
    expect(past.status).toBe(400);
    expect(past.json.error.code).toBe(2005);
    expect(past.json.error.errors[0]).toContain("90 days");
    const zone = await api(sim, "GET", "/oncalls?time_zone=Nowhere");
    expect(zone.json.error.code).toBe(2001);
  });
});

describe("@pagerduty/pdjs 2.2.4", () => {
  it("pages through /oncalls with .all()", async () => {
    await account();
    const pd = pdjsClient(sim, ca);
    const all = await pd.all("/oncalls", {
      data: {
        limit: 2,
        since: "2026-01-05T10:00:00-05:00",
        until: "2026-01-06T08:00:00-05:00",
        time_zone: NY,
      },
    });
    expect(table(all.resource).map((r) => [r[0], r[1], r[3]])).toEqual([
      ["Default", 1, "PALICE1"],
      ["Checkout", 1, "PALICE1"],
      ["Checkout", 1, "PNORA01"],
      ["Checkout", 1, "PALICE1"],
      ["Checkout", 2, "PBOB001"],
      ["Checkout", 3, "PXENA01"],
    ]);
  });
});

describe("onCallUsers, for the incident lifecycle", () => {
  function account() {
    const clock = createVirtualClock({ start: Date.parse("2026-01-05T09:00:00Z") });
    const pd = createPagerDuty({
      clock,
      journal: new Journal({ clock }),
      rng: createRng("oncall-users"),
      users: USERS.map((u) => ({ ...u })),
      apiRateLimit: false,
    });
    const [apiToken] = pd.apiTokens;
    const call = async (method: string, p: string, body?: unknown) => {
      const res = await pd.api.fetch(
        new Request(`https://api.pagerduty.com${p}`, {
          method,
          headers: {
            authorization: `Token token=${apiToken?.token}`,
            "content-type": "application/json",
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        }),
      );
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : undefined };
    };
    return { pd, call };
  }

  it("agrees with GET /oncalls and the final schedule at every instant asked", async () => {
    const { pd, call } = account();
    const s = (await call("POST", "/schedules", primaryBody())).json.schedule.id;
    await call("POST", `/schedules/${s}/overrides`, {
      overrides: [
        {
          start: "2026-01-06T12:00:00-05:00",
          end: "2026-01-06T13:00:00-05:00",
          user: { id: "PXENA01" },
        },
      ],
    });
    await call("POST", "/escalation_policies", {
      escalation_policy: {
        name: "Primary",
        escalation_rules: [
          { escalation_delay_in_minutes: 5, targets: [{ id: s, type: "schedule_reference" }] },
        ],
      },
    });
    const final = await call(
      "GET",
      `/schedules/${s}?since=2026-01-05T09:00:00-05:00&until=2026-01-08T09:00:00-05:00&time_zone=UTC`,
    );
    const entries = final.json.schedule.final_schedule.rendered_schedule_entries;
    expect(rows(entries).map((r) => r[0])).toContain("PXENA01");
    for (const e of entries) {
      for (const at of [
        Date.parse(e.start),
        Date.parse(e.end) - 1,
        (Date.parse(e.start) + Date.parse(e.end)) / 2,
      ]) {
        expect(pd.store.onCallUsers(s, at), new Date(at).toISOString()).toEqual([e.user.id]);
        const iso = new Date(at).toISOString();
        const oncalls = await call("GET", `/oncalls?schedule_ids[]=${s}&since=${iso}&until=${iso}`);
        expect(oncalls.json.oncalls.map((o: { user: { id: string } }) => o.user.id)).toEqual([
          e.user.id,
        ]);
      }
    }
    // Before the layers start, there is no one; an unknown schedule has no one.
    expect(pd.store.onCallUsers(s, Date.parse("2026-01-05T13:59:59Z"))).toEqual([]);
    expect(pd.store.onCallUsers("PNOSUCH", Date.parse("2026-01-06T12:00:00Z"))).toEqual([]);
  });

  it("follows writes at once, and leaves out users that have been deleted", async () => {
    const { pd, call } = account();
    const s = (await call("POST", "/schedules", secondaryBody())).json.schedule.id;
    const at = Date.parse("2026-01-06T12:00:00Z");
    expect(pd.store.onCallUsers(s, at)).toEqual(["PXENA01"]);
    const o = await call("POST", `/schedules/${s}/overrides`, {
      override: {
        start: "2026-01-06T00:00:00Z",
        end: "2026-01-07T00:00:00Z",
        user: { id: "PNORA01" },
      },
    });
    expect(pd.store.onCallUsers(s, at)).toEqual(["PNORA01"]);
    await call("DELETE", `/schedules/${s}/overrides/${o.json.override.id}`);
    expect(pd.store.onCallUsers(s, at)).toEqual(["PXENA01"]);
    pd.store.removeUser("PXENA01");
    expect(pd.store.onCallUsers(s, at)).toEqual([]);
  });
});

const pdBin = path.join(repoRoot, "node_modules/.bin/pd");
const cliMissing = existsSync(pdBin)
  ? undefined
  : "pagerduty-cli (the `pd` command) is not installed in node_modules";

describe("pagerduty-cli 0.1.18", () => {
  it.skipIf(cliMissing !== undefined)(
    `pd schedule:list and pd schedule:oncall through HTTPS_PROXY${cliMissing ? ` (skipped: ${cliMissing})` : ""}`,
    async () => {
      const a = await account();
      const home = mkdtempSync(path.join(os.tmpdir(), "watermelon-pd-"));
      try {
        const env = {
          ...process.env,
          HOME: home,
          HTTPS_PROXY: sim.env.HTTPS_PROXY,
          NODE_EXTRA_CA_CERTS: sim.env.NODE_EXTRA_CA_CERTS,
          NO_PROXY: "",
        };
        const run = (args: string[]) =>
          promisify(execFile)(pdBin, [...args, "--token", token(sim), "-j"], { env });
        const list = JSON.parse((await run(["schedule:list"])).stdout);
        expect(list.map((s: { name: string }) => s.name)).toEqual(["Primary", "Secondary"]);
        const oncalls = JSON.parse(
          (
            await run([
              "schedule:oncall",
              "-i",
              a.primary,
              "--since",
              "2026-01-05T15:00:00Z",
              "--until",
              "2026-01-05T16:00:00Z",
            ])
          ).stdout,
        );
        expect(oncalls.map((o: { user: { id: string } }) => o.user.id)).toEqual(["PALICE1"]);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    },
  );
});

// Last: it moves the shared simulator's clock.
describe("the 90-day limit", () => {
  it("is counted from the simulator clock's now", async () => {
    expect((await api(sim, "GET", "/oncalls?until=2026-04-05T09:00:01Z")).status).toBe(400);
    await sim.clock.runFor(24 * 3600 * 1000);
    expect((await api(sim, "GET", "/oncalls?until=2026-04-05T09:00:01Z")).status).toBe(200);
    expect((await api(sim, "GET", "/oncalls?until=2026-04-06T09:00:01Z")).status).toBe(400);
  });
});
