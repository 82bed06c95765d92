// The whole chain: app -> CloudWatch Logs -> subscription filter -> logzio-shipper Lambda ->
// Logz.io listener and alert engine -> PagerDuty -> responders, as `startChain` wires it.
//
// 1. Error to incident in real time, every delay at its minimum (real clock, agent
//    force_flush_interval 1 ms, alert evaluation every 1 ms, threshold 1): one failing request to
//    the app at a time, timed with performance.now() until the journal's
//    pagerduty.incident.triggered carries the request's trace id. The alert groups by trace_id,
//    so each error is its own group, its own dedup key and a new incident: samples are
//    independent. Peer, interleaved sample by sample on the same chain: the same error sent
//    straight to the PagerDuty Events API with the wired service's routing key (the floor without
//    the intermediate hops). Each run is a new chain; the stages in between are timed from the
//    journal's entries as they are appended.
// 2. A day (and more) on the virtual clock: several services and tiers at ~70 requests a minute
//    in all, faults spread over the day on a seeded timeline, an alert per service, responders
//    who acknowledge, post status updates and resolve. Wall time of `chain.run()`, RSS and heap
//    sampled every 50 ms, log events, incidents, PutLogEvents calls and journal size, and the
//    run's "nothing lost" accounting. Peer: the same scenario and seed with the agent's
//    force_flush_interval at 60 s instead of 5 s (what the agent's cadence costs). Longer and
//    denser runs (hours and traffic multipliers) show how the wall time grows with the events.
// Peers are interleaved round by round, the one going first rotating.

import { performance } from "node:perf_hooks";
import { stringify } from "yaml";
import { parseScenario } from "../flows/scenarios/load.js";
import type { Scenario, ScenarioInput } from "../flows/scenarios/schema.js";
import { type Chain, type ChainResult, startChain } from "../flows/wiring/chain.js";
import type { JournalEvent } from "../simulator/kernel/journal.js";
import { createRng, type Rng } from "../simulator/kernel/rng.js";
import { findGc, sampleMemory } from "./heap.js";
import { DATASET_SEED } from "./logDataset.js";
import { tempDir } from "./startup.js";
import { fmt, fmtMiB, markdownTable, percentile, rotate, summarize } from "./stats.js";

const MINUTE = 60_000;
const HOUR = 3_600_000;
/** Uncounted samples of each kind at the start of each latency run (cold Lambda, JIT). */
const WARM_UP_SAMPLES = 3;
/** A sample that takes longer than this (real time) fails the run, naming the stages reached. */
const SAMPLE_TIMEOUT_MS = 10_000;
/** How often RSS and heap are sampled during a virtual-time run (real ms). */
/** Faults in a simulated day: about one incident each. */
const FAULTS_PER_DAY = 50;
/** The agent's force_flush_interval of the main runs (the CloudWatch agent's default) and the peer's. */
const MAIN_FLUSH_MS = 5_000;
const PEER_FLUSH_MS = 60_000;

export interface ChainBenchmarkOptions {
  runs: number;
  /** Errors timed per latency run (each kind: chain and direct). */
  latencyErrors: number;
  /** Hours of the main virtual-time scenario (and of its flush-interval peer). */
  dayHours: number;
  /** Further lengths in hours, run at 1x traffic, for the growth with the event count. */
  scaleHours: readonly number[];
  /** Traffic multipliers, run on `trafficHours`, for the same growth at a fixed duration. */
  trafficMultipliers: readonly number[];
  /** Hours of the traffic-multiplier runs (and of their 1x row). */
  trafficHours: number;
  /** Counted runs of the main day and its peer (a 24-hour day is long: the full figures use fewer). */
  dayRuns: number;
  /** Counted runs of each growth row. */
  growthRuns: number;
  /** Days of the long run (0: none). */
  longDays: number;
  /** Counted runs of the long run (it is long: fewer than `runs` by default). */
  longRuns: number;
  log?: (line: string) => void;
}

