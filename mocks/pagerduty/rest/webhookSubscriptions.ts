/**
 * Webhook subscriptions (`/webhook_subscriptions`, the spec's "Webhooks" tag): list, create, get,
 * update, delete, enable and test (ping), over the Webhooks v3 module of ../webhooks. The
 * operations and their checks are the module's route functions (../webhooks/routes.ts); this
 * file puts them behind the REST framework: its authentication, body parsing, pagination and
 * error bodies.
 *
 * The routes need the account's webhooks module, so this is a factory rather than an array:
 *
 *   createPagerDutyApi({ ..., routes: [...REST_ROUTES, ...webhookSubscriptionRoutes(webhooks)] })
 *
 * and the module is best created with `filterTargetExists` answering from the store, so a
 * filter naming an unknown service or team is refused:
 *
 *   createPagerDutyWebhooks({ ..., filterTargetExists: (f) =>
 *     Boolean(f.type === "service_reference" ? store.service(f.id) : store.team(f.id)) })
 */
import type { PagerDutyWebhooks } from "../webhooks/index.js";
import {
  type RouteReply,
  readSubscriptionListQuery,
  WEBHOOK_SUBSCRIPTION_ROUTES,
} from "../webhooks/routes.js";
import { invalidInput, RestError } from "./errors.js";
import { ok, type RestContext, type RestReply, type RestRoute } from "./router.js";

/** A route function's error answer as the framework's RestError, so refusals are journaled. */
function toRestReply(reply: RouteReply): RestReply {
  if (reply.status < 400) return reply.body === undefined ? { status: reply.status } : reply;
  const error = (reply.body as { error?: { message?: string; code?: number; errors?: string[] } })
    ?.error;
  throw new RestError(
    reply.status,
    error?.code ?? 2001,
    error?.message ?? "Invalid Input Provided",
    error?.errors ?? [],
  );
}

export function webhookSubscriptionRoutes(webhooks: PagerDutyWebhooks): RestRoute[] {
  return WEBHOOK_SUBSCRIPTION_ROUTES.map(
    (route): RestRoute => ({
      method: route.method,
      path: route.path,
      operationId: route.operationId,
      handler(ctx: RestContext) {
        if (route.operationId === "listWebhookSubscriptions") {
          // The framework's pagination (its limit, offset and total rules and texts).
          const errors: string[] = [];
          const query = readSubscriptionListQuery(ctx.query.params, errors);
          if (errors.length > 0) throw invalidInput(errors);
          return ok(
            ctx.paginate("webhook_subscriptions", webhooks.listSubscriptions(query), (s) => s),
          );
        }
        return toRestReply(
          route.handler(webhooks, { params: ctx.params, query: ctx.query.params, body: ctx.body }),
        );
      },
    }),
  );
}
