/**
 * The account `createPagerDuty` starts with, built from configuration: users with their contact
 * methods and notification rules, API tokens, teams, escalation policies, services with their
 * integrations, priorities and maintenance windows.
 *
 * Users, teams, escalation policies, services and maintenance windows are configured in the
 * shapes of the REST API's create bodies (`POST /users`, `/teams`, `/escalation_policies`,
 * `/services`, `/maintenance_windows`, unwrapped), with an optional fixed `id` so that others
 * can refer to them (`{"id": "PUSER01", "type": "user_reference"}`), and they pass the same
 * checks as those bodies: a scenario file is refused with the REST API's own texts, naming the
 * entry. Services also take the shorthand of the Events API's first configuration (`urgency`,
 * `alertGrouping`, `autoResolveTimeout`, `acknowledgementTimeout`, `disabled`, `maintenance`)
 * and always their `integrations` with fixed keys.
 *
 * On-call schedules are configured as `POST /schedules` bodies (../schedules/config.ts) and
 * built after the teams, so that escalation policies can target them.
 *
 * Ids come from the run's id factory in a fixed order (users, teams, schedules, policies,
 * services, priorities, windows), so the same configuration and seed give the same account.
 */
import type { Rng } from "../../../simulator/kernel/rng.js";
import {
  configuredSchedule,
  type PagerDutyScheduleConfig,
  ScheduleConfigError,
} from "../schedules/config.js";
import type {
  AlertGroupingParameters,
  ApiToken,
  ContactMethod,
  Integration,
  NotificationRule,
  PagerDutyAccount,
  Service,
  ServiceTier,
  Urgency,
  User,
} from "../store.js";
import { PagerDutyStore } from "../store.js";
import { type Body, Checks, isObject } from "./bodies.js";
import { RestError } from "./errors.js";
import { escalationPolicyFields, newEscalationPolicy } from "./escalationPolicies.js";
import { maintenanceWindowFields, newMaintenanceWindow } from "./maintenanceWindows.js";
import { DEFAULT_PRIORITIES } from "./priorities.js";
import { newService, serviceFields } from "./services.js";
import { newTeam, teamFields } from "./teams.js";
import { userFields } from "./users.js";

/** One Events API integration of a service: its key is what events name as `routing_key`. */
export interface PagerDutyIntegrationConfig {
  /** 32 letters and digits, as PagerDuty's integration keys. */
  key: string;
  /** "v2" (default): an Events API v2 integration; "v1": a Generic API (v1) one. */
  api?: "v2" | "v1";
  name?: string;
}

/**
 * A service: the fields of a `POST /services` body (name, description, escalation_policy,
 * teams, incident_urgency_rule, alert_grouping_parameters, auto_resolve_timeout,
 * acknowledgement_timeout, tier) or the shorthand below, and its integrations.
 */
export interface PagerDutyServiceConfig {
  id?: string;
  name: string;
  description?: string | null;
  /** A disabled service drops every event. */
  disabled?: boolean;
  /**
   * In maintenance from the start of the run, for good: a maintenance window that never ends
   * (its end_time is 9999-12-31T23:59:59Z). Triggers are dropped; events for open alerts apply.
   */
  maintenance?: boolean;
  /** The tier the SLA/XLA report reads (kept on the service as `tier`). */
  tier?: ServiceTier | null;
  /** The incident urgency rule (default "severity_based": critical and error are high). */
  urgency?: Urgency | "severity_based";
  /** Alert grouping; default none: every new alert opens its own incident. */
  alertGrouping?:
    | { type: "time"; timeoutMinutes: number }
    | {
        type: "content_based";
        aggregate: "all" | "any";
        fields: string[];
        timeWindowSeconds: number;
      };
  /** Seconds; null turns it off (defaults: PagerDuty's 14400 and 1800). */
  autoResolveTimeout?: number | null;
  acknowledgementTimeout?: number | null;
  /** REST fields, as `POST /services` takes them (each excludes its shorthand above). */
  escalation_policy?: { id: string; type?: string };
  teams?: { id: string; type?: string }[];
  incident_urgency_rule?: unknown;
  alert_grouping_parameters?: unknown;
  auto_resolve_timeout?: number | null;
  acknowledgement_timeout?: number | null;
  status?: "active" | "disabled";
  integrations: PagerDutyIntegrationConfig[];
}

