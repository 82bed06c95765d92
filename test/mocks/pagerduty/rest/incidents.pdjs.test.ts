/**
 * The incident routes through PagerDuty's own JavaScript client, @pagerduty/pdjs 2.2.4, over
 * https with the simulator's CA: incidents from Events API triggers listed with `.all()` across
 * pages and set filters, one read, acknowledged and resolved with `put` and the From header,
 * a note posted and the log entries read.
 */
import https from "node:https";
import { createRequire } from "node:module";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { ENQUEUE, post } from "../helpers.js";
import { ALICE, account, BOB, KEY, MINUTE } from "../incidents/helpers.js";
import { startSimulator, token } from "./helpers.js";

const require = createRequire(import.meta.url);
const pdjs = require("@pagerduty/pdjs") as typeof import("@pagerduty/pdjs");

let sim: Simulator;
let ca: Buffer;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ sim, ca, close } = await startSimulator({ seed: "incidents-pdjs", pagerduty: account() }));
});
afterAll(async () => close());

// biome-ignore lint/suspicious/noExplicitAny: pdjs's partial client is typed loosely.
function client(): any {
  return pdjs.api({
    token: token(sim),
    server: `${new URL(sim.endpoints.pagerdutyApi.httpsUrl).host}/api.pagerduty.com`,
    agent: new https.Agent({ ca }),
  } as never);
}

// biome-ignore lint/suspicious/noExplicitAny: answers are checked field by field.
type Json = any;

describe("@pagerduty/pdjs 2.2.4 api() on incidents", () => {
  it("lists, reads, acknowledges, annotates and resolves incidents opened by events", async () => {
    for (let i = 0; i < 30; i++) {
      const reply = await post(sim, ENQUEUE, {
        routing_key: KEY,
        event_action: "trigger",
        dedup_key: `pdjs-${i}`,
        payload: {
          summary: `checkout error ${i}`,
          source: "checkout",
          severity: i < 3 ? "warning" : "critical",
          custom_details: { traceId: `pdjs-trace-${i}` },
        },
      });
      expect(reply.status).toBe(202);
    }
    await sim.clock.runFor(MINUTE);
    const pd = client();
    const all = await pd.all("/incidents");
    // Two pages of 25 (the default limit), concatenated.
    expect(all.data.map((d: Json) => d.offset)).toEqual([0, 25]);
    expect(all.resource).toHaveLength(30);
    const low = await pd.get("/incidents", { data: { "urgencies[]": ["low"], total: true } });
    expect(low.data.total).toBe(3);
    expect(low.resource.map((i: Json) => i.incident_key)).toEqual(["pdjs-0", "pdjs-1", "pdjs-2"]);

    const first = all.resource[0];
    const one = await pd.get(`/incidents/${first.incident_number}`);
    expect(one.data.incident.id).toBe(first.id);

    const acked = await pd.put(`/incidents/${first.id}`, {
      headers: { From: BOB.email },
      data: { incident: { type: "incident_reference", status: "acknowledged" } },
    });
    expect(acked.status).toBe(200);
    expect(acked.data.incident).toMatchObject({
      status: "acknowledged",
      acknowledgements: [{ acknowledger: { id: BOB.id } }],
    });
    const note = await pd.post(`/incidents/${first.id}/notes`, {
      headers: { From: ALICE.email },
      data: { note: { content: "looking into it" } },
    });
    expect(note.status).toBe(200);
    expect(note.data.note.content).toBe("looking into it");
    const resolved = await pd.put(`/incidents/${first.id}`, {
      headers: { From: BOB.email },
      data: { incident: { type: "incident_reference", status: "resolved" } },
    });
    expect(resolved.data.incident.status).toBe("resolved");
    const again = await pd.put(`/incidents/${first.id}`, {
      headers: { From: BOB.email },
      data: { incident: { type: "incident_reference", status: "resolved" } },
    });
    expect(again.status).toBe(400);
    expect(again.data).toEqual({ error: { message: "Incident Already Resolved", code: 1001 } });

    // pdjs names the resource after the first path segment ("incidents"): the body has them.
    const entries = await pd.get(`/incidents/${first.id}/log_entries`);
    expect(entries.data.log_entries.map((e: Json) => e.type)).toEqual([
      "resolve_log_entry",
      "annotate_log_entry",
      "acknowledge_log_entry",
      "notify_log_entry",
      "assign_log_entry",
      "trigger_log_entry",
    ]);
    expect(entries.data.log_entries.at(-1).channel.details).toEqual({ traceId: "pdjs-trace-0" });
  });
});
