/**
 * The REST objects of the account as PagerDuty renders them: references and full objects of
 * users (with contact methods and notification rules), teams, escalation policies, services
 * (with their derived status and integrations) and maintenance windows, field for field as the
 * spec's schemas and examples have them. Other route modules render references to these with
 * the `*Reference` functions, so a reference always reads the same.
 */
import type {
  ContactMethod,
  EscalationPolicy,
  Integration,
  MaintenanceWindow,
  NotificationRule,
  PagerDutyStore,
  Service,
  Team,
  User,
} from "../store.js";
import { apiUrl, type RenderedReference, type Renderer } from "./render.js";

/** What rendering needs: the store, the renderer, and the time (service status, windows). */
export interface ShapeContext {
  store: PagerDutyStore;
  render: Renderer;
  nowMs: number;
}

/**
 * The schedules an escalation policy may target: `store.schedule(id)` once the schedules module
 * gives the store one; until then schedule targets are refused as unknown.
 */
export function scheduleLookup(
  store: PagerDutyStore,
): (id: string) => { name?: string } | undefined {
  const s = store as unknown as { schedule?: (id: string) => { name?: string } | undefined };
  return (id) => (typeof s.schedule === "function" ? s.schedule(id) : undefined);
}

// References.

export const userReference = (c: ShapeContext, u: User) => c.render.reference("user", u.id, u.name);

/** A reference to a user by id; a deleted user keeps `summary: null`. */
export const userReferenceById = (c: ShapeContext, id: string): RenderedReference => {
  const user = c.store.user(id);
  return user ? userReference(c, user) : c.render.reference("user", id, null);
};

export const teamReferenceById = (c: ShapeContext, id: string): RenderedReference =>
  c.render.reference("team", id, c.store.team(id)?.name ?? null);

export const serviceReferenceById = (c: ShapeContext, id: string): RenderedReference =>
  c.render.reference("service", id, c.store.service(id)?.name ?? null);

export const escalationPolicyReferenceById = (c: ShapeContext, id: string): RenderedReference =>
  c.render.reference("escalation_policy", id, c.store.escalationPolicy(id)?.name ?? null);

export const scheduleReferenceById = (c: ShapeContext, id: string): RenderedReference =>
  c.render.reference("schedule", id, scheduleLookup(c.store)(id)?.name ?? null);

/** An escalation target: a user or a schedule reference. */
export const targetReference = (
  c: ShapeContext,
  t: { id: string; type: string },
): RenderedReference =>
  t.type.startsWith("schedule") ? scheduleReferenceById(c, t.id) : userReferenceById(c, t.id);

// Users.

const contactMethodSelf = (userId: string, id: string) =>
  apiUrl(`users/${userId}/contact_methods/${id}`);
const notificationRuleSelf = (userId: string, id: string) =>
  apiUrl(`users/${userId}/notification_rules/${id}`);

export function contactMethodReference(user: User, m: ContactMethod) {
  return {
    id: m.id,
    type: `${m.type}_reference`,
    summary: m.label,
    self: contactMethodSelf(user.id, m.id),
    html_url: null,
  };
}

export function renderContactMethod(user: User, m: ContactMethod) {
  return {
    id: m.id,
    type: m.type,
    summary: m.label,
    self: contactMethodSelf(user.id, m.id),
    html_url: null,
    label: m.label,
    address: m.address,
    ...(m.type === "email_contact_method"
      ? { send_short_email: false, send_html_email: false }
      : { country_code: m.country_code ?? 1, blacklisted: false }),
    ...(m.type === "sms_contact_method" ? { enabled: true } : {}),
  };
}

export function notificationRuleReference(user: User, r: NotificationRule) {
  return {
    id: r.id,
    type: "assignment_notification_rule_reference",
    summary: ruleSummary(user, r),
    self: notificationRuleSelf(user.id, r.id),
    html_url: null,
  };
}

/** "0 minutes: channel PDEFAULT" is PagerDuty's style; the label says which method. */
function ruleSummary(user: User, r: NotificationRule): string {
  const method = user.contact_methods.find((m) => m.id === r.contact_method.id);
  return `${r.start_delay_in_minutes} minutes: channel ${method?.label ?? r.contact_method.id}`;
}

