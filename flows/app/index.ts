import http from "node:http";
import type { AddressInfo } from "node:net";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import {
  createTrackedHttpAgent,
  createTrackedHttpsAgent,
  trackServerRequests,
} from "../../simulator/host/inflight.js";
import { CloudWatchAgent } from "./cloudwatchAgent.js";
import { FaultBook } from "./faults.js";
import { createHttpHandler } from "./http.js";
import { DEFAULT_APP_PORT } from "./limits.js";
import {
  type AppOptions,
  type AppService,
  defaultLogGroup,
  resolveAgentOptions,
  validateServices,
} from "./options.js";
import { type GoodBad, RequestCounts } from "./requestCounts.js";
import { RequestLogger } from "./requestLog.js";
import { StatusPage } from "./statusPage.js";
import { SupportDesk } from "./supportDesk.js";
import { TrafficScheduler } from "./traffic.js";

export type { Fault, ServiceFault, WebhookFault } from "./faults.js";
export { DEFAULT_APP_PORT } from "./limits.js";
export type { RequestLog } from "./logRecord.js";
export type { AgentOptions, AppOptions, AppService, Tier } from "./options.js";
export type { GoodBad } from "./requestCounts.js";
export type { ServiceStatus, StatusPageIncident, StatusUpdate } from "./statusPage.js";
export type { SupportReport } from "./supportDesk.js";

export interface App {
  /** The express app, to mount elsewhere or serve with `listen`. */
  readonly handler: http.RequestListener;
  /** Serves the API (default port 8075 on 127.0.0.1), its requests tracked by the clock. */
  listen(port?: number, host?: string): Promise<{ url: string }>;
  /** Simulated traffic of every service with `traffic`, on the clock. */
  startTraffic(): void;
  stopTraffic(): void;
  /** Sends what the agent buffers now. */
  flush(): Promise<void>;
  /** Stops traffic, flushes, closes the server and the SDK client. Idempotent. */
  close(): Promise<void>;
  /** Good and bad requests per service since the start, for error budgets. */
  counts(): Record<string, GoodBad>;
  /**
   * The secret to verify `X-PagerDuty-Signature` with, known once the webhook subscription is
   * created (after the app listens); undefined stops checking.
   */
  setWebhookSecret(secret: string | undefined): void;
}

/**
 * The error-on-demand app: services that fail on demand, a baseline of simulated good requests,
 * structured JSON logs shipped to CloudWatch Logs the way the CloudWatch agent ships them, and the
 * receiving end of PagerDuty webhooks (a status page) and of customers' reports.
 */
export function createApp(options: AppOptions): App {
  const { clock, journal } = options;
  validateServices(options.services);
  const agentOptions = resolveAgentOptions(options.agent);
  const rng = options.rng.fork("app");
  const services = new Map<string, AppService>(options.services.map((s) => [s.name, s]));

  const client = new CloudWatchLogsClient({
    endpoint: options.aws.endpoint,
    region: options.aws.region,
    credentials: options.aws.credentials,
    // Retries are the agent's, on the simulator clock: the SDK's own would wait in real time.
    maxAttempts: 1,
    requestHandler: new NodeHttpHandler({
      httpAgent: createTrackedHttpAgent(clock),
      httpsAgent: createTrackedHttpsAgent(clock),
    }),
  });

  const logGroupOf = options.logGroup ?? defaultLogGroup;
  const logStreamName = options.logStream ?? "app-1";
  const agentRng = rng.fork("agent");
  const agents = new Map<string, CloudWatchAgent>();
  for (const service of options.services) {
    agents.set(
      service.name,
      new CloudWatchAgent({
        clock,
        journal,
        rng: agentRng.fork(service.name),
        client,
        options: agentOptions,
        destination: { service: service.name, logGroupName: logGroupOf(service), logStreamName },
      }),
    );
  }

  const faults = new FaultBook(clock, journal);
  const counts = new RequestCounts(
    options.services.map((s) => s.name),
    agentOptions.forceFlushIntervalMs,
  );
  // The scheduler is built after the logger it drives, which tells it of every request.
  let traffic: TrafficScheduler | undefined;
  const logger = new RequestLogger({
    journal,
    faults,
    agents,
    counts,
    onRequest: () => traffic?.noteRequest(),
  });
  traffic = new TrafficScheduler({
    clock,
    journal,
    services: options.services,
    logger,
    counts,
    faults,
    intervalMs: agentOptions.forceFlushIntervalMs,
    rng: rng.fork("traffic"),
  });
  const scheduler = traffic;

  let webhookSecret = options.webhookSecret;
  const handler = createHttpHandler({
    clock,
    journal,
    services,
    faults,
    logger,
    statusPage: new StatusPage(options.services.map((s) => s.name)),
    support: new SupportDesk(clock, journal),
    webhookSecret: () => webhookSecret,
    requestsRng: rng.fork("requests"),
    burstRng: rng.fork("burst"),
  });

  let server: http.Server | undefined;
  let closing: Promise<void> | undefined;

  const flushAll = async () => {
    // One stream after another, in declaration order, so the journal's order is the same each run.
    for (const agent of agents.values()) await agent.flush();
  };

  return {
    handler,
    async listen(port = DEFAULT_APP_PORT, host = "127.0.0.1") {
      if (server !== undefined) throw new Error("the app is already listening");
      const listening = http.createServer(handler);
      trackServerRequests(listening, clock, "app");
      await new Promise<void>((resolve, reject) => {
        listening.once("error", reject);
        listening.listen(port, host, () => {
          listening.off("error", reject);
          resolve();
        });
      });
      server = listening;
      // The agent creates its groups and streams at start; one it could not create now is
      // created before its first PutLogEvents.
      for (const agent of agents.values()) await agent.ensureDestination().catch(() => {});
      const address = listening.address() as AddressInfo;
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address;
      return { url: `http://${shownHost}:${address.port}` };
    },
    startTraffic: () => scheduler.start(),
    stopTraffic: () => scheduler.stop(),
    flush: flushAll,
    close() {
      closing ??= (async () => {
        scheduler.close();
        for (const agent of agents.values()) await agent.close();
        faults.close();
        if (server !== undefined) {
          const closed = new Promise<void>((resolve) => server?.close(() => resolve()));
          server.closeAllConnections();
          await closed;
        }
        client.destroy();
      })();
      return closing;
    },
    counts: () => counts.totals(),
    setWebhookSecret(secret) {
      webhookSecret = secret;
    },
  };
}
