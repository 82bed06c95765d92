import { createHmac, timingSafeEqual } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import {
  createPagerDutyWebhooks,
  type DeliveryPolicy,
  type PagerDutyWebhooks,
  type SubscriptionDraft,
  type WebhookEventInput,
  type WebhookEventType,
} from "../../../../mocks/pagerduty/webhooks/index.js";
import { createTrackedFetch } from "../../../../simulator/host/inflight.js";
import type { Clock } from "../../../../simulator/kernel/clock.js";
import { createIdFactory } from "../../../../simulator/kernel/ids.js";
import { Journal, type JournalEvent } from "../../../../simulator/kernel/journal.js";
import { createRng } from "../../../../simulator/kernel/rng.js";
import { createVirtualClock } from "../../../../simulator/kernel/virtualClock.js";

export const MINUTE = 60_000;
export const HOUR = 60 * MINUTE;

/** One request as a receiver got it: the raw bytes, exactly as sent. */
export interface Received {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
  /** The simulator's time when it arrived. */
  at: number;
  // biome-ignore lint/suspicious/noExplicitAny: payloads are checked field by field.
  json: any;
}

/**
 * What a receiver answers: a status, a status after a real delay, "hang" (never answer) or
 * "reset" (drop the connection).
 */
export type Answer = number | { status: number; delayMs: number } | "hang" | "reset";

/** The answers in turn (the last one repeats), or one chosen per request (n is 1-based). */
export type Answers = readonly Answer[] | ((request: Received, n: number) => Answer);

export interface Receiver {
  name: string;
  url: string;
  got: Received[];
  answers: Answers;
  close(): Promise<void>;
}

/**
 * A webhook destination: a node http server on port 0 recording every request. With `log`,
 * it writes `<name>:start` when a request has arrived and `<name>:end` when its answer is sent.
 */
