import http from "node:http";
import https from "node:https";
import net from "node:net";
import type { Duplex } from "node:stream";
import type { Clock } from "../kernel/clock.js";
import { createServiceListener, type ServiceModule } from "./admin.js";
import type { LocalCa } from "./ca.js";
import { type PortName, SERVICES, type ServiceRole } from "./catalogue.js";
import { sniffProtocol } from "./dualProtocol.js";
import type { FaultRegistry } from "./faults.js";
import { createForwarder } from "./forward.js";
import { type Listening, listen } from "./listening.js";
import { startProxy } from "./proxy.js";

export interface ServiceEndpoint {
  title: string;
  /** Plain http URL on the loopback address. */
  url: string;
  /** https URL; the certificate comes from the local CA. */
  httpsUrl: string;
  /** The real host names that reach this service through the proxy. */
  hosts: string[];
}

export type Endpoints = Record<ServiceRole, ServiceEndpoint> & {
  proxy: { title: string; url: string };
};

export interface ServiceHostOptions {
  clock: Clock;
  ca: LocalCa;
  /** Address to bind (default 127.0.0.1). */
  bindHost: string;
  ports: Record<PortName, number>;
  modules: Partial<Record<ServiceRole, ServiceModule>>;
  version: string;
  /**
   * Faults every built-in listener consults before a request reaches its service (through a
   * port or a proxy tunnel alike), and managed at `/_watermelon/faults`. A service running
   * elsewhere (LocalStack) is forwarded to untouched.
   */
  faults?: FaultRegistry;
}

export interface ServiceHost {
  endpoints: Endpoints;
  /** The ports actually bound (port 0 resolved). */
  ports: Record<PortName, number>;
  close(): Promise<void>;
}

/** The host name clients should use in URLs: a wildcard bind is reached on loopback. */
export function advertisedHost(bindHost: string): string {
  if (bindHost === "0.0.0.0" || bindHost === "::") return "127.0.0.1";
  return bindHost.includes(":") ? `[${bindHost}]` : bindHost;
}

/**
 * Starts every service on its ports (each port speaks http and https) and the proxy that reaches
 * them by their real host names. If any port cannot be bound, everything started is stopped.
 */
export async function startServiceHost(options: ServiceHostOptions): Promise<ServiceHost> {
  const { clock, ca, bindHost } = options;
  const started: Listening[] = [];
  const bound = { ...options.ports };
  const listeners = new Map<ServiceRole, http.RequestListener>();
  const plainHost = advertisedHost(bindHost);
  // No SNI is sent for IP literals, so the default certificate is the one for the bound address.
  const defaultLeaf = await ca.leafFor(plainHost.replace(/^\[|\]$/g, ""));

  const stopAll = () => Promise.all(started.map((l) => l.close())).then(() => undefined);
  try {
    for (const entry of SERVICES) {
      const external = options.modules[entry.role]?.external;
      if (external) {
        listeners.set(entry.role, createForwarder(external.url));
        continue;
      }
      const listener = createServiceListener(
        entry,
        options.modules[entry.role] ?? {},
        clock,
        options.version,
        options.faults,
      );
      listeners.set(entry.role, listener);
      const plain = http.createServer(listener);
      const secure = https.createServer(
        {
          key: defaultLeaf.keyPem,
          cert: defaultLeaf.certPem,
          SNICallback: ca.sniCallback(plainHost),
        },
        listener,
      );
      for (const inner of [plain, secure]) inner.on("clientError", (_e, s: Duplex) => s.destroy());
      for (const portName of entry.ports) {
        const server = net.createServer((socket) =>
          sniffProtocol(socket, {
            tls: (s) => secure.emit("connection", s),
            plain: (s) => plain.emit("connection", s),
          }),
        );
        const listening = await listen(server, portName, options.ports[portName], bindHost);
        started.push(listening);
        bound[portName] = listening.port;
      }
    }
    const proxy = await startProxy({
      ca,
      bindHost,
      port: options.ports.proxy,
      route: (role) => listeners.get(role),
    });
    started.push(proxy);
    bound.proxy = proxy.port;
  } catch (error) {
    await stopAll();
    throw error;
  }

  const endpoints = Object.fromEntries(
    SERVICES.map((entry) => {
      const external = options.modules[entry.role]?.external?.url.replace(/\/$/, "");
      return [
        entry.role,
        {
          title: entry.title,
          url: external ?? `http://${plainHost}:${bound[entry.ports[0] as PortName]}`,
          httpsUrl: external ?? `https://${plainHost}:${bound[entry.tlsPort]}`,
          hosts: entry.hosts,
        },
      ];
    }),
  ) as Record<ServiceRole, ServiceEndpoint>;

  for (const entry of SERVICES) options.modules[entry.role]?.onListening?.(endpoints[entry.role]);

  return {
    endpoints: {
      ...endpoints,
      proxy: { title: "HTTPS proxy (real host names)", url: `http://${plainHost}:${bound.proxy}` },
    },
    ports: bound,
    close: async () => {
      await stopAll();
      await Promise.all(Object.values(options.modules).map((m) => m?.dispose?.()));
    },
  };
}