const ms = (value: number) => fmt(value, value < 10 ? 2 : value < 100 ? 1 : 0);
const pct = (part: number, whole: number) => `${fmt((100 * part) / whole, 0)} %`;

// ---------------------------------------------------------------------------------------------
// Scenarios.

const PEOPLE = [
  { name: "Ada Lovelace", email: "ada@watermelon.example", tier: "gold" },
  { name: "Grace Hopper", email: "grace@watermelon.example", tier: "gold" },
  { name: "Barbara Liskov", email: "barbara@watermelon.example", tier: "silver" },
  { name: "Edsger Dijkstra", email: "edsger@watermelon.example", tier: "silver" },
  { name: "Donald Knuth", email: "donald@watermelon.example", tier: "bronze" },
  { name: "Frances Allen", email: "frances@watermelon.example", tier: "bronze" },
] as const;

/** Five services in three tiers, 70 requests a minute in all at 1x. */
const SERVICES = [
  { name: "checkout", tier: "gold", routes: ["/cart", "/pay"], rpm: 20 },
  { name: "payments", tier: "gold", routes: ["/charge", "/refund"], rpm: 12 },
  { name: "search", tier: "silver", routes: ["/query", "/suggest"], rpm: 16 },
  { name: "accounts", tier: "silver", routes: ["/login", "/profile"], rpm: 10 },
  { name: "newsletter", tier: "bronze", routes: ["/subscribe"], rpm: 12 },
] as const;
const TIERS = ["gold", "silver", "bronze"] as const;
export const REQUESTS_PER_MINUTE = SERVICES.reduce((sum, s) => sum + s.rpm, 0);

export interface DayScenarioOptions {
  hours: number;
  trafficMultiplier: number;
  forceFlushIntervalMs: number;
  seed?: string;
}

/**
 * The busy day: every service's traffic, an alert per service (3 errors in 5 minutes page, gold
 * services also at SEVERE), one schedule and policy per tier, responders for everyone, and a
 * fault every 29 minutes on average, each service in turn, so each fault opens one incident that
 * is resolved before its service fails again.
 */
export function dayScenario(options: DayScenarioOptions): Scenario {
  const seed = options.seed ?? DATASET_SEED;
  const durationMs = Math.round(options.hours * HOUR);
  const faults = Math.max(1, Math.round((FAULTS_PER_DAY * durationMs) / (24 * HOUR)));
  const input: ScenarioInput = {
    name: "bench-day",
    title: `${options.hours} h of five services at ${REQUESTS_PER_MINUTE * options.trafficMultiplier} requests a minute`,
    duration: durationMs,
    seed,
    services: SERVICES.map((s) => ({
      name: s.name,
      tier: s.tier,
      routes: [...s.routes],
      traffic: { requestsPerMinute: s.rpm * options.trafficMultiplier, latencyMs: 40 },
      escalationPolicy: s.tier,
      acknowledgementTimeout: null,
      autoResolveTimeout: null,
    })),
    agent: { forceFlushInterval: options.forceFlushIntervalMs },
    alerts: SERVICES.map((s) => ({
      title: `${s.name} errors`,
      service: s.name,
      query: `service:${s.name} AND level:error`,
      timeFrame: "5m",
      severityThresholds: s.tier === "gold" ? { HIGH: 3, SEVERE: 30 } : { HIGH: 3 },
      suppressNotifications: "15m",
    })),
    oncall: {
      users: PEOPLE.map((p) => ({ name: p.name, email: p.email })),
      schedules: TIERS.map((tier) => ({
        name: `${tier} on-call`,
        rotation: "daily" as const,
        users: PEOPLE.filter((p) => p.tier === tier).map((p) => p.email),
      })),
      escalationPolicies: TIERS.map((tier) => ({
        name: tier,
        rules: [
          {
            escalateAfter: tier === "gold" ? "10m" : "30m",
            targets: [{ schedule: `${tier} on-call` }],
          },
          {
            escalateAfter: "30m",
            targets: PEOPLE.filter((p) => p.tier === tier).map((p) => ({ user: p.email })),
          },
        ],
      })),
    },
    responders: PEOPLE.map((p) => ({
      email: p.email,
      acknowledgeAfter: { lognormal: { median: "3m", p90: "8m" } },
      missProbability: 0.05,
      investigateFor: { uniform: { min: "8m", max: "20m" } },
      statusUpdates:
        p.tier === "bronze"
          ? (false as const)
          : { first: { fixed: "5m" }, every: { fixed: "15m" }, message: "Investigating." },
    })),
    customers: SERVICES.filter((s) => s.tier === "gold").map((s) => ({
      name: `${s.name} customer`,
      service: s.name,
      noticeAfter: { uniform: { min: "3m", max: "10m" } },
    })),
    timeline: faultTimeline(createRng(seed).fork("bench-chain-faults"), durationMs, faults),
    expect: { incidents: faults, allResolved: true, nothingLost: true },
  };
  return parseScenario(stringify(input), `bench day scenario (${options.hours} h)`);
}

