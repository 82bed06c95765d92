import type { Simulator } from "../../../simulator/cli/api.js";

export interface SearchReply {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: responses are checked field by field in the tests.
  body: any;
}

/** Ships logs as NDJSON through the listener with the default account's shipping token. */
export async function ship(sim: Simulator, logs: readonly unknown[]): Promise<void> {
  const res = await fetch(`${sim.endpoints.logzioListener.url}/?token=${sim.env.LOGZIO_TOKEN}`, {
    method: "POST",
    body: logs.map((l) => JSON.stringify(l)).join("\n"),
  });
  if (res.status !== 200) throw new Error(`listener answered ${res.status}: ${await res.text()}`);
}

/** `POST /v1/search` on the API with the default account's API token (or the given headers). */
export async function search(
  sim: Simulator,
  body: unknown,
  options: { headers?: Record<string, string>; query?: string } = {},
): Promise<SearchReply> {
  const headers = options.headers ?? { "X-API-TOKEN": sim.env.LOGZIO_API_TOKEN as string };
  const res = await fetch(`${sim.endpoints.logzioApi.url}/v1/search${options.query ?? ""}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

/** The `n` of each hit, in order: fixtures number their logs. */
export function ns(reply: SearchReply): number[] {
  if (reply.status !== 200)
    throw new Error(`search answered ${reply.status}: ${JSON.stringify(reply.body)}`);
  return reply.body.hits.hits.map((h: { _source: { n: number } }) => h._source.n);
}
