import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import https from "node:https";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import tls from "node:tls";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type LocalCa, loadOrCreateCa } from "../../../simulator/host/ca.js";
import { DEFAULT_PORTS, type PortName, serviceForHost } from "../../../simulator/host/catalogue.js";
import { type ServiceHost, startServiceHost } from "../../../simulator/host/serviceHost.js";
import { createVirtualClock } from "../../../simulator/kernel/virtualClock.js";

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function collect(res: http.IncomingMessage): Promise<Reply> {
  return new Promise((resolve, reject) => {
    let body = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      body += chunk;
    });
    res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    res.on("error", reject);
  });
}

function request(url: string, options: https.RequestOptions = {}, body?: string): Promise<Reply> {
  const client = url.startsWith("https:") ? https : http;
  return new Promise((resolve, reject) => {
    const req = client.request(url, options, (res) => collect(res).then(resolve, reject));
    req.on("error", reject);
    req.end(body);
  });
}

/** Opens a CONNECT tunnel through the proxy; resolves with the proxy's answer and the socket. */
function connect(proxyPort: number, authority: string) {
  return new Promise<{ status: number; socket: net.Socket; head: Buffer }>((resolve, reject) => {
    const req = http.request({
      host: "127.0.0.1",
      port: proxyPort,
      method: "CONNECT",
      path: authority,
      headers: { host: authority },
    });
    req.on("connect", (res, socket, head) =>
      resolve({ status: res.statusCode ?? 0, socket, head }),
    );
    req.on("error", reject);
    req.end();
  });
}

/** GET over TLS inside a tunnel, verifying the certificate against the local CA. */
async function getThroughTunnel(proxyPort: number, host: string, port: number, urlPath: string) {
  const tunnel = await connect(proxyPort, `${host}:${port}`);
  expect(tunnel.status).toBe(200);
  const secure = tls.connect({ socket: tunnel.socket, servername: host, ca: ca.certPem });
  await new Promise<void>((resolve, reject) => {
    secure.once("secureConnect", resolve);
    secure.once("error", reject);
  });
  expect(secure.authorized).toBe(true);
  return new Promise<Reply>((resolve, reject) => {
    const req = http.request(
      { createConnection: () => secure, path: urlPath, headers: { host } },
      (res) => collect(res).then(resolve, reject),
    );
    req.on("error", reject);
    req.end();
  });
}

let home: string;
let ca: LocalCa;
let host: ServiceHost;
const clock = createVirtualClock({ start: 0 });
let releaseSlow: (() => void) | undefined;
const resets: string[] = [];

beforeAll(async () => {
  home = await mkdtemp(path.join(os.tmpdir(), "watermelon-host-"));
  ca = await loadOrCreateCa(home);
  const ports = Object.fromEntries(Object.keys(DEFAULT_PORTS).map((name) => [name, 0])) as Record<
    PortName,
    number
  >;
  host = await startServiceHost({
    clock,
    ca,
    bindHost: "127.0.0.1",
    ports,
    version: "9.9.9",
    modules: {
      pagerdutyApi: {
        handler: (req, res) => {
          if (req.url === "/slow") {
            releaseSlow = () => res.end("slow done");
            return;
          }
          res.setHeader("content-type", "application/json");
          res.end(JSON.stringify({ path: req.url, host: req.headers.host }));
        },
        state: () => ({ incidents: 3 }),
        reset: () => {
          resets.push("pagerdutyApi");
        },
      },
      aws: { localstackServices: () => ({ logs: "available", lambda: "available" }) },
    },
  });
});

afterAll(async () => {
  await host?.close();
  await rm(home, { recursive: true, force: true });
});

