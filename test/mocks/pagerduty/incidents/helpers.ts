/**
 * An account for the incident tests: three users with their contact methods and notification
 * rules, an escalation policy of three levels (10, 15 and 30 minutes, repeated once), and the
 * service "checkout" that follows it, with its Events API key. Alice's key is the ready line's
 * PAGERDUTY_TOKEN.
 */
import type { Simulator } from "../../../../simulator/cli/api.js";
import { ENQUEUE, post, startSimulator } from "../helpers.js";
import { api } from "../rest/helpers.js";

export { receiver } from "../webhooks/helpers.js";

export const MINUTE = 60_000;
export const KEY = "c0ffee00c0ffee00c0ffee00c0ffee00";
export const ALICE = { id: "PALICE1", name: "Alice Ng", email: "alice@watermelon.example" };
export const BOB = { id: "PBOB001", name: "Bob Ortiz", email: "bob@watermelon.example" };
export const CAROL = { id: "PCAROL1", name: "Carol Diaz", email: "carol@watermelon.example" };
export const POLICY = "PCHKOUT";

export type PagerDutyOption = NonNullable<Parameters<typeof startSimulator>[0]>["pagerduty"];

export function account(overrides: Partial<NonNullable<PagerDutyOption>> = {}): PagerDutyOption {
  return {
    users: [
      {
        ...ALICE,
        role: "owner",
        contact_methods: [
          { id: "PAEMAIL", type: "email_contact_method", label: "Work", address: ALICE.email },
          {
            id: "PASMS01",
            type: "sms_contact_method",
            label: "Mobile",
            address: "5550100",
            country_code: 1,
          },
          {
            id: "PAPHONE",
            type: "phone_contact_method",
            label: "Home",
            address: "5550102",
            country_code: 1,
          },
        ],
        notification_rules: [
          { start_delay_in_minutes: 0, urgency: "high", contact_method: { id: "PAEMAIL" } },
          { start_delay_in_minutes: 5, urgency: "high", contact_method: { id: "PASMS01" } },
          // Due after the policy has moved on to level 2: never sent.
          { start_delay_in_minutes: 12, urgency: "high", contact_method: { id: "PAPHONE" } },
          { start_delay_in_minutes: 0, urgency: "low", contact_method: { id: "PAEMAIL" } },
        ],
      },
      {
        ...BOB,
        contact_methods: [
          {
            id: "PBPHONE",
            type: "phone_contact_method",
            label: "Phone",
            address: "5550101",
            country_code: 44,
          },
        ],
        notification_rules: [
          { start_delay_in_minutes: 0, urgency: "high", contact_method: { id: "PBPHONE" } },
        ],
      },
      { ...CAROL },
    ],
    escalationPolicies: [
      {
        id: POLICY,
        name: "Checkout on-call",
        num_loops: 1,
        escalation_rules: [
          { escalation_delay_in_minutes: 10, targets: [{ id: ALICE.id, type: "user_reference" }] },
          { escalation_delay_in_minutes: 15, targets: [{ id: BOB.id, type: "user_reference" }] },
          { escalation_delay_in_minutes: 30, targets: [{ id: CAROL.id, type: "user_reference" }] },
        ],
      },
    ],
    services: [
      {
        name: "checkout",
        escalation_policy: { id: POLICY, type: "escalation_policy_reference" },
        acknowledgement_timeout: 1800,
        auto_resolve_timeout: 14_400,
        integrations: [{ key: KEY }],
      },
    ],
    ...overrides,
  };
}

export function startAccount(seed: string, overrides: Partial<NonNullable<PagerDutyOption>> = {}) {
  return startSimulator({ seed, pagerduty: account(overrides) });
}

/** A v2 trigger for the checkout service; `details` become the payload's custom_details. */
export async function trigger(
  sim: Simulator,
  o: {
    dedupKey?: string;
    summary?: string;
    severity?: string;
    details?: unknown;
    key?: string;
  } = {},
) {
  const reply = await post(sim, ENQUEUE, {
    routing_key: o.key ?? KEY,
    event_action: "trigger",
    ...(o.dedupKey ? { dedup_key: o.dedupKey } : {}),
    payload: {
      summary: o.summary ?? "checkout 5xx over 2%",
      source: "checkout-api",
      severity: o.severity ?? "critical",
      ...(o.details === undefined ? {} : { custom_details: o.details }),
    },
  });
  if (reply.status !== 202) throw new Error(`trigger answered ${reply.status}: ${reply.text}`);
  return reply.json.dedup_key as string;
}

export async function followUp(
  sim: Simulator,
  action: "acknowledge" | "resolve",
  dedupKey: string,
) {
  const reply = await post(sim, ENQUEUE, {
    routing_key: KEY,
    event_action: action,
    dedup_key: dedupKey,
  });
  if (reply.status !== 202) throw new Error(`${action} answered ${reply.status}: ${reply.text}`);
}

/** The one incident with this key, through the REST API. */
// biome-ignore lint/suspicious/noExplicitAny: incidents are checked field by field.
export async function incidentByKey(sim: Simulator, key: string): Promise<any> {
  const reply = await api(
    sim,
    "GET",
    `/incidents?incident_key=${encodeURIComponent(key)}&date_range=all`,
  );
  if (reply.status !== 200 || reply.json.incidents.length !== 1) {
    throw new Error(`no single incident with key ${key}: ${reply.text}`);
  }
  return reply.json.incidents[0];
}

/** Log entries of an incident, oldest first, as "type" or "type summary". */
export async function entries(
  sim: Simulator,
  incidentId: string,
): Promise<
  // biome-ignore lint/suspicious/noExplicitAny: entries are checked field by field.
  any[]
> {
  const reply = await api(sim, "GET", `/incidents/${incidentId}/log_entries?limit=100`);
  if (reply.status !== 200) throw new Error(`log entries answered ${reply.status}: ${reply.text}`);
  return [...reply.json.log_entries].reverse();
}

/** Minutes since `t0` of a journal event's virtual time. */
export const minutesSince = (t0: number, time: string) => (Date.parse(time) - t0) / MINUTE;

/** Subscribes a receiver to every incident event type this account publishes, through REST. */
export async function subscribe(sim: Simulator, url: string, events?: string[]) {
  const reply = await api(sim, "POST", "/webhook_subscriptions", {
    body: {
      webhook_subscription: {
        type: "webhook_subscription",
        delivery_method: { type: "http_delivery_method", url },
        events: events ?? [
          "incident.triggered",
          "incident.acknowledged",
          "incident.unacknowledged",
          "incident.resolved",
          "incident.reopened",
          "incident.escalated",
          "incident.reassigned",
          "incident.delegated",
          "incident.annotated",
          "incident.priority_updated",
          "incident.status_update_published",
        ],
        filter: { type: "account_reference" },
      },
    },
  });
  if (reply.status !== 200) throw new Error(`subscription answered ${reply.status}: ${reply.text}`);
  return reply.json.webhook_subscription as { id: string; delivery_method: { secret: string } };
}
