/**
 * A simulator with a small PagerDuty account for the people tests: Alice at the first level of
 * the checkout policy (email at once, SMS 5 minutes later), Bob at the second (10 minutes on),
 * Carol at the third (15 minutes after Bob), and the REST calls the tests check results with.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createSimulator, type Simulator } from "../../../simulator/cli/api.js";

export const MINUTE = 60_000;
export const KEY = "feedface0feedface0feedface0feedf";
export const ALICE = { id: "PALICE1", name: "Alice Ng", email: "alice@watermelon.example" };
export const BOB = { id: "PBOB001", name: "Bob Ortiz", email: "bob@watermelon.example" };
export const CAROL = { id: "PCAROL1", name: "Carol Diaz", email: "carol@watermelon.example" };

type PagerDutyOption = NonNullable<Parameters<typeof createSimulator>[0]>["pagerduty"];

function emailOnly(user: { id: string; email: string }) {
  const method = `${user.id.slice(0, 5)}EM`;
  return {
    contact_methods: [
      { id: method, type: "email_contact_method" as const, label: "Work", address: user.email },
    ],
    notification_rules: [
      { start_delay_in_minutes: 0, urgency: "high" as const, contact_method: { id: method } },
    ],
  };
}

export const account: PagerDutyOption = {
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
      ],
      notification_rules: [
        { start_delay_in_minutes: 0, urgency: "high", contact_method: { id: "PAEMAIL" } },
        { start_delay_in_minutes: 5, urgency: "high", contact_method: { id: "PASMS01" } },
      ],
    },
    { ...BOB, ...emailOnly(BOB) },
    { ...CAROL, ...emailOnly(CAROL) },
  ],
  escalationPolicies: [
    {
      id: "PCHKOUT",
      name: "Checkout on-call",
      num_loops: 0,
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
      escalation_policy: { id: "PCHKOUT", type: "escalation_policy_reference" },
      acknowledgement_timeout: 1800,
      auto_resolve_timeout: 14_400,
      integrations: [{ key: KEY }],
    },
  ],
};

export async function startSimulator(
  seed: string,
  options: Parameters<typeof createSimulator>[0] = {},
): Promise<{ sim: Simulator; close(): Promise<void> }> {
  const home = mkdtempSync(path.join(os.tmpdir(), "watermelon-people-"));
  const sim = createSimulator({ home, seed, pagerduty: account, ...options });
  await sim.ready;
  return {
    sim,
    async close() {
      await sim.dispose();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export function token(sim: Simulator): string {
  const t = sim.env.PAGERDUTY_TOKEN;
  if (!t) throw new Error("the ready line's env has no PAGERDUTY_TOKEN");
  return t;
}

export function pagerduty(sim: Simulator) {
  return { apiUrl: sim.endpoints.pagerdutyApi.url, token: token(sim) };
}

// biome-ignore lint/suspicious/noExplicitAny: REST bodies are checked field by field.
export async function rest(sim: Simulator, method: string, route: string): Promise<any> {
  const res = await fetch(`${sim.endpoints.pagerdutyApi.url}${route}`, {
    method,
    headers: {
      accept: "application/vnd.pagerduty+json;version=2",
      authorization: `Token token=${token(sim)}`,
    },
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${method} ${route} answered ${res.status}: ${text}`);
  return JSON.parse(text);
}

/** Triggers an incident on checkout through the Events API; returns its id. */
export async function triggerIncident(sim: Simulator, dedupKey: string): Promise<string> {
  const res = await fetch(`${sim.endpoints.pagerdutyEvents.url}/v2/enqueue`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      routing_key: KEY,
      event_action: "trigger",
      dedup_key: dedupKey,
      payload: { summary: "checkout 5xx over 2%", source: "checkout-api", severity: "critical" },
    }),
  });
  const text = await res.text();
  if (res.status !== 202) throw new Error(`trigger answered ${res.status}: ${text}`);
  const found = await rest(sim, "GET", `/incidents?incident_key=${dedupKey}&date_range=all`);
  if (found.incidents.length !== 1) throw new Error(`no single incident for ${dedupKey}`);
  return found.incidents[0].id as string;
}

/** Log entries of an incident, oldest first. */
// biome-ignore lint/suspicious/noExplicitAny: entries are checked field by field.
export async function logEntries(sim: Simulator, incident: string): Promise<any[]> {
  const body = await rest(sim, "GET", `/incidents/${incident}/log_entries?limit=100`);
  return [...body.log_entries].reverse();
}

export async function resetPagerDuty(sim: Simulator): Promise<void> {
  const res = await fetch(`${sim.endpoints.pagerdutyEvents.url}/_watermelon/reset`, {
    method: "POST",
  });
  await res.body?.cancel();
}

/** The journal from now on, with minutes counted from now. */
export function watch(sim: Simulator) {
  const t0 = sim.clock.now();
  const seq = sim.journal.all().length;
  const events = (type?: string) =>
    sim.journal
      .all()
      .slice(seq)
      .filter((e) => type === undefined || e.type === type);
  return {
    t0,
    events,
    at: (ms: number) => new Date(t0 + ms).toISOString(),
    minute: (time: string) => (Date.parse(time) - t0) / MINUTE,
    /** "type @minute" of entries whose type starts with one of `prefixes`. */
    timeline: (...prefixes: string[]) =>
      events()
        .filter((e) => prefixes.some((p) => e.type.startsWith(p)))
        .map((e) => `${e.type} @${(Date.parse(e.time) - t0) / MINUTE}`),
  };
}
