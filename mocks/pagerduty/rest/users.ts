/**
 * Users: `GET /users` (query, team_ids[], include[]), `POST /users`, `GET|PUT|DELETE
 * /users/{id}`, `GET /users/me` as pagerduty-cli reads it (it requires `user.html_url` on
 * `https://<subdomain>.pagerduty.com`, §5.2), and the contact methods and notification rules as
 * read-only renderings (`GET /users/{id}/contact_methods[/{id}]`,
 * `GET /users/{id}/notification_rules[/{id}]`). Users, their contact methods and rules are
 * configured in the `pagerduty` option; `POST /users` gives a new user PagerDuty's defaults (an
 * email contact method, notified at once for high and low urgency).
 */
import type { PagerDutyStore, User, UserRole } from "../store.js";
import { newUser } from "./account.js";
import { type Body, Checks, isTimeZone } from "./bodies.js";
import { invalidInput, notFound } from "./errors.js";
import { created, noContent, ok, type RestContext, type RestRoute } from "./router.js";
import { renderContactMethod, renderNotificationRule, renderUser, teamsOf } from "./shapes.js";

export const USER_ROLES: readonly UserRole[] = [
  "admin",
  "limited_user",
  "observer",
  "owner",
  "read_only_user",
  "restricted_access",
  "read_only_limited_user",
  "user",
];

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The fields of a user body (POST or PUT) after PagerDuty's checks; every error at once. */
export function userFields(
  store: PagerDutyStore,
  body: Body,
  existing?: User,
): Partial<Omit<User, "id" | "type" | "html_url">> {
  const checks = new Checks();
  const creating = existing === undefined;
  checks.type(body, "user");
  const name = checks.string(body, "name", { required: creating, max: 100 });
  const email = checks.string(body, "email", { required: creating, max: 100 });
  if (typeof email === "string") {
    if ([...email].length < 6 || !EMAIL.test(email)) checks.add("Email is invalid");
    else {
      const other = store.userByEmail(email);
      if (other && other.id !== existing?.id) checks.add("Email has already been taken");
    }
  }
  const role = checks.oneOf(body, "role", USER_ROLES);
  const timeZone = checks.string(body, "time_zone");
  if (typeof timeZone === "string" && !isTimeZone(timeZone)) checks.add("Time zone is invalid");
  const color = checks.string(body, "color");
  const description = checks.string(body, "description", { nullable: true });
  const jobTitle = checks.string(body, "job_title", { max: 100, nullable: true });
  checks.done();
  return {
    ...(typeof name === "string" ? { name } : {}),
    ...(typeof email === "string" ? { email } : {}),
    ...(role ? { role } : {}),
    ...(typeof timeZone === "string" ? { time_zone: timeZone } : {}),
    ...(typeof color === "string" ? { color } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(jobTitle !== undefined ? { job_title: jobTitle } : {}),
  };
}

function userOr404(ctx: RestContext): User {
  const user = ctx.store.user(ctx.params.id as string);
  if (!user) throw notFound();
  return user;
}

/**
 * Why a user cannot be deleted, if they cannot: the spec's 400 for a user with assigned
 * incidents, and (as the web app refuses it) a user who is the only target of a rule.
 */
function deletionBlockers(ctx: RestContext, user: User): string[] {
  const errors: string[] = [];
  if (user.role === "owner") errors.push("The account owner cannot be deleted");
  const assigned = ctx.store
    .incidents()
    .filter((i) => i.status !== "resolved" && i.assignments.some((a) => a.assignee.id === user.id));
  if (assigned.length > 0) {
    errors.push(
      `User has assigned incidents (${assigned.map((i) => `#${i.incident_number}`).join(", ")}); reassign or resolve them first`,
    );
  }
  for (const policy of ctx.store.escalationPolicies()) {
    for (const [i, rule] of policy.escalation_rules.entries()) {
      if (rule.targets.length === 1 && rule.targets[0]?.id === user.id) {
        errors.push(
          `User is the only target of rule ${i + 1} of escalation policy ${policy.name} (${policy.id})`,
        );
      }
    }
  }
  return errors;
}

export const userRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/users",
    operationId: "listUsers",
    handler(ctx) {
      const query = ctx.query.string("query")?.toLowerCase();
      const teamIds = ctx.query.strings("team_ids");
      const include = ctx.query.includes();
      const users = [...ctx.store.users()]
        .filter(
          (u) =>
            query === undefined ||
            u.name.toLowerCase().includes(query) ||
            u.email.toLowerCase().includes(query),
        )
        .filter(
          (u) => teamIds.length === 0 || teamsOf(ctx, u.id).some((t) => teamIds.includes(t.id)),
        )
        .sort((a, b) => a.name.localeCompare(b.name, "en") || a.id.localeCompare(b.id));
      return ok(ctx.paginate("users", users, (u) => renderUser(ctx, u, include)));
    },
  },
  {
    method: "GET",
    path: "/users/me",
    operationId: "getCurrentUser",
    handler(ctx) {
      // An account-level key belongs to no user (reference §2.3: pagerduty-cli then falls back
      // to GET /users?limit=1); the spec's only error for this operation is a 400.
      if (!ctx.tokenUser) {
        throw invalidInput([
          "This API key belongs to the account, not to a user: there is no current user",
        ]);
      }
      return ok({ user: renderUser(ctx, ctx.tokenUser, ctx.query.includes()) });
    },
  },
  {
    method: "POST",
    path: "/users",
    operationId: "createUser",
    from: "required",
    handler(ctx) {
      const fields = userFields(ctx.store, ctx.entity("user"));
      const user = newUser(ctx.store, ctx.newId, fields as Parameters<typeof newUser>[2]);
      ctx.store.addUser(user);
      return created({ user: renderUser(ctx, user) });
    },
  },
  {
    method: "GET",
    path: "/users/{id}",
    operationId: "getUser",
    handler: (ctx) => ok({ user: renderUser(ctx, userOr404(ctx), ctx.query.includes()) }),
  },
  {
    method: "PUT",
    path: "/users/{id}",
    operationId: "updateUser",
    handler(ctx) {
      const user = userOr404(ctx);
      const fields = userFields(ctx.store, ctx.entity("user"), user);
      if (fields.role && fields.role !== user.role && user.role === "owner") {
        throw invalidInput(["The account owner's role cannot be changed"]);
      }
      Object.assign(user, fields);
      return ok({ user: renderUser(ctx, user) });
    },
  },
  {
    method: "DELETE",
    path: "/users/{id}",
    operationId: "deleteUser",
    handler(ctx) {
      const user = userOr404(ctx);
      const blockers = deletionBlockers(ctx, user);
      if (blockers.length > 0) throw invalidInput(blockers);
      for (const policy of ctx.store.escalationPolicies()) {
        for (const rule of policy.escalation_rules) {
          rule.targets = rule.targets.filter((t) => t.id !== user.id);
        }
      }
      for (const team of ctx.store.teams()) {
        team.members = team.members.filter((m) => m.user.id !== user.id);
      }
      ctx.store.removeUser(user.id);
      return noContent();
    },
  },
  {
    method: "GET",
    path: "/users/{id}/contact_methods",
    operationId: "getUserContactMethods",
    handler(ctx) {
      const user = userOr404(ctx);
      return ok({ contact_methods: user.contact_methods.map((m) => renderContactMethod(user, m)) });
    },
  },
  {
    method: "GET",
    path: "/users/{id}/contact_methods/{contact_method_id}",
    operationId: "getUserContactMethod",
    handler(ctx) {
      const user = userOr404(ctx);
      const method = user.contact_methods.find((m) => m.id === ctx.params.contact_method_id);
      if (!method) throw notFound();
      return ok({ contact_method: renderContactMethod(user, method) });
    },
  },
  {
    method: "GET",
    path: "/users/{id}/notification_rules",
    operationId: "getUserNotificationRules",
    handler(ctx) {
      const user = userOr404(ctx);
      const urgency = ctx.query.string("urgency") ?? "high";
      if (!["high", "low", "all"].includes(urgency)) {
        throw invalidInput(["urgency must be one of: high, low, all"]);
      }
      const expand = ctx.query.includes().has("contact_methods");
      return ok({
        notification_rules: user.notification_rules
          .filter((r) => urgency === "all" || r.urgency === urgency)
          .map((r) => renderNotificationRule(user, r, expand)),
      });
    },
  },
  {
    method: "GET",
    path: "/users/{id}/notification_rules/{notification_rule_id}",
    operationId: "getUserNotificationRule",
    handler(ctx) {
      const user = userOr404(ctx);
      const rule = user.notification_rules.find((r) => r.id === ctx.params.notification_rule_id);
      if (!rule) throw notFound();
      const expand = ctx.query.includes().has("contact_methods");
      return ok({ notification_rule: renderNotificationRule(user, rule, expand) });
    },
  },
];
