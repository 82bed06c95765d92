/**
 * Escalation policies: `GET|POST /escalation_policies` (query, user_ids[], team_ids[],
 * include[]=services|teams|targets, sort_by=name[:asc|:desc]), `GET|PUT|DELETE
 * /escalation_policies/{id}`. A policy has 1 or more escalation rules, each with
 * `escalation_delay_in_minutes` and 1..10 targets (users, or schedules once the store holds
 * them), `num_loops` repeats (0 or more), and the services that use it (read-only). A policy in
 * use by a service cannot be deleted (the spec's deleteEscalationPolicy text).
 *
 * Incidents follow the policy as it was when they were created (reference §4): editing a policy
 * here changes what new incidents get, not what running ones do.
 */
import type { EscalationPolicy, EscalationRule, PagerDutyStore } from "../store.js";
import { type Body, Checks, isObject } from "./bodies.js";
import { invalidInput, notFound } from "./errors.js";
import { created, noContent, ok, type RestContext, type RestRoute } from "./router.js";
import { renderEscalationPolicy, scheduleLookup, servicesUsing } from "./shapes.js";

/** "targets ... minItems 1, maxItems 10" (spec EscalationRule). */
export const MAX_RULE_TARGETS = 10;

const TARGET_TYPES = ["user_reference", "schedule_reference", "user", "schedule"] as const;

type PolicyFields = Partial<
  Pick<
    EscalationPolicy,
    "name" | "description" | "num_loops" | "on_call_handoff_notifications" | "teams"
  >
> & { escalation_rules?: (Omit<EscalationRule, "id"> & { id?: string })[] };

