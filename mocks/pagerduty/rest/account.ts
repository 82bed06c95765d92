/**
 * The account `createPagerDuty` starts with, built from configuration: users with their contact
 * methods and notification rules, API tokens, escalation policies, services with their
 * integrations, priorities and maintenance windows. Ids come from the run's id factory in a
 * fixed order, so the same configuration and seed give the same account.
 */
import type { Rng } from "../../../simulator/kernel/rng.js";
import type {
  ApiToken,
  ContactMethod,
  NotificationRule,
  PagerDutyAccount,
  User,
} from "../store.js";
import { DEFAULT_PRIORITIES } from "./priorities.js";

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
} as const;

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
  const rule = (urgency: "high" | "low"): NotificationRule => ({
    id: newId(),
    type: "assignment_notification_rule",
    start_delay_in_minutes: 0,
    urgency,
    contact_method: { id: method.id, type: "email_contact_method_reference" },
  });
  return { contact_methods: [method], notification_rules: [rule("high"), rule("low")] };
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
    teams: fields.teams ?? [],
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

export function userToken(token: string, user: User): ApiToken {
  return { token, kind: "token", user: { id: user.id, type: "user_reference" } };
}
