/**
 * How objects and references look on the wire. A reference is `{id, type, summary, self,
 * html_url}` with `type` `<kind>_reference` (12-Wrapped-Entities.md, reference/pagerduty.md
 * §2.1); `self` is on https://api.pagerduty.com and `html_url` on the account's
 * `https://<subdomain>.pagerduty.com`, as real responses are, whatever host served the request:
 * pagerduty-cli derives the account from `user.html_url` and refuses any other host.
 */
import { API_ORIGIN } from "./limits.js";

/** The kinds of object the REST API names, with where each lives in the API and the web app. */
export const KINDS = {
  user: { api: "users", web: "users" },
  service: { api: "services", web: "service-directory" },
  escalation_policy: { api: "escalation_policies", web: "escalation_policies" },
  team: { api: "teams", web: "teams" },
  schedule: { api: "schedules", web: "schedules" },
  incident: { api: "incidents", web: "incidents" },
  alert: { api: "alerts", web: "alerts" },
  log_entry: { api: "log_entries", web: "log_entries" },
  maintenance_window: { api: "maintenance_windows", web: "maintenance_windows" },
  priority: { api: "priorities", web: null },
  webhook_subscription: { api: "webhook_subscriptions", web: null },
} as const satisfies Record<string, { api: string; web: string | null }>;

export type Kind = keyof typeof KINDS;

export interface RenderedReference {
  id: string;
  type: string;
  summary: string | null;
  self: string | null;
  html_url: string | null;
}

/** `https://api.pagerduty.com/<path>`. */
export const apiUrl = (path: string) => `${API_ORIGIN}/${path.replace(/^\//, "")}`;

export interface Renderer {
  /** `https://<subdomain>.pagerduty.com/<path>`. */
  htmlUrl(path: string): string;
  /** The API URL of one object of a kind: `https://api.pagerduty.com/users/PABC123`. */
  self(kind: Kind, id: string): string;
  /** The web app URL of one object, or null for kinds the web app has no page for. */
  html(kind: Kind, id: string): string | null;
  /** `{id, type: "<kind>_reference", summary, self, html_url}`. */
  reference(kind: Kind, id: string, summary: string | null): RenderedReference;
  /** The `id`, `summary`, `self` and `html_url` that head a full object of a kind. */
  head(
    kind: Kind,
    id: string,
    summary: string | null,
  ): { id: string; type: Kind; summary: string | null; self: string; html_url: string | null };
}

export function createRenderer(subdomain: string): Renderer {
  const htmlUrl = (path: string) => `https://${subdomain}.pagerduty.com/${path.replace(/^\//, "")}`;
  const self = (kind: Kind, id: string) => apiUrl(`${KINDS[kind].api}/${id}`);
  const html = (kind: Kind, id: string) => {
    const web = KINDS[kind].web;
    return web === null ? null : htmlUrl(`${web}/${id}`);
  };
  return {
    htmlUrl,
    self,
    html,
    reference: (kind, id, summary) => ({
      id,
      type: `${kind}_reference`,
      summary,
      self: self(kind, id),
      html_url: html(kind, id),
    }),
    head: (kind, id, summary) => ({
      id,
      type: kind,
      summary,
      self: self(kind, id),
      html_url: html(kind, id),
    }),
  };
}