/** One fault per equal slot of the run, at a seeded offset in it; services take turns. */
function faultTimeline(rng: Rng, durationMs: number, count: number): ScenarioInput["timeline"] {
  const slot = durationMs / count;
  const order = shuffled(
    rng,
    SERVICES.map((s) => s.name),
  );
  return Array.from({ length: count }, (_, i) => {
    const faultMs = rng.int(3, 8) * MINUTE;
    const room = Math.max(0, Math.floor(slot - faultMs - 4 * MINUTE));
    return {
      at: Math.round(i * slot) + 2 * MINUTE + rng.int(0, room),
      fault: {
        service: order[i % order.length] as string,
        status: rng.pick([500, 502, 503]),
        error: rng.pick(["InternalError", "UpstreamUnavailable", "DatabaseTimeout"]),
        errorRate: rng.pick([1, 0.8, 0.5]),
        duration: faultMs,
      },
    };
  });
}

function shuffled<T>(rng: Rng, items: readonly T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/**
 * One service with no traffic, failing every request, and an alert at threshold 1 grouped by
 * trace_id with the shortest time frame (a minute): each error pages on its own.
 */
function latencyScenario(): Scenario {
  const input: ScenarioInput = {
    name: "bench-latency",
    duration: HOUR,
    seed: DATASET_SEED,
    services: [
      {
        name: "probe",
        tier: "gold",
        routes: ["/fail"],
        acknowledgementTimeout: null,
        autoResolveTimeout: null,
      },
    ],
    agent: { forceFlushInterval: 1 },
    alerts: [
      {
        title: "probe error",
        service: "probe",
        query: "service:probe AND level:error",
        timeFrame: "1m",
        groupBy: ["trace_id"],
        severityThresholds: { HIGH: 1 },
        suppressNotifications: 0,
      },
    ],
    oncall: {
      users: [{ name: PEOPLE[0].name, email: PEOPLE[0].email }],
      escalationPolicies: [
        { name: "probe", rules: [{ escalateAfter: "30m", targets: [{ user: PEOPLE[0].email }] }] },
      ],
    },
  };
  return parseScenario(stringify(input), "bench latency scenario");
}

// ---------------------------------------------------------------------------------------------
// 1. Error to incident in real time.

/** The journal entries a sample passes through, in chain order, with what picks this sample's. */
const STAGES: readonly { type: string; label: string; ours?: (e: JournalEvent) => boolean }[] = [
  { type: "app.error.emitted", label: "app logged the error" },
  { type: "app.logs.flushed", label: "agent's PutLogEvents answered" },
  { type: "logs.subscription.delivered", label: "subscription batch handed to Lambda" },
  { type: "logzio.indexed", label: "shipper's bulk indexed by the listener" },
  { type: "lambda.invoked", label: "Lambda invocation ended" },
  {
    type: "logzio.alert.triggered",
    label: "alert triggered (not suppressed)",
    ours: (e) => e.data.suppressed === false,
  },
  { type: "pagerduty.event.accepted", label: "Events API accepted the trigger" },
  { type: "pagerduty.incident.triggered", label: "incident triggered" },
];

interface Sample {
  totalMs: number;
  /** Real ms from sending to each stage's first entry, by journal type. */
  stages: Map<string, number>;
}

/** Timestamps (performance.now) of the journal entries of one sample, as they are appended. */
class JournalWatch {
  #t0 = 0;
  #stages = new Map<string, number>();
  #want: ((e: JournalEvent) => boolean) | undefined;
  #done: ((at: number) => void) | undefined;
  readonly #unsubscribe: () => void;

  constructor(chain: Chain) {
    this.#unsubscribe = chain.sim.journal.subscribe((e) => this.#on(e));
  }

  #on(e: JournalEvent): void {
    const at = performance.now();
    if (!this.#want) return;
    if (!this.#stages.has(e.type)) {
      const stage = STAGES.find((s) => s.type === e.type);
      if (stage && (stage.ours?.(e) ?? true)) this.#stages.set(e.type, at - this.#t0);
    }
    if (this.#want(e)) {
      this.#want = undefined;
      this.#done?.(at);
    }
  }

  /** Starts the clock, runs `send`, resolves when an entry matching `want(sent)` is appended. */
  async time<T>(send: () => Promise<T>, want: (sent: T, e: JournalEvent) => boolean) {
    this.#stages = new Map();
    let sent: T | undefined;
    const early: JournalEvent[] = [];
    let resolveDone: (at: number) => void = () => {};
    const done = new Promise<number>((resolve) => {
      resolveDone = resolve;
    });
    this.#done = resolveDone;
    // Until `send` answers, entries are kept and checked once the sent value is known.
    this.#want = (e) => {
      if (sent === undefined) {
        early.push(e);
        return false;
      }
      return want(sent, e);
    };
    this.#t0 = performance.now();
    const t0 = this.#t0;
    sent = await send();
    const earlyMatch = early.length > 0 && early.some((e) => want(sent as T, e));
    const at = earlyMatch ? performance.now() : await withTimeout(done, () => this.#reached());
    this.#want = undefined;
    return { totalMs: at - t0, stages: this.#stages } satisfies Sample;
  }

  #reached(): string {
    const seen = STAGES.filter((s) => this.#stages.has(s.type)).map((s) => s.type);
    return `stages reached: ${seen.join(", ") || "none"}`;
  }

  close(): void {
    this.#unsubscribe();
  }
}

function withTimeout(p: Promise<number>, why: () => string): Promise<number> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p,
    new Promise<number>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no incident within ${SAMPLE_TIMEOUT_MS} ms; ${why()}`)),
        SAMPLE_TIMEOUT_MS,
      );
    }),
  ]).finally(() => clearTimeout(timer));
}

interface LatencyRun {
  chain: Sample[];
  direct: Sample[];
  /** Journal size at the end of the run. */
  journalEvents: number;
  /** logzio.alert.triggered entries that were suppressed (earlier errors still in the window). */
  suppressedTriggers: number;
}

async function latencyRun(errors: number, home: string, runIndex: number): Promise<LatencyRun> {
  const chain = await startChain({
    scenario: latencyScenario(),
    clock: "real",
    speed: 1,
    home,
    alertEvaluationIntervalMs: 1,
    drainMs: 0,
  });
  const watch = new JournalWatch(chain);
  try {
    const fault = await fetch(`${chain.appUrl}/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ service: "probe", status: 500, error: "ProbeFailure" }),
    });
    if (fault.status !== 201) throw new Error(`POST /faults answered ${fault.status}`);
    const routingKey = chain.wiring.pagerduty.services.get("probe")?.routingKey;
    if (!routingKey) throw new Error("the probe service has no routing key");
    const eventsUrl = `${chain.sim.endpoints.pagerdutyEvents.url}/v2/enqueue`;

    const viaChain = () =>
      watch.time(
        async () => {
          const res = await fetch(`${chain.appUrl}/probe/fail`);
          const body = (await res.json()) as { trace_id?: string };
          if (res.status !== 500 || !body.trace_id)
            throw new Error(`GET /probe/fail answered ${res.status}, expected 500 with a trace_id`);
          return body.trace_id;
        },
        (traceId, e) =>
          e.type === "pagerduty.incident.triggered" && e.correlation.traceId === traceId,
      );
    let directCount = 0;
    const direct = () =>
      watch.time(
        async () => {
          const dedupKey = `direct-${runIndex}-${directCount++}`;
          const res = await fetch(eventsUrl, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              routing_key: routingKey,
              event_action: "trigger",
              dedup_key: dedupKey,
              payload: {
                summary: "probe error",
                source: "logz.io",
                severity: "error",
                custom_details: { service: "probe", level: "error" },
              },
            }),
          });
          await res.arrayBuffer();
          if (res.status !== 202) throw new Error(`POST /v2/enqueue answered ${res.status}`);
          return dedupKey;
        },
        (dedupKey, e) =>
          e.type === "pagerduty.incident.triggered" && e.correlation.dedupKey === dedupKey,
      );

    for (let i = 0; i < WARM_UP_SAMPLES; i++) {
      await viaChain();
      await direct();
    }
    const out: LatencyRun = { chain: [], direct: [], journalEvents: 0, suppressedTriggers: 0 };
    for (let i = 0; i < errors; i++) {
      // The one going first alternates, so neither always follows the other's leftovers.
      if (i % 2 === 0) {
        out.chain.push(await viaChain());
        out.direct.push(await direct());
      } else {
        out.direct.push(await direct());
        out.chain.push(await viaChain());
      }
    }
    const journal = chain.sim.journal;
    out.journalEvents = journal.all().length;
    out.suppressedTriggers = journal
      .byType("logzio.alert.triggered")
      .filter((e) => e.data.suppressed === true).length;
    return out;
  } finally {
    watch.close();
    await stopAlertTicks(chain);
    await chain.dispose();
  }
}

