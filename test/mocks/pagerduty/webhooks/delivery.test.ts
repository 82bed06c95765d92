/**
 * One delivery as a receiver sees it: PagerDuty's headers, a signature the receiver checks the
 * way 04-Signatures.md says, the v3 envelope of 01-Overview.md, custom headers and basic auth.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import addFormats from "ajv-formats";
import { afterEach, describe, expect, it } from "vitest";
import { WEBHOOK_EVENT_TYPES } from "../../../../mocks/pagerduty/webhooks/index.js";
import {
  AGENT,
  type Harness,
  harness,
  incidentData,
  incidentEvent,
  MINUTE,
  signatureMatches,
} from "./helpers.js";

const SPEC = fileURLToPath(
  new URL("../../../../../shared/specs/pagerduty/REST-openapiv3.json", import.meta.url),
);
const specPresent = existsSync(SPEC);

let h: Harness;
afterEach(async () => h.close());

describe("one delivery", () => {
  it("POSTs the event as JSON with PagerDuty's v3 headers", async () => {
    h = harness();
    const r = await h.receiver();
    const { id } = h.subscribe(r.url);
    const published = h.webhooks.publish(incidentEvent("incident.triggered"));
    await h.clock.runUntilIdle();

    expect(r.got).toHaveLength(1);
    const [got] = r.got;
    expect(got?.method).toBe("POST");
    expect(got?.headers["content-type"]).toBe("application/json");
    expect(got?.headers["user-agent"]).toBe("PagerDuty-Webhook/V3.0");
    expect(got?.headers["x-webhook-subscription"]).toBe(id);
    const webhookId = got?.headers["x-webhook-id"];
    expect(webhookId).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(published.webhooks).toEqual([{ subscriptionId: id, webhookId, disposition: "queued" }]);
    expect(got?.headers["x-pagerduty-signature"]).toMatch(/^v1=[0-9a-f]{64}$/);
  });

  it("signs the raw body with the subscription's secret, and only that secret verifies it", async () => {
    h = harness();
    const r = await h.receiver();
    const a = h.subscribe(r.url);
    const b = h.subscribe(r.url);
    expect(a.secret).not.toBe(b.secret);
    h.webhooks.publish(incidentEvent("incident.triggered"));
    await h.clock.runUntilIdle();

    const forA = r.got.find((g) => g.headers["x-webhook-subscription"] === a.id);
    const forB = r.got.find((g) => g.headers["x-webhook-subscription"] === b.id);
    if (!forA || !forB) throw new Error("a subscription got nothing");
    expect(signatureMatches(forA.headers["x-pagerduty-signature"], forA.raw, a.secret)).toBe(true);
    expect(signatureMatches(forB.headers["x-pagerduty-signature"], forB.raw, b.secret)).toBe(true);
    expect(signatureMatches(forA.headers["x-pagerduty-signature"], forA.raw, b.secret)).toBe(false);
    // One byte changed is enough to fail: the signature covers the bytes, not the JSON value.
    const tampered = Buffer.from(forA.raw.toString("utf8").replace('"number":2', '"number":3'));
    expect(tampered.equals(forA.raw)).toBe(false);
    expect(signatureMatches(forA.headers["x-pagerduty-signature"], tampered, a.secret)).toBe(false);
    // Re-serialising the parsed body gives other bytes unless nothing was reformatted: receivers
    // must keep the raw body. Ours is compact JSON, so the round trip happens to agree.
    expect(Buffer.from(JSON.stringify(forA.json)).equals(forA.raw)).toBe(true);
  });

  it("sends one v1= signature per secret while a secret is rotated, each one verifying", async () => {
    h = harness();
    const r = await h.receiver();
    const { id, secret: first } = h.subscribe(r.url);
    const second = h.webhooks.rotateSecret(id);
    if (second === undefined) throw new Error("no subscription to rotate");
    h.webhooks.publish(incidentEvent("incident.triggered"));
    await h.clock.runUntilIdle();
    const during = r.got[0];
    if (!during) throw new Error("nothing delivered");
    const header = String(during.headers["x-pagerduty-signature"]);
    expect(header).toMatch(/^v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(signatureMatches(header, during.raw, first)).toBe(true);
    expect(signatureMatches(header, during.raw, second)).toBe(true);

    h.webhooks.retireSecrets(id);
    h.webhooks.publish(incidentEvent("incident.acknowledged", { status: "acknowledged" }));
    await h.clock.runUntilIdle();
    const after = r.got[1];
    if (!after) throw new Error("nothing delivered after retiring");
    expect(String(after.headers["x-pagerduty-signature"])).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(signatureMatches(after.headers["x-pagerduty-signature"], after.raw, second)).toBe(true);
    expect(signatureMatches(after.headers["x-pagerduty-signature"], after.raw, first)).toBe(false);
  });

  it("wraps the event in the v3 envelope, data as given, occurred_at on the simulator clock", async () => {
    h = harness();
    const r = await h.receiver();
    h.subscribe(r.url);
    await h.clock.runFor(7 * MINUTE);
    const data = incidentData({ status: "acknowledged" });
    const published = h.webhooks.publish({
      event_type: "incident.acknowledged",
      agent: AGENT,
      client: { name: "PagerDuty" },
      data,
    });
    h.webhooks.publish({ event_type: "incident.resolved", data: incidentData() });
    await h.clock.runUntilIdle();

    expect(r.got[0]?.json).toEqual({
      event: {
        id: published.eventId,
        event_type: "incident.acknowledged",
        resource_type: "incident",
        occurred_at: "2026-01-05T09:07:00.000Z",
        agent: AGENT,
        client: { name: "PagerDuty" },
        data,
      },
    });
    // The documented order of the fields (01-Overview.md's table and examples).
    expect(Object.keys(r.got[0]?.json.event)).toEqual([
      "id",
      "event_type",
      "resource_type",
      "occurred_at",
      "agent",
      "client",
      "data",
    ]);
    // Nobody initiated it and no client is known: null, as the service.updated example shows.
    expect(r.got[1]?.json.event.agent).toBeNull();
    expect(r.got[1]?.json.event.client).toBeNull();
    expect(r.got[1]?.json.event.id).not.toBe(published.eventId);
  });

  it.skipIf(!specPresent)(
    "the envelope matches the documented fields and the spec's reference schemas (skipped without ../shared/specs)",
    async () => {
      h = harness();
      const r = await h.receiver();
      const { id } = h.subscribe(r.url, { events: ["incident.triggered", "incident.annotated"] });
      h.webhooks.publish(incidentEvent("incident.triggered"));
      h.webhooks.publish({
        event_type: "incident.annotated",
        agent: null,
        data: {
          incident: { id: "PGR0VU2", type: "incident_reference", summary: "A little bump" },
          id: "P2LA89X",
          content: "I sure am glad we are using PagerDuty!",
          trimmed: false,
          type: "incident_note",
        },
        scope: { serviceId: "PF9KMXH" },
      });
      h.webhooks.pingSubscription(id);
      await h.clock.runUntilIdle();
      expect(r.got).toHaveLength(3);

      const spec = JSON.parse(readFileSync(SPEC, "utf8"));
      // The REST spec describes subscriptions but not the payloads they deliver: checked here so
      // the envelope's schema below is known to come from the docs' field table instead.
      expect(JSON.stringify(spec)).not.toContain('"event_type"');
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats.default(ajv);
      ajv.addSchema(spec, "rest");
      const reference = (name: string) => ({ $ref: `rest#/components/schemas/${name}` });
      const validate = ajv.compile({
        type: "object",
        required: ["event"],
        additionalProperties: false,
        properties: {
          event: {
            type: "object",
            additionalProperties: false,
            required: [
              "id",
              "event_type",
              "resource_type",
              "occurred_at",
              "agent",
              "client",
              "data",
            ],
            properties: {
              id: { type: "string", format: "uuid" },
              event_type: { enum: [...Object.keys(WEBHOOK_EVENT_TYPES), "pagey.ping"] },
              resource_type: { enum: ["incident", "service", "pagey"] },
              occurred_at: { type: "string", format: "date-time" },
              agent: {
                anyOf: [
                  { type: "null" },
                  reference("UserReference"),
                  reference("ServiceReference"),
                ],
              },
              client: {
                anyOf: [
                  { type: "null" },
                  { type: "object", required: ["name"], properties: { name: { type: "string" } } },
                ],
              },
              data: { type: "object", required: ["type"] },
            },
          },
        },
      });
      // Teeth: a wrong resource type and a missing field are caught.
      const sample = r.got[0]?.json;
      expect(validate({ event: { ...sample.event, resource_type: "alert" } })).toBe(false);
      const { client: _client, ...withoutClient } = sample.event;
      expect(validate({ event: withoutClient })).toBe(false);
      expect(validate({ event: { ...sample.event, agent: { id: "P1", type: "nobody" } } })).toBe(
        false,
      );
      for (const got of r.got) {
        expect(validate(got.json), JSON.stringify(validate.errors)).toBe(true);
      }
      // data.type follows the event type (01-Overview.md's table). The note waits for the
      // incident's earlier webhook (one incident's webhooks go in order); the ping does not.
      expect(r.got.map((g) => [g.json.event.event_type, g.json.event.data.type])).toEqual([
        ["incident.triggered", "incident"],
        ["pagey.ping", "ping"],
        ["incident.annotated", "incident_note"],
      ]);
    },
  );

  it("sends the custom headers with their values, while reads redact them", async () => {
    h = harness();
    const r = await h.receiver();
    const { id } = h.subscribe(r.url, {
      custom_headers: [
        { name: "X-Team", value: "core" },
        { name: "Authorization", value: "Bearer abc123" },
      ],
    });
    h.webhooks.publish(incidentEvent("incident.triggered"));
    await h.clock.runUntilIdle();
    expect(r.got[0]?.headers["x-team"]).toBe("core");
    expect(r.got[0]?.headers.authorization).toBe("Bearer abc123");
    expect(h.webhooks.getSubscription(id)?.delivery_method.custom_headers).toEqual([
      { name: "X-Team", value: "-- redacted --" },
      { name: "Authorization", value: "-- redacted --" },
    ]);
  });

  it("turns credentials in the URL into basic authentication", async () => {
    h = harness();
    const r = await h.receiver();
    const url = new URL(r.url);
    url.username = "pager";
    url.password = "long password";
    url.pathname = "/hooks/pd";
    h.subscribe(url.toString());
    h.webhooks.publish(incidentEvent("incident.triggered"));
    await h.clock.runUntilIdle();
    expect(r.got[0]?.url).toBe("/hooks/pd");
    const auth = String(r.got[0]?.headers.authorization);
    expect(Buffer.from(auth.replace(/^Basic /, ""), "base64").toString()).toBe(
      "pager:long password",
    );
  });

  it("refuses an event type that is not documented, and an event whose service it cannot tell", () => {
    h = harness();
    expect(() =>
      h.webhooks.publish({
        event_type: "incident.note.created" as "incident.annotated",
        data: incidentData(),
      }),
    ).toThrow(/not a webhook event type/);
    expect(() =>
      h.webhooks.publish({
        event_type: "incident.annotated",
        data: { type: "incident_note", incident: { id: "PGR0VU2", type: "incident_reference" } },
      }),
    ).toThrow(/scope\.serviceId/);
    expect(() =>
      h.webhooks.publish({
        event_type: "incident.triggered",
        resource_type: "service",
        data: incidentData(),
      }),
    ).toThrow(/resource_type of incident.triggered is incident, not service/);
    expect(h.journal.all()).toEqual([]);
  });
});
