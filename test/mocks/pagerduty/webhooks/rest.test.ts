/**
 * The `/webhook_subscriptions` operations over HTTP: the module's route functions served on
 * their own, their answers against the REST spec's schemas, PagerDuty's error bodies, and the
 * same routes behind the REST framework (authentication, pagination, journaled refusals).
 */
import { existsSync, readFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Ajv, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRestHandler } from "../../../../mocks/pagerduty/rest/router.js";
import { webhookSubscriptionRoutes } from "../../../../mocks/pagerduty/rest/webhookSubscriptions.js";
import {
  createPagerDutyWebhooks,
  type PagerDutyWebhooks,
} from "../../../../mocks/pagerduty/webhooks/index.js";
import {
  createWebhookSubscriptionsHandler,
  WEBHOOK_SUBSCRIPTION_ROUTES,
} from "../../../../mocks/pagerduty/webhooks/routes.js";
import { createTrackedFetch } from "../../../../simulator/host/inflight.js";
import { type FetchHandler, toRequestListener } from "../../../../simulator/host/webHandler.js";
import { createIdFactory } from "../../../../simulator/kernel/ids.js";
import { Journal } from "../../../../simulator/kernel/journal.js";
import { createRng } from "../../../../simulator/kernel/rng.js";
import { createVirtualClock } from "../../../../simulator/kernel/virtualClock.js";
import { type Harness, HOUR, harness, signatureMatches } from "./helpers.js";

const SPEC = fileURLToPath(
  new URL("../../../../../shared/specs/pagerduty/REST-openapiv3.json", import.meta.url),
);
const specPresent = existsSync(SPEC);

// biome-ignore lint/suspicious/noExplicitAny: replies are checked field by field.
type Json = any;

interface Reply {
  status: number;
  text: string;
  json: Json;
}