/**
 * Disables the chain's alerts over the Logz.io API before disposing: on the real clock the
 * engine's 1 ms tick would otherwise still fire while the simulator closes its journal.
 */
async function stopAlertTicks(chain: Chain): Promise<void> {
  for (const id of chain.wiring.logzio.alerts.values()) {
    const res = await fetch(`${chain.sim.endpoints.logzioApi.url}/v2/alerts/${id}/disable`, {
      method: "POST",
      headers: { "x-api-token": chain.sim.env.LOGZIO_API_TOKEN ?? "" },
    });
    await res.arrayBuffer();
    if (res.status !== 204) throw new Error(`POST /v2/alerts/${id}/disable answered ${res.status}`);
  }
}

async function latencySection(o: ChainBenchmarkOptions, home: string): Promise<string> {
  const log = o.log ?? (() => {});
  const runs: LatencyRun[] = [];
  for (let r = 0; r < o.runs; r++) {
    const run = await latencyRun(o.latencyErrors, home, r);
    runs.push(run);
    log(
      `chain latency run ${r + 1}/${o.runs}: chain p50 ${ms(
        percentile(
          run.chain.map((s) => s.totalMs),
          50,
        ),
      )} ms, ` +
        `direct p50 ${ms(
          percentile(
            run.direct.map((s) => s.totalMs),
            50,
          ),
        )} ms`,
    );
  }
  const row = (label: string, pick: (r: LatencyRun) => Sample[]) => {
    const p50s = runs.map((r) =>
      percentile(
        pick(r).map((s) => s.totalMs),
        50,
      ),
    );
    const p99s = runs.map((r) =>
      percentile(
        pick(r).map((s) => s.totalMs),
        99,
      ),
    );
    const all = runs.flatMap((r) => pick(r).map((s) => s.totalMs));
    const p99 = summarize(p99s);
    return {
      cells: [
        label,
        fmt(o.latencyErrors),
        String(runs.length),
        ms(summarize(p50s).median),
        ms(p99.median),
        ms(p99.min),
        ms(p99.max),
        ms(percentile(all, 50)),
        ms(percentile(all, 99)),
        ms(Math.max(...all)),
      ],
      p50: summarize(p50s).median,
      p99: p99.median,
    };
  };
  const chainRow = row(
    "watermelon chain: GET /probe/fail (500) to pagerduty.incident.triggered",
    (r) => r.chain,
  );
  const directRow = row(
    "peer: POST /v2/enqueue straight to the Events API to pagerduty.incident.triggered",
    (r) => r.direct,
  );
  const table = markdownTable(
    [
      "from sending to the incident in the journal",
      "errors/run",
      "runs",
      "p50 ms (median)",
      "p99 ms (median)",
      "min p99",
      "max p99",
      "p50 all",
      "p99 all",
      "max",
    ],
    [chainRow.cells, directRow.cells],
  );

  // Where the chain's time goes: the first entry of each stage, real ms after sending.
  const samples = runs.flatMap((r) => r.chain);
  let previous = 0;
  const stageRows = STAGES.map((stage) => {
    const times = samples.map((s) => s.stages.get(stage.type)).filter((t) => t !== undefined);
    if (times.length === 0) return [stage.label, stage.type, "-", "-", "-", "0"];
    const p50 = percentile(times, 50);
    const stepMs = p50 - previous;
    previous = p50;
    return [
      stage.label,
      `\`${stage.type}\``,
      ms(p50),
      ms(percentile(times, 99)),
      ms(stepMs),
      fmt(times.length),
    ];
  });
  const stagesTable = markdownTable(
    ["stage reached", "journal entry", "p50 ms after sending", "p99 ms", "step p50 ms", "samples"],
    stageRows,
  );
  const hops = chainRow.p50 - directRow.p50;
  const notes = [
    `- The intermediate hops (CloudWatch Logs, the subscription, the Lambda shipper, the Logz.io listener and alert engine) take ${ms(hops)} ms of the chain's p50 of ${ms(chainRow.p50)} ms (${pct(hops, chainRow.p50)}); at p99, ${ms(chainRow.p99 - directRow.p99)} ms of ${ms(chainRow.p99)} ms. Target p99 under 100 ms: ${chainRow.p99 < 100 ? "met" : "not met"}.`,
    `- Each run is a new chain (real clock, agent force_flush_interval 1 ms, alert evaluation every 1 ms, threshold 1, grouped by trace_id, a 1-minute time frame); ${WARM_UP_SAMPLES} uncounted samples of each kind first (the Lambda's cold start among them). Chain and direct samples alternate, the one going first alternating.`,
    `- Earlier errors stay in the alert's 1-minute window: every 1 ms tick re-fires their groups as suppressed triggers (median ${fmt(summarize(runs.map((r) => r.suppressedTriggers)).median)} suppressed logzio.alert.triggered per run; journal of ${fmt(summarize(runs.map((r) => r.journalEvents)).median)} events per run).`,
    "- Stage times: the first journal entry of that type after sending (for the alert, the first not suppressed); the listener's indexing is journaled inside the Lambda's invocation, which ends after it.",
  ];
  return [
    "### Error to incident in real time, every delay at its minimum",
    "",
    table,
    "",
    stagesTable,
    "",
    ...notes,
    "",
  ].join("\n");
}