describe("host names", () => {
  it.each([
    ["logs.us-east-1.amazonaws.com", "aws"],
    ["lambda.eu-west-1.amazonaws.com", "aws"],
    ["logs.us-gov-west-1.amazonaws.com", "aws"],
    ["LISTENER.LOGZ.IO", "logzioListener"],
    ["listener-eu.logz.io", "logzioListener"],
    ["api.logz.io", "logzioApi"],
    ["api-uk.logz.io", "logzioApi"],
    ["events.pagerduty.com", "pagerdutyEvents"],
    ["events.eu.pagerduty.com", "pagerdutyEvents"],
    ["api.pagerduty.com", "pagerdutyApi"],
    ["api.pagerduty.com.", "pagerdutyApi"],
  ])("%s is served by %s", (name, role) => {
    expect(serviceForHost(name)?.role).toBe(role);
  });

  it.each([
    "example.com",
    "s3.us-east-1.amazonaws.com",
    "logs.amazonaws.com.evil.example",
    "api.pagerduty.com.evil.example",
    "pagerduty.com",
    "app.logz.io",
  ])("%s is not ours", (name) => {
    expect(serviceForHost(name)).toBeUndefined();
  });
});

describe("service ports", () => {
  it("every port answers plain http and TLS", async () => {
    for (const [role, endpoint] of Object.entries(host.endpoints)) {
      if (role === "proxy") continue;
      const e = endpoint as { url: string; httpsUrl: string };
      const plain = await request(`${e.url}/_watermelon/health`);
      expect(plain.status).toBe(200);
      expect(JSON.parse(plain.body)).toMatchObject({ service: role, status: "running" });
      const secure = await request(`${e.httpsUrl}/_watermelon/health`, { ca: ca.certPem });
      expect(JSON.parse(secure.body)).toMatchObject({ service: role });
    }
  });

  it("the Logz.io listener keeps both of its ports", async () => {
    const listener = host.endpoints.logzioListener;
    expect(new URL(listener.url).port).toBe(String(host.ports.logzioListener));
    expect(new URL(listener.httpsUrl).port).toBe(String(host.ports.logzioListenerTls));
    expect(host.ports.logzioListener).not.toBe(host.ports.logzioListenerTls);
  });

  it("presents a certificate for the name the client asks for", async () => {
    const reply = await request(`https://127.0.0.1:${host.ports.aws}/_watermelon/health`, {
      ca: ca.certPem,
      servername: "logs.ap-southeast-2.amazonaws.com",
      headers: { host: "logs.ap-southeast-2.amazonaws.com" },
    });
    expect(reply.status).toBe(200);
  });

  it("a client that does not trust the CA is refused", async () => {
    await expect(request(`${host.endpoints.aws.httpsUrl}/_watermelon/health`)).rejects.toThrow(
      /self-signed|unable to verify|certificate/i,
    );
  });

  it("answers LocalStack's health probe on the AWS port only", async () => {
    const aws = await request(`${host.endpoints.aws.url}/_localstack/health`);
    expect(JSON.parse(aws.body)).toEqual({
      services: { logs: "available", lambda: "available" },
      edition: "community",
      version: "9.9.9",
    });
    const other = await request(`${host.endpoints.logzioApi.url}/_localstack/health`);
    expect(other.status).toBe(404);
  });
});

describe("admin endpoints", () => {
  const api = () => host.endpoints.pagerdutyApi.url;

  it("state and reset reach the service module", async () => {
    const state = await request(`${api()}/_watermelon/state`);
    expect(JSON.parse(state.body)).toEqual({ service: "pagerdutyApi", state: { incidents: 3 } });
    const reset = await request(`${api()}/_watermelon/reset`, { method: "POST" });
    expect(reset.status).toBe(200);
    expect(resets).toEqual(["pagerdutyApi"]);
  });

  it("a wrong method gets 405 with Allow; an unknown admin path 404", async () => {
    const wrong = await request(`${api()}/_watermelon/reset`);
    expect(wrong.status).toBe(405);
    expect(wrong.headers.allow).toBe("POST");
    const unknown = await request(`${api()}/_watermelon/nope`);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).message).toContain("/_watermelon/health");
  });

  it("a service without an API yet says so with a 404 naming it", async () => {
    const reply = await request(`${host.endpoints.logzioApi.url}/v1/search`, { method: "POST" });
    expect(reply.status).toBe(404);
    expect(JSON.parse(reply.body).message).toBe("Logz.io API has no route for POST /v1/search");
  });

  it("a request in progress holds the clock", async () => {
    const pending = request(`${api()}/slow`);
    while (!releaseSlow) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(clock.inFlight()).toEqual(["pagerdutyApi serving GET /slow"]);
    releaseSlow();
    expect((await pending).body).toBe("slow done");
    await clock.whenQuiescent();
    expect(clock.inFlight()).toEqual([]);
  });
});