/** The fields of a policy body after PagerDuty's checks; rules keep ids they were given. */
export function escalationPolicyFields(
  store: PagerDutyStore,
  body: Body,
  existing?: EscalationPolicy,
): PolicyFields {
  const checks = new Checks();
  const creating = existing === undefined;
  checks.type(body, "escalation_policy");
  const name = checks.string(body, "name", { required: creating });
  if (typeof name === "string") {
    const other = store
      .escalationPolicies()
      .find((p) => p.name.toLowerCase() === name.toLowerCase());
    if (other && other.id !== existing?.id) checks.add("Name has already been taken");
  }
  const description = checks.string(body, "description", { nullable: true });
  const numLoops = checks.integer(body, "num_loops", { min: 0 });
  const handoff = checks.oneOf(body, "on_call_handoff_notifications", [
    "if_has_services",
    "always",
  ] as const);
  const teams = checks.references(body, "teams", ["team_reference", "team"], (id) =>
    Boolean(store.team(id)),
  );
  const schedules = scheduleLookup(store);

  let rules: PolicyFields["escalation_rules"];
  const rawRules = body.escalation_rules;
  if (rawRules === undefined || rawRules === null) {
    if (creating) checks.add("Escalation rules can't be blank");
  } else if (!Array.isArray(rawRules) || rawRules.length === 0) {
    checks.add("Escalation rules can't be blank");
  } else {
    rules = [];
    rawRules.forEach((raw, i) => {
      const label = `Escalation rule ${i + 1}`;
      if (!isObject(raw)) {
        checks.add(`${label} must be an object`);
        return;
      }
      const delay = checks.integer(raw, "escalation_delay_in_minutes", {
        required: true,
        min: 1,
        label: `${label} escalation delay in minutes`,
      });
      const targets = checks.references(raw, "targets", TARGET_TYPES, () => true, {
        required: true,
        min: 1,
        max: MAX_RULE_TARGETS,
        label: `${label} targets`,
      });
      const resolved: EscalationRule["targets"] = [];
      for (const t of targets ?? []) {
        const schedule = t.type.startsWith("schedule");
        const known = schedule ? schedules(t.id) !== undefined : store.user(t.id) !== undefined;
        if (!known)
          checks.add(`${label} target ${schedule ? "schedule" : "user"} ${t.id} not found`);
        else resolved.push({ id: t.id, type: schedule ? "schedule_reference" : "user_reference" });
      }
      const id = typeof raw.id === "string" && raw.id !== "" ? raw.id : undefined;
      if (typeof delay === "number" && targets) {
        rules?.push({
          ...(id ? { id } : {}),
          escalation_delay_in_minutes: delay,
          targets: resolved,
        });
      }
    });
  }
  checks.done();
  return {
    ...(typeof name === "string" ? { name } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(typeof numLoops === "number" ? { num_loops: numLoops } : {}),
    ...(handoff ? { on_call_handoff_notifications: handoff } : {}),
    ...(teams ? { teams: teams.map((t) => ({ id: t.id, type: "team_reference" as const })) } : {}),
    ...(rules ? { escalation_rules: rules } : {}),
  };
}

/** Rules with ids: a rule's given id is kept when it names one of the policy's rules. */
function withRuleIds(
  rules: NonNullable<PolicyFields["escalation_rules"]>,
  newId: () => string,
  previous: readonly EscalationRule[] = [],
): EscalationRule[] {
  return rules.map((r) => ({
    id: r.id && previous.some((p) => p.id === r.id) ? r.id : newId(),
    escalation_delay_in_minutes: r.escalation_delay_in_minutes,
    targets: r.targets,
  }));
}

export function newEscalationPolicy(
  store: PagerDutyStore,
  newId: () => string,
  fields: PolicyFields,
  id = newId(),
): EscalationPolicy {
  return {
    id,
    type: "escalation_policy",
    name: fields.name as string,
    description: fields.description ?? null,
    html_url: store.htmlUrl(`escalation_policies/${id}`),
    num_loops: fields.num_loops ?? 0,
    on_call_handoff_notifications: fields.on_call_handoff_notifications ?? "if_has_services",
    escalation_rules: withRuleIds(fields.escalation_rules ?? [], newId),
    teams: fields.teams ?? [],
  };
}

function policyOr404(ctx: RestContext): EscalationPolicy {
  const policy = ctx.store.escalationPolicy(ctx.params.id as string);
  if (!policy) throw notFound();
  return policy;
}

function sortOrder(ctx: RestContext): 1 | -1 {
  const sort = ctx.query.string("sort_by") ?? "name";
  if (sort === "name" || sort === "name:asc") return 1;
  if (sort === "name:desc") return -1;
  throw invalidInput(["sort_by must be one of: name, name:asc, name:desc"]);
}

export const escalationPolicyRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/escalation_policies",
    operationId: "listEscalationPolicies",
    handler(ctx) {
      const query = ctx.query.string("query")?.toLowerCase();
      const userIds = ctx.query.strings("user_ids");
      const teamIds = ctx.query.strings("team_ids");
      const include = ctx.query.includes();
      const order = sortOrder(ctx);
      const policies = [...ctx.store.escalationPolicies()]
        .filter((p) => query === undefined || p.name.toLowerCase().includes(query))
        .filter(
          (p) =>
            userIds.length === 0 ||
            p.escalation_rules.some((r) => r.targets.some((t) => userIds.includes(t.id))),
        )
        .filter((p) => teamIds.length === 0 || p.teams.some((t) => teamIds.includes(t.id)))
        .sort((a, b) => order * (a.name.localeCompare(b.name, "en") || a.id.localeCompare(b.id)));
      return ok(
        ctx.paginate("escalation_policies", policies, (p) =>
          renderEscalationPolicy(ctx, p, include),
        ),
      );
    },
  },
  {
    method: "POST",
    path: "/escalation_policies",
    operationId: "createEscalationPolicy",
    handler(ctx) {
      const fields = escalationPolicyFields(ctx.store, ctx.entity("escalation_policy"));
      const policy = newEscalationPolicy(ctx.store, ctx.newId, fields);
      ctx.store.addEscalationPolicy(policy);
      return created({ escalation_policy: renderEscalationPolicy(ctx, policy) });
    },
  },
  {
    method: "GET",
    path: "/escalation_policies/{id}",
    operationId: "getEscalationPolicy",
    handler: (ctx) =>
      ok({
        escalation_policy: renderEscalationPolicy(ctx, policyOr404(ctx), ctx.query.includes()),
      }),
  },
  {
    method: "PUT",
    path: "/escalation_policies/{id}",
    operationId: "updateEscalationPolicy",
    handler(ctx) {
      const policy = policyOr404(ctx);
      const { escalation_rules: rules, ...fields } = escalationPolicyFields(
        ctx.store,
        ctx.entity("escalation_policy"),
        policy,
      );
      Object.assign(policy, fields);
      if (rules) policy.escalation_rules = withRuleIds(rules, ctx.newId, policy.escalation_rules);
      return ok({ escalation_policy: renderEscalationPolicy(ctx, policy) });
    },
  },
  {
    method: "DELETE",
    path: "/escalation_policies/{id}",
    operationId: "deleteEscalationPolicy",
    handler(ctx) {
      const policy = policyOr404(ctx);
      const users = servicesUsing(ctx, policy.id);
      if (users.length > 0) {
        throw invalidInput([
          `Escalation policy is in use by services: ${users.map((s) => s.name).join(", ")}`,
        ]);
      }
      ctx.store.removeEscalationPolicy(policy.id);
      return noContent();
    },
  },
];
