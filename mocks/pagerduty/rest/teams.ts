/**
 * Teams: `GET|POST /teams`, `GET|PUT|DELETE /teams/{id}`, `GET /teams/{id}/members` and
 * `PUT|DELETE /teams/{id}/users/{user_id}` (membership with a team role). A team can be deleted
 * only without escalation policies, services or subteams (the spec's deleteTeam text).
 */
import type { PagerDutyStore, Team } from "../store.js";
import { type Body, Checks, isObject } from "./bodies.js";
import { invalidInput, notFound } from "./errors.js";
import { created, noContent, ok, type RestContext, type RestRoute } from "./router.js";
import { renderTeam, renderUser, userReferenceById } from "./shapes.js";

const TEAM_ROLES = ["observer", "responder", "manager"] as const;

/** The fields of a team body after PagerDuty's checks. */
export function teamFields(
  store: PagerDutyStore,
  body: Body,
  existing?: Team,
): Partial<Pick<Team, "name" | "description" | "default_role" | "parent">> {
  const checks = new Checks();
  checks.type(body, "team");
  const name = checks.string(body, "name", { required: existing === undefined, max: 100 });
  if (typeof name === "string") {
    const other = store.teams().find((t) => t.name.toLowerCase() === name.toLowerCase());
    if (other && other.id !== existing?.id) checks.add("Name has already been taken");
  }
  const description = checks.string(body, "description", { max: 1024, nullable: true });
  const defaultRole = checks.oneOf(body, "default_role", ["manager", "none"] as const);
  const parent =
    body.parent === null
      ? null
      : checks.reference(body.parent, "Parent", ["team_reference", "team"], (id) =>
          Boolean(store.team(id)),
        );
  if (parent && existing && parent.id === existing.id)
    checks.add("Parent can't be the team itself");
  checks.done();
  return {
    ...(typeof name === "string" ? { name } : {}),
    ...(description !== undefined ? { description } : {}),
    ...(defaultRole ? { default_role: defaultRole } : {}),
    ...(parent === null
      ? { parent: null }
      : parent
        ? { parent: { id: parent.id, type: "team_reference" as const } }
        : {}),
  };
}

export function newTeam(
  store: PagerDutyStore,
  id: string,
  fields: ReturnType<typeof teamFields>,
): Team {
  return {
    id,
    type: "team",
    name: fields.name as string,
    description: fields.description ?? null,
    html_url: store.htmlUrl(`teams/${id}`),
    default_role: fields.default_role ?? "manager",
    parent: fields.parent ?? null,
    members: [],
  };
}

function teamOr404(ctx: RestContext): Team {
  const team = ctx.store.team(ctx.params.id as string);
  if (!team) throw notFound();
  return team;
}

export const teamRoutes: RestRoute[] = [
  {
    method: "GET",
    path: "/teams",
    operationId: "listTeams",
    handler(ctx) {
      const query = ctx.query.string("query")?.toLowerCase();
      const teams = [...ctx.store.teams()]
        .filter((t) => query === undefined || t.name.toLowerCase().includes(query))
        .sort((a, b) => a.name.localeCompare(b.name, "en") || a.id.localeCompare(b.id));
      return ok(ctx.paginate("teams", teams, (t) => renderTeam(ctx, t)));
    },
  },
  {
    method: "POST",
    path: "/teams",
    operationId: "createTeam",
    handler(ctx) {
      const team = newTeam(ctx.store, ctx.newId(), teamFields(ctx.store, ctx.entity("team")));
      ctx.store.addTeam(team);
      return created({ team: renderTeam(ctx, team) });
    },
  },
  {
    method: "GET",
    path: "/teams/{id}",
    operationId: "getTeam",
    handler: (ctx) => ok({ team: renderTeam(ctx, teamOr404(ctx)) }),
  },
  {
    method: "PUT",
    path: "/teams/{id}",
    operationId: "updateTeam",
    handler(ctx) {
      const team = teamOr404(ctx);
      Object.assign(team, teamFields(ctx.store, ctx.entity("team"), team));
      return ok({ team: renderTeam(ctx, team) });
    },
  },
  {
    method: "DELETE",
    path: "/teams/{id}",
    operationId: "deleteTeam",
    handler(ctx) {
      const team = teamOr404(ctx);
      const uses = [
        ...ctx.store
          .escalationPolicies()
          .filter((p) => p.teams.some((t) => t.id === team.id))
          .map((p) => `escalation policy ${p.name}`),
        ...ctx.store
          .services()
          .filter((s) => s.teams.some((t) => t.id === team.id))
          .map((s) => `service ${s.name}`),
        ...ctx.store
          .teams()
          .filter((t) => t.parent?.id === team.id)
          .map((t) => `subteam ${t.name}`),
      ];
      if (uses.length > 0) {
        throw invalidInput([`Team cannot be deleted while it has ${uses.join(", ")}`]);
      }
      ctx.store.removeTeam(team.id);
      return noContent();
    },
  },
  {
    method: "GET",
    path: "/teams/{id}/members",
    operationId: "listTeamUsers",
    handler(ctx) {
      const team = teamOr404(ctx);
      const expand = ctx.query.includes().has("users");
      return ok(
        ctx.paginate("members", team.members, (m) => {
          const user = ctx.store.user(m.user.id);
          return {
            user: expand && user ? renderUser(ctx, user) : userReferenceById(ctx, m.user.id),
            role: m.role,
          };
        }),
      );
    },
  },
  {
    method: "PUT",
    path: "/teams/{id}/users/{user_id}",
    operationId: "updateTeamUser",
    handler(ctx) {
      const team = teamOr404(ctx);
      const user = ctx.store.user(ctx.params.user_id as string);
      if (!user) throw notFound();
      const checks = new Checks();
      const role = isObject(ctx.body) ? checks.oneOf(ctx.body, "role", TEAM_ROLES) : undefined;
      checks.done();
      const member = team.members.find((m) => m.user.id === user.id);
      if (member) member.role = role ?? member.role;
      else
        team.members.push({
          user: { id: user.id, type: "user_reference" },
          role: role ?? "manager",
        });
      return noContent();
    },
  },
  {
    method: "DELETE",
    path: "/teams/{id}/users/{user_id}",
    operationId: "deleteTeamUser",
    handler(ctx) {
      const team = teamOr404(ctx);
      if (!team.members.some((m) => m.user.id === ctx.params.user_id)) throw notFound();
      team.members = team.members.filter((m) => m.user.id !== ctx.params.user_id);
      return noContent();
    },
  },
];
