/**
 * The account from configuration, in the REST API's create-body shapes: what the REST API then
 * shows, fixed ids as references, the same checks (and texts) as the REST bodies, options
 * errors naming the entry, determinism from the seed, and reset back to the configuration.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createSimulator, SimulatorOptionsError } from "../../../../simulator/cli/api.js";
import { api, startSimulator } from "./helpers.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function start(options: Parameters<typeof startSimulator>[0]) {
  const started = await startSimulator(options);
  closers.push(started.close);
  return started.sim;
}

const KEY = "abcdefabcdefabcdefabcdefabcdef12";

const ACCOUNT = {
  subdomain: "shop",
  users: [
    {
      id: "PALICE1",
      type: "user" as const,
      name: "Alice",
      email: "alice@shop.example",
      role: "owner" as const,
    },
    { id: "PBOB001", name: "Bob", email: "bob@shop.example", time_zone: "Europe/Berlin" },
  ],
  teams: [
    {
      id: "PTEAM01",
      name: "Checkout",
      members: [{ user: { id: "PBOB001", type: "user_reference" }, role: "responder" as const }],
    },
  ],
  escalationPolicies: [
    {
      id: "PEPCHK1",
      type: "escalation_policy" as const,
      name: "Checkout escalation",
      num_loops: 1,
      teams: [{ id: "PTEAM01", type: "team_reference" }],
      escalation_rules: [
        { escalation_delay_in_minutes: 5, targets: [{ id: "PBOB001", type: "user_reference" }] },
        { escalation_delay_in_minutes: 10, targets: [{ id: "PALICE1", type: "user_reference" }] },
      ],
    },
  ],
  services: [
    {
      id: "PSVCCHK",
      name: "checkout",
      description: "Takes the money",
      tier: "gold" as const,
      escalation_policy: { id: "PEPCHK1", type: "escalation_policy_reference" },
      teams: [{ id: "PTEAM01", type: "team_reference" }],
      incident_urgency_rule: { type: "constant", urgency: "high" },
      acknowledgement_timeout: 900,
      integrations: [{ key: KEY }],
    },
  ],
  maintenanceWindows: [
    {
      start_time: "2026-01-06T00:00:00Z",
      end_time: "2026-01-06T02:00:00Z",
      description: "Nightly migration",
      services: [{ id: "PSVCCHK", type: "service_reference" }],
    },
  ],
  apiTokens: [{ token: "u+alice0123456789abc", user: "alice@shop.example" }],
};

describe("an account configured in the REST API's shapes", () => {
  it("is what the REST API shows", async () => {
    const sim = await start({ seed: "config", pagerduty: ACCOUNT });
    expect(sim.env.PAGERDUTY_TOKEN).toBe("u+alice0123456789abc");
    expect(sim.env.PAGERDUTY_ROUTING_KEY).toBe(KEY);
    const service = (await api(sim, "GET", "/services/PSVCCHK")).json.service;
    expect(service).toMatchObject({
      name: "checkout",
      tier: "gold",
      html_url: "https://shop.pagerduty.com/service-directory/PSVCCHK",
      escalation_policy: { id: "PEPCHK1", summary: "Checkout escalation" },
      teams: [{ id: "PTEAM01", summary: "Checkout" }],
      incident_urgency_rule: { type: "constant", urgency: "high" },
      acknowledgement_timeout: 900,
      auto_resolve_timeout: 14_400,
    });
    const policy = (await api(sim, "GET", "/escalation_policies/PEPCHK1")).json.escalation_policy;
    expect(policy.num_loops).toBe(1);
    expect(
      policy.escalation_rules.map((r: { targets: { id: string }[] }) => r.targets[0]?.id),
    ).toEqual(["PBOB001", "PALICE1"]);
    const bob = (await api(sim, "GET", "/users/PBOB001")).json.user;
    expect(bob).toMatchObject({ time_zone: "Europe/Berlin", teams: [{ id: "PTEAM01" }] });
    const windows = (await api(sim, "GET", "/maintenance_windows")).json.maintenance_windows;
    expect(windows).toEqual([
      expect.objectContaining({
        description: "Nightly migration",
        created_by: null,
        sequence_number: 1,
      }),
    ]);
    // Only the configured policy: no "Default" is added when policies are given.
    expect((await api(sim, "GET", "/escalation_policies?total=true")).json.total).toBe(1);
  });

  it("the same configuration and seed give the same account, ids and all", async () => {
    const a = await start({ seed: "same" });
    const b = await start({ seed: "same" });
    const c = await start({ seed: "other" });
    const ids = async (sim: typeof a) =>
      JSON.stringify({
        users: (await api(sim, "GET", "/users")).json,
        services: (await api(sim, "GET", "/services")).json,
        priorities: (await api(sim, "GET", "/priorities")).json,
      });
    expect(await ids(a)).toBe(await ids(b));
    expect(await ids(a)).not.toBe(await ids(c));
    expect(a.env.PAGERDUTY_TOKEN).toBe(b.env.PAGERDUTY_TOKEN);
    expect(a.env.PAGERDUTY_TOKEN).not.toBe(c.env.PAGERDUTY_TOKEN);
    expect(a.env.PAGERDUTY_TOKEN).toMatch(/^u\+[0-9a-zA-Z_-]{18}$/);
  });
});

describe("configuration the REST API would refuse", () => {
  const refused = (pagerduty: Record<string, unknown>) => {
    try {
      createSimulator({ pagerduty } as Parameters<typeof createSimulator>[0]);
    } catch (error) {
      expect(error).toBeInstanceOf(SimulatorOptionsError);
      return (error as Error).message;
    }
    throw new Error("the configuration was accepted");
  };

  it("names the entry and gives the REST API's texts", () => {
    expect(
      refused({
        ...ACCOUNT,
        services: [{ ...ACCOUNT.services[0], escalation_policy: { id: "PNOPE00" } }],
      }),
    ).toContain("pagerduty.services.0: Escalation policy PNOPE00 not found");
    expect(
      refused({
        ...ACCOUNT,
        escalationPolicies: [
          {
            name: "Broken",
            escalation_rules: [
              {
                escalation_delay_in_minutes: 0,
                targets: [{ id: "PBOB001", type: "user_reference" }],
              },
            ],
          },
        ],
      }),
    ).toContain(
      "pagerduty.escalationPolicies.0: Escalation rule 1 escalation delay in minutes must be greater than or equal to 1",
    );
    expect(
      refused({ users: [{ name: "A", email: "a@x.example", time_zone: "Nowhere/City" }] }),
    ).toContain("pagerduty.users.0: Time zone is invalid");
    expect(
      refused({
        ...ACCOUNT,
        maintenanceWindows: [
          { ...ACCOUNT.maintenanceWindows[0], end_time: "2020-01-01T00:00:00Z" },
        ],
      }),
    ).toContain("pagerduty.maintenanceWindows.0: End time must be in the future");
    expect(refused({ ...ACCOUNT, teams: [{ ...ACCOUNT.teams[0], id: "PALICE1" }] })).toContain(
      "pagerduty.teams.0.id: Id PALICE1 is used twice",
    );
    expect(refused({ users: [{ id: "bob", name: "B", email: "b@x.example" }] })).toContain(
      "pagerduty.users.0.id",
    );
    expect(
      refused({
        services: [
          { name: "s", urgency: "high", incident_urgency_rule: {}, integrations: [{ key: KEY }] },
        ],
      }),
    ).toContain("give urgency or incident_urgency_rule, not both");
    expect(refused({ apiTokens: [{ token: "x", user: "nobody@x.example" }] })).toContain(
      "pagerduty.apiTokens.0.user",
    );
    expect(refused({ users: [{ name: "A", email: "a@x.example", favourite: "blue" }] })).toContain(
      "favourite",
    );
  });
});

describe("reset", () => {
  it("puts the configured account back", async () => {
    const sim = await start({ seed: "config-reset", pagerduty: ACCOUNT });
    const asAlice = { auth: "Token token=u+alice0123456789abc" };
    await api(sim, "PUT", "/services/PSVCCHK", {
      ...asAlice,
      body: { service: { tier: "bronze" } },
    });
    await api(sim, "DELETE", "/teams/PTEAM01/users/PBOB001", asAlice);
    expect((await api(sim, "GET", "/services/PSVCCHK", asAlice)).json.service.tier).toBe("bronze");
    await fetch(`${sim.endpoints.pagerdutyApi.url}/_watermelon/reset`, { method: "POST" });
    expect((await api(sim, "GET", "/services/PSVCCHK", asAlice)).json.service.tier).toBe("gold");
    expect((await api(sim, "GET", "/teams/PTEAM01/members", asAlice)).json.members).toHaveLength(1);
  });
});
