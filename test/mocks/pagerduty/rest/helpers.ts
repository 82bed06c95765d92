import type { Simulator } from "../../../../simulator/cli/api.js";

export { reset, startSimulator, state } from "../helpers.js";

export const ACCEPT = "application/vnd.pagerduty+json;version=2";

export interface ApiReply {
  status: number;
  headers: Headers;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: bodies are checked field by field.
  json: any;
}

export function token(sim: Simulator): string {
  const t = sim.env.PAGERDUTY_TOKEN;
  if (!t) throw new Error("the ready line's env has no PAGERDUTY_TOKEN");
  return t;
}

/**
 * One REST call over plain http with fetch, as PagerDuty's clients send it: `Token token=`,
 * the version 2 Accept header, a JSON body. `auth: null` sends no Authorization.
 */
export async function api(
  sim: Simulator,
  method: string,
  path: string,
  init: {
    body?: unknown;
    auth?: string | null;
    from?: string;
    headers?: Record<string, string>;
    base?: string;
  } = {},
): Promise<ApiReply> {
  const headers: Record<string, string> = { accept: ACCEPT, ...init.headers };
  const auth = init.auth === undefined ? `Token token=${token(sim)}` : init.auth;
  if (auth !== null) headers.authorization = auth;
  if (init.from) headers.from = init.from;
  if (init.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${init.base ?? sim.endpoints.pagerdutyApi.url}${path}`, {
    method,
    headers,
    ...(init.body === undefined
      ? {}
      : { body: typeof init.body === "string" ? init.body : JSON.stringify(init.body) }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = text === "" ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}
