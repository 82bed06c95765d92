/**
 * The scenario's alerting side, created through the Logz.io API as a user of the account would:
 * one PagerDuty notification endpoint per paged service (its integration key as the service key)
 * and one alert v2 per rule, counting matching logs over the rule's window.
 */
import type { Scenario } from "../scenarios/schema.js";
import { jsonClient } from "./http.js";

export interface LogzioWiring {
  /** Alert id by title. */
  alerts: Map<string, number>;
  /** Notification endpoint id by app service. */
  endpoints: Map<string, number>;
}

export async function wireLogzio(
  scenario: Scenario,
  options: {
    apiUrl: string;
    apiToken: string;
    routingKeys: Map<string, { routingKey: string }>;
    fetch?: typeof fetch;
  },
): Promise<LogzioWiring> {
  const api = jsonClient(
    "Logz.io",
    options.apiUrl,
    { "x-api-token": options.apiToken },
    options.fetch,
  );
  const endpoints = new Map<string, number>();
  for (const service of new Set(scenario.alerts.map((a) => a.service))) {
    const key = options.routingKeys.get(service);
    if (!key) throw new Error(`no PagerDuty service for "${service}"`);
    const { id } = await api.call<{ id: number }>("POST", "/v1/endpoints/pager-duty", {
      title: `PagerDuty ${service}`,
      description: `Pages the on-call of ${service}`,
      serviceKey: key.routingKey,
    });
    endpoints.set(service, id);
  }
  const alerts = new Map<string, number>();
  for (const a of scenario.alerts) {
    const created = await api.call<{ id: number }>("POST", "/v2/alerts", {
      title: a.title,
      description: a.description ?? `${a.query} over ${Math.round(a.timeFrame / 60_000)} minutes`,
      tags: [a.service],
      searchTimeFrameMinutes: Math.max(1, Math.round(a.timeFrame / 60_000)),
      enabled: true,
      output: {
        type: "JSON",
        suppressNotificationsMinutes: Math.round(a.suppressNotifications / 60_000),
        recipients: { notificationEndpointIds: [endpoints.get(a.service)] },
      },
      subComponents: [
        {
          queryDefinition: {
            query: a.query,
            ...(a.groupBy ? { groupBy: a.groupBy } : {}),
            aggregation: { aggregationType: "COUNT" },
          },
          trigger: {
            operator: "GREATER_THAN_OR_EQUALS",
            severityThresholdTiers: a.severityThresholds,
          },
        },
      ],
    });
    alerts.set(a.title, created.id);
  }
  return { alerts, endpoints };
}