describe("HTTPS proxy", () => {
  const proxyPort = () => host.ports.proxy;

  it("CONNECT to a real host name reaches that service over TLS", async () => {
    const reply = await getThroughTunnel(proxyPort(), "api.pagerduty.com", 443, "/incidents?x=1");
    expect(JSON.parse(reply.body)).toEqual({ path: "/incidents?x=1", host: "api.pagerduty.com" });
  });

  it.each([
    ["listener.logz.io", 8071, "logzioListener"],
    ["logs.eu-west-1.amazonaws.com", 443, "aws"],
    ["events.pagerduty.com", 443, "pagerdutyEvents"],
    ["api-eu.logz.io", 443, "logzioApi"],
  ])("CONNECT %s:%i routes to %s", async (name, port, role) => {
    const reply = await getThroughTunnel(proxyPort(), name, port, "/_watermelon/health");
    expect(JSON.parse(reply.body).service).toBe(role);
  });

  it("refuses an unknown host with a 403 naming it, for CONNECT and plain requests", async () => {
    const tunnel = await connect(proxyPort(), "evil.example.com:443");
    expect(tunnel.status).toBe(403);
    tunnel.socket.destroy();
    const plain = await request(`http://127.0.0.1:${proxyPort()}/`, {
      path: "http://evil.example.com/steal",
      headers: { host: "evil.example.com" },
    });
    expect(plain.status).toBe(403);
    expect(plain.body).toContain("evil.example.com");
    expect(plain.body).toContain("nothing is forwarded");
  });

  it("the 403 body of a refused CONNECT names the host", async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = new net.Socket();
      let text = "";
      socket.connect(proxyPort(), "127.0.0.1", () => {
        socket.write("CONNECT metadata.google.internal:80 HTTP/1.1\r\nHost: x\r\n\r\n");
      });
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        text += chunk;
      });
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(raw).toMatch(/^HTTP\/1\.1 403 Forbidden/);
    expect(raw).toContain("metadata.google.internal");
  });

  it("routes plain http proxy requests by host name", async () => {
    const reply = await request(`http://127.0.0.1:${proxyPort()}/`, {
      path: "http://api.pagerduty.com/services?limit=5",
      headers: { host: "api.pagerduty.com" },
    });
    expect(JSON.parse(reply.body)).toEqual({
      path: "/services?limit=5",
      host: "api.pagerduty.com",
    });
  });

  it("serves plain http inside a tunnel too", async () => {
    const tunnel = await connect(proxyPort(), "api.pagerduty.com:80");
    const reply = await new Promise<Reply>((resolve, reject) => {
      const req = http.request(
        {
          createConnection: () => tunnel.socket,
          path: "/users/me",
          headers: { host: "api.pagerduty.com" },
        },
        (res) => collect(res).then(resolve, reject),
      );
      req.on("error", reject);
      req.end();
    });
    expect(JSON.parse(reply.body).path).toBe("/users/me");
  });

  it("a request addressed to the proxy itself is told what the proxy is", async () => {
    const reply = await request(`${host.endpoints.proxy.url}/anything`);
    expect(reply.status).toBe(400);
    expect(JSON.parse(reply.body).message).toContain("HTTPS_PROXY");
  });
});
