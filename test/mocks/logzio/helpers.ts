import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import http from "node:http";
import https from "node:https";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { createSimulator, type Simulator } from "../../../simulator/cli/api.js";

export interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A whole simulator in-process, on free ports, with its CA in a temp home. */
export async function startSimulator(
  options: Parameters<typeof createSimulator>[0] = {},
): Promise<{ sim: Simulator; ca: Buffer; close(): Promise<void> }> {
  const home = mkdtempSync(path.join(os.tmpdir(), "watermelon-logzio-"));
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

function collect(res: http.IncomingMessage): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () =>
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      }),
    );
    res.on("error", reject);
  });
}

/** POST over https to a URL, trusting only the simulator's CA. */
export function postHttps(
  url: string,
  body: string | Buffer,
  ca: Buffer,
  headers: Record<string, string> = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: "POST", ca, headers, agent: false }, (res) =>
      collect(res).then(resolve, reject),
    );
    req.on("error", reject);
    req.end(body);
  });
}

/**
 * POST to `https://<host>:<port><path>` through the simulator's proxy, as a client with a
 * hard-coded host name does: CONNECT, then TLS verified against the CA for that host name.
 */
export function postThroughProxy(
  proxyUrl: string,
  authority: { host: string; port: number },
  pathAndQuery: string,
  body: string,
  ca: Buffer,
): Promise<Reply> {
  const proxy = new URL(proxyUrl);
  const target = `${authority.host}:${authority.port}`;
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
      const secure = tls.connect({ socket, servername: authority.host, ca });
      secure.once("error", reject);
      // http over the verified TLS socket: the request is exactly what an https client sends.
      const req = http.request(
        {
          method: "POST",
          path: pathAndQuery,
          headers: { host: target },
          createConnection: () => secure,
        },
        (reply) => collect(reply).then(resolve, reject),
      );
      req.on("error", reject);
      req.end(body);
    });
    connect.on("error", reject);
    connect.end();
  });
}

export interface StateLog {
  seq: number;
  accountId: number;
  type: string;
  "@timestamp": string;
  fields: Record<string, unknown>;
}

/** The listener's logs for an account, read back through its admin endpoint. */
export async function storedLogs(sim: Simulator, accountId?: number): Promise<StateLog[]> {
  const res = await fetch(`${sim.endpoints.logzioListener.url}/_watermelon/state`);
  const body = (await res.json()) as {
    state: { accounts: { accountId: number; logs: StateLog[] }[] };
  };
  const accounts = body.state.accounts;
  const account =
    accountId === undefined ? accounts[0] : accounts.find((a) => a.accountId === accountId);
  if (!account) throw new Error(`no account ${accountId} in the listener's state`);
  return account.logs;
}