/** Serves a fetch handler on port 0 and calls it with fetch. */
async function serve(handler: FetchHandler) {
  const server = http.createServer(toRequestListener(handler, "webhook subscriptions"));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    async call(
      method: string,
      path: string,
      body?: unknown,
      headers: Record<string, string> = {},
    ): Promise<Reply> {
      const res = await fetch(`${base}${path}`, {
        method,
        headers: { "content-type": "application/json", ...headers },
        ...(body === undefined
          ? {}
          : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, text, json: text === "" ? undefined : JSON.parse(text) };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const subscriptionBody = (url: string, extra: Record<string, unknown> = {}) => ({
  webhook_subscription: {
    type: "webhook_subscription",
    delivery_method: {
      type: "http_delivery_method",
      url,
      custom_headers: [{ name: "X-Team", value: "core" }],
    },
    description: "Sends PagerDuty v3 webhook events somewhere interesting.",
    events: ["incident.triggered", "incident.resolved"],
    filter: { type: "service_reference", id: "P393ZNQ" },
    ...extra,
  },
});

let h: Harness;
let api: Awaited<ReturnType<typeof serve>>;
beforeEach(async () => {
  h = harness();
  api = await serve(createWebhookSubscriptionsHandler(h.webhooks));
});
afterEach(async () => {
  await api.close();
  await h.close();
});

describe("the subscription operations", () => {
  it("creates a subscription: 200, the REST shape, the secret in this answer only", async () => {
    const created = await api.call(
      "POST",
      "/webhook_subscriptions",
      subscriptionBody("https://example.com/hook"),
    );
    expect(created.status).toBe(200);
    const s = created.json.webhook_subscription;
    expect(s).toEqual({
      id: expect.stringMatching(/^P[A-Z0-9]{6}$/),
      type: "webhook_subscription",
      active: true,
      delivery_method: {
        id: expect.stringMatching(/^P[A-Z0-9]{6}$/),
        type: "http_delivery_method",
        url: "https://example.com/hook",
        custom_headers: [{ name: "X-Team", value: "-- redacted --" }],
        secret: expect.stringMatching(/^[A-Za-z0-9+/]{64}$/),
        temporarily_disabled: false,
      },
      description: "Sends PagerDuty v3 webhook events somewhere interesting.",
      events: ["incident.triggered", "incident.resolved"],
      filter: { type: "service_reference", id: "P393ZNQ" },
    });
    expect(s.id).not.toBe(s.delivery_method.id);

    const got = await api.call("GET", `/webhook_subscriptions/${s.id}`);
    expect(got.status).toBe(200);
    expect(got.json.webhook_subscription).toEqual({
      ...s,
      delivery_method: { ...s.delivery_method, secret: null },
    });
    // The path may carry the host segment pdjs adds against another host.
    const prefixed = await api.call("GET", `/api.pagerduty.com/webhook_subscriptions/${s.id}`);
    expect(prefixed.json).toEqual(got.json);
  });

  it("lists with offset pagination and the filter_type and filter_id filters", async () => {
    const ids: string[] = [];
    for (const filter of [
      { type: "service_reference", id: "PSVC001" },
      { type: "team_reference", id: "PTEAM01" },
      { type: "service_reference", id: "PSVC002" },
      { type: "account_reference" },
    ]) {
      const r = await api.call(
        "POST",
        "/webhook_subscriptions",
        subscriptionBody("https://example.com", { filter }),
      );
      ids.push(r.json.webhook_subscription.id);
    }
    const all = await api.call("GET", "/webhook_subscriptions");
    expect(all.json).toMatchObject({ limit: 25, offset: 0, more: false, total: null });
    expect(all.json.webhook_subscriptions.map((s: Json) => s.id)).toEqual(ids);
    expect(
      all.json.webhook_subscriptions.every((s: Json) => s.delivery_method.secret === null),
    ).toBe(true);

    const page = await api.call("GET", "/webhook_subscriptions?limit=2&offset=1&total=true");
    expect(page.json).toMatchObject({ limit: 2, offset: 1, more: true, total: 4 });
    expect(page.json.webhook_subscriptions.map((s: Json) => s.id)).toEqual(ids.slice(1, 3));
    const last = await api.call("GET", "/webhook_subscriptions?limit=2&offset=2");
    expect(last.json.more).toBe(false);

    const service = await api.call("GET", "/webhook_subscriptions?filter_type=service");
    expect(service.status).toBe(400);
    expect(service.json.error.errors).toEqual([
      "filter_id is required when filter_type is service",
    ]);
    const one = await api.call(
      "GET",
      "/webhook_subscriptions?filter_type=service&filter_id=PSVC002",
    );
    expect(one.json.webhook_subscriptions.map((s: Json) => s.id)).toEqual([ids[2]]);
    const teams = await api.call(
      "GET",
      "/webhook_subscriptions?filter_type=team&filter_id=PTEAM01",
    );
    expect(teams.json.webhook_subscriptions.map((s: Json) => s.id)).toEqual([ids[1]]);
    const account = await api.call("GET", "/webhook_subscriptions?filter_type=account");
    expect(account.json.webhook_subscriptions.map((s: Json) => s.id)).toEqual([ids[3]]);
    const bad = await api.call(
      "GET",
      "/webhook_subscriptions?filter_type=escalation_policy&limit=x",
    );
    expect(bad.json.error.errors).toEqual([
      'limit must be a non-negative integer; got "x"',
      'filter_type must be one of account, service, team; got "escalation_policy"',
    ]);
  });

  it("updates only the fields given, and never the delivery method", async () => {
    const s = (
      await api.call("POST", "/webhook_subscriptions", subscriptionBody("https://example.com/a"))
    ).json.webhook_subscription;
    const updated = await api.call("PUT", `/webhook_subscriptions/${s.id}`, {
      webhook_subscription: {
        events: ["incident.acknowledged"],
        active: false,
        delivery_method: { type: "http_delivery_method", url: "https://elsewhere.example/b" },
      },
    });
    expect(updated.status).toBe(200);
    expect(updated.json.webhook_subscription).toEqual({
      ...s,
      active: false,
      events: ["incident.acknowledged"],
      delivery_method: { ...s.delivery_method, secret: null },
    });
    const filtered = await api.call("PUT", `/webhook_subscriptions/${s.id}`, {
      webhook_subscription: { filter: { type: "team_reference", id: "PTEAM01" }, description: "x" },
    });
    expect(filtered.json.webhook_subscription).toMatchObject({
      filter: { type: "team_reference", id: "PTEAM01" },
      description: "x",
      events: ["incident.acknowledged"],
      active: false,
    });
  });

  it("deletes: 204, then 404 for the id", async () => {
    const s = (
      await api.call("POST", "/webhook_subscriptions", subscriptionBody("https://example.com"))
    ).json.webhook_subscription;
    const deleted = await api.call("DELETE", `/webhook_subscriptions/${s.id}`);
    expect(deleted.status).toBe(204);
    expect(deleted.text).toBe("");
    for (const [method, path] of [
      ["GET", `/webhook_subscriptions/${s.id}`],
      ["DELETE", `/webhook_subscriptions/${s.id}`],
      ["PUT", `/webhook_subscriptions/${s.id}`],
      ["POST", `/webhook_subscriptions/${s.id}/enable`],
      ["POST", `/webhook_subscriptions/${s.id}/ping`],
    ] as const) {
      const reply = await api.call(
        method,
        path,
        method === "PUT" ? { webhook_subscription: {} } : undefined,
      );
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(reply.json).toEqual({
        error: {
          message: "Not Found",
          code: 2100,
          errors: [`No webhook subscription has the id "${s.id}"`],
        },
      });
    }
  });

  it("pings: 202 without a body, and pagey.ping reaches the destination, signed", async () => {
    const r = await h.receiver();
    const created = await api.call(
      "POST",
      "/webhook_subscriptions",
      subscriptionBody(r.url, {
        events: ["incident.resolved"],
        active: false,
      }),
    );
    const s = created.json.webhook_subscription;
    const ping = await api.call("POST", `/webhook_subscriptions/${s.id}/ping`);
    expect(ping.status).toBe(202);
    expect(ping.text).toBe("");
    await h.clock.runUntilIdle();
    expect(r.got).toHaveLength(1);
    const got = r.got[0];
    expect(got?.json).toEqual({
      event: {
        id: expect.any(String),
        event_type: "pagey.ping",
        resource_type: "pagey",
        occurred_at: "2026-01-05T09:00:00.000Z",
        agent: null,
        client: null,
        data: { message: "Hello from your friend Pagey!", type: "ping" },
      },
    });
    expect(got?.headers["x-webhook-subscription"]).toBe(s.id);
    expect(got?.headers["x-team"]).toBe("core");
    expect(
      signatureMatches(
        got?.headers["x-pagerduty-signature"],
        got?.raw ?? Buffer.alloc(0),
        s.delivery_method.secret,
      ),
    ).toBe(true);
  });

  it("enables a temporarily disabled subscription", async () => {
    const r = await h.receiver([404]);
    const s = (await api.call("POST", "/webhook_subscriptions", subscriptionBody(r.url))).json
      .webhook_subscription;
    for (let i = 0; i < 3; i++) await api.call("POST", `/webhook_subscriptions/${s.id}/ping`);
    await h.clock.runFor(HOUR);
    const disabled = await api.call("GET", `/webhook_subscriptions/${s.id}`);
    expect(disabled.json.webhook_subscription.delivery_method.temporarily_disabled).toBe(true);
    const enabled = await api.call("POST", `/webhook_subscriptions/${s.id}/enable`);
    expect(enabled.status).toBe(200);
    expect(enabled.json.webhook_subscription.delivery_method.temporarily_disabled).toBe(false);
    // Enabling one that is not disabled answers the same.
    const again = await api.call("POST", `/webhook_subscriptions/${s.id}/enable`);
    expect(again.json).toEqual(enabled.json);
  });
});

describe("bad input", () => {
  const cases: [string, unknown, string[]][] = [
    [
      "no wrapper",
      { delivery_method: {} },
      ["webhook_subscription is required and must be an object"],
    ],
    [
      "every field wrong at once",
      {
        webhook_subscription: {
          type: "subscription",
          delivery_method: { type: "email_delivery_method", url: "ftp://example.com" },
          events: ["incident.triggered", "incident.note.created", "incident.triggered"],
          filter: { type: "escalation_policy_reference", id: "P1" },
          active: "yes",
          description: 7,
        },
      },
      [
        'type must be "webhook_subscription"; got "subscription"',
        'delivery_method.type must be "http_delivery_method"; got "email_delivery_method"',
        'delivery_method.url must use http or https; got "ftp:"',
        'events[1]: "incident.note.created" is not a webhook event type',
        'events[2]: "incident.triggered" is listed more than once',
        'filter.type must be one of account_reference, service_reference, team_reference; got "escalation_policy_reference"',
        "description must be a string; got 7",
        'active must be true or false; got "yes"',
      ],
    ],
    [
      "no events, no filter id, no url",
      {
        webhook_subscription: {
          delivery_method: { type: "http_delivery_method" },
          events: [],
          filter: { type: "team_reference" },
        },
      },
      [
        "delivery_method.url is required",
        "events must name at least one event type",
        "filter.id is required for a team_reference filter",
      ],
    ],
    [
      "custom headers that clash",
      {
        webhook_subscription: {
          delivery_method: {
            type: "http_delivery_method",
            url: "https://example.com",
            custom_headers: [
              { name: "X-Team", value: "a" },
              { name: "x-team", value: "b" },
              { name: "X-PagerDuty-Signature", value: "v1=forged" },
              { name: "Bad Header", value: "c" },
              { name: "X-Split", value: "a\r\nInjected: yes" },
            ],
          },
          events: ["incident.triggered"],
          filter: { type: "account_reference" },
        },
      },
      [
        "delivery_method.custom_headers[1].name: x-team is already used by another custom header",
        "delivery_method.custom_headers[2].name: X-PagerDuty-Signature is set by PagerDuty on every delivery",
        'delivery_method.custom_headers[3].name must be a header name (letters, digits and -); got "Bad Header"',
        'delivery_method.custom_headers[4].value must be a string without line breaks; got "a\\r\\nInjected: yes"',
      ],
    ],
  ];

  it.each(cases)(
    "refuses a create with %s: 400 2001, each rule in errors[]",
    async (_what, body, errors) => {
      const reply = await api.call("POST", "/webhook_subscriptions", body);
      expect(reply.status).toBe(400);
      expect(reply.json).toEqual({
        error: { message: "Invalid Input Provided", code: 2001, errors },
      });
      expect(h.webhooks.listSubscriptions()).toEqual([]);
    },
  );

  it("refuses a body that is not JSON, and an update with bad fields, changing nothing", async () => {
    const malformed = await api.call("POST", "/webhook_subscriptions", "{not json");
    expect(malformed.status).toBe(400);
    expect(malformed.json.error).toEqual({
      message: "Invalid Input Provided",
      code: 2001,
      errors: ["The request body is not valid JSON"],
    });
    const s = (
      await api.call("POST", "/webhook_subscriptions", subscriptionBody("https://example.com"))
    ).json.webhook_subscription;
    const bad = await api.call("PUT", `/webhook_subscriptions/${s.id}`, {
      webhook_subscription: { events: ["incident.exploded"], description: "changed" },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.errors).toEqual([
      'events[0]: "incident.exploded" is not a webhook event type',
    ]);
    expect(h.webhooks.getSubscription(s.id)?.description).toBe(s.description);
  });

  it("answers 404 2100 for a path it does not serve", async () => {
    const reply = await api.call("PATCH", "/webhook_subscriptions");
    expect(reply.status).toBe(404);
    expect(reply.json.error.code).toBe(2100);
  });

  it("refuses a filter naming a service or team the account does not have, when told how to check", async () => {
    const known = new Set(["PSVC001", "PTEAM01"]);
    const checked = createPagerDutyWebhooks({
      clock: h.clock,
      journal: h.journal,
      fetch: createTrackedFetch(h.clock),
      rng: createRng("filter-check"),
      filterTargetExists: (f) => known.has(f.id),
    });
    const server = await serve(createWebhookSubscriptionsHandler(checked));
    try {
      const unknown = await server.call(
        "POST",
        "/webhook_subscriptions",
        subscriptionBody("https://example.com", {
          filter: { type: "team_reference", id: "PTEAM99" },
        }),
      );
      expect(unknown.json.error.errors).toEqual(['filter.id: no team has the id "PTEAM99"']);
      const ok = await server.call(
        "POST",
        "/webhook_subscriptions",
        subscriptionBody("https://example.com", {
          filter: { type: "service_reference", id: "PSVC001" },
        }),
      );
      expect(ok.status).toBe(200);
    } finally {
      await server.close();
    }
  });
});

describe.skipIf(!specPresent)(
  "answers against the REST spec's schemas (skipped when ../shared/specs is absent)",
  () => {
    let spec: Json;
    const validators = new Map<string, ValidateFunction>();
    beforeAll(() => {
      spec = JSON.parse(readFileSync(SPEC, "utf8"));
      const ajv = new Ajv({ strict: false, allErrors: true });
      addFormats.default(ajv);
      ajv.addSchema(spec, "rest");
      for (const route of WEBHOOK_SUBSCRIPTION_ROUTES) {
        const operation = spec.paths[route.path]?.[route.method.toLowerCase()];
        expect(operation?.operationId, `${route.method} ${route.path}`).toBe(route.operationId);
        for (const [status, response] of Object.entries(operation.responses ?? {})) {
          const schema = (response as Json).content?.["application/json"]?.schema;
          if (!schema) continue;
          const pointer = `/paths/${route.path.replaceAll("/", "~1")}/${route.method.toLowerCase()}/responses/${status}/content/application~1json/schema`;
          validators.set(
            `${route.operationId} ${status}`,
            ajv.compile({ $ref: `rest#${pointer}` }),
          );
        }
      }
    });
    afterAll(() => validators.clear());

    const expectValid = (key: string, body: unknown) => {
      const validate = validators.get(key);
      if (!validate) throw new Error(`no schema for ${key}`);
      expect(validate(body), `${key}: ${JSON.stringify(validate.errors)}`).toBe(true);
    };

    it("every route is the spec's operation, and the schemas have teeth", () => {
      expect(validators.size).toBe(5);
      const get = validators.get("getWebhookSubscription 200");
      expect(get?.({ webhook_subscription: { type: "webhook_subscription" } })).toBe(false);
      expect(
        get?.({
          webhook_subscription: {
            type: "webhook_subscription",
            delivery_method: { type: "http_delivery_method", url: "https://x" },
            events: [],
            filter: { type: "account_reference" },
          },
        }),
      ).toBe(false);
    });

    it("the spec's own example requests are accepted, and every answer matches its schema", async () => {
      const example = spec.components.examples.CreateSubscriptionExample.value;
      const created = await api.call("POST", "/webhook_subscriptions", example);
      expect(created.status).toBe(200);
      expectValid("createWebhookSubscription 200", created.json);
      const id = created.json.webhook_subscription.id;
      expect(created.json.webhook_subscription.events).toEqual(example.webhook_subscription.events);

      expectValid(
        "getWebhookSubscription 200",
        (await api.call("GET", `/webhook_subscriptions/${id}`)).json,
      );
      const put = await api.call(
        "PUT",
        `/webhook_subscriptions/${id}`,
        spec.components.examples.PutSubscriptionExample.value,
      );
      expect(put.status).toBe(200);
      expectValid("updateWebhookSubscription 200", put.json);
      expectValid(
        "enableWebhookSubscription 200",
        (await api.call("POST", `/webhook_subscriptions/${id}/enable`)).json,
      );
      await api.call("POST", "/webhook_subscriptions", subscriptionBody("https://example.com"));
      expectValid(
        "listWebhookSubscriptions 200",
        (await api.call("GET", "/webhook_subscriptions?total=true")).json,
      );
    });
  },
);

/**
 * The parts of the account the framework reads for these routes: an API key and its user, the
 * subdomain, and the services and teams a filter may name.
 */
function stubAccount() {
  const user = { id: "PUSER01", type: "user", name: "Owner", email: "owner@watermelon.example" };
  const token = {
    token: "u+abcdefghijklmnopqr",
    kind: "token",
    user: { id: user.id, type: "user_reference" },
  };
  const services = new Set(["PSVC001"]);
  return {
    token: token.token,
    store: {
      subdomain: "watermelon",
      apiToken: (t: string) => (t === token.token ? token : undefined),
      user: (id: string) => (id === user.id ? user : undefined),
      userByEmail: (email: string) => (email === user.email ? user : undefined),
      service: (id: string) => (services.has(id) ? { id } : undefined),
      team: (_id: string) => undefined,
    },
  };
}

describe("behind the REST framework", () => {
  it("needs the API key, paginates as the framework does, and journals refusals", async () => {
    const clock = createVirtualClock();
    const journal = new Journal({ clock });
    const rng = createRng("rest-webhooks");
    const ids = createIdFactory(rng.fork("account"));
    const account = stubAccount();
    const webhooks: PagerDutyWebhooks = createPagerDutyWebhooks({
      clock,
      journal,
      fetch: createTrackedFetch(clock),
      rng,
      ids,
      filterTargetExists: (f) =>
        Boolean(
          f.type === "service_reference" ? account.store.service(f.id) : account.store.team(f.id),
        ),
    });
    const runtime = {
      store: account.store as unknown as Parameters<typeof createRestHandler>[0]["store"],
      nowMs: () => clock.now(),
      newId: () => ids.pagerDutyId(),
      newKey: () => "0".repeat(32),
      journal: (
        type: string,
        data: Record<string, unknown>,
        correlation: Record<string, string> = {},
      ) => {
        journal.append(type, { source: "pagerduty", correlation, data });
      },
    };
    const server = await serve(createRestHandler(runtime, webhookSubscriptionRoutes(webhooks)));
    try {
      const auth = {
        authorization: `Token token=${account.token}`,
        accept: "application/vnd.pagerduty+json;version=2",
      };
      const anonymous = await server.call("GET", "/webhook_subscriptions");
      expect(anonymous.status).toBe(401);

      const body = subscriptionBody("https://example.com", {
        filter: { type: "service_reference", id: "PSVC001" },
      });
      const created = await server.call("POST", "/webhook_subscriptions", body, auth);
      expect(created.status).toBe(200);
      expect(created.json.webhook_subscription.delivery_method.secret).toEqual(expect.any(String));
      await server.call("POST", "/webhook_subscriptions", body, auth);

      const page = await server.call(
        "GET",
        "/webhook_subscriptions?limit=1&total=true",
        undefined,
        auth,
      );
      expect(page.status).toBe(200);
      expect(page.json).toMatchObject({ limit: 1, offset: 0, more: true, total: 2 });
      expect(page.json.webhook_subscriptions).toHaveLength(1);

      const unknown = await server.call(
        "POST",
        "/webhook_subscriptions",
        subscriptionBody("https://example.com", {
          filter: { type: "team_reference", id: "PNOSUCH" },
        }),
        auth,
      );
      expect(unknown.status).toBe(400);
      expect(unknown.json).toEqual({
        error: {
          message: "Invalid Input Provided",
          code: 2001,
          errors: ['filter.id: no team has the id "PNOSUCH"'],
        },
      });
      const ping = await server.call(
        "POST",
        "/webhook_subscriptions/PNOSUCH/ping",
        undefined,
        auth,
      );
      expect(ping.status).toBe(404);
      expect(ping.json.error.code).toBe(2100);
      const deleted = await server.call(
        "DELETE",
        `/webhook_subscriptions/${created.json.webhook_subscription.id}`,
        undefined,
        auth,
      );
      expect(deleted.status).toBe(204);

      const refused = journal
        .byType("pagerduty.api.refused")
        .map((e) => [e.data.operation, e.data.code]);
      expect(refused).toEqual([
        ["createWebhookSubscription", 2001],
        ["testWebhookSubscription", 2100],
      ]);
    } finally {
      webhooks.reset();
      await server.close();
    }
  });
});
