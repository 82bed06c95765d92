/**
 * The scenario's on-call side, created through PagerDuty's REST API v2 as an administrator would:
 * users, schedules, escalation policies, one service per app service with an Events API v2
 * integration, and a webhook subscription that feeds the app's status page.
 */
import type { Scenario } from "../scenarios/schema.js";
import { type JsonClient, jsonClient } from "./http.js";

export interface PagerDutyWiring {
  /** User id by login email. */
  users: Map<string, string>;
  /** Per app service: its PagerDuty service and the routing key of its Events API v2 integration. */
  services: Map<string, { id: string; routingKey: string }>;
  webhookSecret?: string;
}

const HOUR = 3_600_000;
const ROTATION_SECONDS = { daily: 86_400, weekly: 604_800 } as const;

const ref = (type: string, id: string) => ({ type, id });
const minutes = (ms: number) => Math.max(1, Math.round(ms / 60_000));
const seconds = (ms: number | null | undefined) =>
  ms === undefined ? undefined : ms === null ? null : Math.round(ms / 1000);

export async function wirePagerDuty(
  scenario: Scenario,
  options: {
    apiUrl: string;
    token: string;
    /** The account owner's email: the From of the calls that need one. */
    from: string;
    webhookUrl?: string;
    fetch?: typeof fetch;
  },
): Promise<PagerDutyWiring> {
  const pd: JsonClient = jsonClient(
    "PagerDuty",
    options.apiUrl,
    {
      authorization: `Token token=${options.token}`,
      accept: "application/vnd.pagerduty+json;version=2",
      from: options.from,
    },
    options.fetch,
  );
  const { oncall } = scenario;

  const users = new Map<string, string>();
  for (const u of oncall.users) {
    const { user } = await pd.call<{ user: { id: string } }>("POST", "/users", {
      user: { type: "user", name: u.name, email: u.email, time_zone: u.timeZone, role: "user" },
    });
    users.set(u.email, user.id);
  }

  const schedules = new Map<string, string>();
  for (const s of oncall.schedules) {
    const start = s.handoff ?? scenario.start;
    const { schedule } = await pd.call<{ schedule: { id: string } }>("POST", "/schedules", {
      schedule: {
        type: "schedule",
        name: s.name,
        time_zone: s.timeZone,
        schedule_layers: [
          {
            name: `${s.name} rotation`,
            // A layer starting a week early is already rotating when the scenario begins.
            start: new Date(Date.parse(start) - 7 * 24 * HOUR).toISOString(),
            rotation_virtual_start: start,
            rotation_turn_length_seconds: ROTATION_SECONDS[s.rotation],
            users: s.users.map((email) => ({
              user: ref("user_reference", users.get(email) ?? ""),
            })),
          },
        ],
      },
    });
    schedules.set(s.name, schedule.id);
  }

  const policies = new Map<string, string>();
  for (const p of oncall.escalationPolicies) {
    const { escalation_policy } = await pd.call<{ escalation_policy: { id: string } }>(
      "POST",
      "/escalation_policies",
      {
        escalation_policy: {
          type: "escalation_policy",
          name: p.name,
          num_loops: p.numLoops,
          escalation_rules: p.rules.map((r) => ({
            escalation_delay_in_minutes: minutes(r.escalateAfter),
            targets: r.targets.map((t) =>
              "schedule" in t
                ? ref("schedule_reference", schedules.get(t.schedule) ?? "")
                : ref("user_reference", users.get(t.user) ?? ""),
            ),
          })),
        },
      },
    );
    policies.set(p.name, escalation_policy.id);
  }

  const firstPolicy = oncall.escalationPolicies[0]?.name ?? "";
  const services = new Map<string, { id: string; routingKey: string }>();
  for (const s of scenario.services) {
    const policyId = policies.get(s.escalationPolicy ?? firstPolicy) ?? "";
    const ackTimeout = seconds(s.acknowledgementTimeout);
    const autoResolve = seconds(s.autoResolveTimeout);
    const { service } = await pd.call<{ service: { id: string } }>("POST", "/services", {
      service: {
        type: "service",
        name: s.name,
        tier: s.tier,
        escalation_policy: ref("escalation_policy_reference", policyId),
        incident_urgency_rule: { type: "constant", urgency: "severity_based" },
        ...(ackTimeout === undefined ? {} : { acknowledgement_timeout: ackTimeout }),
        ...(autoResolve === undefined ? {} : { auto_resolve_timeout: autoResolve }),
      },
    });
    const { integration } = await pd.call<{ integration: { integration_key: string } }>(
      "POST",
      `/services/${service.id}/integrations`,
      {
        integration: {
          type: "events_api_v2_inbound_integration",
          name: "Logz.io",
          service: ref("service_reference", service.id),
        },
      },
    );
    services.set(s.name, { id: service.id, routingKey: integration.integration_key });
  }

  let webhookSecret: string | undefined;
  if (options.webhookUrl) {
    const { webhook_subscription } = await pd.call<{
      webhook_subscription: { delivery_method: { secret?: string } };
    }>("POST", "/webhook_subscriptions", {
      webhook_subscription: {
        type: "webhook_subscription",
        description: "the app's status page",
        delivery_method: { type: "http_delivery_method", url: options.webhookUrl },
        events: [
          "incident.triggered",
          "incident.acknowledged",
          "incident.escalated",
          "incident.resolved",
          "incident.status_update_published",
        ],
        filter: { type: "account_reference" },
      },
    });
    webhookSecret = webhook_subscription.delivery_method.secret;
  }
  return { users, services, ...(webhookSecret === undefined ? {} : { webhookSecret }) };
}