// ---------------------------------------------------------------------------------------------
// 2. Days on the virtual clock.

interface DayRun {
  wallMs: number;
  peakRssBytes: number;
  peakHeapBytes: number;
  logEvents: number;
  errorEvents: number;
  incidents: number;
  putLogEvents: number;
  journalEvents: number;
  accountingOk: boolean;
  verdictOk: boolean;
  failedChecks: string[];
}

async function dayRun(scenario: Scenario, home: string, gc: (() => void) | undefined) {
  gc?.();
  const memory = sampleMemory();
  const started = performance.now();
  const chain = await startChain({ scenario, home });
  let result: ChainResult;
  try {
    result = await chain.run();
  } catch (error) {
    memory.stop();
    await chain.dispose();
    throw error;
  }
  const wallMs = performance.now() - started;
  const peak = memory.stop();
  const journal = chain.sim.journal;
  const counts = Object.values(chain.app.counts());
  const run: DayRun = {
    wallMs,
    peakRssBytes: peak.rss,
    peakHeapBytes: peak.heap,
    logEvents: counts.reduce((sum, c) => sum + c.good + c.bad, 0),
    errorEvents: counts.reduce((sum, c) => sum + c.bad, 0),
    incidents: journal.byType("pagerduty.incident.triggered").length,
    putLogEvents: journal.byType("app.logs.flushed").length,
    journalEvents: journal.all().length,
    accountingOk: result.accounting.ok,
    verdictOk: result.verdict.ok,
    failedChecks: result.verdict.checks
      .filter((c) => !c.ok)
      .map((c) => `${c.name}: expected ${c.expected}, got ${c.actual}`),
  };
  await chain.dispose();
  return run;
}

