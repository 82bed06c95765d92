// PagerDuty benchmark: the simulator's Events API, REST API and incident lifecycle, driven over
// loopback HTTP the way PagerDuty's clients drive them, on one seeded set of alerts.
//
// 1. Events API throughput: trigger events POSTed to /v2/enqueue at a fixed concurrency over
//    keep-alive connections (rate limit off), events per second: distinct dedup keys (an
//    incident each) on the default account and on a policy paging users directly, and repeated
//    keys (deduplicated into open alerts), against a null server that parses each body and
//    answers PagerDuty's 202. Every run counts what it made.
// 2. Event to incident latency, p50 and p95: from sending a trigger to the journal's
//    pagerduty.incident.triggered, to the 202, and to the incident answered by GET
//    /incidents/{id}; the null server's one and two round trips as the floor.
// 3. GET /incidents latency with many incidents stored (100,000 with the knob; a page of 100,
//    and statuses[]), p50 and p95; peers: the same request to the REST handler in-process, and
//    plain JS filter and slice over the same records (created_at compared as ISO strings, and
//    through Date.parse as the API reads it).
// 4. A simulated 30 days: incidents spread over the month (10,000 with the knob), a two-level
//    escalation policy, some acknowledged at the first level, some after escalating, some never
//    (auto-resolved): wall time of the month on the virtual clock, heap after a full collection.
// Peers are interleaved round by round, the one going first rotating.

import http from "node:http";
import type net from "node:net";
import { performance } from "node:perf_hooks";
import { DateTime } from "luxon";
import { createPagerDuty, type Incident, type PagerDuty } from "../mocks/pagerduty/index.js";
import { createSimulator, type Simulator, type SimulatorOptions } from "../simulator/cli/api.js";
import { type Clock, DEFAULT_START } from "../simulator/kernel/clock.js";
import { Journal } from "../simulator/kernel/journal.js";
import { createRng, type Rng } from "../simulator/kernel/rng.js";
import { createVirtualClock } from "../simulator/kernel/virtualClock.js";
import { findGc, type Gc, settle } from "./heap.js";
import { DATASET_SEED } from "./logDataset.js";
import { tempDir } from "./startup.js";
import {
  fmt,
  fmtMiB,
  markdownTable,
  percentile,
  rotate,
  type Summary,
  summarize,
} from "./stats.js";

const HOST = "127.0.0.1";
const MINUTE = 60_000;
const DAY = 86_400_000;
const ENQUEUE = "/v2/enqueue";
const ACCEPT = "application/vnd.pagerduty+json;version=2";
/** Uncounted runs of each peer before the first counted one (JIT warm-up). */
const WARM_UP_ROUNDS = 1;
/** GET /incidents page size (PagerDuty's maximum). */
const PAGE = 100;
/** In part 3, every this-many-th incident is acknowledged: the statuses[] filter's matches. */
const ACK_EVERY = 10;
/** The one routing key of the account that parts 3 and 4 configure. */
const ROUTING_KEY = "be7c4b00be7c4b00be7c4b00be7c4b00";

export interface PagerDutyBenchmarkOptions {
  runs: number;
  /** Trigger events per throughput run. */
  events: number;
  /** Requests in flight at once in the throughput runs (keep-alive sockets). */
  concurrency: number;
  /** Open alerts the repeated-key runs deduplicate into. */
  dedupKeys: number;
  /** Sequential triggers per latency run. */
  latencyEvents: number;
  /** Incidents stored for the GET /incidents figures. */
  listIncidents: number;
  /** Requests of each kind per run and contender. */
  listRequests: number;
  /** Incidents of the simulated month. */
  monthIncidents: number;
  /** Days of the simulated month. */
  monthDays: number;
  log?: (line: string) => void;
}

const ms = (value: number) => fmt(value, value < 10 ? 2 : value < 100 ? 1 : 0);

// ---------------------------------------------------------------------------------------------
// The alerts: what a monitoring tool (Logz.io's PagerDuty endpoint) sends, seeded.

const SOURCES = [
  { service: "checkout", tier: "gold" },
  { service: "cart", tier: "gold" },
  { service: "catalog", tier: "silver" },
  { service: "search", tier: "silver" },
  { service: "accounts", tier: "silver" },
  { service: "recommendations", tier: "bronze" },
  { service: "newsletter", tier: "bronze" },
] as const;
const CONDITIONS = [
  "5xx over 2% for 5 minutes",
  "p95 latency over 1 s",
  "more than 50 error logs in 5 minutes",
  "no logs for 10 minutes",
] as const;
type Severity = "critical" | "error" | "warning" | "info";
/** Logz.io's severities as the chain maps them (DESIGN §6): mostly high urgency. */
const ALL_SEVERITIES: readonly Severity[] = ["critical", "critical", "error", "error", "warning"];
/** High urgency only (critical and error), for the month: low urgency never escalates. */
const HIGH_SEVERITIES: readonly Severity[] = ["critical", "error"];

function hex(rng: Rng, digits: number): string {
  let out = "";
  while (out.length < digits) out += rng.nextUint32().toString(16).padStart(8, "0");
  return out.slice(0, digits);
}

interface Trigger {
  dedupKey: string;
  body: string;
}

/** A v2 trigger with a seeded payload; the trace id rides in custom_details, as the chain sends it. */
function triggerBody(
  rng: Rng,
  routingKey: string,
  dedupKey: string,
  severities: readonly Severity[],
): string {
  const source = rng.pick(SOURCES);
  const condition = rng.pick(CONDITIONS);
  return JSON.stringify({
    routing_key: routingKey,
    event_action: "trigger",
    dedup_key: dedupKey,
    payload: {
      summary: `${source.service}: ${condition}`,
      source: `${source.service}-api`,
      severity: rng.pick(severities),
      component: source.service,
      group: source.tier,
      class: "logzio-alert",
      custom_details: {
        service: source.service,
        tier: source.tier,
        value: rng.int(1, 500),
        traceId: hex(rng, 32),
      },
    },
  });
}

