/**
 * Escalation policies and teams through HTTP: rules with delays and targets, num_loops, the
 * services that use a policy, filters, include[], PagerDuty's checks, and the delete rules
 * (not while a service uses the policy; a team not while it has policies, services or subteams).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { api, reset, startSimulator } from "./helpers.js";

let sim: Simulator;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ sim, close } = await startSimulator({
    seed: "rest-policies",
    pagerduty: {
      users: [
        { id: "PALICE1", name: "Alice", email: "alice@example.com", role: "owner" },
        { id: "PBOB001", name: "Bob", email: "bob@example.com" },
        { id: "PCAROL1", name: "Carol", email: "carol@example.com" },
      ],
    },
  }));
});
afterAll(async () => close());
beforeEach(async () => reset(sim));

const user = (id: string) => ({ id, type: "user_reference" });

async function createPolicy(body: Record<string, unknown>) {
  return api(sim, "POST", "/escalation_policies", {
    body: { escalation_policy: { type: "escalation_policy", ...body } },
  });
}

describe("escalation policies", () => {
  it("creates a policy with rules, delays, targets and loops, and renders it as PagerDuty does", async () => {
    const made = await createPolicy({
      name: "Checkout on-call",
      description: "Follows the sun",
      num_loops: 2,
      escalation_rules: [
        { escalation_delay_in_minutes: 10, targets: [user("PBOB001")] },
        { escalation_delay_in_minutes: 15, targets: [user("PCAROL1"), user("PALICE1")] },
      ],
    });
    expect(made.status).toBe(201);
    const policy = made.json.escalation_policy;
    expect(policy).toMatchObject({
      type: "escalation_policy",
      name: "Checkout on-call",
      summary: "Checkout on-call",
      description: "Follows the sun",
      num_loops: 2,
      on_call_handoff_notifications: "if_has_services",
      services: [],
      teams: [],
    });
    expect(policy.html_url).toBe(
      `https://watermelon.pagerduty.com/escalation_policies/${policy.id}`,
    );
    expect(policy.escalation_rules).toEqual([
      {
        id: expect.stringMatching(/^P[A-Z0-9]{6}$/),
        escalation_delay_in_minutes: 10,
        targets: [
          {
            id: "PBOB001",
            type: "user_reference",
            summary: "Bob",
            self: "https://api.pagerduty.com/users/PBOB001",
            html_url: "https://watermelon.pagerduty.com/users/PBOB001",
          },
        ],
      },
      expect.objectContaining({
        escalation_delay_in_minutes: 15,
        targets: [
          expect.objectContaining({ id: "PCAROL1", summary: "Carol" }),
          expect.objectContaining({ id: "PALICE1", summary: "Alice" }),
        ],
      }),
    ]);
    const expanded = await api(sim, "GET", `/escalation_policies/${policy.id}?include[]=targets`);
    expect(expanded.json.escalation_policy.escalation_rules[0].targets[0]).toMatchObject({
      type: "user",
      email: "bob@example.com",
    });
  });

  it("lists the services that use a policy, and filters by query and user", async () => {
    const defaultPolicy = (await api(sim, "GET", "/escalation_policies?query=default")).json
      .escalation_policies[0];
    expect(defaultPolicy.services).toEqual([
      expect.objectContaining({ type: "service_reference", summary: "watermelon" }),
    ]);
    expect(defaultPolicy.escalation_rules[0]).toMatchObject({
      escalation_delay_in_minutes: 30,
      targets: [expect.objectContaining({ id: "PALICE1" })],
    });
    await createPolicy({
      name: "Bob first",
      escalation_rules: [{ escalation_delay_in_minutes: 5, targets: [user("PBOB001")] }],
    });
    const names = async (q: string) =>
      (await api(sim, "GET", `/escalation_policies${q}`)).json.escalation_policies.map(
        (p: { name: string }) => p.name,
      );
    expect(await names("")).toEqual(["Bob first", "Default"]);
    expect(await names("?sort_by=name:desc")).toEqual(["Default", "Bob first"]);
    expect(await names("?user_ids[]=PBOB001")).toEqual(["Bob first"]);
    expect(await names("?user_ids%5B%5D=PALICE1&user_ids%5B%5D=PBOB001")).toEqual([
      "Bob first",
      "Default",
    ]);
    const withServices = await api(sim, "GET", "/escalation_policies?include[]=services&query=def");
    expect(withServices.json.escalation_policies[0].services[0]).toMatchObject({
      type: "service",
      name: "watermelon",
    });
  });

  it("refuses bad rules with every error at once", async () => {
    const reply = await createPolicy({
      name: "Default",
      num_loops: -1,
      escalation_rules: [
        { escalation_delay_in_minutes: 0, targets: [user("PNOPE00")] },
        { escalation_delay_in_minutes: 5, targets: [] },
        {
          escalation_delay_in_minutes: 5,
          targets: Array.from({ length: 11 }, () => user("PBOB001")),
        },
        {
          escalation_delay_in_minutes: 5,
          targets: [{ id: "PSCHED1", type: "schedule_reference" }],
        },
      ],
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error.errors).toEqual([
      "Name has already been taken",
      "Num loops must be greater than or equal to 0",
      "Escalation rule 1 escalation delay in minutes must be greater than or equal to 1",
      "Escalation rule 1 target user PNOPE00 not found",
      "Escalation rule 2 targets can't be blank",
      "Escalation rule 3 targets is too long (maximum is 10 items)",
      "Escalation rule 4 target schedule PSCHED1 not found",
    ]);
    expect((await createPolicy({ name: "No rules" })).json.error.errors).toEqual([
      "Escalation rules can't be blank",
    ]);
  });

  it("updates rules, keeping the ids of rules it names", async () => {
    const policy = (
      await createPolicy({
        name: "Evolving",
        escalation_rules: [{ escalation_delay_in_minutes: 10, targets: [user("PBOB001")] }],
      })
    ).json.escalation_policy;
    const ruleId = policy.escalation_rules[0].id;
    const updated = await api(sim, "PUT", `/escalation_policies/${policy.id}`, {
      body: {
        escalation_policy: {
          num_loops: 1,
          escalation_rules: [
            { id: ruleId, escalation_delay_in_minutes: 20, targets: [user("PBOB001")] },
            { escalation_delay_in_minutes: 5, targets: [user("PCAROL1")] },
          ],
        },
      },
    });
    expect(updated.status).toBe(200);
    const rules = updated.json.escalation_policy.escalation_rules;
    expect(
      rules.map((r: { escalation_delay_in_minutes: number }) => r.escalation_delay_in_minutes),
    ).toEqual([20, 5]);
    expect(rules[0].id).toBe(ruleId);
    expect(rules[1].id).not.toBe(ruleId);
    expect(updated.json.escalation_policy).toMatchObject({ name: "Evolving", num_loops: 1 });
  });

  it("deletes a policy no service uses, and refuses one in use", async () => {
    const defaultPolicy = (await api(sim, "GET", "/escalation_policies")).json
      .escalation_policies[0];
    const refused = await api(sim, "DELETE", `/escalation_policies/${defaultPolicy.id}`);
    expect(refused.status).toBe(400);
    expect(refused.json.error.errors).toEqual([
      "Escalation policy is in use by services: watermelon",
    ]);
    const spare = (
      await createPolicy({
        name: "Spare",
        escalation_rules: [{ escalation_delay_in_minutes: 10, targets: [user("PBOB001")] }],
      })
    ).json.escalation_policy;
    expect((await api(sim, "DELETE", `/escalation_policies/${spare.id}`)).status).toBe(204);
    expect((await api(sim, "GET", `/escalation_policies/${spare.id}`)).status).toBe(404);
  });
});

describe("teams", () => {
  it("creates a team, adds members with roles, and shows it on users and policies", async () => {
    const team = (
      await api(sim, "POST", "/teams", {
        body: { team: { type: "team", name: "Payments", description: "Money moves" } },
      })
    ).json.team;
    expect(team).toMatchObject({
      type: "team",
      name: "Payments",
      default_role: "manager",
      parent: null,
    });
    expect(team.html_url).toBe(`https://watermelon.pagerduty.com/teams/${team.id}`);
    expect(
      (await api(sim, "PUT", `/teams/${team.id}/users/PBOB001`, { body: { role: "responder" } }))
        .status,
    ).toBe(204);
    const members = await api(sim, "GET", `/teams/${team.id}/members?total=true`);
    expect(members.json).toMatchObject({ total: 1, more: false });
    expect(members.json.members).toEqual([
      {
        user: expect.objectContaining({ id: "PBOB001", type: "user_reference" }),
        role: "responder",
      },
    ]);
    const bob = (await api(sim, "GET", "/users/PBOB001")).json.user;
    expect(bob.teams).toEqual([expect.objectContaining({ id: team.id, summary: "Payments" })]);
    expect(
      (await api(sim, "GET", `/users?team_ids[]=${team.id}`)).json.users.map(
        (u: { id: string }) => u.id,
      ),
    ).toEqual(["PBOB001"]);

    const policy = await createPolicy({
      name: "Payments policy",
      teams: [{ id: team.id, type: "team_reference" }],
      escalation_rules: [{ escalation_delay_in_minutes: 10, targets: [user("PBOB001")] }],
    });
    expect(policy.json.escalation_policy.teams).toEqual([expect.objectContaining({ id: team.id })]);
    expect(
      (await api(sim, "GET", `/escalation_policies?team_ids[]=${team.id}`)).json
        .escalation_policies,
    ).toHaveLength(1);
    const refused = await api(sim, "DELETE", `/teams/${team.id}`);
    expect(refused.status).toBe(400);
    expect(refused.json.error.errors).toEqual([
      "Team cannot be deleted while it has escalation policy Payments policy",
    ]);
    await api(sim, "DELETE", `/escalation_policies/${policy.json.escalation_policy.id}`);
    expect((await api(sim, "DELETE", `/teams/${team.id}/users/PBOB001`)).status).toBe(204);
    expect((await api(sim, "DELETE", `/teams/${team.id}`)).status).toBe(204);
    expect((await api(sim, "GET", `/teams/${team.id}`)).status).toBe(404);
  });

  it("keeps names unique and lists with query", async () => {
    await api(sim, "POST", "/teams", { body: { team: { name: "SRE" } } });
    const clash = await api(sim, "POST", "/teams", { body: { team: { name: "sre" } } });
    expect(clash.json.error.errors).toEqual(["Name has already been taken"]);
    await api(sim, "POST", "/teams", { body: { team: { name: "Data" } } });
    const listed = await api(sim, "GET", "/teams?query=s");
    expect(listed.json.teams.map((t: { name: string }) => t.name)).toEqual(["SRE"]);
  });
});