export function renderNotificationRule(user: User, r: NotificationRule, expandMethod: boolean) {
  const method = user.contact_methods.find((m) => m.id === r.contact_method.id);
  return {
    id: r.id,
    type: r.type,
    summary: ruleSummary(user, r),
    self: notificationRuleSelf(user.id, r.id),
    html_url: null,
    start_delay_in_minutes: r.start_delay_in_minutes,
    contact_method:
      expandMethod && method
        ? renderContactMethod(user, method)
        : method
          ? contactMethodReference(user, method)
          : { ...r.contact_method, summary: null, self: null, html_url: null },
    urgency: r.urgency,
  };
}

/** The teams whose members include the user, in the account's order. */
export const teamsOf = (c: ShapeContext, userId: string): Team[] =>
  c.store.teams().filter((t) => t.members.some((m) => m.user.id === userId));

export function renderUser(c: ShapeContext, u: User, include: ReadonlySet<string> = new Set()) {
  return {
    ...c.render.head("user", u.id, u.name),
    name: u.name,
    email: u.email,
    time_zone: u.time_zone,
    color: u.color,
    role: u.role,
    avatar_url: `https://secure.gravatar.com/avatar/${avatarHash(u.email)}.png?d=mm&r=PG`,
    description: u.description,
    invitation_sent: false,
    job_title: u.job_title,
    created_via_sso: false,
    teams: teamsOf(c, u.id).map((t) =>
      include.has("teams") ? renderTeam(c, t) : c.render.reference("team", t.id, t.name),
    ),
    contact_methods: u.contact_methods.map((m) =>
      include.has("contact_methods") ? renderContactMethod(u, m) : contactMethodReference(u, m),
    ),
    notification_rules: u.notification_rules.map((r) =>
      include.has("notification_rules")
        ? renderNotificationRule(u, r, false)
        : notificationRuleReference(u, r),
    ),
  };
}

/** A stable stand-in for the md5 Gravatar hashes PagerDuty shows (no crypto needed for a URL). */
function avatarHash(email: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193;
  for (const ch of email.trim().toLowerCase()) {
    const code = ch.codePointAt(0) ?? 0;
    h1 = Math.imul(h1 ^ code, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ code, 0x811c9dc5) >>> 0;
  }
  return (
    h1.toString(16).padStart(8, "0") +
    h2.toString(16).padStart(8, "0") +
    (h1 ^ h2).toString(16).padStart(8, "0") +
    ((h1 + h2) >>> 0).toString(16).padStart(8, "0")
  );
}

// Teams.

export function renderTeam(c: ShapeContext, t: Team) {
  return {
    ...c.render.head("team", t.id, t.name),
    name: t.name,
    description: t.description,
    default_role: t.default_role,
    parent: t.parent ? teamReferenceById(c, t.parent.id) : null,
  };
}

// Escalation policies.

/** The services that use a policy, in the account's order. */
export const servicesUsing = (c: ShapeContext, policyId: string): Service[] =>
  c.store.services().filter((s) => s.escalation_policy?.id === policyId);

export function renderEscalationPolicy(
  c: ShapeContext,
  p: EscalationPolicy,
  include: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  return {
    ...c.render.head("escalation_policy", p.id, p.name),
    name: p.name,
    description: p.description,
    num_loops: p.num_loops,
    on_call_handoff_notifications: p.on_call_handoff_notifications,
    escalation_rules: p.escalation_rules.map((r) => ({
      id: r.id,
      escalation_delay_in_minutes: r.escalation_delay_in_minutes,
      targets: r.targets.map((t) => {
        const user = t.type.startsWith("user") ? c.store.user(t.id) : undefined;
        return include.has("targets") && user ? renderUser(c, user) : targetReference(c, t);
      }),
    })),
    services: servicesUsing(c, p.id).map((s) =>
      include.has("services") ? renderService(c, s) : c.render.reference("service", s.id, s.name),
    ),
    teams: p.teams.map((t) => {
      const team = c.store.team(t.id);
      return include.has("teams") && team ? renderTeam(c, team) : teamReferenceById(c, t.id);
    }),
  };
}

// Services.

/**
 * A service's status as PagerDuty derives it (Service.status in the spec): disabled as set,
 * in maintenance during an ongoing window, critical with a triggered incident, warning with an
 * acknowledged one, else active.
 */