interface Contender {
  label: string;
  hours: number;
  traffic: number;
  flushMs: number;
  scenario: Scenario;
  runs: DayRun[];
}

function contender(hours: number, traffic: number, flushMs: number): Contender {
  const label =
    hours % 24 === 0 && hours >= 48 ? `${hours / 24} days` : `${fmt(hours, hours % 1 ? 1 : 0)} h`;
  return {
    label,
    hours,
    traffic,
    flushMs,
    scenario: dayScenario({ hours, trafficMultiplier: traffic, forceFlushIntervalMs: flushMs }),
    runs: [],
  };
}

async function runRounds(
  contenders: Contender[],
  runs: number,
  home: string,
  log: (line: string) => void,
) {
  const gc = findGc();
  for (let round = 0; round < runs; round++) {
    for (const c of rotate(contenders, round)) {
      const run = await dayRun(c.scenario, home, gc);
      c.runs.push(run);
      log(
        `chain ${c.label} x${c.traffic} flush ${c.flushMs / 1000} s, run ${round + 1}/${runs}: ` +
          `${fmt(run.wallMs / 1000, 1)} s, ${fmt(run.logEvents)} events, ${run.incidents} incidents, ` +
          `accounting ${run.accountingOk ? "ok" : "NOT ok"}, verdict ${run.verdictOk ? "ok" : `NOT ok (${run.failedChecks.join("; ")})`}`,
      );
    }
  }
}

