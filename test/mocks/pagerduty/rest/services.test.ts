/**
 * Services and their integrations through HTTP, against the same records the Events API uses:
 * a key created here takes events at once, the status follows the service's incidents, a
 * disabled service drops events, the tier is kept for the SLA/XLA report.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { ENQUEUE, post } from "../helpers.js";
import { api, reset, startSimulator, state } from "./helpers.js";

let sim: Simulator;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ sim, close } = await startSimulator({ seed: "rest-services" }));
});
afterAll(async () => close());
beforeEach(async () => reset(sim));

async function defaultPolicyId(): Promise<string> {
  return (await api(sim, "GET", "/escalation_policies")).json.escalation_policies[0].id;
}

async function createService(body: Record<string, unknown>) {
  return api(sim, "POST", "/services", { body: { service: { type: "service", ...body } } });
}

const trigger = (routingKey: string, summary = "boom") => ({
  routing_key: routingKey,
  event_action: "trigger",
  payload: { summary, source: "host-1", severity: "critical" },
});

describe("the configured service", () => {
  it("is the Events API's, with its integration key, policy and PagerDuty's timeouts", async () => {
    const list = await api(sim, "GET", "/services?include[]=integrations&total=true");
    expect(list.json.total).toBe(1);
    const service = list.json.services[0];
    expect(service).toMatchObject({
      type: "service",
      name: "watermelon",
      status: "active",
      auto_resolve_timeout: 14_400,
      acknowledgement_timeout: 1_800,
      incident_urgency_rule: { type: "constant", urgency: "severity_based" },
      alert_creation: "create_alerts_and_incidents",
      tier: null,
    });
    expect(service.html_url).toBe(
      `https://watermelon.pagerduty.com/service-directory/${service.id}`,
    );
    expect(service.escalation_policy).toMatchObject({
      type: "escalation_policy_reference",
      summary: "Default",
      id: await defaultPolicyId(),
    });
    expect(service.integrations).toEqual([
      expect.objectContaining({
        type: "events_api_v2_inbound_integration",
        integration_key: sim.env.PAGERDUTY_ROUTING_KEY,
        self: `https://api.pagerduty.com/services/${service.id}/integrations/${service.integrations[0].id}`,
      }),
    ]);
    const plain = await api(sim, "GET", `/services/${service.id}`);
    expect(plain.json.service.integrations).toEqual([
      expect.objectContaining({
        type: "events_api_v2_inbound_integration_reference",
        summary: "Events API V2",
      }),
    ]);
    const one = await api(
      sim,
      "GET",
      `/services/${service.id}/integrations/${service.integrations[0].id}`,
    );
    expect(one.json.integration.integration_key).toBe(sim.env.PAGERDUTY_ROUTING_KEY);
  });

  it("shows critical with a triggered incident, warning once acknowledged, active once resolved", async () => {
    const id = (await api(sim, "GET", "/services")).json.services[0].id;
    const status = async () => (await api(sim, "GET", `/services/${id}`)).json.service.status;
    const key = sim.env.PAGERDUTY_ROUTING_KEY as string;
    const sent = await post(sim, ENQUEUE, trigger(key));
    expect(await status()).toBe("critical");
    const follow = { routing_key: key, dedup_key: sent.json.dedup_key };
    await post(sim, ENQUEUE, { ...follow, event_action: "acknowledge" });
    expect(await status()).toBe("warning");
    await post(sim, ENQUEUE, { ...follow, event_action: "resolve" });
    expect(await status()).toBe("active");
    expect((await api(sim, "GET", `/services/${id}`)).json.service.last_incident_timestamp).toBe(
      new Date(sim.clock.now()).toISOString(),
    );
  });
});

describe("creating services and integrations", () => {
  it("creates a service whose new integration key takes events at once", async () => {
    const made = await createService({
      name: "checkout",
      description: "Checkout API",
      escalation_policy: { id: await defaultPolicyId(), type: "escalation_policy_reference" },
      incident_urgency_rule: { type: "constant", urgency: "low" },
      acknowledgement_timeout: 600,
      tier: "gold",
    });
    expect(made.status).toBe(201);
    const service = made.json.service;
    expect(service).toMatchObject({
      name: "checkout",
      description: "Checkout API",
      tier: "gold",
      status: "active",
      acknowledgement_timeout: 600,
      // Unset in a POST: off, as the spec says.
      auto_resolve_timeout: null,
      integrations: [],
    });
    expect(service.id).toMatch(/^P[A-Z0-9]{6}$/);

    const integration = await api(sim, "POST", `/services/${service.id}/integrations`, {
      body: { integration: { type: "events_api_v2_inbound_integration", name: "From Logz.io" } },
    });
    expect(integration.status).toBe(201);
    const key = integration.json.integration.integration_key;
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(integration.json.integration).toMatchObject({
      name: "From Logz.io",
      service: { id: service.id, type: "service_reference", summary: "checkout" },
    });

    const accepted = await post(sim, ENQUEUE, trigger(key, "checkout down"));
    expect(accepted.status).toBe(202);
    const incident = (await state(sim)).incidents.at(-1);
    expect(incident).toMatchObject({
      service: { id: service.id },
      urgency: "low",
      title: "checkout down",
    });
    expect(
      (await api(sim, "GET", `/services/${service.id}`)).json.service.integrations,
    ).toHaveLength(1);

    const renamed = await api(
      sim,
      "PUT",
      `/services/${service.id}/integrations/${integration.json.integration.id}`,
      { body: { integration: { name: "Renamed" } } },
    );
    expect(renamed.json.integration).toMatchObject({ name: "Renamed", integration_key: key });
  });

  it("refuses bad bodies with every error at once, and creates nothing", async () => {
    const reply = await createService({
      name: "watermelon",
      escalation_policy: { id: "PNOPE00", type: "escalation_policy_reference" },
      auto_resolve_timeout: -5,
      incident_urgency_rule: { type: "constant", urgency: "medium" },
      alert_grouping_parameters: { type: "time", config: { timeout: 5000 } },
      tier: "platinum",
      status: "disabled",
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toEqual({
      message: "Invalid Input Provided",
      code: 2001,
      errors: [
        "Name has already been taken",
        "Auto resolve timeout must be greater than or equal to 0",
        "Escalation policy PNOPE00 not found",
        "Status is invalid (must be one of: active)",
        "Incident urgency rule urgency is invalid (must be one of: high, low, severity_based)",
        "Alert grouping parameters config timeout must be less than or equal to 1440",
        "Tier is invalid (must be one of: gold, silver, bronze)",
      ],
    });
    const missing = await createService({});
    expect(missing.json.error.errors).toEqual([
      "Name can't be blank",
      "Escalation policy can't be blank",
    ]);
    const badIntegration = await api(
      sim,
      "POST",
      `/services/${(await api(sim, "GET", "/services")).json.services[0].id}/integrations`,
      { body: { integration: { type: "generic_email_inbound_integration" } } },
    );
    expect(badIntegration.status).toBe(400);
    expect((await api(sim, "GET", "/services?total=true")).json.total).toBe(1);
  });

  it("answers 404 for unknown services and integrations", async () => {
    const id = (await api(sim, "GET", "/services")).json.services[0].id;
    for (const path of ["/services/PNOPE00", `/services/${id}/integrations/PNOPE00`]) {
      const reply = await api(sim, "GET", path);
      expect(reply.status, path).toBe(404);
      expect(reply.json.error).toEqual({ message: "Not Found", code: 2100 });
    }
  });
});

describe("updating, listing and deleting", () => {
  it("disables a service, which then drops events, and enables it again", async () => {
    const id = (await api(sim, "GET", "/services")).json.services[0].id;
    const disabled = await api(sim, "PUT", `/services/${id}`, {
      body: { service: { status: "disabled", tier: "bronze" } },
    });
    expect(disabled.json.service).toMatchObject({ status: "disabled", tier: "bronze" });
    const key = sim.env.PAGERDUTY_ROUTING_KEY as string;
    expect((await post(sim, ENQUEUE, trigger(key))).status).toBe(202);
    expect((await state(sim)).incidents).toEqual([]);
    await api(sim, "PUT", `/services/${id}`, { body: { service: { status: "active" } } });
    await post(sim, ENQUEUE, trigger(key));
    expect((await state(sim)).incidents).toHaveLength(1);
    // The store keeps the tier for the report.
    expect((await state(sim)).services[0].tier).toBe("bronze");
  });

  it("lists by name with query, name and sort_by", async () => {
    const policy = { id: await defaultPolicyId(), type: "escalation_policy_reference" };
    for (const name of ["billing", "api gateway", "Zeta"]) {
      expect((await createService({ name, escalation_policy: policy })).status).toBe(201);
    }
    const names = async (q: string) =>
      (await api(sim, "GET", `/services${q}`)).json.services.map((s: { name: string }) => s.name);
    expect(await names("")).toEqual(["api gateway", "billing", "watermelon", "Zeta"]);
    expect(await names("?sort_by=name:desc")).toEqual([
      "Zeta",
      "watermelon",
      "billing",
      "api gateway",
    ]);
    expect(await names("?query=AT")).toEqual(["api gateway", "watermelon"]);
    expect(await names("?name=billing")).toEqual(["billing"]);
    expect((await api(sim, "GET", "/services?sort_by=size")).status).toBe(400);
  });

  it("deletes a service and its keys, but not while it has open incidents", async () => {
    const id = (await api(sim, "GET", "/services")).json.services[0].id;
    const key = sim.env.PAGERDUTY_ROUTING_KEY as string;
    const sent = await post(sim, ENQUEUE, trigger(key));
    const refused = await api(sim, "DELETE", `/services/${id}`);
    expect(refused.status).toBe(400);
    expect(refused.json.error.errors[0]).toMatch(/open incidents \(#1\)/);
    await post(sim, ENQUEUE, {
      routing_key: key,
      dedup_key: sent.json.dedup_key,
      event_action: "resolve",
    });
    const deleted = await api(sim, "DELETE", `/services/${id}`);
    expect(deleted.status).toBe(204);
    expect((await api(sim, "GET", `/services/${id}`)).status).toBe(404);
    const afterwards = await post(sim, ENQUEUE, trigger(key));
    expect(afterwards.status).toBe(400);
    expect(afterwards.text).toBe("Invalid routing key");
    await reset(sim);
    expect((await api(sim, "GET", `/services/${id}`)).status).toBe(200);
  });
});
