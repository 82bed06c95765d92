import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { freePortSet, makeTempDir, portArgs, releaseAll, runCli, startUp } from "./helpers.js";

afterEach(async () => releaseAll());

const KEY = "0123456789abcdef0123456789abcdef";
const account = {
  users: [
    { id: "PALICE1", name: "Alice", email: "alice@example.com", role: "owner" },
    { id: "PBOB001", name: "Bob", email: "bob@example.com" },
  ],
  schedules: [
    {
      id: "PSCHED1",
      name: "Payments primary",
      time_zone: "Europe/Paris",
      schedule_layers: [
        {
          start: "2026-01-01T00:00:00Z",
          rotation_virtual_start: "2026-01-01T00:00:00Z",
          rotation_turn_length_seconds: 604800,
          users: [{ user: { id: "PALICE1", type: "user_reference" } }],
        },
      ],
    },
  ],
  escalationPolicies: [
    {
      id: "PPOLICY",
      name: "Payments",
      escalation_rules: [
        {
          escalation_delay_in_minutes: 10,
          targets: [{ id: "PSCHED1", type: "schedule_reference" }],
        },
        { escalation_delay_in_minutes: 10, targets: [{ id: "PBOB001", type: "user_reference" }] },
      ],
    },
  ],
  services: [
    {
      name: "payments",
      tier: "gold",
      escalation_policy: { id: "PPOLICY", type: "escalation_policy_reference" },
      integrations: [{ key: KEY }],
    },
  ],
  apiTokens: [{ token: "y_NbAkKc66ryYTWUXYEu", user: "alice@example.com" }],
};

describe("watermelon up --pagerduty-config", () => {
  it("starts the account the file declares: its key, its token, its services and rotation", async () => {
    const home = makeTempDir();
    const file = path.join(home, "pagerduty.json");
    writeFileSync(file, JSON.stringify(account));
    const up = await startUp([...portArgs(await freePortSet()), "--pagerduty-config", file], home);
    const { env, endpoints } = up.ready;
    expect(env.PAGERDUTY_ROUTING_KEY).toBe(KEY);
    expect(env.PAGERDUTY_TOKEN).toBe("y_NbAkKc66ryYTWUXYEu");
    const get = async (p: string) => {
      const res = await fetch(`${endpoints.pagerdutyApi?.url}${p}`, {
        headers: {
          authorization: `Token token=${env.PAGERDUTY_TOKEN}`,
          accept: "application/vnd.pagerduty+json;version=2",
        },
      });
      const text = await res.text();
      expect(res.status, text).toBe(200);
      return JSON.parse(text);
    };
    expect((await get("/users/me")).user.email).toBe("alice@example.com");
    const services = (await get("/services")).services;
    expect(services.map((s: { name: string; tier: string }) => [s.name, s.tier])).toEqual([
      ["payments", "gold"],
    ]);
    const oncalls = (await get("/oncalls?escalation_policy_ids[]=PPOLICY")).oncalls;
    expect(
      oncalls.map((o: { escalation_level: number; user: { id: string } }) => [
        o.escalation_level,
        o.user.id,
      ]),
    ).toEqual([
      [1, "PALICE1"],
      [2, "PBOB001"],
    ]);
    expect((await up.stop("SIGTERM")).code).toBe(0);
  });

  it("refuses a file whose account is wrong with one line naming the file and the entry, exit 2", async () => {
    const home = makeTempDir();
    const file = path.join(home, "broken.json");
    const target = '"id":"PSCHED1","type":"schedule_reference"';
    const text = JSON.stringify(account);
    expect(text).toContain(target);
    writeFileSync(file, text.replace(target, '"id":"PNOPE00","type":"schedule_reference"'));
    const run = await runCli(["up", "--json", "--pagerduty-config", file], home);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(file);
    expect(run.stderr).toContain("pagerduty.escalationPolicies.0");
    expect(run.stdout).toBe("");

    writeFileSync(file, "{ not json");
    const bad = await runCli(["up", "--json", "--pagerduty-config", file], home);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`${file} is not JSON`);
    const missing = await runCli(["up", "--pagerduty-config", path.join(home, "nope.json")], home);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("cannot read --pagerduty-config");
  });
});