/** A contact method of a configured user (REST ContactMethod). */
export interface PagerDutyContactMethodConfig {
  id?: string;
  type: ContactMethod["type"];
  label: string;
  address: string;
  country_code?: number;
}

/** A notification rule of a configured user; its method named by `id` or `label`. */
export interface PagerDutyNotificationRuleConfig {
  id?: string;
  start_delay_in_minutes: number;
  urgency: Urgency;
  contact_method: { id?: string; label?: string };
}

/** A user, as `POST /users` takes one, with an optional fixed id, contact methods and rules. */
export interface PagerDutyUserConfig {
  id?: string;
  name: string;
  email: string;
  role?: User["role"];
  time_zone?: string;
  color?: string;
  description?: string | null;
  job_title?: string | null;
  /** Default: PagerDuty's, one email contact method "Default" with the user's email. */
  contact_methods?: PagerDutyContactMethodConfig[];
  /** Default: every contact method at once, for high and low urgency. */
  notification_rules?: PagerDutyNotificationRuleConfig[];
}

/** A team, as `POST /teams` takes one, with its members. */
export interface PagerDutyTeamConfig {
  id?: string;
  name: string;
  description?: string | null;
  default_role?: "manager" | "none";
  parent?: { id: string; type?: string } | null;
  members?: { user: { id: string; type?: string }; role?: "observer" | "responder" | "manager" }[];
}

/** An escalation policy, as `POST /escalation_policies` takes one. */
export interface PagerDutyEscalationPolicyConfig {
  id?: string;
  name: string;
  description?: string | null;
  num_loops?: number;
  on_call_handoff_notifications?: "if_has_services" | "always";
  escalation_rules: {
    escalation_delay_in_minutes: number;
    targets: { id: string; type: string }[];
  }[];
  teams?: { id: string; type?: string }[];
}

/** A maintenance window, as `POST /maintenance_windows` takes one. */
export interface PagerDutyMaintenanceWindowConfig {
  id?: string;
  start_time: string;
  end_time: string;
  description?: string | null;
  services: { id: string; type?: string }[];
}

export interface PagerDutyApiTokenConfig {
  token: string;
  /** The email of the user the key belongs to; absent: an account-level key. */
  user?: string;
  /** "token" (default): sent as `Token token=`; "bearer": an OAuth-style token. */
  type?: ApiToken["kind"];
}

export interface PagerDutyAccountConfig {
  subdomain?: string;
  services?: readonly PagerDutyServiceConfig[];
  users?: readonly PagerDutyUserConfig[];
  teams?: readonly PagerDutyTeamConfig[];
  escalationPolicies?: readonly PagerDutyEscalationPolicyConfig[];
  maintenanceWindows?: readonly PagerDutyMaintenanceWindowConfig[];
  /** On-call schedules, as `POST /schedules` bodies with optional overrides. */
  schedules?: readonly PagerDutyScheduleConfig[];
  apiTokens?: readonly PagerDutyApiTokenConfig[];
}

/** A configuration the REST API's checks refuse: where, and the REST API's texts. */
export class PagerDutyConfigError extends Error {
  readonly path: (string | number)[];
  readonly errors: readonly string[];

  constructor(path: (string | number)[], errors: readonly string[]) {
    super(`pagerduty.${path.join(".")}: ${errors.join("; ")}`);
    this.name = "PagerDutyConfigError";
    this.path = path;
    this.errors = errors;
  }
}

/** The alphabet of pagerduty-cli's "legacy" 20-character API keys (§5.2), without `/` and `=`. */
const TOKEN_ALPHABET = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"];

/**
 * A 20-character REST API key drawn from `rng`: `u+` and 18 characters for a user's key, as
 * PagerDuty's user keys begin, 20 characters for an account key. pagerduty-cli sends a
 * 20-character key as `Token token=`.
 */
export function newApiKey(rng: Rng, kind: "user" | "account"): string {
  const length = kind === "user" ? 18 : 20;
  let key = kind === "user" ? "u+" : "";
  for (let i = 0; i < length; i++) key += rng.pick(TOKEN_ALPHABET);
  return key;
}

/** The user `watermelon up` starts with, owner of the default account. */
export const DEFAULT_USER = {
  name: "Watermelon Owner",
  email: "owner@watermelon.example",
  role: "owner",
  time_zone: "Etc/UTC",
  color: "green",
} as const satisfies PagerDutyUserConfig;