function triggers(
  fork: string,
  routingKey: string,
  count: number,
  key: (i: number) => string,
): Trigger[] {
  const rng = createRng(DATASET_SEED).fork("pagerduty").fork(fork);
  return Array.from({ length: count }, (_, i) => {
    const dedupKey = key(i);
    return { dedupKey, body: triggerBody(rng, routingKey, dedupKey, ALL_SEVERITIES) };
  });
}

const followUp = (routingKey: string, action: "acknowledge" | "resolve", dedupKey: string) =>
  JSON.stringify({ routing_key: routingKey, event_action: action, dedup_key: dedupKey });

/**
 * The account of parts 3 and 4 (and one row of part 1), in the `pagerduty` option's shape: two
 * users, a two-level policy paging them directly (15 and 30 minutes, not repeated), one service
 * on it with a 4-hour auto-resolve and no acknowledgement timeout.
 */
const USERS = [
  { id: "PFIRST1", name: "First Line", email: "first@watermelon.example" },
  { id: "PSECOND", name: "Second Line", email: "second@watermelon.example" },
] as const;
const LEVEL_1_MINUTES = 15;
const LEVEL_2_MINUTES = 30;
const AUTO_RESOLVE_MINUTES = 240;
const ACCOUNT = {
  rateLimit: false as const,
  apiRateLimit: false as const,
  users: USERS.map((u) => ({ ...u })),
  escalationPolicies: [
    {
      id: "PBENCH1",
      name: "Checkout on-call",
      num_loops: 0,
      escalation_rules: [
        {
          escalation_delay_in_minutes: LEVEL_1_MINUTES,
          targets: [{ id: USERS[0].id, type: "user_reference" }],
        },
        {
          escalation_delay_in_minutes: LEVEL_2_MINUTES,
          targets: [{ id: USERS[1].id, type: "user_reference" }],
        },
      ],
    },
  ],
  services: [
    {
      name: "checkout",
      tier: "gold" as const,
      escalation_policy: { id: "PBENCH1", type: "escalation_policy_reference" },
      acknowledgement_timeout: null,
      auto_resolve_timeout: AUTO_RESOLVE_MINUTES * 60,
      integrations: [{ key: ROUTING_KEY }],
    },
  ],
};

// ---------------------------------------------------------------------------------------------
// HTTP: keep-alive connections, as an API client or an alert forwarder holds them.

interface Reply {
  status: number;
  body: string;
}

function client(baseUrl: string, sockets: number) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: sockets });
  return {
    request(method: string, path: string, body?: string, headers: Record<string, string> = {}) {
      return new Promise<Reply>((resolve, reject) => {
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            path,
            method,
            agent,
            headers:
              body === undefined
                ? headers
                : {
                    "content-type": "application/json",
                    "content-length": String(Buffer.byteLength(body)),
                    ...headers,
                  },
          },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("end", () =>
              resolve({
                status: res.statusCode ?? 0,
                body: Buffer.concat(chunks).toString("utf8"),
              }),
            );
            res.on("error", reject);
          },
        );
        req.on("error", reject);
        req.end(body);
      });
    },
    destroy: () => agent.destroy(),
  };
}
type Client = ReturnType<typeof client>;

/**
 * A client for one stretch of calls. The servers close a keep-alive connection after 5 s idle,
 * and a close left unread while a synchronous peer runs would fail the next request: so no
 * connection outlives its stretch.
 */
async function withClient<T>(url: string, sockets: number, fn: (c: Client) => Promise<T>) {
  const c = client(url, sockets);
  try {
    return await fn(c);
  } finally {
    c.destroy();
  }
}

// biome-ignore lint/suspicious/noExplicitAny: answers are read field by field.
type Json = any;

async function post(events: Client, body: string, dedupKey: string): Promise<void> {
  const reply = await events.request("POST", ENQUEUE, body);
  if (reply.status !== 202) {
    throw new Error(`POST ${ENQUEUE} answered ${reply.status}: ${reply.body.slice(0, 300)}`);
  }
  const out = JSON.parse(reply.body) as Json;
  if (out.status !== "success" || out.dedup_key !== dedupKey) {
    throw new Error(`POST ${ENQUEUE} answered ${reply.body.slice(0, 300)} for ${dedupKey}`);
  }
}

async function rest(
  api: Client,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  from?: string,
): Promise<Json> {
  const reply = await api.request(
    method,
    path,
    body === undefined ? undefined : JSON.stringify(body),
    {
      accept: ACCEPT,
      authorization: `Token token=${token}`,
      ...(from ? { from } : {}),
    },
  );
  if (reply.status !== 200) {
    throw new Error(`${method} ${path} answered ${reply.status}: ${reply.body.slice(0, 300)}`);
  }
  return JSON.parse(reply.body);
}

/** Sends every body at `concurrency` requests in flight; resolves with the real ms it took. */
async function sendAll(
  events: Client,
  items: readonly Trigger[],
  concurrency: number,
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as Trigger;
      await post(events, item.body, item.dedupKey);
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  return performance.now() - started;
}

// ---------------------------------------------------------------------------------------------
// Simulators and the null server.

async function startSimulator(options: SimulatorOptions): Promise<Simulator> {
  const sim = createSimulator(options);
  try {
    await sim.ready;
  } catch (error) {
    await sim.dispose();
    throw error;
  }
  return sim;
}

/** The default account (one service, one user, the "Default" policy), rate limits off. */
function defaultAccount(home: string): Promise<Simulator> {
  return startSimulator({
    home,
    start: DEFAULT_START,
    pagerduty: { rateLimit: false, apiRateLimit: false },
  });
}

const env = (sim: Simulator, name: string) => {
  const value = sim.env[name];
  if (!value) throw new Error(`the ready line's env has no ${name}`);
  return value;
};

/** Incidents in the account, counted by the REST API. */
function countIncidents(sim: Simulator, query = ""): Promise<number> {
  return withClient(sim.endpoints.pagerdutyApi.url, 1, async (api) => {
    const out = await rest(
      api,
      env(sim, "PAGERDUTY_TOKEN"),
      "GET",
      `/incidents?date_range=all&total=true&limit=1${query}`,
    );
    return out.total as number;
  });
}

