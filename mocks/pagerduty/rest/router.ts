/**
 * The REST API v2 framework (api.pagerduty.com): authentication, the Accept version, rate
 * limit, routing, JSON bodies, the `From` header and PagerDuty's error bodies, written once so a
 * resource is only its routes.
 *
 * ## Adding a route module
 *
 * A route module is a file in this folder exporting an array of routes, named after the
 * resource:
 *
 *   // mocks/pagerduty/rest/widgets.ts
 *   import { notFound } from "./errors.js";
 *   import { ok, type RestRoute } from "./router.js";
 *
 *   export const widgetRoutes: RestRoute[] = [
 *     {
 *       method: "GET",
 *       path: "/widgets/{id}",          // the path template exactly as PagerDuty's OpenAPI spec
 *       operationId: "getWidget",       // the spec's operationId
 *       handler(ctx) {
 *         const widget = ctx.store.widget(ctx.params.id);   // params from the template
 *         if (!widget) throw notFound();                   // throw a factory of errors.ts
 *         return ok({ widget: renderWidget(ctx, widget) }); // wrapped entity, singular key
 *       },
 *     },
 *     {
 *       method: "GET",
 *       path: "/widgets",
 *       operationId: "listWidgets",
 *       handler: (ctx) => ok(ctx.paginate("widgets", ctx.store.widgets(), (w) => renderWidget(ctx, w))),
 *     },
 *     {
 *       method: "POST",
 *       path: "/widgets",
 *       operationId: "createWidget",
 *       from: "required",               // a write that acts as a user: ctx.requester is set
 *       handler(ctx) {
 *         const body = ctx.entity("widget"); // body.widget as an object, else 400 2001
 *         ...
 *         return created({ widget: ... });
 *       },
 *     },
 *   ];
 *
 * and is registered by adding it to `REST_ROUTES` in ./routes.ts (one import, one spread). The
 * spec test (test/mocks/pagerduty/rest/spec.test.ts) checks that every registered route's method
 * and path exist in the spec under that operationId, and validates the answers it gets against
 * the operation's response schemas.
 *
 * ## What a handler gets (RestContext) and returns (RestReply)
 *
 * - `params` from the path template; `query` (set filters `statuses[]`, booleans, integers,
 *   `include[]`, see query.ts); `body`, the parsed JSON body (undefined when there is none);
 *   `entity(key)` for a wrapped entity.
 * - `token` and `tokenUser` (null for an account-level key); `requester`, the acting user: the
 *   user the `From` header names, else the token's user. A route with `from: "required"` is
 *   refused with 400 2016 before its handler runs when there is none, so there it is a User.
 * - `store` (the account: services, users, policies, incidents, ...), `nowMs`/`now` (the
 *   simulator clock at receipt), `newId()` (a `P` + 6 id from the run's seed), `newKey()` (a
 *   32-hex-digit integration key from the run's seed).
 * - `render` (references `{id, type, summary, self, html_url}`, self on
 *   https://api.pagerduty.com, html_url on the account's subdomain: render.ts) and
 *   `paginate(key, items, render)` (limit/offset/more/total: pagination.ts).
 * - `journal(type, data)`: every successful write is journaled by the router already
 *   (`pagerduty.api.changed`); use it for domain events a write causes.
 *
 * Return `ok(body)`, `created(body)` or `noContent()`; throw a `RestError` (errors.ts) for
 * anything else. Validation and PagerDuty's error texts live in the handler (or a schema module
 * next to it), so operations stay typed.
 *
 * ## Order of checks, as a request meets them
 *
 * 1. A leading `/<host>.pagerduty.com` path segment is dropped (pdjs sends it, §5.1).
 * 2. `Authorization: Token token=<key>` (or `Bearer <token>` for tokens configured as OAuth
 *    ones): missing, malformed or unknown is 401 2006.
 * 3. The per-key rate limit (960 a minute on the simulator clock): 429 2020.
 * 4. `Accept`: absent, `*\/*`, `application/json` or `application/vnd.pagerduty+json` with
 *    version 2 (or none) are served; another version is a 400 2001.
 * 5. The route: no route for the method and path is 404 2100.
 * 6. The body: not JSON is 400 2001.
 * 7. `From`: malformed 400 1028, unknown user 400 1008, needed but absent 400 2016.
 */