function dayRows(contenders: readonly Contender[]): string[][] {
  return contenders.map((c) => {
    const wall = summarize(c.runs.map((r) => r.wallMs / 1000));
    const first = c.runs[0] as DayRun;
    const per100k = summarize(c.runs.map((r) => (r.wallMs / 1000) * (100_000 / r.logEvents)));
    const same = (pick: (r: DayRun) => number) => {
      const values = new Set(c.runs.map(pick));
      return values.size === 1
        ? fmt(pick(first))
        : `${fmt(Math.min(...values))}-${fmt(Math.max(...values))}`;
    };
    const lost = c.runs.every((r) => r.accountingOk) ? "ok" : "NOT ok";
    const verdict = c.runs.every((r) => r.verdictOk) ? "ok" : "NOT ok";
    return [
      c.label,
      `${fmt(REQUESTS_PER_MINUTE * c.traffic)}/min`,
      `${fmt(c.flushMs / 1000)} s`,
      same((r) => r.logEvents),
      same((r) => r.incidents),
      same((r) => r.putLogEvents),
      same((r) => r.journalEvents),
      String(c.runs.length),
      fmt(wall.median, 1),
      fmt(wall.min, 1),
      fmt(wall.max, 1),
      fmt(per100k.median, 2),
      fmt((c.hours * 3600) / wall.median, 0),
      fmtMiB(summarize(c.runs.map((r) => r.peakRssBytes)).median),
      fmtMiB(summarize(c.runs.map((r) => r.peakHeapBytes)).median),
      `${lost} / ${verdict}`,
    ];
  });
}