export async function receiver(
  clock: Clock,
  answers: Answers = [200],
  options: { name?: string; log?: string[] } = {},
): Promise<Receiver> {
  const got: Received[] = [];
  const hanging: http.ServerResponse[] = [];
  const name = options.name ?? "receiver";
  const log = options.log;
  const self: Receiver = {
    name,
    url: "",
    got,
    answers,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks);
      let json: unknown;
      try {
        json = JSON.parse(raw.toString("utf8"));
      } catch {
        json = undefined;
      }
      const received: Received = {
        method: req.method ?? "",
        url: req.url ?? "",
        headers: req.headers,
        raw,
        at: clock.now(),
        json,
      };
      got.push(received);
      log?.push(`${name}:start`);
      const list = self.answers;
      const answer =
        typeof list === "function"
          ? list(received, got.length)
          : (list[Math.min(got.length, list.length) - 1] ?? 200);
      if (answer === "hang") {
        hanging.push(res);
        return;
      }
      if (answer === "reset") {
        log?.push(`${name}:end`);
        req.socket.destroy();
        return;
      }
      const status = typeof answer === "number" ? answer : answer.status;
      const reply = () => {
        log?.push(`${name}:end`);
        res.writeHead(status, { "content-type": "application/json" }).end('{"ok":true}');
      };
      // A real delay: the receiver is slow in wall time; the virtual clock waits for it.
      if (typeof answer === "number") reply();
      else setTimeout(reply, answer.delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  self.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return self;
}

/**
 * Checks `X-PagerDuty-Signature` as 04-Signatures.md tells receivers to: split the header on
 * ",", keep the `v1=` values, compute the hex HMAC-SHA256 of the raw body with the secret, and
 * accept when one matches, compared in constant time.
 */
export function signatureMatches(
  header: string | string[] | undefined,
  rawBody: Buffer,
  secret: string,
): boolean {
  if (typeof header !== "string") return false;
  const expected = Buffer.from(createHmac("sha256", secret).update(rawBody).digest("hex"));
  return header
    .split(",")
    .filter((s) => s.startsWith("v1="))
    .map((s) => Buffer.from(s.slice("v1=".length)))
    .some(
      (candidate) => candidate.length === expected.length && timingSafeEqual(candidate, expected),
    );
}

export interface Harness {
  clock: Clock;
  journal: Journal;
  webhooks: PagerDutyWebhooks;
  receivers: Receiver[];
  receiver(answers?: Answers, options?: { name?: string; log?: string[] }): Promise<Receiver>;
  /** Creates a subscription through the module, returning its id and secret. */
  subscribe(url: string, overrides?: Partial<SubscriptionDraft>): { id: string; secret: string };
  /** Journal events of the webhook types, from `since` (a seq) on. */
  entries(type?: string, since?: number): JournalEvent[];
  close(): Promise<void>;
}

export const START = Date.UTC(2026, 0, 5, 9, 0, 0);

/** A virtual clock, a journal, the module over a clock-tracked fetch, and receivers to close. */
export function harness(
  options: { seed?: string; policy?: Partial<DeliveryPolicy>; watchdogMs?: number } = {},
): Harness {
  const clock = createVirtualClock({ start: START, watchdogMs: options.watchdogMs ?? 20_000 });
  const journal = new Journal({ clock });
  const rng = createRng(options.seed ?? "webhooks-test").fork("pagerduty");
  const webhooks = createPagerDutyWebhooks({
    clock,
    journal,
    fetch: createTrackedFetch(clock),
    rng,
    ids: createIdFactory(rng),
    ...(options.policy ? { policy: options.policy } : {}),
  });
  const receivers: Receiver[] = [];
  return {
    clock,
    journal,
    webhooks,
    receivers,
    async receiver(answers, receiverOptions) {
      const r = await receiver(clock, answers, receiverOptions);
      receivers.push(r);
      return r;
    },
    subscribe(url, overrides = {}) {
      const created = webhooks.createSubscription({
        active: true,
        description: "",
        url,
        custom_headers: [],
        events: ["incident.triggered", "incident.acknowledged", "incident.resolved"],
        filter: { type: "account_reference" },
        ...overrides,
      });
      const secret = created.delivery_method.secret;
      if (secret === null) throw new Error("the create answer carries no secret");
      return { id: created.id, secret };
    },
    entries(type, since = 0) {
      return journal
        .all()
        .filter((e) => e.seq > since)
        .filter((e) =>
          type === undefined ? e.type.startsWith("pagerduty.webhook.") : e.type === type,
        );
    },
    async close() {
      webhooks.reset();
      for (const r of receivers.splice(0)) await r.close();
    },
  };
}

const API = "https://api.pagerduty.com";
const WEB = "https://acme.pagerduty.com";

const ref = (kind: string, path: string, id: string, summary: string) => ({
  id,
  type: `${kind}_reference`,
  summary,
  self: `${API}/${path}/${id}`,
  html_url: `${WEB}/${path}/${id}`,
});

/** An incident as webhook payloads render it (01-Overview.md, "incident"). */
export function incidentData(
  overrides: {
    id?: string;
    number?: number;
    status?: string;
    service?: string;
    teams?: string[];
    title?: string;
  } = {},
): Record<string, unknown> {
  const id = overrides.id ?? "PGR0VU2";
  return {
    id,
    type: "incident",
    self: `${API}/incidents/${id}`,
    html_url: `${WEB}/incidents/${id}`,
    number: overrides.number ?? 2,
    status: overrides.status ?? "triggered",
    incident_key: "d3640fbd41094207a1c11e58e46b1662",
    created_at: "2026-01-05T09:00:00Z",
    title: overrides.title ?? "A little bump in the road",
    service: ref("service", "services", overrides.service ?? "PF9KMXH", "API Service"),
    assignees: [ref("user", "users", "PTUXL6G", "User 123")],
    escalation_policy: ref("escalation_policy", "escalation_policies", "PUS0KTE", "Default"),
    teams: (overrides.teams ?? ["PFCVPS0"]).map((t) => ref("team", "teams", t, "Engineering")),
    priority: null,
    urgency: "high",
    conference_bridge: null,
    resolve_reason: null,
  };
}

export const AGENT = ref("user", "users", "PLH1HKV", "Tenex Engineer");

export function incidentEvent(
  eventType: WebhookEventType,
  overrides: Parameters<typeof incidentData>[0] = {},
): WebhookEventInput {
  return {
    event_type: eventType,
    agent: AGENT,
    client: { name: "PagerDuty" },
    data: incidentData(overrides),
  };
}