import type { FetchHandler } from "../../../simulator/host/webHandler.js";
import type { ApiToken, PagerDutyStore, User } from "../store.js";
import {
  fromHeaderRequired,
  invalidInput,
  malformedFrom,
  notFound,
  RestError,
  rateLimited,
  requesterNotFound,
  unauthorized,
} from "./errors.js";
import { type Page, type PageFields, paginate, readPage } from "./pagination.js";
import { parseQuery, type RestQuery } from "./query.js";
import type { RestRateLimiter } from "./rateLimit.js";
import { createRenderer, type Renderer } from "./render.js";

export type HttpMethod = "GET" | "POST" | "PUT" | "DELETE";

export interface RestReply {
  status: number;
  /** Sent as JSON; absent for 204. */
  body?: unknown;
  headers?: Record<string, string>;
}

export const ok = (body: unknown): RestReply => ({ status: 200, body });
export const created = (body: unknown): RestReply => ({ status: 201, body });
export const noContent = (): RestReply => ({ status: 204 });

export interface RestContext<Requester extends User | null = User | null> {
  readonly request: Request;
  readonly method: HttpMethod;
  /** The path without the optional `/api.pagerduty.com` segment and the query. */
  readonly path: string;
  readonly params: Readonly<Record<string, string>>;
  readonly query: RestQuery;
  /** The parsed JSON body; undefined when the request has none. */
  readonly body: unknown;
  readonly token: ApiToken;
  /** The user the token belongs to; null for an account-level key. */
  readonly tokenUser: User | null;
  /** The acting user: `From`'s, else the token's. Never null on `from: "required"` routes. */
  readonly requester: Requester;
  readonly store: PagerDutyStore;
  /** The simulator clock at receipt: epoch ms, and as an ISO string. */
  readonly nowMs: number;
  readonly now: string;
  newId(): string;
  /** A new integration key: 32 lowercase hex digits from the run's seed. */
  newKey(): string;
  readonly render: Renderer;
  /** `limit`/`offset`/`total` of the query (400 when unreadable or past 10,000). */
  page(): Page;
  /** One page of `items` under `key`, with limit, offset, more and total. */
  paginate<T, R>(
    key: string,
    items: readonly T[],
    render: (item: T) => R,
  ): Record<string, R[]> & PageFields;
  /** `body[key]` as an object (a wrapped entity), else 400 2001 naming it. */
  entity(key: string): Record<string, unknown>;
  /** Appends a journal event from source "pagerduty". */
  journal(type: string, data: Record<string, unknown>, correlation?: Record<string, string>): void;
}

export interface RestRoute {
  method: HttpMethod;
  /** The OpenAPI path template, `{name}` for a parameter: "/services/{id}/integrations/{integration_id}". */
  path: string;
  /** The operation's `operationId` in PagerDuty's spec. */
  operationId: string;
  /** "required": the write acts as a user, from `From` or the token's user (400 2016 without). */
  from?: "required";
  // biome-ignore lint/suspicious/noExplicitAny: each route narrows the requester it is given.
  handler(ctx: RestContext<any>): RestReply | Promise<RestReply>;
}

/** What the router needs from the account that serves it. */
export interface RestRuntime {
  store: PagerDutyStore;
  /** The simulator clock's time, epoch ms. */
  nowMs(): number;
  newId(): string;
  /** New integration keys; absent: 32 characters made from new ids (still from the seed). */
  newKey?(): string;
  /** Per API key; absent: no rate limit. */
  rateLimiter?: RestRateLimiter;
  journal(type: string, data: Record<string, unknown>, correlation?: Record<string, string>): void;
}

/** A leading `/<host>.pagerduty.com` segment (pdjs against a non-PagerDuty host, §5.1). */
const HOST_SEGMENT = /^\/[a-z0-9-]+(\.[a-z0-9-]+)*\.pagerduty\.com(?=\/|$)/i;