const journalCount = (sim: Simulator, type: string) => sim.journal.byType(type).length;

interface NullServer {
  url: string;
  /** Bodies parsed so far. */
  parsed(): number;
  close(): Promise<void>;
}

const NULL_INCIDENT = JSON.stringify({
  incident: { id: "PNULL01", type: "incident", status: "triggered" },
});

/**
 * Reads and parses each Events API body and answers PagerDuty's 202 with the event's dedup key;
 * answers GET /incidents/{id} with a fixed small incident: the floor for any server here.
 */
async function startNullServer(): Promise<NullServer> {
  let parsed = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      if (req.method === "GET") {
        res.writeHead(200, {
          "content-type": "application/json",
          "content-length": Buffer.byteLength(NULL_INCIDENT),
        });
        res.end(NULL_INCIDENT);
        return;
      }
      const event = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { dedup_key?: string };
      parsed++;
      const body = JSON.stringify({
        status: "success",
        message: "Event processed",
        dedup_key: event.dedup_key,
      });
      res.writeHead(202, {
        "content-type": "application/json",
        "content-length": Buffer.byteLength(body),
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, HOST, () => resolve());
  });
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://${HOST}:${port}`,
    parsed: () => parsed,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// 1. Events API throughput.

interface ThroughputPeer {
  name: string;
  /** Starts a target, sends the run's events, checks what they made; resolves with events/s. */
  run(round: number): Promise<number>;
}

function distinctKeysPeer(
  c: Context,
  name: string,
  start: () => Promise<Simulator>,
  routingKey: (sim: Simulator) => string,
): ThroughputPeer {
  return {
    name,
    async run(round) {
      const sim = await start();
      try {
        const key = routingKey(sim);
        const items = triggers("throughput", key, c.events, (i) => `bench-${round}-${i}`);
        const took = await withClient(sim.endpoints.pagerdutyEvents.url, c.concurrency, (events) =>
          sendAll(events, items, c.concurrency),
        );
        const opened = journalCount(sim, "pagerduty.incident.triggered");
        const listed = await countIncidents(sim);
        if (opened !== c.events || listed !== c.events) {
          throw new Error(
            `${name}: sent ${c.events} triggers with distinct keys, ${opened} incidents journaled, ${listed} listed`,
          );
        }
        return c.events / (took / 1000);
      } finally {
        await sim.dispose();
      }
    },
  };
}

function repeatedKeysPeer(c: Context): ThroughputPeer {
  return {
    name: `watermelon Events API, repeated dedup keys (${fmt(c.dedupKeys)} open alerts)`,
    async run(round) {
      const sim = await defaultAccount(c.home);
      try {
        const key = env(sim, "PAGERDUTY_ROUTING_KEY");
        const opening = triggers("dedup-open", key, c.dedupKeys, (i) => `dup-${round}-${i}`);
        const items = triggers(
          "throughput",
          key,
          c.events,
          (i) => `dup-${round}-${i % c.dedupKeys}`,
        );
        const took = await withClient(
          sim.endpoints.pagerdutyEvents.url,
          c.concurrency,
          async (events) => {
            // The alerts the run deduplicates into: opened first, not timed.
            await sendAll(events, opening, c.concurrency);
            return sendAll(events, items, c.concurrency);
          },
        );
        const deduplicated = journalCount(sim, "pagerduty.event.deduplicated");
        const listed = await countIncidents(sim);
        if (deduplicated !== c.events || listed !== c.dedupKeys) {
          throw new Error(
            `sent ${c.events} triggers over ${c.dedupKeys} keys: ${deduplicated} deduplicated, ${listed} incidents listed`,
          );
        }
        return c.events / (took / 1000);
      } finally {
        await sim.dispose();
      }
    },
  };
}

function nullThroughputPeer(c: Context): ThroughputPeer {
  return {
    name: "null server (node:http, JSON.parse, PagerDuty's 202 body)",
    async run(round) {
      const server = await startNullServer();
      try {
        const items = triggers("throughput", "null", c.events, (i) => `bench-${round}-${i}`);
        const took = await withClient(server.url, c.concurrency, (events) =>
          sendAll(events, items, c.concurrency),
        );
        if (server.parsed() !== c.events) {
          throw new Error(`null server: sent ${c.events} events, parsed ${server.parsed()}`);
        }
        return c.events / (took / 1000);
      } finally {
        await server.close();
      }
    },
  };
}

interface ThroughputFigures {
  names: string[];
  rates: Map<string, number[]>;
  nullName: string;
  /** Per peer, its rate over the null server's in the same round. */
  paired: Map<string, number[]>;
}

async function runThroughput(c: Context): Promise<ThroughputFigures> {
  const nothing = nullThroughputPeer(c);
  const peers = [
    distinctKeysPeer(
      c,
      "watermelon Events API, distinct dedup keys (an incident each), default account",
      () => defaultAccount(c.home),
      (sim) => env(sim, "PAGERDUTY_ROUTING_KEY"),
    ),
    distinctKeysPeer(
      c,
      "watermelon Events API, distinct dedup keys, policy paging a user (no schedule)",
      () => startSimulator({ home: c.home, start: DEFAULT_START, pagerduty: ACCOUNT }),
      () => ROUTING_KEY,
    ),
    repeatedKeysPeer(c),
    nothing,
  ];
  c.log(`pagerduty: throughput warm-up (${WARM_UP_ROUNDS} run per peer, not counted)`);
  for (let i = 0; i < WARM_UP_ROUNDS; i++) {
    for (const peer of peers) await peer.run(-1 - i);
  }
  const rates = new Map<string, number[]>(peers.map((p) => [p.name, []]));
  const paired = new Map<string, number[]>(peers.map((p) => [p.name, []]));
  for (let round = 0; round < c.runs; round++) {
    const thisRound = new Map<string, number>();
    for (const peer of rotate(peers, round)) {
      await settle();
      c.gc?.();
      const rate = await peer.run(round);
      rates.get(peer.name)?.push(rate);
      thisRound.set(peer.name, rate);
      c.log(
        `pagerduty: throughput round ${round + 1}/${c.runs} ${peer.name}: ${fmt(rate)} events/s`,
      );
    }
    const floor = thisRound.get(nothing.name) as number;
    for (const peer of peers)
      paired.get(peer.name)?.push((thisRound.get(peer.name) as number) / floor);
  }
  return { names: peers.map((p) => p.name), rates, nullName: nothing.name, paired };
}

