import { z } from "zod";
import { type FetchHandler, jsonResponse, readBodyUpTo } from "../../simulator/host/webHandler.js";
import { routeAlerts } from "./alerts/routes.js";
import type { AlertsService } from "./alerts/service.js";
import {
  type ApiError,
  apiRequestTooLarge,
  apiTokenMissing,
  apiTokenNotValid,
  badRequest,
  unknownEndpoint,
} from "./apiErrors.js";
import { routeEndpoints } from "./endpoints/routes.js";
import type { EndpointsService } from "./endpoints/service.js";
import { search } from "./operations/search.js";
import { SearchError, unsupported } from "./search/errors.js";
import type { LogzioAccount, LogzioStore } from "./store.js";

/** No limit is documented for API bodies; 1 MiB holds any hand-written query. */
export const MAX_API_BODY_BYTES = 1_048_576;

export interface ApiRuntime {
  store: LogzioStore;
  now(): number;
  searched(account: LogzioAccount, summary: { total: number; returned: number }): void;
  /** A refused request whose body does not say why (Logz.io's bare "Failed to ..." texts). */
  refused?(account: LogzioAccount, method: string, path: string, reason: string): void;
  /** Alerts v2 and triggered alerts; without it only search is served. */
  alerts?: AlertsService;
  /** Notification endpoints; without it `/v1/endpoints` is not served. */
  endpoints?: EndpointsService;
}

const ALERT_PATH = /^\/(v2\/alerts(\/|$)|v1\/alerts\/triggered-alerts$)/;
const ENDPOINTS_PATH = /^\/v1\/endpoints(\/|$)/;

/** Top-level elements the spec lists for /v1/search. */
const SPEC_ELEMENTS = [
  "query",
  "from",
  "size",
  "sort",
  "_source",
  "post_filter",
  "docvalue_fields",
  "version",
  "stored_fields",
  "highlight",
  "aggregations",
  "aggs",
];
const NOT_EMULATED = new Set(["docvalue_fields", "version", "stored_fields", "highlight"]);

const object = z.record(z.string(), z.unknown());
const SearchBody = z.object({
  query: object,
  from: z.number().int().min(0).optional(),
  size: z.number().int().min(0).optional(),
  sort: z.unknown().optional(),
  _source: z.unknown().optional(),
  post_filter: object.optional(),
  aggs: object.optional(),
  aggregations: object.optional(),
});

/** The API's transport: `X-API-TOKEN` auth, JSON in and out, the body's shape checked here. */
export function createApiHandler(rt: ApiRuntime): FetchHandler {
  return async (request) => send(await handle(rt, request));
}

async function handle(rt: ApiRuntime, request: Request): Promise<ApiError> {
  const body = await readBodyUpTo(request, MAX_API_BODY_BYTES);
  const url = new URL(request.url);
  const path = url.pathname.replace(/\/+$/, "");
  const isSearch = request.method === "POST" && path === "/v1/search";
  const isAlerts = rt.alerts !== undefined && ALERT_PATH.test(path);
  const isEndpoints = rt.endpoints !== undefined && ENDPOINTS_PATH.test(path);
  if (!isSearch && !isAlerts && !isEndpoints) return unknownEndpoint(nextRequestId(rt));
  const token = request.headers.get("x-api-token");
  if (!token) return apiTokenMissing();
  const account = rt.store.accounts().find((a) => a.apiToken === token);
  if (!account) return apiTokenNotValid();
  if (body === undefined) return apiRequestTooLarge(MAX_API_BODY_BYTES);
  if ((rt.alerts && isAlerts) || (rt.endpoints && isEndpoints)) {
    let parsed: unknown;
    if (body.length > 0) {
      try {
        parsed = JSON.parse(body.toString("utf8"));
      } catch (error) {
        return badRequest(`Malformed JSON body: ${(error as Error).message}`);
      }
    }
    const method = request.method;
    const reply =
      rt.endpoints && isEndpoints
        ? await routeEndpoints(rt.endpoints, account, method, path, parsed, isTest(url), () =>
            nextRequestId(rt),
          )
        : rt.alerts
          ? routeAlerts(rt.alerts, account, method, path, parsed, url.searchParams)
          : undefined;
    if (reply?.reason !== undefined) rt.refused?.(account, method, path, reply.reason);
    return reply ?? unknownEndpoint(nextRequestId(rt));
  }

  let json: unknown;
  try {
    json = JSON.parse(body.toString("utf8"));
  } catch (error) {
    return badRequest(`Malformed JSON body: ${(error as Error).message}`);
  }
  try {
    const request = parseSearchBody(json);
    const dayOffset = parseDayOffset(url.searchParams);
    // Sub-accounts are not modelled: an account may name only itself.
    for (const id of url.searchParams.getAll("accountIds")) {
      if (Number(id) !== account.accountId)
        throw unsupported(`Searching account ${id} (accountIds)`);
    }
    const result = search({ store: rt.store, account, request, nowMs: rt.now(), dayOffset });
    rt.searched(account, { total: result.hits.total, returned: result.hits.hits.length });
    return { status: 200, body: result };
  } catch (error) {
    if (error instanceof SearchError) return badRequest(error.message);
    throw error;
  }
}

const isTest = (url: URL) => url.searchParams.get("test") === "true";

const requestCounters = new WeakMap<ApiRuntime, number>();
/** A UUID-shaped request id numbered per API, so error bodies repeat from run to run. */
function nextRequestId(rt: ApiRuntime): string {
  const n = (requestCounters.get(rt) ?? 0) + 1;
  requestCounters.set(rt, n);
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;
}

function parseSearchBody(json: unknown) {
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    throw new SearchError(400, "The request body must be a JSON object");
  }
  const keys = Object.keys(json);
  const foreign = keys.filter((k) => !SPEC_ELEMENTS.includes(k));
  if (foreign.length > 0) {
    throw new SearchError(400, `Found JSON elements which are not allowed: ${foreign.join(", ")}`);
  }
  const skipped = keys.find((k) => NOT_EMULATED.has(k));
  if (skipped) throw unsupported(`Search element [${skipped}]`);
  const parsed = SearchBody.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SearchError(
      400,
      `Invalid [${issue?.path.join(".") ?? ""}]: ${issue?.message ?? "bad body"}`,
    );
  }
  const { aggregations, aggs, ...rest } = parsed.data;
  if (aggregations && aggs) throw new SearchError(400, "Use either aggs or aggregations, not both");
  const merged = aggs ?? aggregations;
  return { ...rest, ...(merged ? { aggs: merged } : {}) };
}

function parseDayOffset(params: URLSearchParams): number | undefined {
  const raw = params.get("dayOffset");
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0)
    throw new SearchError(400, "dayOffset must be an integer >= 0");
  return n;
}

function send(reply: ApiError): Response {
  return jsonResponse(reply.status, reply.body);
}