interface CompiledRoute {
  route: RestRoute;
  segments: ({ literal: string } | { param: string })[];
}

function compile(route: RestRoute): CompiledRoute {
  if (!route.path.startsWith("/")) throw new Error(`REST route ${route.path} must start with /`);
  return {
    route,
    segments: route.path
      .slice(1)
      .split("/")
      .map((s) => {
        const param = /^\{(\w+)\}$/.exec(s)?.[1];
        return param === undefined ? { literal: s } : { param };
      }),
  };
}

/** Literal segments first, from the left: `/users/me` wins over `/users/{id}`. */
function bySpecificity(a: CompiledRoute, b: CompiledRoute): number {
  for (let i = 0; i < Math.min(a.segments.length, b.segments.length); i++) {
    const la = "literal" in (a.segments[i] as object);
    const lb = "literal" in (b.segments[i] as object);
    if (la !== lb) return la ? -1 : 1;
  }
  return 0;
}

function match(
  compiled: readonly CompiledRoute[],
  method: string,
  parts: readonly string[],
): { route: RestRoute; params: Record<string, string> } | undefined {
  for (const c of compiled) {
    if (c.route.method !== method || c.segments.length !== parts.length) continue;
    const params: Record<string, string> = {};
    let matched = true;
    for (let i = 0; i < parts.length && matched; i++) {
      const segment = c.segments[i] as { literal: string } | { param: string };
      const part = parts[i] as string;
      if ("literal" in segment) matched = segment.literal === part;
      else if (part === "") matched = false;
      else params[segment.param] = decodeURIComponent(part);
    }
    if (matched) return { route: c.route, params };
  }
  return undefined;
}

/** Throws when two routes claim the same method and template. */
function checkUnique(routes: readonly RestRoute[]): void {
  const seen = new Set<string>();
  for (const r of routes) {
    const key = `${r.method} ${r.path.replace(/\{\w+\}/g, "{}")}`;
    if (seen.has(key)) throw new Error(`REST route ${r.method} ${r.path} is registered twice`);
    seen.add(key);
  }
}

/** `Token token=<key>` or `Bearer <token>`, as pdjs and pagerduty-cli send them. */
export function readAuthorization(
  header: string | null,
): { kind: ApiToken["kind"]; token: string } | undefined {
  if (!header) return undefined;
  const token = /^Token\s+token=(\S+)\s*$/i.exec(header.trim())?.[1];
  if (token) return { kind: "token", token };
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header.trim())?.[1];
  if (bearer) return { kind: "bearer", token: bearer };
  return undefined;
}

function authenticate(rt: RestRuntime, request: Request): ApiToken {
  const presented = readAuthorization(request.headers.get("authorization"));
  if (!presented) throw unauthorized();
  const token = rt.store.apiToken(presented.token);
  if (!token || token.kind !== presented.kind) throw unauthorized();
  return token;
}

/**
 * The Accept header's API version: PagerDuty's media type with `version=2` (or no version), or a
 * generic type. PagerDuty documents no answer for another version; it is refused as invalid
 * input naming the version served.
 */
function checkAccept(request: Request): void {
  const accept = request.headers.get("accept");
  if (!accept) return;
  for (const part of accept.split(",")) {
    const [type, ...params] = part.split(";").map((s) => s.trim().toLowerCase());
    if (type !== "application/vnd.pagerduty+json") continue;
    const version = params.find((p) => p.startsWith("version="))?.slice("version=".length);
    if (version !== undefined && version !== "2") {
      throw invalidInput([
        `Unsupported API version ${version} in the Accept header: this API serves application/vnd.pagerduty+json;version=2`,
      ]);
    }
  }
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

function requesterOf(rt: RestRuntime, request: Request, tokenUser: User | null): User | null {
  const from = request.headers.get("from");
  if (from === null || from.trim() === "") return tokenUser;
  if (!EMAIL.test(from.trim())) throw malformedFrom();
  const user = rt.store.userByEmail(from);
  if (!user) throw requesterNotFound();
  return user;
}

async function readJson(request: Request): Promise<unknown> {
  if (request.method === "GET" || request.method === "HEAD") return undefined;
  const text = await request.text();
  // pagerduty-cli sends `{}` on GETs; an empty body is no body.
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw invalidInput(["The request body is not valid JSON"]);
  }
}

