import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { createSimulator, type Simulator } from "../../../simulator/cli/api.js";

/** A whole simulator in-process, on free ports, with its CA in a temp home. */
export async function startSimulator(
  options: Parameters<typeof createSimulator>[0] = {},
): Promise<{ sim: Simulator; ca: Buffer; close(): Promise<void> }> {
  const home = mkdtempSync(path.join(os.tmpdir(), "watermelon-pagerduty-"));
  const sim = createSimulator({ home, ...options });
  await sim.ready;
  const ca = readFileSync(sim.env.NODE_EXTRA_CA_CERTS as string);
  return {
    sim,
    ca,
    async close() {
      await sim.dispose();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

export const ENQUEUE = "/v2/enqueue";
export const CHANGE = "/v2/change/enqueue";
export const V1 = "/generic/2010-04-15/create_event.json";

export interface Reply {
  status: number;
  contentType: string | null;
  text: string;
  // biome-ignore lint/suspicious/noExplicitAny: bodies are checked field by field.
  json: any;
}

/** POSTs a body (an object is sent as JSON, a string or Buffer as is) to the Events API. */
export async function post(
  sim: Simulator,
  route: string,
  body: unknown,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  const res = await fetch(`${sim.endpoints.pagerdutyEvents.url}${route}`, {
    method: init.method ?? "POST",
    headers: { "content-type": "application/json", ...init.headers },
    ...(init.method === "GET"
      ? {}
      : {
          body:
            typeof body === "string" || Buffer.isBuffer(body)
              ? (body as string)
              : JSON.stringify(body),
        }),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, contentType: res.headers.get("content-type"), text, json };
}

export function routingKey(sim: Simulator): string {
  const key = sim.env.PAGERDUTY_ROUTING_KEY;
  if (!key) throw new Error("the ready line's env has no PAGERDUTY_ROUTING_KEY");
  return key;
}

/** A valid v2 trigger for the default service, with overrides. */
export function trigger(sim: Simulator, extra: Record<string, unknown> = {}, payload = {}) {
  return {
    routing_key: routingKey(sim),
    event_action: "trigger",
    payload: { summary: "disk full on db-1", source: "db-1", severity: "critical", ...payload },
    ...extra,
  };
}

export function followUp(sim: Simulator, action: "acknowledge" | "resolve", dedupKey: string) {
  return { routing_key: routingKey(sim), event_action: action, dedup_key: dedupKey };
}

// biome-ignore lint/suspicious/noExplicitAny: the state is checked field by field.
export type State = any;

/** The PagerDuty store as the admin endpoint shows it. */
export async function state(sim: Simulator): Promise<State> {
  const res = await fetch(`${sim.endpoints.pagerdutyEvents.url}/_watermelon/state`);
  const body = (await res.json()) as { state: State };
  return body.state;
}

export async function reset(sim: Simulator): Promise<void> {
  const res = await fetch(`${sim.endpoints.pagerdutyEvents.url}/_watermelon/reset`, {
    method: "POST",
  });
  await res.body?.cancel();
}

/** ISO times counted from the clock's time now, and journal events appended from now on. */
export function mark(sim: Simulator) {
  const t0 = sim.clock.now();
  const seq = sim.journal.all().length;
  return {
    at: (ms = 0) => new Date(t0 + ms).toISOString(),
    journal: (type?: string) =>
      sim.journal
        .all()
        .slice(seq)
        .filter((e) => type === undefined || e.type === type),
  };
}

/** A key of 32 letters and digits that no integration has. */
export const UNKNOWN_KEY = "0123456789abcdef0123456789ABCDEF";

/**
 * POSTs JSON to `https://<host><path>` through the simulator's proxy, as a client with a
 * hard-coded host does: CONNECT host:443, then TLS verified against the CA for that host name.
 */
export function postThroughProxy(
  sim: Simulator,
  ca: Buffer,
  host: string,
  pathname: string,
  body: unknown,
): Promise<{ status: number; body: string }> {
  const proxy = new URL(sim.endpoints.proxy.url);
  const target = `${host}:443`;
  return new Promise((resolve, reject) => {
    const connect = http.request({
      host: proxy.hostname,
      port: Number(proxy.port),
      method: "CONNECT",
      path: target,
      headers: { host: target },
    });
    connect.on("connect", (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        return reject(new Error(`CONNECT ${target} answered ${res.statusCode}`));
      }
      const secure = tls.connect({ socket, servername: host, ca });
      secure.once("error", reject);
      const req = http.request(
        {
          method: "POST",
          path: pathname,
          headers: { host, "content-type": "application/json" },
          createConnection: () => secure,
        },
        (reply) => {
          let text = "";
          reply.setEncoding("utf8").on("data", (c: string) => {
            text += c;
          });
          reply.on("end", () => resolve({ status: reply.statusCode ?? 0, body: text }));
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify(body));
    });
    connect.on("error", reject);
    connect.end();
  });
}
