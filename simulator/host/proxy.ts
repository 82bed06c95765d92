import http from "node:http";
import type net from "node:net";
import type { Duplex } from "node:stream";
import tls from "node:tls";
import { ADMIN_PREFIX, sendJson } from "./admin.js";
import type { LocalCa } from "./ca.js";
import { type ServiceRole, serviceForHost } from "./catalogue.js";
import { sniffProtocol } from "./dualProtocol.js";
import { type Listening, listen } from "./listening.js";

export interface ProxyOptions {
  ca: LocalCa;
  bindHost: string;
  port: number;
  /** The request listener of a service, by role. */
  route(role: ServiceRole): http.RequestListener | undefined;
}

function refusal(host: string): string {
  return `watermelon proxy: no simulated service stands in for ${host}; nothing is forwarded off this machine\n`;
}

/** Splits "host:port" or "[v6]:port". */
function parseAuthority(authority: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(authority);
  if (!match) return undefined;
  return { host: (match[1] ?? match[2] ?? "").toLowerCase(), port: Number(match[3]) };
}

/**
 * The proxy clients with hard-coded hosts use (HTTPS_PROXY): CONNECT to any port of a known host
 * is accepted and TLS is terminated with a certificate minted for that name; plain `http://host/`
 * proxy requests are routed the same way. Unknown hosts get a 403, never a connection out.
 */
export async function startProxy(options: ProxyOptions): Promise<Listening> {
  const { ca } = options;

  const listenerFor = (host: string) => {
    const entry = serviceForHost(host);
    return entry && options.route(entry.role);
  };

  // Requests arriving inside a tunnel are served by the service the tunnel was opened to.
  const tunnelTarget = new WeakMap<object, http.RequestListener>();
  const tunnelled: http.RequestListener = (req, res) => {
    const target = tunnelTarget.get(req.socket);
    if (target) return target(req, res);
    res.writeHead(502).end();
  };
  const inner = http.createServer(tunnelled);
  inner.on("clientError", (_e, socket: Duplex) => socket.destroy());

  const proxy = http.createServer((req, res) => {
    const raw = req.url ?? "/";
    if (raw.startsWith("/")) {
      // Addressed to the proxy itself rather than through it.
      if (raw === `${ADMIN_PREFIX}/health`) {
        return sendJson(res, 200, { service: "proxy", status: "running" });
      }
      return sendJson(res, 400, {
        message:
          "this is the watermelon HTTPS proxy: set HTTPS_PROXY/HTTP_PROXY to it, or use a service's own URL",
      });
    }
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return sendJson(res, 400, { message: `not a proxy request URL: ${raw}` });
    }
    const target = listenerFor(url.hostname);
    if (!target) {
      res.writeHead(403, { "content-type": "text/plain; charset=utf-8" });
      return res.end(refusal(url.hostname));
    }
    req.url = `${url.pathname}${url.search}`;
    target(req, res);
  });

  proxy.on("connect", (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => socket.destroy());
    const authority = parseAuthority(req.url ?? "");
    if (!authority) {
      socket.end("HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n");
      return;
    }
    const target = listenerFor(authority.host);
    if (!target) {
      const body = refusal(authority.host);
      socket.end(
        `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      return;
    }
    ca.secureContextFor(authority.host).then(
      (secureContext) => {
        if (head.length > 0) socket.unshift(head);
        socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        sniffProtocol(socket, {
          tls: (raw) => {
            const secure = new tls.TLSSocket(raw, {
              isServer: true,
              secureContext,
              SNICallback: ca.sniCallback(authority.host),
            });
            secure.on("error", () => secure.destroy());
            tunnelTarget.set(secure, target);
            inner.emit("connection", secure);
          },
          plain: (raw) => {
            tunnelTarget.set(raw, target);
            inner.emit("connection", raw);
          },
        });
      },
      () => socket.end("HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n"),
    );
  });
  proxy.on("clientError", (_e, socket: Duplex) => socket.destroy());

  const listening = await listen(proxy as net.Server, "proxy", options.port, options.bindHost);
  return {
    port: listening.port,
    close: async () => {
      inner.closeAllConnections();
      await listening.close();
    },
  };
}