/** 32 lowercase letters and digits from six new ids, for a runtime without its own key source. */
function keyFromIds(newId: () => string): string {
  let key = "";
  while (key.length < 32) key += newId().slice(1).toLowerCase();
  return key.slice(0, 32);
}

const JSON_TYPE = "application/json; charset=utf-8";

function toResponse(reply: RestReply, headers: Record<string, string>): Response {
  const all = { ...headers, ...reply.headers };
  if (reply.body === undefined || reply.status === 204) {
    return new Response(null, { status: reply.status, headers: all });
  }
  return new Response(JSON.stringify(reply.body), {
    status: reply.status,
    headers: { "content-type": JSON_TYPE, ...all },
  });
}

/** The REST API's transport over a set of routes: served on the host, callable by msw. */
export function createRestHandler(rt: RestRuntime, routes: readonly RestRoute[]): FetchHandler {
  checkUnique(routes);
  const compiled = routes.map(compile).sort(bySpecificity);
  const render = createRenderer(rt.store.subdomain);

  return async (request) => {
    const url = new URL(request.url);
    const path = url.pathname.replace(HOST_SEGMENT, "") || "/";
    const method = request.method.toUpperCase();
    let headers: Record<string, string> = {};
    let operation: string | undefined;
    try {
      const token = authenticate(rt, request);
      const nowMs = rt.nowMs();
      if (rt.rateLimiter) {
        const limiter = rt.rateLimiter;
        headers = limiter.headers(token.token, nowMs);
        if (!limiter.allows(token.token, nowMs)) throw rateLimited(headers);
        limiter.record(token.token, nowMs);
        headers = limiter.headers(token.token, nowMs);
      }
      checkAccept(request);
      const found = match(compiled, method, path.replace(/\/$/, "").slice(1).split("/"));
      if (!found) {
        await request.body?.cancel();
        throw notFound([`No route for ${method} ${path}`]);
      }
      operation = found.route.operationId;
      const body = await readJson(request);
      const tokenUser = token.user ? (rt.store.user(token.user.id) ?? null) : null;
      const requester = requesterOf(rt, request, tokenUser);
      if (found.route.from === "required" && !requester) throw fromHeaderRequired();
      const query = parseQuery(url.searchParams);
      const ctx: RestContext = {
        request,
        method: method as HttpMethod,
        path,
        params: found.params,
        query,
        body,
        token,
        tokenUser,
        requester,
        store: rt.store,
        nowMs,
        now: new Date(nowMs).toISOString(),
        newId: rt.newId,
        newKey: rt.newKey ?? (() => keyFromIds(rt.newId)),
        render,
        page: () => readPage(query),
        paginate: (key, items, r) => paginate(readPage(query), key, items, r),
        entity(key) {
          const value =
            typeof body === "object" && body !== null
              ? (body as Record<string, unknown>)[key]
              : undefined;
          if (typeof value !== "object" || value === null || Array.isArray(value)) {
            throw invalidInput([`${key} must be an object wrapped as {"${key}": {...}}`]);
          }
          return value as Record<string, unknown>;
        },
        journal: (type, data, correlation) => rt.journal(type, data, correlation),
      };
      const reply = await found.route.handler(ctx);
      if (method !== "GET") {
        rt.journal("pagerduty.api.changed", {
          operation,
          method,
          path,
          status: reply.status,
          ...(requester ? { requester: requester.id } : {}),
        });
      }
      return toResponse(reply, headers);
    } catch (error) {
      if (!(error instanceof RestError)) throw error;
      if (method !== "GET") {
        rt.journal("pagerduty.api.refused", {
          ...(operation ? { operation } : {}),
          method,
          path,
          status: error.status,
          code: error.code,
          message: error.message,
          errors: [...error.errors],
        });
      }
      return toResponse(
        { status: error.status, body: error.body },
        { ...headers, ...error.headers },
      );
    }
  };
}
