/**
 * PagerDuty's JavaScript client, @pagerduty/pdjs 2.2.4, unchanged, against the REST API. Its
 * `api()` builds `https://${server}/${endpoint}`: https only, so it talks to the simulator's
 * https port with the CA, and `server` carries the leading `/api.pagerduty.com` segment, which
 * its resource extraction (`/.+.com\/(\w+)/`) needs for `.all()` and `resource`
 * (reference/pagerduty.md §5.1).
 */
import https from "node:https";
import { createRequire } from "node:module";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { reset, startSimulator, token } from "./helpers.js";

const require = createRequire(import.meta.url);
const pdjs = require("@pagerduty/pdjs") as typeof import("@pagerduty/pdjs");

let sim: Simulator;
let ca: Buffer;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ sim, ca, close } = await startSimulator({ seed: "rest-pdjs" }));
});
afterAll(async () => close());
beforeEach(async () => reset(sim));

// biome-ignore lint/suspicious/noExplicitAny: pdjs's partial client is typed loosely.
function client(extra: Record<string, unknown> = {}): any {
  return pdjs.api({
    token: token(sim),
    server: `${new URL(sim.endpoints.pagerdutyApi.httpsUrl).host}/api.pagerduty.com`,
    agent: new https.Agent({ ca }),
    ...extra,
  } as never);
}

describe("@pagerduty/pdjs 2.2.4 api()", () => {
  it("gets the current user and the priorities, with resource extracted", async () => {
    const pd = client();
    const me = await pd.get("/users/me");
    expect(me.status).toBe(200);
    expect(me.data.user.email).toBe("owner@watermelon.example");
    const priorities = await pd.get("/priorities");
    expect(priorities.resource.map((p: { name: string }) => p.name)).toEqual([
      "P1",
      "P2",
      "P3",
      "P4",
      "P5",
    ]);
  });

  it("posts, puts and deletes services, and reads each answer", async () => {
    const pd = client();
    const policy = (await pd.get("/escalation_policies")).resource[0];
    const made = await pd.post("/services", {
      data: {
        service: {
          type: "service",
          name: "pdjs service",
          escalation_policy: { id: policy.id, type: "escalation_policy_reference" },
          tier: "silver",
        },
      },
    });
    expect(made.status).toBe(201);
    // pdjs singularises the resource of a write: data.service.
    expect(made.resource).toMatchObject({ name: "pdjs service", tier: "silver" });
    const id = made.resource.id;
    const updated = await pd.put(`/services/${id}`, {
      data: { service: { description: "edited by pdjs" } },
    });
    expect(updated.data.service.description).toBe("edited by pdjs");
    const deleted = await pd.delete(`/services/${id}`);
    expect(deleted.status).toBe(204);
    const gone = await pd.get(`/services/${id}`);
    expect(gone.status).toBe(404);
    expect(gone.data).toEqual({ error: { message: "Not Found", code: 2100 } });
  });

  it(".all() follows more/offset/limit across pages", async () => {
    const pd = client();
    const policy = (await pd.get("/escalation_policies")).resource[0];
    for (let i = 0; i < 6; i++) {
      const r = await pd.post("/services", {
        data: {
          service: {
            name: `svc-${i}`,
            escalation_policy: { id: policy.id, type: "escalation_policy_reference" },
          },
        },
      });
      expect(r.status).toBe(201);
    }
    const all = await pd.all("/services", { data: { limit: 2 } });
    // 7 services over 4 pages of 2.
    expect(all.data).toHaveLength(4);
    expect(all.data.map((d: { offset: number }) => d.offset)).toEqual([0, 2, 4, 6]);
    expect(all.resource.map((s: { name: string }) => s.name)).toEqual([
      "svc-0",
      "svc-1",
      "svc-2",
      "svc-3",
      "svc-4",
      "svc-5",
      "watermelon",
    ]);
  });

  it("sends set filters as pdjs passes them, and the From header through headers", async () => {
    const pd = client();
    const bob = await pd.post("/users", {
      data: { user: { name: "Bob", email: "bob@watermelon.example" } },
      headers: { From: "owner@watermelon.example" },
    });
    expect(bob.status).toBe(201);
    const policy = await pd.post("/escalation_policies", {
      data: {
        escalation_policy: {
          name: "Bob's",
          escalation_rules: [
            {
              escalation_delay_in_minutes: 5,
              targets: [{ id: bob.resource.id, type: "user_reference" }],
            },
          ],
        },
      },
    });
    expect(policy.status).toBe(201);
    const filtered = await pd.get("/escalation_policies", {
      data: { "user_ids[]": [bob.resource.id] },
    });
    expect(filtered.resource.map((p: { name: string }) => p.name)).toEqual(["Bob's"]);
  });

  it("gets PagerDuty's 401 body for a wrong token", async () => {
    const pd = client({ token: "wrongwrongwrongwrong" });
    const reply = await pd.get("/users/me");
    expect(reply.status).toBe(401);
    expect(reply.data).toEqual({ error: { message: "Unauthorized", code: 2006 } });
  });
});
