import { afterEach, describe, expect, it } from "vitest";
import { createSimulator, SimulatorOptionsError } from "../../../simulator/cli/api.js";
import { ENQUEUE, post, postThroughProxy, startSimulator, state, trigger } from "./helpers.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});

async function start(options: Parameters<typeof startSimulator>[0] = {}) {
  const started = await startSimulator(options);
  closers.push(started.close);
  return started;
}

describe("createSimulator's PagerDuty", () => {
  it("starts one service 'watermelon' whose Events API v2 key is PAGERDUTY_ROUTING_KEY", async () => {
    const { sim } = await start({ seed: "wiring" });
    const key = sim.env.PAGERDUTY_ROUTING_KEY as string;
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    // Next to the other PagerDuty variables of the ready line.
    const names = Object.keys(sim.env);
    expect(names.indexOf("PAGERDUTY_ROUTING_KEY")).toBe(names.indexOf("PAGERDUTY_API_URL") + 1);
    expect((await post(sim, ENQUEUE, trigger(sim))).status).toBe(202);
    const s = await state(sim);
    expect(s.services.map((x: { name: string; status: string }) => [x.name, x.status])).toEqual([
      ["watermelon", "active"],
    ]);
    expect(s.services[0]).toMatchObject({
      incident_urgency_rule: { type: "constant", urgency: "severity_based" },
      html_url: `https://watermelon.pagerduty.com/service-directory/${s.services[0].id}`,
    });
    expect(s.integrations).toMatchObject([
      { type: "events_api_v2_inbound_integration", name: "Events API V2" },
    ]);
    expect(s.incidents[0].service.id).toBe(s.services[0].id);
  });

  it("keeps the key out of the state endpoint", async () => {
    const { sim } = await start({ seed: "wiring" });
    const s = await state(sim);
    expect(s.integrations[0].integration_key).toBe("<redacted>");
    expect(JSON.stringify(s)).not.toContain(sim.env.PAGERDUTY_ROUTING_KEY as string);
  });

  it("draws the key and the ids from the seed: the same seed, the same run", async () => {
    const a = await start({ seed: "same" });
    const b = await start({ seed: "same" });
    const c = await start({ seed: "other" });
    expect(a.sim.env.PAGERDUTY_ROUTING_KEY).toBe(b.sim.env.PAGERDUTY_ROUTING_KEY);
    expect(a.sim.env.PAGERDUTY_ROUTING_KEY).not.toBe(c.sim.env.PAGERDUTY_ROUTING_KEY);
    for (const { sim } of [a, b]) await post(sim, ENQUEUE, trigger(sim));
    const [sa, sb] = [await state(a.sim), await state(b.sim)];
    expect(sa.incidents).toEqual(sb.incidents);
    expect(sa.alerts).toEqual(sb.alerts);
    const journal = (sim: typeof a.sim) =>
      sim.journal.byType("pagerduty.*").map(({ seq: _seq, ...rest }) => rest);
    expect(journal(a.sim)).toEqual(journal(b.sim));
  });

  it("takes services, keys, subdomain and urgency from the pagerduty option", async () => {
    const key = "R".repeat(16) + "0".repeat(16);
    const { sim } = await start({
      pagerduty: {
        subdomain: "acme",
        services: [
          { name: "legacy", integrations: [{ key: "1".repeat(32), api: "v1" }] },
          { name: "payments", urgency: "low", integrations: [{ key, name: "Logz.io" }] },
        ],
      },
    });
    // The first v2 key is the one clients are told to use.
    expect(sim.env.PAGERDUTY_ROUTING_KEY).toBe(key);
    await post(sim, ENQUEUE, trigger(sim));
    const s = await state(sim);
    expect(s.integrations.map((i: { type: string; name: string }) => [i.type, i.name])).toEqual([
      ["generic_events_api_inbound_integration", "Events API V1"],
      ["events_api_v2_inbound_integration", "Logz.io"],
    ]);
    expect(s.incidents[0]).toMatchObject({ urgency: "low" });
    expect(s.incidents[0].html_url).toMatch(/^https:\/\/acme\.pagerduty\.com\/incidents\/P/);
  });

  it("accepts and drops unknown routing keys when asked to", async () => {
    const { sim } = await start({ pagerduty: { unknownRoutingKeys: "accept" } });
    const reply = await post(sim, ENQUEUE, { ...trigger(sim), routing_key: "9".repeat(32) });
    expect(reply.status).toBe(202);
    expect(reply.json.dedup_key).toMatch(/^[0-9a-f]{32}$/);
    expect((await state(sim)).incidents).toEqual([]);
    expect(sim.journal.byType("pagerduty.event.dropped").map((e) => e.data.reason)).toEqual([
      "no integration has this routing key",
    ]);
  });

  it("names the field of a bad pagerduty option", () => {
    const bad = (pagerduty: unknown) => () =>
      createSimulator({ pagerduty } as Parameters<typeof createSimulator>[0]);
    expect(bad({ services: [{ name: "s", integrations: [{ key: "short" }] }] })).toThrow(
      /pagerduty\.services\.0\.integrations\.0\.key: expected an integration key of 32 letters and digits/,
    );
    const twice = { key: "a".repeat(32) };
    expect(
      bad({
        services: [
          { name: "a", integrations: [twice] },
          { name: "b", integrations: [twice] },
        ],
      }),
    ).toThrow(
      /pagerduty\.services\.1\.integrations\.0\.key: the same integration key is already used/,
    );
    expect(bad({ services: [] })).toThrow(SimulatorOptionsError);
    expect(bad({ services: [{ name: "s", integrations: [] }] })).toThrow(/integrations/);
    expect(bad({ rateLimit: { limit: 0, windowMs: 1 } })).toThrow(/pagerduty\.rateLimit/);
    expect(bad({ subdomain: "Not A Host" })).toThrow(/pagerduty\.subdomain/);
    expect(bad({ routingKey: "x" })).toThrow(/pagerduty/);
  });

  it("answers as https://events.pagerduty.com through the proxy", async () => {
    const { sim, ca } = await start({ seed: "wiring" });
    const reply = await postThroughProxy(sim, ca, "events.pagerduty.com", ENQUEUE, trigger(sim));
    expect(reply.status).toBe(202);
    expect(JSON.parse(reply.body)).toMatchObject({ status: "success", message: "Event processed" });
    const eu = await postThroughProxy(sim, ca, "events.eu.pagerduty.com", ENQUEUE, trigger(sim));
    expect(eu.status).toBe(202);
    expect((await state(sim)).incidents).toHaveLength(2);
  });
});