const DAY_HEADER = [
  "virtual run",
  "traffic",
  "agent flush",
  "log events",
  "incidents",
  "PutLogEvents",
  "journal events",
  "runs",
  "wall s (median)",
  "min",
  "max",
  "wall s per 100k events",
  "virtual s per wall s",
  "peak RSS MiB",
  "peak heap MiB",
  "nothing lost / verdict",
];

async function daySection(o: ChainBenchmarkOptions, home: string): Promise<string> {
  const log = o.log ?? (() => {});
  const main = contender(o.dayHours, 1, MAIN_FLUSH_MS);
  const peer = contender(o.dayHours, 1, PEER_FLUSH_MS);
  // Warm-up: one short run of each, uncounted (module loading, JIT, the shipper's bundle).
  for (const flush of [MAIN_FLUSH_MS, PEER_FLUSH_MS]) {
    await dayRun(
      dayScenario({ hours: 1, trafficMultiplier: 1, forceFlushIntervalMs: flush }),
      home,
      undefined,
    );
  }
  await runRounds([main, peer], o.dayRuns, home, log);

  const scale = o.scaleHours.filter((h) => h !== o.dayHours);
  const traffic = o.trafficMultipliers.filter((k) => k !== 1);
  const growth = [
    ...scale.map((h) => contender(h, 1, MAIN_FLUSH_MS)),
    ...(traffic.length > 0 && !scale.includes(o.trafficHours) && o.trafficHours !== o.dayHours
      ? [contender(o.trafficHours, 1, MAIN_FLUSH_MS)]
      : []),
    ...traffic.map((k) => contender(o.trafficHours, k, MAIN_FLUSH_MS)),
  ];
  if (growth.length > 0) await runRounds(growth, o.growthRuns, home, log);
  const long = o.longDays > 0 ? [contender(o.longDays * 24, 1, MAIN_FLUSH_MS)] : [];
  if (long.length > 0) await runRounds(long, o.longRuns, home, log);

  const growthRows = [main, ...growth, ...long].sort(
    (a, b) => a.traffic - b.traffic || a.hours - b.hours,
  );
  const mainWall = summarize(main.runs.map((r) => r.wallMs)).median;
  const peerWall = summarize(peer.runs.map((r) => r.wallMs)).median;
  const paired = summarize(main.runs.map((r, i) => r.wallMs / (peer.runs[i] as DayRun).wallMs));
  const notes = [
    `- ${main.label} with the agent flushing every 5 s takes ${fmt(mainWall / 1000, 1)} s; the peer, the same scenario and seed flushing every 60 s, ${fmt(peerWall / 1000, 1)} s: the 5 s cadence costs ${fmt((mainWall - peerWall) / 1000, 1)} s (paired round by round: ${fmt(paired.median, 2)}x, min ${fmt(paired.min, 2)}, max ${fmt(paired.max, 2)}). Target for 24 h: under 10 s.`,
    `- Every run ends with the scenario's accounting ("nothing lost": every error event followed from the app to the page, every difference explained) and its expectations (one incident per fault, all resolved); the last column says whether both held in every run.`,
    "- Wall time is `startChain` (services, wiring) plus `chain.run()` (the scenario, 15 virtual minutes of drain, the accounting). RSS and heap are the highest of samples every 50 ms, garbage included.",
  ];
  return [
    "### A day on the virtual clock: agent flushing every 5 s, against every 60 s",
    "",
    markdownTable(DAY_HEADER, dayRows([main, peer])),
    "",
    ...(growthRows.length > 1
      ? [
          "### Growth with the event count (agent flushing every 5 s)",
          "",
          markdownTable(DAY_HEADER, dayRows(growthRows)),
          "",
        ]
      : []),
    ...notes,
    "",
  ].join("\n");
}

export async function runChainBenchmark(options: ChainBenchmarkOptions): Promise<string> {
  const home = tempDir("watermelon-bench-chain-");
  try {
    const latency = await latencySection(options, home.dir);
    const days = await daySection(options, home.dir);
    return ["## The whole chain", "", latency, days].join("\n");
  } finally {
    home.dispose();
  }
}
