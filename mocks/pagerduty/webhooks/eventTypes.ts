/**
 * The outbound event types a v3 subscription may name in `events`, with the `data.type` each one
 * carries. Sources: PagerDuty/developer-docs docs/webhooks/01-Overview.md ("Event Types" table) and
 * 20-Early-Access-Webhooks.md, as gathered in reference/pagerduty.md §3. Names seen only on other
 * products (Slack connections' `incident.title_updated`, `incident.urgency_updated`) are left out:
 * a subscription naming them is refused, as the name is not a documented webhook event.
 */
export const WEBHOOK_EVENT_TYPES = {
  "incident.acknowledged": "incident",
  "incident.annotated": "incident_note",
  "incident.conference_bridge.updated": "incident_conference_bridge",
  "incident.custom_field_values.updated": "incident_field_values",
  "incident.delegated": "incident",
  "incident.escalated": "incident",
  "incident.incident_type.changed": "incident",
  "incident.priority_updated": "incident",
  "incident.reassigned": "incident",
  "incident.reopened": "incident",
  "incident.resolved": "incident",
  "incident.responder.added": "incident_responder",
  "incident.responder.replied": "incident_responder",
  "incident.role.assigned": "incident_role_assignment",
  "incident.service_updated": "incident",
  "incident.status_update_published": "incident_status_update",
  "incident.task.created": "incident_task",
  "incident.task.updated": "incident_task",
  "incident.task.completed": "incident_task",
  "incident.triggered": "incident",
  "incident.unacknowledged": "incident",
  "incident.workflow.started": "incident_workflow_instance",
  "incident.workflow.completed": "incident_workflow_instance",
  "incident.action_invocation.created": "incident_action_invocation",
  "incident.action_invocation.updated": "incident_action_invocation",
  "incident.action_invocation.terminated": "incident_action_invocation",
  "service.created": "service",
  "service.updated": "service",
  "service.deleted": "service",
  "service.custom_field_values.updated": "service_field_values",
} as const;

export type WebhookEventType = keyof typeof WEBHOOK_EVENT_TYPES;

/** `resource_type`: "the root resource type (leftmost part of the event_type)". */
export type WebhookResourceType = "incident" | "service";

export function isWebhookEventType(name: unknown): name is WebhookEventType {
  return typeof name === "string" && Object.hasOwn(WEBHOOK_EVENT_TYPES, name);
}

export function resourceTypeOf(eventType: WebhookEventType): WebhookResourceType {
  return eventType.startsWith("service.") ? "service" : "incident";
}

/**
 * The test event of `POST /webhook_subscriptions/{id}/ping` (the spec's `testWebhookSubscription`),
 * as a receiver sees it (the n8n PagerDuty trigger's README shows one): not subscribable, sent to
 * the one subscription whatever its `events`.
 */
export const PING_EVENT_TYPE = "pagey.ping";
export const PING_RESOURCE_TYPE = "pagey";
export const PING_DATA = { message: "Hello from your friend Pagey!", type: "ping" } as const;