export function serviceStatus(
  c: ShapeContext,
  s: Service,
): "active" | "warning" | "critical" | "maintenance" | "disabled" {
  if (s.status === "disabled") return "disabled";
  if (c.store.ongoingMaintenance(s.id, c.nowMs).length > 0) return "maintenance";
  const open = c.store.openIncidents(s.id);
  if (open.some((i) => i.status === "triggered")) return "critical";
  if (open.length > 0) return "warning";
  return "active";
}

const integrationSelf = (serviceId: string, id: string) =>
  apiUrl(`services/${serviceId}/integrations/${id}`);

export function integrationReference(c: ShapeContext, i: Integration) {
  return {
    id: i.id,
    type: `${i.type}_reference`,
    summary: i.name,
    self: integrationSelf(i.service.id, i.id),
    html_url: c.render.htmlUrl(`services/${i.service.id}/integrations/${i.id}`),
  };
}

export function renderIntegration(c: ShapeContext, i: Integration) {
  return {
    id: i.id,
    type: i.type,
    summary: i.name,
    self: integrationSelf(i.service.id, i.id),
    html_url: c.render.htmlUrl(`services/${i.service.id}/integrations/${i.id}`),
    name: i.name,
    service: serviceReferenceById(c, i.service.id),
    created_at: i.created_at,
    vendor: null,
    integration_key: i.integration_key,
  };
}

export function renderService(
  c: ShapeContext,
  s: Service,
  include: ReadonlySet<string> = new Set(),
): Record<string, unknown> {
  const policy = s.escalation_policy ? c.store.escalationPolicy(s.escalation_policy.id) : undefined;
  const integrations = s.integrations
    .map((r) => c.store.integration(r.id))
    .filter((i): i is Integration => i !== undefined);
  return {
    ...c.render.head("service", s.id, s.name),
    name: s.name,
    description: s.description,
    auto_resolve_timeout: s.auto_resolve_timeout,
    acknowledgement_timeout: s.acknowledgement_timeout,
    created_at: s.created_at,
    status: serviceStatus(c, s),
    last_incident_timestamp: s.last_incident_timestamp,
    escalation_policy:
      include.has("escalation_policies") && policy
        ? renderEscalationPolicy(c, policy)
        : s.escalation_policy
          ? escalationPolicyReferenceById(c, s.escalation_policy.id)
          : null,
    response_play: null,
    teams: s.teams.map((t) => {
      const team = c.store.team(t.id);
      return include.has("teams") && team ? renderTeam(c, team) : teamReferenceById(c, t.id);
    }),
    integrations: integrations.map((i) =>
      include.has("integrations") ? renderIntegration(c, i) : integrationReference(c, i),
    ),
    incident_urgency_rule: { ...s.incident_urgency_rule },
    support_hours: null,
    scheduled_actions: [],
    addons: [],
    alert_creation: "create_alerts_and_incidents",
    alert_grouping_parameters: structuredClone(s.alert_grouping_parameters),
    auto_pause_notifications_parameters: { enabled: false, timeout: null },
    /** Not a PagerDuty field: the tier the SLA/XLA report reads (gold, silver, bronze). */
    tier: s.tier,
  };
}

// Maintenance windows.

export function renderMaintenanceWindow(
  c: ShapeContext,
  w: MaintenanceWindow,
  include: ReadonlySet<string> = new Set(),
) {
  const teams = new Map<string, Team>();
  for (const ref of w.services) {
    for (const t of c.store.service(ref.id)?.teams ?? []) {
      const team = c.store.team(t.id);
      if (team) teams.set(team.id, team);
    }
  }
  const creator = w.created_by ? c.store.user(w.created_by.id) : undefined;
  return {
    ...c.render.head(
      "maintenance_window",
      w.id,
      w.description ?? `Maintenance #${w.sequence_number}`,
    ),
    sequence_number: w.sequence_number,
    start_time: w.start_time,
    end_time: w.end_time,
    description: w.description,
    created_by: w.created_by
      ? include.has("users") && creator
        ? renderUser(c, creator)
        : userReferenceById(c, w.created_by.id)
      : null,
    services: w.services.map((ref) => {
      const service = c.store.service(ref.id);
      return include.has("services") && service
        ? renderService(c, service)
        : serviceReferenceById(c, ref.id);
    }),
    teams: [...teams.values()].map((t) =>
      include.has("teams") ? renderTeam(c, t) : c.render.reference("team", t.id, t.name),
    ),
  };
}
