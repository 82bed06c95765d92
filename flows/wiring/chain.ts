/**
 * One scenario, end to end: the simulator, the app, the wiring through every service's API, the
 * people, the timeline, and at the end the accounting and the expectations. The CLI's `demo`,
 * `run` and `up --scenario`, and the library API, are all this.
 */
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { createSimulator, type Simulator, type SimulatorOptions } from "../../simulator/cli/api.js";
import {
  createTrackedFetch,
  createTrackedHttpAgent,
  createTrackedHttpsAgent,
} from "../../simulator/host/inflight.js";
import type { Clock, TimerHandle } from "../../simulator/kernel/clock.js";
import { createRealClock } from "../../simulator/kernel/realClock.js";
import { buildReport, type Report } from "../../simulator/report/index.js";
import { type App, createApp } from "../app/index.js";
import { startPeople } from "../people/index.js";
import type { Scenario, ScenarioStep } from "../scenarios/schema.js";
import { type Accounting, accountChain } from "./accounting.js";
import { type AwsWiring, wireAws } from "./aws.js";
import { checkExpectations, type Verdict } from "./expectations.js";
import { type LogzioWiring, wireLogzio } from "./logzio.js";
import { type PagerDutyWiring, wirePagerDuty } from "./pagerduty.js";

export const DEFAULT_APP_PORT = 8075;
/** Virtual time after the scenario's end for retries and escalations in flight to settle. */
export const DEFAULT_DRAIN_MS = 15 * 60_000;

const REGION = "us-east-1";
const ACCOUNT = "000000000000";
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };

export interface ChainOptions {
  scenario: Scenario;
  /** Overrides the scenario's seed. */
  seed?: string | number;
  clock?: "virtual" | "real";
  /** Real clock only: how many simulated seconds pass per wall second. */
  speed?: number;
  home?: string;
  host?: string;
  /** Ports of the simulator's services (0: any free port, the default) and of the app. */
  ports?: SimulatorOptions["ports"];
  appPort?: number;
  journalFile?: string;
  stateDir?: string;
  aws?: { backend: "localstack"; endpoint?: string };
  drainMs?: number;
  /**
   * The host name the shipper is given for the Logz.io listener, where its Lambda runs elsewhere
   * (LocalStack's Lambda containers reach the simulator by its name on their Docker network).
   */
  advertisedHost?: string;
  /** How often the Logz.io alert engine evaluates (default Logz.io's 60 s): benchmarks shorten it. */
  alertEvaluationIntervalMs?: number;
}

export interface ChainResult {
  scenario: string;
  seed: string;
  clock: "virtual" | "real";
  startedAt: string;
  endedAt: string;
  accounting: Accounting;
  verdict: Verdict;
  /** The SLA/XLA report of the run: per incident, tier and service, with the watermelon verdict. */
  report: Report;
  /** Exit status a CLI gives: 0 only if the expectations hold and nothing is unexplained. */
  ok: boolean;
}

export interface Chain {
  readonly scenario: Scenario;
  readonly sim: Simulator;
  readonly app: App;
  readonly appUrl: string;
  readonly clock: Clock;
  readonly wiring: { aws: AwsWiring; pagerduty: PagerDutyWiring; logzio: LogzioWiring };
  /** Runs the scenario to its end (virtual: as fast as it goes; real: in wall time), then checks. */
  run(): Promise<ChainResult>;
  /** Drives the chain for `ms` of simulated time (virtual clock) without finishing the run. */
  advance(ms: number): Promise<void>;
  /** Ends traffic, lets what is in flight settle, and accounts for every error event. */
  finish(): Promise<ChainResult>;
  dispose(): Promise<void>;
}

function logGroupOf(service: string): string {
  return `/watermelon/app/${service}`;
}

