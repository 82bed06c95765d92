import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  CloudWatchLogsClient,
  type FilteredLogEvent,
  FilterLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { type AppOptions, type AppService, createApp } from "../../../flows/app/index.js";
import type { RequestLog } from "../../../flows/app/logRecord.js";
import { createSimulator, type Simulator } from "../../../simulator/cli/api.js";

export const REGION = "us-east-1";
export const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

export const SERVICES: AppService[] = [
  {
    name: "checkout",
    tier: "gold",
    routes: ["/cart", "/pay"],
    traffic: { requestsPerMinute: 120, latencyMs: 40 },
  },
  { name: "search", tier: "bronze" },
];

export interface AppHarness {
  sim: Simulator;
  app: ReturnType<typeof createApp>;
  url: string;
  logs: CloudWatchLogsClient;
  /** A JSON request to the app; the body is sent as JSON when given. */
  call(
    method: string,
    pathname: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<{ status: number; json: Record<string, unknown>; headers: Headers }>;
  /** Every stored event of a log group, in order (all pages of FilterLogEvents). */
  events(logGroupName: string): Promise<FilteredLogEvent[]>;
  /** The same, parsed as the app's log lines. */
  lines(logGroupName: string): Promise<RequestLog[]>;
  dispose(): Promise<void>;
}

/** The simulator in-process (virtual clock, temp home) and the app against its AWS endpoint. */
export async function startApp(
  options: {
    seed?: string;
    services?: AppService[];
    app?: Partial<Omit<AppOptions, "clock" | "journal" | "rng" | "services">>;
    /** Where the app sends its logs, when not straight to the simulator's AWS port. */
    awsEndpoint?: (sim: Simulator) => Promise<string> | string;
  } = {},
): Promise<AppHarness> {
  const home = await mkdtemp(path.join(os.tmpdir(), "watermelon-app-"));
  const sim = createSimulator({ home, ...(options.seed ? { seed: options.seed } : {}) });
  await sim.ready;
  const endpoint = options.awsEndpoint ? await options.awsEndpoint(sim) : sim.endpoints.aws.url;
  const app = createApp({
    clock: sim.clock,
    journal: sim.journal,
    rng: sim.rng,
    services: options.services ?? SERVICES,
    aws: { endpoint, region: REGION, credentials: CREDENTIALS },
    ...options.app,
  });
  const { url } = await app.listen(0);
  const logs = new CloudWatchLogsClient({
    endpoint: sim.endpoints.aws.url,
    region: REGION,
    credentials: CREDENTIALS,
    maxAttempts: 1,
  });
  const events = async (logGroupName: string) => {
    const out: FilteredLogEvent[] = [];
    let nextToken: string | undefined;
    do {
      const page = await logs.send(new FilterLogEventsCommand({ logGroupName, nextToken }));
      out.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    return out;
  };
  return {
    sim,
    app,
    url,
    logs,
    async call(method, pathname, body, headers = {}) {
      const res = await fetch(`${url}${pathname}`, {
        method,
        headers: { "content-type": "application/json", ...headers },
        ...(body === undefined
          ? {}
          : { body: typeof body === "string" ? body : JSON.stringify(body) }),
      });
      const text = await res.text();
      return { status: res.status, json: text ? JSON.parse(text) : {}, headers: res.headers };
    },
    events,
    async lines(logGroupName) {
      return (await events(logGroupName)).map((e) => JSON.parse(e.message ?? "") as RequestLog);
    },
    async dispose() {
      await app.close();
      logs.destroy();
      await sim.dispose();
      await rm(home, { recursive: true, force: true });
    },
  };
}

/** The app's journal entries, as JSON lines without seq (other sources interleave). */
export function appJournal(sim: Simulator): string[] {
  return sim.journal
    .byType("app.*")
    .map((e) =>
      JSON.stringify({ time: e.time, type: e.type, correlation: e.correlation, data: e.data }),
    );
}
