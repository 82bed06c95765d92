/**
 * Users through HTTP: /users/me as pagerduty-cli reads it, the list with query and include[],
 * create/get/update/delete with PagerDuty's checks, and the read-only contact methods and
 * notification rules.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { api, reset, startSimulator } from "./helpers.js";

let sim: Simulator;
let close: () => Promise<void>;
const OWNER = "owner@watermelon.example";
beforeAll(async () => {
  ({ sim, close } = await startSimulator({
    seed: "rest-users",
    pagerduty: {
      subdomain: "acme",
      users: [
        { name: "Olive Owner", email: "olive@acme.example", role: "owner" },
        {
          id: "PBOB001",
          name: "Bob Builder",
          email: "bob@acme.example",
          time_zone: "Europe/Paris",
          job_title: "SRE",
          contact_methods: [
            { type: "email_contact_method", label: "Work", address: "bob@acme.example" },
            { type: "sms_contact_method", label: "Mobile", address: "5555550100", country_code: 1 },
          ],
          notification_rules: [
            { start_delay_in_minutes: 0, urgency: "high", contact_method: { label: "Mobile" } },
            { start_delay_in_minutes: 5, urgency: "high", contact_method: { label: "Work" } },
            { start_delay_in_minutes: 0, urgency: "low", contact_method: { label: "Work" } },
          ],
        },
        { name: "Alice Anders", email: "alice@acme.example", role: "admin" },
      ],
      apiTokens: [
        { token: "u+olive0123456789abc", user: "olive@acme.example" },
        { token: "accountkey0123456789" },
      ],
    },
  }));
});
afterAll(async () => close());
beforeEach(async () => reset(sim));

const asOlive = { auth: "Token token=u+olive0123456789abc" };
const asAccount = { auth: "Token token=accountkey0123456789" };

describe("GET /users/me", () => {
  it("is the token's user, with html_url on the account's subdomain as pagerduty-cli requires", async () => {
    const me = await api(sim, "GET", "/users/me", asOlive);
    expect(me.status).toBe(200);
    const user = me.json.user;
    expect(user).toMatchObject({
      type: "user",
      name: "Olive Owner",
      summary: "Olive Owner",
      email: "olive@acme.example",
      role: "owner",
      time_zone: "Etc/UTC",
    });
    expect(user.id).toMatch(/^P[A-Z0-9]{6}$/);
    expect(user.self).toBe(`https://api.pagerduty.com/users/${user.id}`);
    expect(user.html_url).toBe(`https://acme.pagerduty.com/users/${user.id}`);
    // pagerduty-cli's own check (src/base: the subdomain from user.html_url).
    expect(/https:\/\/(.*)\.pagerduty.com\//.exec(user.html_url)?.[1]).toBe("acme");
    expect(user.contact_methods).toEqual([
      expect.objectContaining({ type: "email_contact_method_reference", summary: "Default" }),
    ]);
  });

  it("refuses an account-level key with a 400, as pagerduty-cli expects before it falls back", async () => {
    const me = await api(sim, "GET", "/users/me", asAccount);
    expect(me.status).toBe(400);
    expect(me.json.error).toMatchObject({ message: "Invalid Input Provided", code: 2001 });
    const fallback = await api(sim, "GET", "/users?limit=1", asAccount);
    expect(fallback.status).toBe(200);
    expect(fallback.json.users).toHaveLength(1);
  });

  it("the default account's key is the default owner's", async () => {
    const { sim: plain, close: closePlain } = await startSimulator({ seed: "rest-users-default" });
    try {
      const me = await api(plain, "GET", "/users/me");
      expect(me.json.user).toMatchObject({ email: OWNER, role: "owner" });
      expect(me.json.user.html_url).toMatch(/^https:\/\/watermelon\.pagerduty\.com\/users\/P/);
    } finally {
      await closePlain();
    }
  });
});

describe("GET /users", () => {
  it("lists by name, filters with query on name and email, and pages", async () => {
    const all = await api(sim, "GET", "/users?total=true", asOlive);
    expect(all.json.users.map((u: { name: string }) => u.name)).toEqual([
      "Alice Anders",
      "Bob Builder",
      "Olive Owner",
    ]);
    expect(all.json).toMatchObject({ total: 3, more: false, limit: 25, offset: 0 });
    const byName = await api(sim, "GET", "/users?query=BUIL", asOlive);
    expect(byName.json.users.map((u: { id: string }) => u.id)).toEqual(["PBOB001"]);
    const byEmail = await api(sim, "GET", "/users?query=alice%40", asOlive);
    expect(byEmail.json.users.map((u: { name: string }) => u.name)).toEqual(["Alice Anders"]);
    const page = await api(sim, "GET", "/users?limit=1&offset=1", asOlive);
    expect(page.json.users.map((u: { name: string }) => u.name)).toEqual(["Bob Builder"]);
    expect(page.json.more).toBe(true);
  });

  it("expands contact methods and notification rules with include[]", async () => {
    const reply = await api(
      sim,
      "GET",
      "/users?query=bob&include%5B%5D=contact_methods&include%5B%5D=notification_rules",
      asOlive,
    );
    const bob = reply.json.users[0];
    expect(bob.contact_methods).toEqual([
      expect.objectContaining({
        type: "email_contact_method",
        label: "Work",
        address: "bob@acme.example",
      }),
      expect.objectContaining({ type: "sms_contact_method", label: "Mobile", country_code: 1 }),
    ]);
    expect(
      bob.notification_rules.map((r: { urgency: string; start_delay_in_minutes: number }) => [
        r.urgency,
        r.start_delay_in_minutes,
      ]),
    ).toEqual([
      ["high", 0],
      ["high", 5],
      ["low", 0],
    ]);
  });
});

describe("contact methods and notification rules", () => {
  it("renders them read-only, with the notification rules' urgency filter", async () => {
    const methods = await api(sim, "GET", "/users/PBOB001/contact_methods", asOlive);
    expect(methods.json.contact_methods.map((m: { label: string }) => m.label)).toEqual([
      "Work",
      "Mobile",
    ]);
    const sms = methods.json.contact_methods[1];
    expect(sms.self).toBe(`https://api.pagerduty.com/users/PBOB001/contact_methods/${sms.id}`);
    const one = await api(sim, "GET", `/users/PBOB001/contact_methods/${sms.id}`, asOlive);
    expect(one.json.contact_method).toEqual(sms);

    const high = await api(sim, "GET", "/users/PBOB001/notification_rules", asOlive);
    expect(high.json.notification_rules).toHaveLength(2);
    expect(high.json.notification_rules[0].contact_method).toMatchObject({
      id: sms.id,
      type: "sms_contact_method_reference",
    });
    const all = await api(
      sim,
      "GET",
      "/users/PBOB001/notification_rules?urgency=all&include[]=contact_methods",
      asOlive,
    );
    expect(all.json.notification_rules).toHaveLength(3);
    expect(all.json.notification_rules[0].contact_method).toMatchObject({
      type: "sms_contact_method",
      address: "5555550100",
    });
    const rule = all.json.notification_rules[2];
    const oneRule = await api(sim, "GET", `/users/PBOB001/notification_rules/${rule.id}`, asOlive);
    expect(oneRule.json.notification_rule).toMatchObject({ id: rule.id, urgency: "low" });
    expect((await api(sim, "GET", "/users/PBOB001/contact_methods/PNOPE00", asOlive)).status).toBe(
      404,
    );
  });
});

describe("create, update, delete", () => {
  it("creates a user with PagerDuty's default contact method, as the From user", async () => {
    const createdReply = await api(sim, "POST", "/users", {
      ...asAccount,
      from: "olive@acme.example",
      body: {
        user: { type: "user", name: "Carol New", email: "carol@acme.example", role: "user" },
      },
    });
    expect(createdReply.status).toBe(201);
    const carol = createdReply.json.user;
    expect(carol).toMatchObject({ name: "Carol New", email: "carol@acme.example", role: "user" });
    expect(carol.contact_methods).toHaveLength(1);
    expect(carol.notification_rules).toHaveLength(2);
    const fetched = await api(sim, "GET", `/users/${carol.id}`, asOlive);
    expect(fetched.json.user).toEqual(carol);
    expect(sim.journal.byType("pagerduty.api.changed").at(-1)?.data).toMatchObject({
      operation: "createUser",
      status: 201,
    });
  });

  it("needs an acting user: From with an account key, the key's user otherwise", async () => {
    const body = { user: { name: "Dan", email: "dan@acme.example" } };
    const noFrom = await api(sim, "POST", "/users", { ...asAccount, body });
    expect(noFrom.status).toBe(400);
    expect(noFrom.json.error).toEqual({
      message:
        'You must specify a user\'s email address in the "From" header to perform this action',
      code: 2016,
    });
    const malformed = await api(sim, "POST", "/users", {
      ...asAccount,
      body,
      from: "not an email",
    });
    expect(malformed.json.error).toEqual({ message: 'Malformed "From" header', code: 1028 });
    const unknown = await api(sim, "POST", "/users", {
      ...asAccount,
      body,
      from: "who@acme.example",
    });
    expect(unknown.json.error).toEqual({ message: "Requester User Not Found", code: 1008 });
    expect((await api(sim, "GET", "/users?query=dan", asOlive)).json.users).toEqual([]);
    const asUser = await api(sim, "POST", "/users", { ...asOlive, body });
    expect(asUser.status).toBe(201);
  });

  it("refuses bad bodies with every error at once, and changes nothing", async () => {
    const reply = await api(sim, "POST", "/users", {
      ...asOlive,
      body: {
        user: {
          type: "user",
          name: "",
          email: "bob@acme.example",
          role: "emperor",
          time_zone: "Mars/Olympus",
        },
      },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toEqual({
      message: "Invalid Input Provided",
      code: 2001,
      errors: [
        "Name can't be blank",
        "Email has already been taken",
        "Role is invalid (must be one of: admin, limited_user, observer, owner, read_only_user, restricted_access, read_only_limited_user, user)",
        "Time zone is invalid",
      ],
    });
    const notWrapped = await api(sim, "POST", "/users", { ...asOlive, body: { name: "x" } });
    expect(notWrapped.status).toBe(400);
    const notJson = await api(sim, "POST", "/users", { ...asOlive, body: "{nope" });
    expect(notJson.json.error.errors).toEqual(["The request body is not valid JSON"]);
    expect((await api(sim, "GET", "/users?total=true", asOlive)).json.total).toBe(3);
    expect(sim.journal.byType("pagerduty.api.refused").length).toBeGreaterThanOrEqual(3);
  });

  it("updates fields and keeps emails unique", async () => {
    const updated = await api(sim, "PUT", "/users/PBOB001", {
      ...asOlive,
      body: { user: { job_title: "Principal SRE", time_zone: "Asia/Tokyo" } },
    });
    expect(updated.status).toBe(200);
    expect(updated.json.user).toMatchObject({
      name: "Bob Builder",
      job_title: "Principal SRE",
      time_zone: "Asia/Tokyo",
    });
    const clash = await api(sim, "PUT", "/users/PBOB001", {
      ...asOlive,
      body: { user: { email: "ALICE@acme.example" } },
    });
    expect(clash.json.error.errors).toEqual(["Email has already been taken"]);
    expect(
      (await api(sim, "PUT", "/users/PNOPE00", { ...asOlive, body: { user: {} } })).status,
    ).toBe(404);
  });

  it("deletes a user, but not the owner nor the only target of a rule", async () => {
    const owner = (await api(sim, "GET", "/users/me", asOlive)).json.user;
    const refused = await api(sim, "DELETE", `/users/${owner.id}`, asOlive);
    expect(refused.status).toBe(400);
    expect(refused.json.error.errors).toContain("The account owner cannot be deleted");

    const policy = await api(sim, "POST", "/escalation_policies", {
      ...asOlive,
      body: {
        escalation_policy: {
          type: "escalation_policy",
          name: "Bob only",
          escalation_rules: [
            {
              escalation_delay_in_minutes: 10,
              targets: [{ id: "PBOB001", type: "user_reference" }],
            },
          ],
        },
      },
    });
    expect(policy.status).toBe(201);
    const blocked = await api(sim, "DELETE", "/users/PBOB001", asOlive);
    expect(blocked.status).toBe(400);
    expect(blocked.json.error.errors[0]).toMatch(
      /only target of rule 1 of escalation policy Bob only/,
    );

    const alice = (await api(sim, "GET", "/users?query=alice", asOlive)).json.users[0];
    const deleted = await api(sim, "DELETE", `/users/${alice.id}`, asOlive);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    expect((await api(sim, "GET", `/users/${alice.id}`, asOlive)).status).toBe(404);
  });

  it("resets to the configured users", async () => {
    await api(sim, "POST", "/users", {
      ...asOlive,
      body: { user: { name: "Eve", email: "eve@acme.example" } },
    });
    expect((await api(sim, "GET", "/users?total=true", asOlive)).json.total).toBe(4);
    await reset(sim);
    expect((await api(sim, "GET", "/users?total=true", asOlive)).json.total).toBe(3);
  });
});