// ---------------------------------------------------------------------------------------------
// 2. Event to incident latency.

const LATENCY_ROWS = {
  journal: "watermelon: trigger sent to pagerduty.incident.triggered in the journal",
  accepted: "watermelon: trigger sent to its 202",
  rest: "watermelon: trigger sent to the incident answered by GET /incidents/{id}",
  nullPost: "null server: POST round trip (202)",
  nullBoth: "null server: POST then GET round trips",
} as const;
type LatencyRow = keyof typeof LATENCY_ROWS;

interface LatencyFigures {
  /** Per row: each run's p50, and every sample. */
  p50: Map<LatencyRow, number[]>;
  all: Map<LatencyRow, number[]>;
}

async function runLatency(c: Context): Promise<LatencyFigures> {
  const p50 = new Map<LatencyRow, number[]>();
  const all = new Map<LatencyRow, number[]>();
  const record = (row: LatencyRow, samples: number[], counted: boolean) => {
    if (!counted) return;
    if (samples.length !== c.latencyEvents)
      throw new Error(`latency ${row}: ${samples.length} samples`);
    p50.set(row, [...(p50.get(row) ?? []), percentile(samples, 50)]);
    all.set(row, [...(all.get(row) ?? []), ...samples]);
  };

  const sim = await defaultAccount(c.home);
  const server = await startNullServer();
  try {
    const key = env(sim, "PAGERDUTY_ROUTING_KEY");
    const token = env(sim, "PAGERDUTY_TOKEN");
    // Set by the journal listener while a trigger is being served.
    let waitingFor: string | undefined;
    let seen: { at: number; incidentId: string } | undefined;
    const unsubscribe = sim.journal.subscribe((e) => {
      if (e.type === "pagerduty.incident.triggered" && e.correlation.dedupKey === waitingFor) {
        seen = { at: performance.now(), incidentId: e.correlation.incidentId as string };
      }
    });
    const simulatorRun = async (round: number, counted: boolean) => {
      const items = triggers("latency", key, c.latencyEvents, (i) => `lat-${round}-${i}`);
      const journal: number[] = [];
      const accepted: number[] = [];
      const visible: number[] = [];
      await withClient(sim.endpoints.pagerdutyEvents.url, 1, (events) =>
        withClient(sim.endpoints.pagerdutyApi.url, 1, async (api) => {
          for (const item of items) {
            waitingFor = item.dedupKey;
            seen = undefined;
            const started = performance.now();
            await post(events, item.body, item.dedupKey);
            const at202 = performance.now();
            const opened = seen as { at: number; incidentId: string } | undefined;
            if (!opened) throw new Error(`no pagerduty.incident.triggered for ${item.dedupKey}`);
            const out = await rest(api, token, "GET", `/incidents/${opened.incidentId}`);
            const atRest = performance.now();
            if (
              out.incident.incident_key !== item.dedupKey ||
              out.incident.status !== "triggered"
            ) {
              throw new Error(
                `GET /incidents/${opened.incidentId}: ${JSON.stringify(out).slice(0, 300)}`,
              );
            }
            journal.push(opened.at - started);
            accepted.push(at202 - started);
            visible.push(atRest - started);
          }
        }),
      );
      waitingFor = undefined;
      record("journal", journal, counted);
      record("accepted", accepted, counted);
      record("rest", visible, counted);
      return percentile(visible, 50);
    };
    const nullRun = async (round: number, counted: boolean) => {
      const items = triggers("latency", "null", c.latencyEvents, (i) => `lat-${round}-${i}`);
      const once: number[] = [];
      const both: number[] = [];
      await withClient(server.url, 1, (events) =>
        withClient(server.url, 1, async (api) => {
          for (const item of items) {
            const started = performance.now();
            await post(events, item.body, item.dedupKey);
            const at202 = performance.now();
            const reply = await api.request("GET", "/incidents/PNULL01", undefined, {
              accept: ACCEPT,
            });
            if (reply.status !== 200) throw new Error(`null server GET answered ${reply.status}`);
            JSON.parse(reply.body);
            once.push(at202 - started);
            both.push(performance.now() - started);
          }
        }),
      );
      record("nullPost", once, counted);
      record("nullBoth", both, counted);
      return percentile(both, 50);
    };
    const contenders = [
      { name: "watermelon", run: simulatorRun },
      { name: "null server", run: nullRun },
    ];
    for (let i = 0; i < WARM_UP_ROUNDS; i++) {
      for (const contender of contenders) await contender.run(-1 - i, false);
    }
    for (let round = 0; round < c.runs; round++) {
      for (const contender of rotate(contenders, round)) {
        await settle();
        c.gc?.();
        const p = await contender.run(round, true);
        c.log(
          `pagerduty: latency round ${round + 1}/${c.runs} ${contender.name}: p50 ${ms(p)} ms to the last answer`,
        );
      }
    }
    unsubscribe();
    const made = await countIncidents(sim);
    const expected = (WARM_UP_ROUNDS + c.runs) * c.latencyEvents;
    if (made !== expected)
      throw new Error(`latency: ${expected} triggers sent, ${made} incidents listed`);
  } finally {
    await server.close();
    await sim.dispose();
  }
  return { p50, all };
}

// ---------------------------------------------------------------------------------------------
// 3. GET /incidents over many stored incidents.

interface ListQuery {
  label: string;
  path: string;
  /** Only incidents of this status (else any). */
  status?: Incident["status"];
}

/**
 * The question a list request asks, as plain JS over the records, in the API's order: the
 * status, and created_at within the default range. `parse`: created_at through Date.parse, as
 * the API reads it; otherwise compared as the ISO strings the store keeps (all UTC, one format).
 */
