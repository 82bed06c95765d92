import http from "node:http";
import https from "node:https";
import type { Clock } from "../kernel/clock.js";

/**
 * Registers every request a server handles as work in flight, from its arrival until the
 * response is finished or the connection drops, so the virtual clock never jumps mid-request.
 */
export function trackServerRequests(server: http.Server, clock: Clock, role: string): void {
  server.prependListener("request", (req: http.IncomingMessage, res: http.ServerResponse) => {
    const done = clock.beginWork(`${role} serving ${req.method} ${req.url}`);
    res.once("close", done);
  });
}

type AgentClass = typeof http.Agent;

function trackingAgent<A extends AgentClass>(Base: A, clock: Clock) {
  // `addRequest` is where every request using the agent passes; it is not in Node's typings.
  const Tracking = class extends (Base as AgentClass) {
    addRequest(req: http.ClientRequest, options: unknown): void {
      const done = clock.beginWork(`client ${req.method} ${req.host}${req.path}`);
      let responded = false;
      req.once("response", (res: http.IncomingMessage) => {
        responded = true;
        res.once("end", done);
        res.once("close", done);
      });
      req.once("error", done);
      req.once("close", () => {
        // A request that closed without a response (aborted) is over too.
        if (!responded) done();
      });
      (
        Base.prototype as unknown as { addRequest: (r: unknown, o: unknown) => void }
      ).addRequest.call(this, req, options);
    }
  };
  return Tracking;
}

/** An http.Agent whose requests hold the clock until their response has been read. */
export function createTrackedHttpAgent(clock: Clock, options?: http.AgentOptions): http.Agent {
  const Agent = trackingAgent(http.Agent, clock);
  // Keep-alive, as Node's global agent: a connection per request would dominate a chain's run.
  return new Agent({ keepAlive: true, ...options });
}

/** An https.Agent whose requests hold the clock until their response has been read. */
export function createTrackedHttpsAgent(clock: Clock, options?: https.AgentOptions): https.Agent {
  const Agent = trackingAgent(https.Agent as unknown as AgentClass, clock);
  return new Agent({ keepAlive: true, ...options }) as unknown as https.Agent;
}

/**
 * A fetch that holds the clock for the whole exchange: the body is read before the clock is
 * released, and handed back as a fresh Response.
 */
export function createTrackedFetch(clock: Clock, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const url = typeof input === "string" || input instanceof URL ? String(input) : input.url;
    const method =
      init?.method ?? (typeof input === "object" && "method" in input ? input.method : "GET");
    const done = clock.beginWork(`client ${method} ${url}`);
    try {
      const response = await base(input, init);
      const body = await response.arrayBuffer();
      const bodyless = response.status === 204 || response.status === 304 || method === "HEAD";
      return new Response(bodyless ? null : body, {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
      });
    } finally {
      done();
    }
  };
}