export async function startChain(options: ChainOptions): Promise<Chain> {
  const { scenario } = options;
  const clockKind = options.aws?.backend === "localstack" ? "real" : (options.clock ?? "virtual");
  const seed = options.seed ?? scenario.seed;
  const startMs = Date.parse(scenario.start);
  const sim = createSimulator({
    clock:
      clockKind === "real"
        ? createRealClock({ start: startMs, speed: options.speed ?? 1 })
        : "virtual",
    start: startMs,
    seed,
    ...(options.home ? { home: options.home } : {}),
    ...(options.host ? { host: options.host } : {}),
    ...(options.ports ? { ports: options.ports } : {}),
    ...(options.journalFile ? { journalFile: options.journalFile } : {}),
    ...(options.stateDir ? { stateDir: options.stateDir } : {}),
    ...(options.alertEvaluationIntervalMs === undefined
      ? {}
      : { logzio: { alertEvaluationIntervalMs: options.alertEvaluationIntervalMs } }),
    aws: {
      ...(options.aws ?? {}),
      logs: { journalEachEvent: false, controlMessage: scenario.shipper.controlMessage },
    },
  });
  try {
    await sim.ready;
  } catch (error) {
    await sim.dispose();
    throw error;
  }
  const { clock } = sim;
  const trackedFetch = createTrackedFetch(clock);
  const requestHandler = new NodeHttpHandler({
    httpAgent: createTrackedHttpAgent(clock),
    httpsAgent: createTrackedHttpsAgent(clock),
  });
  const awsEndpoint = sim.endpoints.aws.url;
  const logs = new CloudWatchLogsClient({
    endpoint: awsEndpoint,
    region: REGION,
    credentials: CREDENTIALS,
    requestHandler,
  });
  const lambda = new LambdaClient({
    endpoint: awsEndpoint,
    region: REGION,
    credentials: CREDENTIALS,
    requestHandler,
  });

  const app = createApp({
    clock,
    journal: sim.journal,
    rng: sim.rng,
    services: scenario.services.map((s) => ({
      name: s.name,
      tier: s.tier,
      ...(s.routes ? { routes: s.routes } : {}),
      ...(s.traffic ? { traffic: s.traffic } : {}),
    })),
    aws: { endpoint: awsEndpoint, region: REGION, credentials: CREDENTIALS },
    logGroup: (s) => logGroupOf(s.name),
    agent: { forceFlushIntervalMs: scenario.agent.forceFlushInterval },
  });
  let disposed = false;
  const timeline: TimerHandle[] = [];
  const dispose = async () => {
    if (disposed) return;
    disposed = true;
    for (const handle of timeline) handle.cancel();
    people?.stop();
    await app.close().catch(() => {});
    logs.destroy();
    lambda.destroy();
    await sim.dispose();
  };

  let people: { stop(): void } | undefined;
  let wiring: Chain["wiring"];
  let appUrl: string;
  try {
    ({ url: appUrl } = await app.listen(options.appPort ?? 0, options.host ?? "127.0.0.1"));
    const pagerdutyApi = sim.endpoints.pagerdutyApi.url;
    const token = sim.env.PAGERDUTY_TOKEN ?? "";
    const me = await (
      await trackedFetch(`${pagerdutyApi}/users/me`, {
        headers: {
          authorization: `Token token=${token}`,
          accept: "application/vnd.pagerduty+json;version=2",
        },
      })
    ).json();
    const untilActive = clockKind === "virtual" ? () => clock.runFor(0) : undefined;
    const aws = await wireAws(scenario, {
      logs,
      lambda,
      account: ACCOUNT,
      region: REGION,
      logGroupOf,
      listenerUrl: withHost(sim.endpoints.logzioListener.url, options.advertisedHost),
      logzioToken: sim.env.LOGZIO_TOKEN ?? "",
      ...(untilActive ? { untilActive } : {}),
    });
    const pagerduty = await wirePagerDuty(scenario, {
      apiUrl: pagerdutyApi,
      token,
      from: (me as { user: { email: string } }).user.email,
      webhookUrl: `${appUrl}/webhooks/pagerduty`,
      fetch: trackedFetch,
    });
    if (pagerduty.webhookSecret) app.setWebhookSecret?.(pagerduty.webhookSecret);
    const logzio = await wireLogzio(scenario, {
      apiUrl: sim.endpoints.logzioApi.url,
      apiToken: sim.env.LOGZIO_API_TOKEN ?? "",
      routingKeys: pagerduty.services,
      fetch: trackedFetch,
    });
    wiring = { aws, pagerduty, logzio };
    people = startPeople({
      clock,
      rng: sim.rng,
      journal: sim.journal,
      pagerduty: { apiUrl: pagerdutyApi, token, fetch: trackedFetch },
      app: { url: appUrl, fetch: trackedFetch },
      responders: scenario.responders.map((r) => ({
        ...r,
        ...(r.statusUpdates === undefined ? {} : { statusUpdates: r.statusUpdates }),
        userId: pagerduty.users.get(r.email) ?? "",
      })),
      customers: scenario.customers,
    });
  } catch (error) {
    await dispose();
    throw error;
  }

  const runStep = (step: ScenarioStep): Promise<unknown> => {
    if ("fault" in step) {
      const { duration, ...fault } = step.fault;
      return post(`${appUrl}/faults`, {
        ...fault,
        ...(duration === undefined ? {} : { durationMs: duration }),
      });
    }
    if ("hop" in step) {
      const { target, kind, status, duration, probability } = step.hop;
      if (target === "webhooks") {
        return post(`${appUrl}/faults`, {
          target: "webhooks",
          ...(kind === "down" ? { down: true } : { status }),
          durationMs: duration,
        });
      }
      // The schema has checked that a status fault has a status and error/timeout target Lambda.
      sim.faults.inject(target, kind === "status" ? { kind, status: status ?? 503 } : { kind }, {
        durationMs: duration,
        ...(probability === undefined ? {} : { probability }),
      });
      return Promise.resolve();
    }
    const { service, route, count } = step.request;
    return Promise.all(
      Array.from({ length: count }, () =>
        trackedFetch(`${appUrl}/${service}${route}`).then((r) => r.arrayBuffer()),
      ),
    );
  };
  const post = async (url: string, body: unknown) => {
    const response = await trackedFetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${text}`);
    return text;
  };

  const stepErrors: string[] = [];
  // Steps in declared order; those at the same instant fire in that order too.
  [...scenario.timeline]
    .map((step, index) => ({ step, index }))
    .sort((a, b) => a.step.at - b.step.at || a.index - b.index)
    .forEach(({ step, index }) => {
      const handle = clock.setTimeout(
        () => {
          runStep(step).catch((error: unknown) => {
            stepErrors.push(
              `timeline[${index}]: ${error instanceof Error ? error.message : String(error)}`,
            );
          });
        },
        startMs + step.at - clock.now(),
        `scenario timeline[${index}]`,
      );
      timeline.push(handle);
    });
  app.startTraffic();

  const endMs = startMs + scenario.duration;
  const drainMs = options.drainMs ?? DEFAULT_DRAIN_MS;
  let finished: Promise<ChainResult> | undefined;

  const waitUntil = async (epochMs: number) => {
    if (clock.kind === "virtual") await clock.runUntil(epochMs);
    else await clock.runUntil(epochMs);
  };

  const finish = () => {
    finished ??= (async () => {
      app.stopTraffic();
      await app.flush();
      await waitUntil(Math.max(clock.now(), endMs) + drainMs);
      const accounting = await accountChain({
        journal: sim.journal,
        logs,
        logGroups: [...wiring.aws.logGroups.values()],
        filterPattern: scenario.shipper.filterPattern,
        observed: clockKind === "virtual" || !options.aws ? "all" : "apis",
      });
      const verdict = checkExpectations(scenario, sim.journal, {
        users: wiring.pagerduty.users,
        stepErrors,
        accounting,
      });
      const report = buildReport(sim.journal.all(), {
        services: scenario.services.map((s) => ({
          name: s.name,
          tier: s.tier,
          ...(wiring.pagerduty.services.get(s.name)
            ? { pagerdutyServiceId: wiring.pagerduty.services.get(s.name)?.id as string }
            : {}),
        })),
        ...(scenario.sla ? { sla: scenario.sla } : {}),
        scenario: {
          name: scenario.name,
          start: scenario.start,
          end: new Date(endMs).toISOString(),
        },
      });
      return {
        scenario: scenario.name,
        seed: String(seed),
        clock: clockKind,
        startedAt: new Date(startMs).toISOString(),
        endedAt: new Date(clock.now()).toISOString(),
        accounting,
        verdict,
        report,
        ok: verdict.ok && accounting.ok,
      };
    })();
    return finished;
  };

  return {
    scenario,
    sim,
    app,
    appUrl,
    clock,
    wiring,
    async run() {
      await waitUntil(endMs);
      return finish();
    },
    async advance(ms: number) {
      await waitUntil(clock.now() + ms);
    },
    finish,
    dispose,
  };
}

function withHost(url: string, host: string | undefined): string {
  if (!host) return url;
  const u = new URL(url);
  u.hostname = host;
  return u.origin;
}