function plainPage(
  records: readonly Incident[],
  q: ListQuery,
  range: { since: number; until: number; sinceIso: string; untilIso: string },
  parse: boolean,
): Incident[] {
  const { status } = q;
  const found = parse
    ? records.filter((i) => {
        if (status !== undefined && i.status !== status) return false;
        const at = Date.parse(i.created_at);
        return at >= range.since && at < range.until;
      })
    : records.filter(
        (i) =>
          (status === undefined || i.status === status) &&
          i.created_at >= range.sinceIso &&
          i.created_at < range.untilIso,
      );
  return found.slice(0, PAGE);
}

const LIST_QUERIES: readonly ListQuery[] = [
  { label: `a page of ${PAGE}`, path: `/incidents?limit=${PAGE}` },
  {
    label: `statuses[]=acknowledged, a page of ${PAGE}`,
    path: `/incidents?limit=${PAGE}&statuses%5B%5D=acknowledged`,
    status: "acknowledged",
  },
];

interface ListContender {
  name: string;
  /** The ids of the page the query answers. */
  query(q: ListQuery): Promise<string[]> | string[];
  begin?(): void;
  end?(): void;
}

interface ListFigures {
  names: string[];
  p50: Map<string, number[]>;
  all: Map<string, number[]>;
  firstMs: Map<string, number>;
  returned: Map<string, number>;
  stored: number;
  acknowledged: number;
  seedRate: number;
  heldBytes: number | undefined;
  journalEvents: number;
}

/**
 * The simulator serves a PagerDuty account made here with createPagerDuty, the same factory
 * and options createSimulator uses, passed in through its `services` and `clock` options: the
 * host, the HTTP stack and the routes are the usual ones, and the plain peer reads the very
 * records the REST API filters.
 */
async function openListSimulator(home: string): Promise<{
  sim: Simulator;
  pd: PagerDuty;
  clock: Clock;
  journal: Journal;
}> {
  const clock = createVirtualClock({ start: DEFAULT_START });
  const journal = new Journal({ clock });
  const pd = createPagerDuty({ clock, journal, rng: createRng("watermelon"), ...ACCOUNT });
  const sim = await startSimulator({
    home,
    clock,
    services: { pagerdutyEvents: pd.events, pagerdutyApi: pd.api },
  });
  return { sim, pd, clock, journal };
}