/** The far end of a maintenance window configured with `maintenance: true`. */
export const ENDLESS = "9999-12-31T23:59:59.000Z";

/** PagerDuty's own defaults for a new user: an email contact method, notified at once. */
export function defaultContact(
  newId: () => string,
  email: string,
): { contact_methods: ContactMethod[]; notification_rules: NotificationRule[] } {
  const method: ContactMethod = {
    id: newId(),
    type: "email_contact_method",
    label: "Default",
    address: email,
  };
  return { contact_methods: [method], notification_rules: rulesFor(newId, [method]) };
}

/** For every contact method, a rule at 0 minutes for high and for low urgency. */
function rulesFor(newId: () => string, methods: readonly ContactMethod[]): NotificationRule[] {
  return (["high", "low"] as const).flatMap((urgency) =>
    methods.map((m) => ({
      id: newId(),
      type: "assignment_notification_rule" as const,
      start_delay_in_minutes: 0,
      urgency,
      contact_method: { id: m.id, type: `${m.type}_reference` as const },
    })),
  );
}

export function newUser(
  store: { htmlUrl(path: string): string },
  newId: () => string,
  fields: Pick<User, "name" | "email"> & Partial<Omit<User, "id" | "type" | "html_url">>,
  id = newId(),
): User {
  const contact =
    fields.contact_methods === undefined ? defaultContact(newId, fields.email) : undefined;
  return {
    id,
    type: "user",
    name: fields.name,
    email: fields.email,
    time_zone: fields.time_zone ?? "Etc/UTC",
    color: fields.color ?? "green",
    role: fields.role ?? "user",
    description: fields.description ?? null,
    job_title: fields.job_title ?? null,
    html_url: store.htmlUrl(`users/${id}`),
    contact_methods: fields.contact_methods ?? contact?.contact_methods ?? [],
    notification_rules: fields.notification_rules ?? contact?.notification_rules ?? [],
  };
}

/** Priorities P1..P5 (GET /priorities' example), ids from the factory. */
export function defaultPriorities(newId: () => string): PagerDutyAccount["priorities"] {
  return DEFAULT_PRIORITIES.map((p, i) => ({
    id: newId(),
    type: "priority",
    name: p.name,
    description: p.description,
    order: i + 1,
    color: p.color,
  }));
}

const PD_ID = /^[PQ][A-Z0-9]{6,13}$/;

interface BuildContext {
  /** The run's id factory. */
  newId: () => string;
  /** The run's start: `created_at`s, and what maintenance windows are checked against. */
  nowMs: number;
  rng: Rng;
}

/**
 * Builds the account from configuration, checking each entry as the REST API checks its create
 * body. Throws PagerDutyConfigError naming the entry (`services.1`) and the REST API's texts.
 */
