/**
 * The app's status page, kept from PagerDuty webhooks v3 (reference/pagerduty.md §3): per
 * service, its incidents (open, acknowledged, resolved) and the latest status update published.
 * Webhook `data` is PagerDuty's webhook rendering of an incident (`number`, `service` reference),
 * or an `incident_status_update` / `incident_note` naming its incident by reference.
 */

export type IncidentState = "open" | "acknowledged" | "resolved";

export interface StatusPageIncident {
  id: string;
  number: number | null;
  title: string | null;
  service: string;
  status: IncidentState;
  openedAt: string | null;
  acknowledgedAt: string | null;
  resolvedAt: string | null;
  /** `occurred_at` of the last event applied. */
  updatedAt: string;
}

export interface StatusUpdate {
  incidentId: string;
  message: string;
  publishedAt: string;
}

export interface ServiceStatus {
  service: string;
  /** "degraded" while any incident of the service is open or acknowledged. */
  status: "operational" | "degraded";
  incidents: StatusPageIncident[];
  latestStatusUpdate: StatusUpdate | null;
}

export interface WebhookEvent {
  event_type: string;
  resource_type: string;
  occurred_at: string;
  data: Record<string, unknown>;
}

/** What one webhook did, for the journal. */
export interface WebhookEffect {
  eventType: string;
  incidentId: string | null;
  service: string | null;
  /** The incident's state after the event (PagerDuty's status word). */
  status: string | null;
}

const STATES: Record<string, IncidentState> = {
  triggered: "open",
  acknowledged: "acknowledged",
  resolved: "resolved",
};

const PAGERDUTY_STATUS: Record<IncidentState, string> = {
  open: "triggered",
  acknowledged: "acknowledged",
  resolved: "resolved",
};

const asRecord = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
const asString = (value: unknown): string | undefined =>
  typeof value === "string" && value.length > 0 ? value : undefined;

export class StatusPage {
  readonly #incidents = new Map<string, StatusPageIncident>();
  readonly #latestUpdate = new Map<string, StatusUpdate>();
  /** Services in the order the page lists them: the app's own first. */
  readonly #order: string[];

  constructor(appServices: readonly string[]) {
    this.#order = [...appServices];
  }

  receive(event: WebhookEvent): WebhookEffect {
    const data = event.data;
    const effect: WebhookEffect = {
      eventType: event.event_type,
      incidentId: null,
      service: null,
      status: null,
    };
    if (event.resource_type !== "incident") return effect;

    if (data.type === "incident") {
      const id = asString(data.id);
      if (id === undefined) return effect;
      const incident = this.#applyIncident(id, data, event.occurred_at);
      return {
        ...effect,
        incidentId: id,
        service: incident.service,
        status: PAGERDUTY_STATUS[incident.status],
      };
    }

    // Status updates, notes, responders...: they name their incident by reference.
    const ref = asRecord(data.incident);
    const id = asString(ref?.id);
    if (id === undefined) return effect;
    const known = this.#incidents.get(id);
    const service = known?.service ?? "unknown";
    if (data.type === "incident_status_update" && typeof data.message === "string") {
      this.#note(service);
      const latest = this.#latestUpdate.get(service);
      if (latest === undefined || latest.publishedAt <= event.occurred_at) {
        this.#latestUpdate.set(service, {
          incidentId: id,
          message: data.message,
          publishedAt: event.occurred_at,
        });
      }
    }
    return {
      ...effect,
      incidentId: id,
      service,
      status: known ? PAGERDUTY_STATUS[known.status] : null,
    };
  }

  view(): { services: ServiceStatus[] } {
    return {
      services: this.#order.map((service) => {
        const incidents = [...this.#incidents.values()].filter((i) => i.service === service);
        return {
          service,
          status: incidents.some((i) => i.status !== "resolved") ? "degraded" : "operational",
          incidents: incidents.map((i) => ({ ...i })),
          latestStatusUpdate: this.#latestUpdate.get(service) ?? null,
        };
      }),
    };
  }

  #applyIncident(id: string, data: Record<string, unknown>, at: string): StatusPageIncident {
    const serviceRef = asRecord(data.service);
    const service = asString(serviceRef?.summary) ?? asString(serviceRef?.id) ?? "unknown";
    let incident = this.#incidents.get(id);
    if (incident === undefined) {
      incident = {
        id,
        number: typeof data.number === "number" ? data.number : null,
        title: asString(data.title) ?? null,
        service,
        status: "open",
        openedAt: asString(data.created_at) ?? at,
        acknowledgedAt: null,
        resolvedAt: null,
        updatedAt: at,
      };
      this.#incidents.set(id, incident);
      this.#note(service);
    } else if (at < incident.updatedAt) {
      // A retried delivery older than what the page shows: PagerDuty delivers at least once.
      return incident;
    }
    if (service !== "unknown" && service !== incident.service) {
      // incident.service_updated: the incident moved to another service.
      incident.service = service;
      this.#note(service);
    }
    const state = STATES[String(data.status)];
    if (state !== undefined) {
      incident.status = state;
      if (state === "acknowledged") incident.acknowledgedAt = at;
      if (state === "resolved") incident.resolvedAt = at;
      if (state === "open") {
        incident.acknowledgedAt = null;
        incident.resolvedAt = null;
      }
    }
    incident.title = asString(data.title) ?? incident.title;
    incident.updatedAt = at;
    return incident;
  }

  #note(service: string): void {
    if (!this.#order.includes(service)) this.#order.push(service);
  }
}