async function runList(c: Context): Promise<ListFigures> {
  const { sim, pd, clock, journal } = await openListSimulator(c.home);
  try {
    const token = pd.apiTokens[0]?.token as string;
    const headers = { accept: ACCEPT, authorization: `Token token=${token}` };
    await settle();
    c.gc?.();
    const before = process.memoryUsage().heapUsed;

    // Seeding: every incident through the Events API over HTTP, every tenth acknowledged by an
    // acknowledge event. The clock stands still, so every incident is in the default range.
    c.log(`pagerduty: storing ${fmt(c.listIncidents)} incidents through the Events API`);
    const items = triggers("list", ROUTING_KEY, c.listIncidents, (i) => `list-${i}`);
    const acks = items
      .filter((_, i) => i % ACK_EVERY === ACK_EVERY - 1)
      .map((t) => ({
        dedupKey: t.dedupKey,
        body: followUp(ROUTING_KEY, "acknowledge", t.dedupKey),
      }));
    const seedMs = await withClient(
      sim.endpoints.pagerdutyEvents.url,
      c.concurrency,
      async (events) => {
        const started = performance.now();
        for (let from = 0; from < items.length; from += 10_000) {
          await sendAll(events, items.slice(from, from + 10_000), c.concurrency);
          c.log(`pagerduty: ${fmt(Math.min(from + 10_000, items.length))} triggers sent`);
        }
        await sendAll(events, acks, c.concurrency);
        return performance.now() - started;
      },
    );
    const seedRate = (items.length + acks.length) / (seedMs / 1000);
    await settle();
    c.gc?.();
    const heldBytes = c.gc ? process.memoryUsage().heapUsed - before : undefined;
    const records = pd.store.incidents();
    const acknowledged = records.filter((i) => i.status === "acknowledged").length;
    if (records.length !== c.listIncidents || acknowledged !== acks.length) {
      throw new Error(
        `stored ${records.length} incidents (${acknowledged} acknowledged), expected ${c.listIncidents} (${acks.length})`,
      );
    }
    c.log(
      `pagerduty: stored in ${fmt(seedMs / 1000, 1)} s (${fmt(seedRate)} events/s); ${fmt(c.listRequests)} requests of each kind per run`,
    );

    // The default range, as listIncidents computes it: a month back from now (the clock stands).
    const until = clock.now() + 1;
    const since = DateTime.fromMillis(until, { zone: "utc" }).minus({ months: 1 }).toMillis();
    const range = {
      since,
      until,
      sinceIso: new Date(since).toISOString(),
      untilIso: new Date(until).toISOString(),
    };

    let api: Client | undefined;
    const contenders: ListContender[] = [
      {
        name: "watermelon GET /incidents over HTTP (createSimulator)",
        begin() {
          api = client(sim.endpoints.pagerdutyApi.url, 1);
        },
        end() {
          api?.destroy();
          api = undefined;
        },
        async query(q) {
          api ??= client(sim.endpoints.pagerdutyApi.url, 1);
          const out = await rest(api, token, "GET", q.path);
          return (out.incidents as { id: string }[]).map((i) => i.id);
        },
      },
      {
        name: "the same request to the REST handler in-process (no socket)",
        async query(q) {
          const res = await pd.api.fetch(
            new Request(`https://api.pagerduty.com${q.path}`, { headers }),
          );
          if (res.status !== 200) throw new Error(`in-process ${q.path} answered ${res.status}`);
          const out = (await res.json()) as Json;
          return (out.incidents as { id: string }[]).map((i) => i.id);
        },
      },
      {
        name: "plain JS filter + slice over the same records (created_at as ISO strings)",
        query: (q) => plainPage(pd.store.incidents(), q, range, false).map((i) => i.id),
      },
      {
        name: "plain JS filter + slice, created_at through Date.parse as the API reads it",
        query: (q) => plainPage(pd.store.incidents(), q, range, true).map((i) => i.id),
      },
    ];

    const p50 = new Map<string, number[]>();
    const all = new Map<string, number[]>();
    const firstMs = new Map<string, number>();
    const returned = new Map<string, number>();
    const expected = new Map<string, string>();
    const check = (name: string, q: ListQuery, ids: string[]) => {
      const got = JSON.stringify(ids);
      const want = expected.get(q.label);
      if (want === undefined) expected.set(q.label, got);
      else if (got !== want) {
        throw new Error(`${name}, ${q.label}: a different page (${got.slice(0, 120)}…)`);
      }
      if (ids.length !== PAGE) throw new Error(`${name}, ${q.label}: ${ids.length} incidents`);
      returned.set(`${name}|${q.label}`, ids.length);
    };
    for (const contender of contenders) {
      for (const q of LIST_QUERIES) {
        contender.begin?.();
        const started = performance.now();
        check(contender.name, q, await contender.query(q));
        firstMs.set(`${contender.name}|${q.label}`, performance.now() - started);
        contender.end?.();
      }
    }
    for (let round = 0; round < c.runs; round++) {
      c.gc?.();
      for (const contender of rotate(contenders, round)) {
        contender.begin?.();
        for (const q of LIST_QUERIES) {
          const samples: number[] = [];
          for (let i = 0; i < c.listRequests; i++) {
            const started = performance.now();
            const ids = await contender.query(q);
            samples.push(performance.now() - started);
            check(contender.name, q, ids);
          }
          const k = `${contender.name}|${q.label}`;
          p50.set(k, [...(p50.get(k) ?? []), percentile(samples, 50)]);
          all.set(k, [...(all.get(k) ?? []), ...samples]);
          c.log(
            `pagerduty: list round ${round + 1}/${c.runs} ${contender.name}, ${q.label}: p50 ${ms(percentile(samples, 50))} ms`,
          );
        }
        contender.end?.();
      }
    }
    return {
      names: contenders.map((x) => x.name),
      p50,
      all,
      firstMs,
      returned,
      stored: records.length,
      acknowledged,
      seedRate,
      heldBytes,
      journalEvents: journal.all().length,
    };
  } finally {
    await sim.dispose();
    journal.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 4. A simulated month.

type Plan = {
  key: string;
  at: number;
  /** Acknowledged over REST at this offset by this user, then resolved by an event; or never. */
  ack?: { at: number; by: string; level: 1 | 2 };
  resolveAt?: number;
}[];

interface MonthPlan {
  incidents: Plan;
  bodies: Map<string, string>;
  acknowledgedAtLevel1: number;
  acknowledgedAtLevel2: number;
  neverAcknowledged: number;
  events: number;
  restCalls: number;
}

/**
 * Incidents spread uniformly over the month (ending early enough that the last auto-resolve
 * falls inside it). Half are acknowledged by the first level before it escalates, three in ten
 * by the second level after the escalation, and the rest never: they escalate, exhaust the
 * policy and resolve by the service's auto-resolve timeout. The acknowledged ones are resolved
 * by a resolve event 5 minutes to 2 hours later.
 */
function monthPlan(c: Context): MonthPlan {
  const rng = createRng(DATASET_SEED).fork("pagerduty").fork("month");
  const span = c.monthDays * DAY - (AUTO_RESOLVE_MINUTES + 60) * MINUTE;
  if (span <= 0) throw new Error("--pagerduty-month-days must leave room for the auto-resolve");
  const incidents: Plan = [];
  const bodies = new Map<string, string>();
  let level1 = 0;
  let level2 = 0;
  let never = 0;
  for (let i = 0; i < c.monthIncidents; i++) {
    const key = `month-${i}`;
    const at = rng.int(0, span);
    bodies.set(key, triggerBody(rng, ROUTING_KEY, key, HIGH_SEVERITIES));
    const roll = rng.float();
    if (roll < 0.5) {
      level1++;
      const ackAt = at + rng.int(1 * MINUTE, (LEVEL_1_MINUTES - 1) * MINUTE);
      incidents.push({
        key,
        at,
        ack: { at: ackAt, by: USERS[0].email, level: 1 },
        resolveAt: ackAt + rng.int(5 * MINUTE, 120 * MINUTE),
      });
    } else if (roll < 0.8) {
      level2++;
      const ackAt =
        at +
        rng.int((LEVEL_1_MINUTES + 1) * MINUTE, (LEVEL_1_MINUTES + LEVEL_2_MINUTES - 1) * MINUTE);
      incidents.push({
        key,
        at,
        ack: { at: ackAt, by: USERS[1].email, level: 2 },
        resolveAt: ackAt + rng.int(5 * MINUTE, 120 * MINUTE),
      });
    } else {
      never++;
      incidents.push({ key, at });
    }
  }
  return {
    incidents,
    bodies,
    acknowledgedAtLevel1: level1,
    acknowledgedAtLevel2: level2,
    neverAcknowledged: never,
    events: c.monthIncidents + level1 + level2,
    restCalls: level1 + level2,
  };
}

interface MonthSample {
  wallMs: number;
  heapAfter: number | undefined;
  heldBytes: number | undefined;
  journalEvents: number;
}

/**
 * One month: every trigger, acknowledgement and resolve is a timer on the simulator clock that
 * sends its request when it fires (tracked, so the clock waits for the answer); one
 * `clock.runFor(month)` then plays the whole month, escalations and timeouts included.
 */
async function monthRun(c: Context, plan: MonthPlan): Promise<MonthSample> {
  const sim = await startSimulator({ home: c.home, start: DEFAULT_START, pagerduty: ACCOUNT });
  try {
    const clock = sim.clock;
    const token = env(sim, "PAGERDUTY_TOKEN");
    const events = client(sim.endpoints.pagerdutyEvents.url, 1);
    const api = client(sim.endpoints.pagerdutyApi.url, 1);
    const incidentIds = new Map<string, string>();
    const unsubscribe = sim.journal.subscribe((e) => {
      if (e.type === "pagerduty.incident.triggered") {
        incidentIds.set(e.correlation.dedupKey as string, e.correlation.incidentId as string);
      }
    });
    const failures: unknown[] = [];
    const send = (label: string, work: () => Promise<void>) => () => {
      void clock.track(label, work()).catch((error: unknown) => failures.push(error));
    };
    await settle();
    c.gc?.();
    const before = process.memoryUsage().heapUsed;
    for (const incident of plan.incidents) {
      const body = plan.bodies.get(incident.key) as string;
      clock.setTimeout(
        send("bench trigger", () => post(events, body, incident.key)),
        incident.at,
        "bench trigger",
      );
      const { ack, resolveAt } = incident;
      if (ack && resolveAt !== undefined) {
        clock.setTimeout(
          send("bench acknowledge", async () => {
            const id = incidentIds.get(incident.key);
            if (!id) throw new Error(`no incident for ${incident.key} at its acknowledgement`);
            const out = await rest(
              api,
              token,
              "PUT",
              `/incidents/${id}`,
              { incident: { type: "incident_reference", status: "acknowledged" } },
              ack.by,
            );
            if (out.incident.status !== "acknowledged") {
              throw new Error(`PUT /incidents/${id}: ${JSON.stringify(out).slice(0, 300)}`);
            }
          }),
          ack.at,
          "bench acknowledge",
        );
        clock.setTimeout(
          send("bench resolve", () =>
            post(events, followUp(ROUTING_KEY, "resolve", incident.key), incident.key),
          ),
          resolveAt,
          "bench resolve",
        );
      }
    }
    const started = performance.now();
    await clock.runFor(c.monthDays * DAY);
    const wallMs = performance.now() - started;
    unsubscribe();
    events.destroy();
    api.destroy();
    if (failures.length > 0) throw failures[0];

    // What the month made, counted.
    const counts = {
      triggered: journalCount(sim, "pagerduty.incident.triggered"),
      acknowledged: journalCount(sim, "pagerduty.incident.acknowledged"),
      escalated: journalCount(sim, "pagerduty.incident.escalated"),
      exhausted: journalCount(sim, "pagerduty.incident.escalation_exhausted"),
      resolved: journalCount(sim, "pagerduty.incident.resolved"),
      notified: journalCount(sim, "responder.notified"),
    };
    const escalating = plan.acknowledgedAtLevel2 + plan.neverAcknowledged;
    const want = {
      triggered: c.monthIncidents,
      acknowledged: plan.acknowledgedAtLevel1 + plan.acknowledgedAtLevel2,
      escalated: escalating,
      exhausted: plan.neverAcknowledged,
      resolved: c.monthIncidents,
      // The first level once per incident, the second once per escalation.
      notified: c.monthIncidents + escalating,
    };
    if (JSON.stringify(counts) !== JSON.stringify(want)) {
      throw new Error(`the month made ${JSON.stringify(counts)}, expected ${JSON.stringify(want)}`);
    }
    const open = await countIncidents(sim, "&statuses%5B%5D=triggered&statuses%5B%5D=acknowledged");
    const listed = await countIncidents(sim);
    if (open !== 0 || listed !== c.monthIncidents || clock.pendingTimers() !== 0) {
      throw new Error(
        `after the month: ${listed} incidents listed, ${open} open, ${clock.pendingTimers()} timers pending`,
      );
    }
    await settle();
    c.gc?.();
    const after = process.memoryUsage().heapUsed;
    return {
      wallMs,
      heapAfter: c.gc ? after : undefined,
      heldBytes: c.gc ? after - before : undefined,
      journalEvents: sim.journal.all().length,
    };
  } finally {
    await sim.dispose();
  }
}

interface MonthFigures {
  plan: MonthPlan;
  samples: MonthSample[];
}

async function runMonth(c: Context): Promise<MonthFigures> {
  const plan = monthPlan(c);
  c.log(
    `pagerduty: month of ${c.monthDays} days, ${fmt(c.monthIncidents)} incidents (${fmt(plan.events)} events, ${fmt(plan.restCalls)} REST acknowledgements); ${c.runs} runs`,
  );
  const samples: MonthSample[] = [];
  for (let round = 0; round < c.runs; round++) {
    const s = await monthRun(c, plan);
    samples.push(s);
    c.log(
      `pagerduty: month run ${round + 1}/${c.runs}: ${fmt(s.wallMs / 1000, 1)} s${s.heldBytes === undefined ? "" : `, held ${fmtMiB(s.heldBytes)} MiB`}`,
    );
  }
  return { plan, samples };
}

// ---------------------------------------------------------------------------------------------

interface Context {
  runs: number;
  events: number;
  concurrency: number;
  dedupKeys: number;
  latencyEvents: number;
  listIncidents: number;
  listRequests: number;
  monthIncidents: number;
  monthDays: number;
  home: string;
  gc: Gc | undefined;
  log: (line: string) => void;
}

function rateCells(s: Summary): string[] {
  return [String(s.runs), fmt(s.median), fmt(s.min), fmt(s.max)];
}

export async function runPagerDutyBenchmark(options: PagerDutyBenchmarkOptions): Promise<string> {
  const gc = findGc();
  const notes: string[] = [];
  if (!gc) notes.push("No gc could be exposed: the heap figures are missing.");
  const home = tempDir("watermelon-bench-pagerduty-home-");
  const c: Context = { ...options, home: home.dir, gc, log: options.log ?? (() => {}) };
  try {
    c.log("pagerduty: warm-up start (creates the CA in WATERMELON_HOME)");
    await (await defaultAccount(home.dir)).dispose();

    const throughput = await runThroughput(c);
    const latency = await runLatency(c);
    const list = await runList(c);
    await settle();
    const month = await runMonth(c);

    // 1.
    const nullMedian = summarize(throughput.rates.get(throughput.nullName) ?? []).median;
    const throughputRows = throughput.names.map((name) => {
      const s = summarize(throughput.rates.get(name) ?? []);
      return [
        name,
        fmt(options.events),
        ...rateCells(s),
        `${fmt((100 * s.median) / nullMedian)} %`,
      ];
    });
    for (const name of throughput.names) {
      if (name === throughput.nullName) continue;
      const p = summarize(throughput.paired.get(name) ?? []);
      notes.push(
        `${name.replace("watermelon Events API, ", "")} over the null server, paired round by round: median ${fmt(100 * p.median)} % (min ${fmt(100 * p.min)} %, max ${fmt(100 * p.max)} %).`,
      );
    }

    // 2.
    const latencyRows = (Object.keys(LATENCY_ROWS) as LatencyRow[]).map((row) => {
      const s = summarize(latency.p50.get(row) ?? []);
      return [
        LATENCY_ROWS[row],
        String(s.runs),
        ms(s.median),
        ms(percentile(latency.all.get(row) ?? [], 95)),
        ms(s.min),
        ms(s.max),
      ];
    });

    // 3.
    const listRows: string[][] = [];
    for (const q of LIST_QUERIES) {
      for (const name of list.names) {
        const k = `${name}|${q.label}`;
        const s = summarize(list.p50.get(k) ?? []);
        listRows.push([
          `${q.label}: ${name}`,
          fmt(list.returned.get(k) ?? 0),
          String(s.runs),
          ms(s.median),
          ms(percentile(list.all.get(k) ?? [], 95)),
          ms(s.min),
          ms(s.max),
        ]);
      }
    }
    notes.push(
      `GET /incidents: ${fmt(list.stored)} incidents stored through the Events API over HTTP (${fmt(options.concurrency)} at a time, ${fmt(list.seedRate)} events/s including ${fmt(list.acknowledged)} acknowledge events), all at one virtual instant, so all are in the default range (the last month); every ${ACK_EVERY}th is acknowledged. p50: the median of the runs' medians (${fmt(options.listRequests)} requests of each kind per run); p95: over all ${fmt(options.listRequests * options.runs)} requests of the kind. Every answer is checked against the others (the same ${PAGE} ids in the same order).`,
    );
    notes.push(
      `The first request of each kind (uncounted): ${list.names
        .map(
          (name) =>
            `${name.split(" (")[0]}: ${LIST_QUERIES.map((q) => `${ms(list.firstMs.get(`${name}|${q.label}`) ?? 0)} ms`).join(" and ")}`,
        )
        .join("; ")}.`,
    );
    if (list.heldBytes !== undefined) {
      notes.push(
        `Heap held by the ${fmt(list.stored)} stored incidents (after a full collection): ${fmtMiB(list.heldBytes)} MiB, ${fmt(list.heldBytes / list.stored / 1024, 1)} KiB per incident (store, lifecycle actors and their timers, and ${fmt(list.journalEvents)} journal events).`,
      );
    }

    // 4.
    const wall = summarize(month.samples.map((s) => s.wallMs / 1000));
    const plan = month.plan;
    const heldSamples = month.samples.flatMap((s) =>
      s.heldBytes === undefined ? [] : [s.heldBytes],
    );
    const afterSamples = month.samples.flatMap((s) =>
      s.heapAfter === undefined ? [] : [s.heapAfter],
    );
    const held = heldSamples.length > 0 ? summarize(heldSamples).median : undefined;
    const after = afterSamples.length > 0 ? summarize(afterSamples).median : undefined;
    const monthRows = [
      [
        `${fmt(options.monthDays)} days, ${fmt(options.monthIncidents)} incidents`,
        fmt(plan.events + plan.restCalls),
        String(wall.runs),
        fmt(wall.median, 1),
        fmt(wall.min, 1),
        fmt(wall.max, 1),
        fmt((options.monthDays * 24) / wall.median, 1),
        after === undefined ? "" : fmtMiB(after),
        held === undefined ? "" : fmtMiB(held),
        held === undefined ? "" : fmt(held / options.monthIncidents / 1024, 1),
      ],
    ];
    const escalating = plan.acknowledgedAtLevel2 + plan.neverAcknowledged;
    notes.push(
      `The month: ${fmt(plan.acknowledgedAtLevel1)} incidents acknowledged at the first level before its ${LEVEL_1_MINUTES} minutes, ${fmt(plan.acknowledgedAtLevel2)} at the second after escalating, ${fmt(plan.neverAcknowledged)} never (escalated, exhausted after ${LEVEL_1_MINUTES + LEVEL_2_MINUTES} minutes, auto-resolved after ${AUTO_RESOLVE_MINUTES / 60} hours); acknowledgements through REST PUT /incidents/{id} with the user's From, triggers and resolves through the Events API. Each run checks the journal (${fmt(plan.events - plan.restCalls)} triggered, ${fmt(plan.restCalls)} acknowledged, ${fmt(escalating)} escalated, ${fmt(plan.neverAcknowledged)} exhausted, ${fmt(options.monthIncidents)} resolved, ${fmt(options.monthIncidents + escalating)} notifications), that REST lists every incident and none open, and that no timer is left. ${fmt(month.samples[0]?.journalEvents ?? 0)} journal events per run.`,
    );

    return [
      "## PagerDuty",
      "",
      `### Events API: ${fmt(options.events)} trigger events per run, ${fmt(options.concurrency)} in flight over keep-alive connections`,
      "",
      markdownTable(
        ["target", "events/run", "runs", "events/s (median)", "min", "max", "of null server"],
        throughputRows,
      ),
      "",
      `### Event to incident: ${fmt(options.latencyEvents)} sequential triggers per run`,
      "",
      markdownTable(
        ["from sending a trigger to", "runs", "p50 ms", "p95 ms", "min p50", "max p50"],
        latencyRows,
      ),
      "",
      `### GET /incidents with ${fmt(list.stored)} incidents stored (${fmt(list.acknowledged)} acknowledged)`,
      "",
      markdownTable(
        ["request: contender", "returned", "runs", "p50 ms", "p95 ms", "min p50", "max p50"],
        listRows,
      ),
      "",
      `### A simulated month on the virtual clock: ${fmt(options.monthIncidents)} incidents with escalations`,
      "",
      markdownTable(
        [
          "month",
          "requests",
          "runs",
          "wall s (median)",
          "min",
          "max",
          "virtual h per wall s",
          "heap after GC MiB",
          "held MiB",
          "KiB/incident",
        ],
        monthRows,
      ),
      "",
      ...notes.map((n) => `- ${n}`),
      "",
    ].join("\n");
  } finally {
    home.dispose();
  }
}
