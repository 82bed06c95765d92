/**
 * The REST API v2 role (api.pagerduty.com) over the account's store: the routes of ./routes.ts
 * behind the framework of ./router.ts. Served on the host and callable by msw handlers alike.
 */
import type { ServiceModule } from "../../../simulator/host/admin.js";
import { type FetchHandler, toRequestListener } from "../../../simulator/host/webHandler.js";
import type { RateLimit } from "../rateLimit.js";
import type { PagerDutyStore } from "../store.js";
import { RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_MS } from "./limits.js";
import { RestRateLimiter } from "./rateLimit.js";
import { createRestHandler, type RestRoute, type RestRuntime } from "./router.js";
import { REST_ROUTES } from "./routes.js";

export { RestError } from "./errors.js";
export { API_ORIGIN, RATE_LIMIT_REQUESTS, RATE_LIMIT_WINDOW_MS } from "./limits.js";
export type { RestContext, RestReply, RestRoute } from "./router.js";

export interface PagerDutyApi extends ServiceModule {
  readonly fetch: FetchHandler;
}

export interface PagerDutyApiOptions {
  store: PagerDutyStore;
  nowMs(): number;
  newId(): string;
  newKey(): string;
  journal: RestRuntime["journal"];
  /** Requests per API key per window; default PagerDuty's 960 a minute; false: off. */
  rateLimit?: RateLimit | false;
  /** Default: every registered route (REST_ROUTES). */
  routes?: readonly RestRoute[];
  /** Called on POST /_watermelon/reset after the store is reset. */
  onReset?(): void;
}

export function createPagerDutyApi(options: PagerDutyApiOptions): PagerDutyApi {
  const rate = options.rateLimit ?? { limit: RATE_LIMIT_REQUESTS, windowMs: RATE_LIMIT_WINDOW_MS };
  const rateLimiter = rate === false ? undefined : new RestRateLimiter(rate);
  const fetch = createRestHandler(
    {
      store: options.store,
      nowMs: options.nowMs,
      newId: options.newId,
      newKey: options.newKey,
      journal: options.journal,
      ...(rateLimiter ? { rateLimiter } : {}),
    },
    options.routes ?? REST_ROUTES,
  );
  return {
    fetch,
    handler: toRequestListener(fetch, "PagerDuty REST API"),
    reset() {
      options.store.reset();
      rateLimiter?.reset();
      options.onReset?.();
    },
    state() {
      return options.store.snapshot({ redactKeys: true });
    },
  };
}