export function buildAccount(config: PagerDutyAccountConfig, b: BuildContext): PagerDutyStore {
  const subdomain = config.subdomain ?? "watermelon";
  const at = new Date(b.nowMs).toISOString();
  const store = new PagerDutyStore(subdomain, { services: [], integrations: [] });
  // Fixed ids are reserved first, so a generated id never takes one a later entry asks for.
  const reserved = new Set<string>();
  for (const list of [
    config.users,
    config.teams,
    config.escalationPolicies,
    config.services,
    config.maintenanceWindows,
    config.schedules,
  ]) {
    for (const entry of list ?? []) {
      if (typeof entry.id === "string") reserved.add(entry.id);
    }
  }
  const newId = () => {
    for (;;) {
      const id = b.newId();
      if (!reserved.has(id)) return id;
    }
  };
  const usedIds = new Set<string>();
  const idFor = (path: (string | number)[], id: unknown): string => {
    if (id === undefined) return newId();
    if (typeof id !== "string" || !PD_ID.test(id)) {
      throw new PagerDutyConfigError(
        [...path, "id"],
        [
          "Id is invalid (must match ^[PQ][A-Z0-9]{6,13}$, as PagerDuty's ids and pagerduty-cli expect)",
        ],
      );
    }
    if (usedIds.has(id))
      throw new PagerDutyConfigError([...path, "id"], [`Id ${id} is used twice`]);
    usedIds.add(id);
    return id;
  };
  const checked = <T>(path: (string | number)[], run: () => T): T => {
    try {
      return run();
    } catch (error) {
      if (error instanceof RestError) throw new PagerDutyConfigError(path, error.errors);
      throw error;
    }
  };

  // Users.
  const users = config.users ?? [DEFAULT_USER];
  if (users.length === 0)
    throw new PagerDutyConfigError(["users"], ["configure at least one user"]);
  users.forEach((u, i) => {
    const path = ["users", i];
    const { contact_methods, notification_rules, id, ...body } = u as PagerDutyUserConfig;
    const fields = checked(path, () => userFields(store, body as Body));
    const userId = idFor(path, id);
    const methods = contact_methods?.map((m, j) =>
      contactMethod([...path, "contact_methods", j], m, idFor, newId),
    );
    const user = newUser(
      store,
      newId,
      {
        ...(fields as Pick<User, "name" | "email">),
        ...(methods ? { contact_methods: methods } : {}),
      },
      userId,
    );
    if (notification_rules) {
      user.notification_rules = notification_rules.map((r, j) =>
        notificationRule([...path, "notification_rules", j], r, user, idFor),
      );
    } else if (methods) user.notification_rules = rulesFor(newId, methods);
    store.addUser(user);
  });

  // Teams: created first, then parents and members (which may name later teams).
  const teams = config.teams ?? [];
  for (const [i, t] of teams.entries()) {
    const { members: _members, parent: _parent, id, ...body } = t;
    const fields = checked(["teams", i], () => teamFields(store, body as Body));
    store.addTeam(newTeam(store, idFor(["teams", i], id), fields));
  }
  for (const [i, t] of teams.entries()) {
    const team = store.teams()[i];
    if (!team) continue;
    if (t.parent !== undefined) {
      Object.assign(
        team,
        checked(["teams", i], () => teamFields(store, { parent: t.parent }, team)),
      );
    }
    for (const [j, m] of (t.members ?? []).entries()) {
      const checks = new Checks();
      const ref = checks.reference(m.user, "User", ["user_reference", "user"], (id) =>
        Boolean(store.user(id)),
      );
      const role = checks.oneOf(m as Body, "role", ["observer", "responder", "manager"] as const);
      if (checks.errors.length > 0) {
        throw new PagerDutyConfigError(["teams", i, "members", j], checks.errors);
      }
      if (ref && !team.members.some((x) => x.user.id === ref.id)) {
        team.members.push({
          user: { id: ref.id, type: "user_reference" },
          role: role ?? "manager",
        });
      }
    }
  }

  // Schedules, before the escalation policies that may target them. An account configured with
  // none of users, schedules and policies (`watermelon up` without a scenario) gets a starter
  // set: a weekly rotation of the default user, which the default policy pages.
  const starter =
    config.users === undefined &&
    config.schedules === undefined &&
    config.escalationPolicies === undefined;
  const starterUser = store.users()[0] as User;
  const schedules: readonly PagerDutyScheduleConfig[] =
    config.schedules ??
    (starter
      ? [
          {
            name: "Default",
            time_zone: "UTC",
            schedule_layers: [
              {
                name: "Layer 1",
                start: new Date(b.nowMs).toISOString(),
                rotation_virtual_start: new Date(b.nowMs).toISOString(),
                rotation_turn_length_seconds: 7 * 24 * 3600,
                users: [{ user: { id: starterUser.id, type: "user_reference" } }],
              },
            ],
          } as PagerDutyScheduleConfig,
        ]
      : []);
  for (const [i, s] of schedules.entries()) {
    const path = ["schedules", i];
    try {
      const record = configuredSchedule(s, {
        userExists: (id) => store.user(id) !== undefined,
        teamExists: (id) => store.team(id) !== undefined,
        nowMs: b.nowMs,
        newId,
        id: idFor(path, s.id),
      });
      store.schedules.add(record.schedule, record.overrides);
    } catch (error) {
      if (error instanceof ScheduleConfigError) {
        throw new PagerDutyConfigError([...path, ...error.path], error.errors);
      }
      throw error;
    }
  }

  // Escalation policies: by default one, "Default", notifying the first user after 30 minutes.
  const first = store.users()[0] as User;
  const policies: readonly PagerDutyEscalationPolicyConfig[] = config.escalationPolicies ?? [
    {
      name: "Default",
      escalation_rules: [
        {
          escalation_delay_in_minutes: 30,
          targets: [
            starter
              ? { id: store.schedules.all()[0]?.id ?? first.id, type: "schedule_reference" }
              : { id: first.id, type: "user_reference" },
          ],
        },
      ],
    },
  ];
  for (const [i, p] of policies.entries()) {
    const { id, ...body } = p;
    const fields = checked(["escalationPolicies", i], () =>
      escalationPolicyFields(store, body as Body),
    );
    const policyId = idFor(["escalationPolicies", i], id);
    store.addEscalationPolicy(newEscalationPolicy(store, newId, fields, policyId));
  }

  // Services and their integrations.
  const services = config.services ?? [];
  if (services.length === 0) {
    throw new PagerDutyConfigError(["services"], ["configure at least one service"]);
  }
  const windows: Parameters<PagerDutyStore["addMaintenanceWindow"]>[0][] = [];
  for (const [i, s] of services.entries()) {
    const path = ["services", i];
    const { status, ...body } = serviceBody(path, s, store.escalationPolicies()[0]?.id);
    const fields = checked(path, () => serviceFields(store, body));
    if (status !== undefined && status !== "active" && status !== "disabled") {
      throw new PagerDutyConfigError(path, [
        "Status is invalid (must be one of: active, disabled)",
      ]);
    }
    const service: Service = newService(store, idFor(path, s.id), fields, at);
    if (status === "disabled") service.status = "disabled";
    store.addService(service);
    for (const [j, c] of s.integrations.entries()) {
      const v1 = c.api === "v1";
      const integration: Integration = {
        id: newId(),
        type: v1 ? "generic_events_api_inbound_integration" : "events_api_v2_inbound_integration",
        name: c.name ?? (v1 ? "Events API V1" : "Events API V2"),
        integration_key: c.key,
        service: { id: service.id, type: "service_reference" },
        created_at: at,
      };
      if (store.integrationByKey(c.key)) {
        throw new PagerDutyConfigError(
          [...path, "integrations", j, "key"],
          ["the same integration key is already used by another integration"],
        );
      }
      store.addIntegration(integration);
    }
    if (s.maintenance) {
      const windowId = newId();
      windows.push({
        id: windowId,
        type: "maintenance_window",
        start_time: at,
        end_time: ENDLESS,
        description: `${service.name} is configured in maintenance`,
        html_url: store.htmlUrl(`maintenance_windows/${windowId}`),
        services: [{ id: service.id, type: "service_reference" }],
        created_by: null,
      });
    }
  }
  const priorities = defaultPriorities(newId);

  // Maintenance windows, checked at the run's start: their end must be after it.
  for (const [i, w] of (config.maintenanceWindows ?? []).entries()) {
    const { id, ...body } = w;
    const fields = checked(["maintenanceWindows", i], () =>
      maintenanceWindowFields(store, body as Body, b.nowMs),
    );
    windows.push(newMaintenanceWindow(store, idFor(["maintenanceWindows", i], id), fields, null));
  }

  // API tokens: by default one key of the first user, drawn from the seed.
  const tokenRng = b.rng.fork("pagerduty").fork("api-tokens");
  const apiTokens: ApiToken[] = (
    config.apiTokens ?? [{ token: newApiKey(tokenRng, "user"), user: first.email }]
  ).map((t, i) => {
    const user = t.user === undefined ? undefined : store.userByEmail(t.user);
    if (t.user !== undefined && !user) {
      throw new PagerDutyConfigError(
        ["apiTokens", i, "user"],
        [`no configured user has the email ${t.user}`],
      );
    }
    return {
      token: t.token,
      kind: t.type ?? "token",
      user: user ? { id: user.id, type: "user_reference" } : null,
    };
  });

  const snapshot = store.snapshot();
  return new PagerDutyStore(subdomain, {
    services: snapshot.services.map((s) => ({ ...s, integrations: [] })),
    integrations: snapshot.integrations,
    users: snapshot.users,
    teams: snapshot.teams,
    escalation_policies: snapshot.escalation_policies,
    priorities,
    maintenance_windows: windows.map((w, i) => ({ ...w, sequence_number: i + 1 })),
    api_tokens: apiTokens,
    schedules: store.schedules.snapshot(),
  });
}

/** A configured service as a `POST /services` body: its shorthand translated, defaults filled. */
function serviceBody(
  path: (string | number)[],
  s: PagerDutyServiceConfig,
  defaultPolicy: string | undefined,
): Body {
  const both = (short: keyof PagerDutyServiceConfig, rest: keyof PagerDutyServiceConfig) => {
    if (s[short] !== undefined && s[rest] !== undefined) {
      throw new PagerDutyConfigError(path, [`give ${String(short)} or ${String(rest)}, not both`]);
    }
  };
  both("urgency", "incident_urgency_rule");
  both("alertGrouping", "alert_grouping_parameters");
  both("autoResolveTimeout", "auto_resolve_timeout");
  both("acknowledgementTimeout", "acknowledgement_timeout");
  both("disabled", "status");
  const {
    id: _id,
    integrations: _integrations,
    maintenance: _maintenance,
    urgency,
    alertGrouping,
    autoResolveTimeout,
    acknowledgementTimeout,
    disabled,
    ...rest
  } = s;
  const grouping: AlertGroupingParameters | undefined =
    alertGrouping === undefined
      ? undefined
      : alertGrouping.type === "time"
        ? { type: "time", config: { timeout: alertGrouping.timeoutMinutes } }
        : {
            type: "content_based",
            config: {
              aggregate: alertGrouping.aggregate,
              fields: [...alertGrouping.fields],
              time_window: alertGrouping.timeWindowSeconds,
            },
          };
  return {
    ...rest,
    escalation_policy: rest.escalation_policy ?? {
      id: defaultPolicy,
      type: "escalation_policy_reference",
    },
    incident_urgency_rule: rest.incident_urgency_rule ?? {
      type: "constant",
      urgency: urgency ?? "severity_based",
    },
    ...(grouping ? { alert_grouping_parameters: grouping } : {}),
    // The configuration's defaults are PagerDuty's schema defaults, 4 hours and 30 minutes.
    auto_resolve_timeout:
      rest.auto_resolve_timeout !== undefined
        ? rest.auto_resolve_timeout
        : autoResolveTimeout === undefined
          ? 14_400
          : autoResolveTimeout,
    acknowledgement_timeout:
      rest.acknowledgement_timeout !== undefined
        ? rest.acknowledgement_timeout
        : acknowledgementTimeout === undefined
          ? 1_800
          : acknowledgementTimeout,
    ...(disabled ? { status: "disabled" } : {}),
  };
}

function contactMethod(
  path: (string | number)[],
  m: PagerDutyContactMethodConfig,
  idFor: (path: (string | number)[], id: unknown) => string,
  newId: () => string,
): ContactMethod {
  const checks = new Checks();
  const type = checks.oneOf(
    m as unknown as Body,
    "type",
    ["email_contact_method", "phone_contact_method", "sms_contact_method"] as const,
    { required: true },
  );
  const label = checks.string(m as unknown as Body, "label", { required: true });
  const address = checks.string(m as unknown as Body, "address", { required: true });
  const country = checks.integer(m as unknown as Body, "country_code", { min: 1 });
  if (checks.errors.length > 0) throw new PagerDutyConfigError(path, checks.errors);
  return {
    id: m.id === undefined ? newId() : idFor(path, m.id),
    type: type as ContactMethod["type"],
    label: label as string,
    address: address as string,
    ...(typeof country === "number" ? { country_code: country } : {}),
  };
}

function notificationRule(
  path: (string | number)[],
  r: PagerDutyNotificationRuleConfig,
  user: User,
  idFor: (path: (string | number)[], id: unknown) => string,
): NotificationRule {
  const checks = new Checks();
  const body = r as unknown as Body;
  const delay = checks.integer(body, "start_delay_in_minutes", { required: true, min: 0 });
  const urgency = checks.oneOf(body, "urgency", ["high", "low"] as const, { required: true });
  const wanted = isObject(r.contact_method) ? r.contact_method : {};
  const method = user.contact_methods.find(
    (m) =>
      (wanted.id !== undefined && m.id === wanted.id) ||
      (wanted.id === undefined && m.label === wanted.label),
  );
  if (!method) checks.add("Contact method not found (name one of the user's by id or label)");
  if (checks.errors.length > 0) throw new PagerDutyConfigError(path, checks.errors);
  const m = method as ContactMethod;
  return {
    id: idFor(path, r.id),
    type: "assignment_notification_rule",
    start_delay_in_minutes: delay as number,
    urgency: urgency as Urgency,
    contact_method: { id: m.id, type: `${m.type}_reference` },
  };
}
