// Logz.io benchmark: the simulator's Logz.io listener, search API and alert engine, on the same
// seeded dataset as the CloudWatch Logs benchmark (bench/logDataset.ts).
//
// 1. Listener ingestion: sequential NDJSON bulks of 1,000 lines POSTed over loopback HTTP, lines
//    per second, against a null server (reads the body, splits the lines, JSON.parses each). After
//    each simulator run, /v1/search must count every line that was sent (stored and searchable).
// 2. Search latency over 1,000,000 indexed logs, p50 and p95: a query_string plus a range on
//    @timestamp, and a terms aggregation. Peers: the search operation called in-process on a store
//    of its own, and a hand-written linear scan over that store's documents.
// 3. Alert evaluation: 100 rules created through /v2/alerts, one evaluation tick of all of them
//    on the virtual clock; peer: the same rules evaluated by a hand-written scan.
// 4. Heap held per million indexed logs.
// Peers are interleaved round by round, the one going first rotating.

import http from "node:http";
import type net from "node:net";
import { performance } from "node:perf_hooks";
import { ingestLogs } from "../mocks/logzio/operations/ingestLogs.js";
import { search as searchOperation } from "../mocks/logzio/operations/search.js";
import { type IndexedLog, type LogzioAccount, LogzioStore } from "../mocks/logzio/store.js";
import { createSimulator, type Simulator } from "../simulator/cli/api.js";
import { DEFAULT_START } from "../simulator/kernel/clock.js";
import { findGc, type Gc, settle } from "./heap.js";
import { createLogDataset, datasetSpanMs, type LogBatch, type LogDataset } from "./logDataset.js";
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
/** Uncounted ingest runs of each peer before the first counted one (JIT warm-up). */
const WARM_UP_ROUNDS = 2;
/** Uncounted evaluation ticks before the first counted one. */
const WARM_UP_TICKS = 1;
/** How many hits a search returns (the API's default size). */
const HITS = 10;

/** Search (a): a Lucene query_string and a range on @timestamp, in a bool filter. */
const QUERY_SERVICE = "checkout";
const QUERY_STRING = `level:error AND service:${QUERY_SERVICE}`;
const RANGE_MINUTES = 15;
const QUERY_A = {
  query: {
    bool: {
      filter: [
        { query_string: { query: QUERY_STRING } },
        { range: { "@timestamp": { gte: `now-${RANGE_MINUTES}m` } } },
      ],
    },
  },
};
/** Search (b): a terms aggregation over every indexed log, no hits. */
const TERMS_FIELD = "service";
const QUERY_B = {
  size: 0,
  query: { match_all: {} },
  aggs: { by_service: { terms: { field: TERMS_FIELD } } },
};

export interface LogzioBenchmarkOptions {
  runs: number;
  /** Listener bulks per ingest run. */
  batches: number;
  /** Lines per bulk. */
  batchSize: number;
  /** Logs indexed for the search, alert and memory figures. */
  searchLogs: number;
  /** Searches of each kind per run and contender. */
  searches: number;
  /** Alert rules evaluated per tick. */
  alertRules: number;
  log?: (line: string) => void;
}

// ---------------------------------------------------------------------------------------------
// The dataset as the listener receives it.

/**
 * One bulk: the dataset's lines, each with `@timestamp` set to its event time, as the CloudWatch
 * shipper adds it in front of the app's own fields.
 */
function ndjson(batch: LogBatch): string {
  return batch.events
    .map((e) => `{"@timestamp":"${new Date(e.timestamp).toISOString()}",${e.message.slice(1)}`)
    .join("\n");
}

/** What one line of the app's log format holds, as the hand-written peers read it. */
interface AppFields {
  level?: unknown;
  service?: unknown;
  tier?: unknown;
  route?: unknown;
  status?: unknown;
  latency?: unknown;
}

// ---------------------------------------------------------------------------------------------
// HTTP: one keep-alive connection per client, as a shipper or an API client holds one.

interface Reply {
  status: number;
  body: string;
}

function client(baseUrl: string) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  return {
    post(pathAndQuery: string, body: string, headers: Record<string, string> = {}) {
      return new Promise<Reply>((resolve, reject) => {
        const req = http.request(
          {
            host: url.hostname,
            port: url.port,
            path: pathAndQuery,
            method: "POST",
            agent,
            headers: { "content-length": String(Buffer.byteLength(body)), ...headers },
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

// biome-ignore lint/suspicious/noExplicitAny: search replies are read field by field.
type Json = any;

async function apiCall(api: Client, token: string, path: string, body: unknown): Promise<Json> {
  const reply = await api.post(path, JSON.stringify(body), {
    "content-type": "application/json",
    "x-api-token": token,
  });
  if (reply.status !== 200) {
    throw new Error(`POST ${path} answered ${reply.status}: ${reply.body.slice(0, 300)}`);
  }
  return JSON.parse(reply.body);
}

// ---------------------------------------------------------------------------------------------
// The simulator, and the listener's operation on a store of its own.

function startSimulator(home: string): Promise<Simulator> {
  const sim = createSimulator({ home, start: DEFAULT_START });
  return sim.ready.then(
    () => sim,
    async (error: unknown) => {
      await sim.dispose();
      throw error;
    },
  );
}

interface SimHandle {
  sim: Simulator;
  listenerUrl: string;
  apiUrl: string;
  shippingToken: string;
  apiToken: string;
}

async function openSimulator(home: string): Promise<SimHandle> {
  const sim = await startSimulator(home);
  return {
    sim,
    listenerUrl: sim.endpoints.logzioListener.url,
    apiUrl: sim.endpoints.logzioApi.url,
    shippingToken: sim.env.LOGZIO_TOKEN as string,
    apiToken: sim.env.LOGZIO_API_TOKEN as string,
  };
}

/**
 * A client for one stretch of calls without pauses. The servers close a keep-alive connection
 * after 5 s idle, and a synchronous peer running meanwhile would leave that close unread until
 * the next request had been written to the dead socket: so no connection outlives its stretch.
 */
async function withClient<T>(url: string, fn: (c: Client) => Promise<T>): Promise<T> {
  const c = client(url);
  try {
    return await fn(c);
  } finally {
    c.destroy();
  }
}

async function ship(listener: Client, token: string, body: string): Promise<void> {
  const reply = await listener.post(`/?token=${encodeURIComponent(token)}`, body, {
    "content-type": "application/x-ndjson",
  });
  if (reply.status !== 200) {
    throw new Error(`listener answered ${reply.status}: ${reply.body.slice(0, 300)}`);
  }
}

const IN_PROCESS_ACCOUNT: LogzioAccount = {
  accountId: 100_001,
  accountName: "bench",
  shippingToken: "in-process",
  apiToken: "in-process",
};

/** The listener's operation and store, called the way its HTTP handler calls them (no journal). */
function storeInProcess(store: LogzioStore, body: string, nowMs: number): number {
  const result = ingestLogs({
    accountId: IN_PROCESS_ACCOUNT.accountId,
    body,
    queryType: undefined,
    nowMs,
    nextSeq: () => store.nextSeq(),
  });
  for (const log of result.logs) store.add(log);
  if (result.counts.successfulLines !== result.outcomes.length) {
    throw new Error(`in-process ingest refused lines: ${JSON.stringify(result.counts)}`);
  }
  return result.logs.length;
}

// ---------------------------------------------------------------------------------------------
// 1. Ingest.

interface IngestTarget {
  url: string;
  token: string;
  /** Simulator only: how many logs /v1/search finds. */
  searchable?(): Promise<number>;
  close(): Promise<void>;
}

interface IngestPeer {
  name: string;
  start(): Promise<IngestTarget>;
}

function simulatorIngestPeer(home: string): IngestPeer {
  return {
    name: "watermelon Logz.io listener (createSimulator)",
    async start() {
      const h = await openSimulator(home);
      return {
        url: h.listenerUrl,
        token: h.shippingToken,
        searchable: () =>
          withClient(h.apiUrl, async (api) => {
            const out = await apiCall(api, h.apiToken, "/v1/search", {
              size: 0,
              query: { match_all: {} },
            });
            return out.hits.total as number;
          }),
        close: () => h.sim.dispose(),
      };
    },
  };
}

/** Reads the body, splits the lines and parses each: the floor for any listener in this process. */
function nullIngestPeer(): IngestPeer {
  return {
    name: "null server (node:http, JSON.parse per line)",
    async start() {
      let parsed = 0;
      const server = http.createServer((req, res) => {
        const chunks: Buffer[] = [];
        req.on("data", (c: Buffer) => chunks.push(c));
        req.on("end", () => {
          for (const line of Buffer.concat(chunks).toString("utf8").split("\n")) {
            if (line !== "" && typeof JSON.parse(line) === "object") parsed++;
          }
          res.writeHead(200, { "content-length": "0" });
          res.end();
        });
      });
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, HOST, () => resolve());
      });
      const { port } = server.address() as net.AddressInfo;
      return {
        url: `http://${HOST}:${port}`,
        token: "null",
        // Not a search, but the same check that no line went missing.
        searchable: async () => parsed,
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      };
    },
  };
}

interface IngestSample {
  linesPerSecond: number;
  /** Simulator only: heap held after the run (gc'd), above the heap before it. */
  heldBytes?: number;
}

async function ingestRun(
  peer: IngestPeer,
  bodies: readonly string[],
  lines: number,
  gc: Gc | undefined,
  measureHeap: boolean,
): Promise<IngestSample> {
  const target = await peer.start();
  try {
    const listener = client(target.url);
    try {
      await settle();
      gc?.();
      const before = process.memoryUsage().heapUsed;
      const started = performance.now();
      for (const body of bodies) await ship(listener, target.token, body);
      const ms = performance.now() - started;
      // An ingest counts only lines that are stored and searchable when the response is sent.
      const found = await target.searchable?.();
      if (found !== lines) throw new Error(`${peer.name}: sent ${lines} lines, found ${found}`);
      let heldBytes: number | undefined;
      if (measureHeap && gc) {
        listener.destroy();
        gc();
        heldBytes = process.memoryUsage().heapUsed - before;
      }
      return {
        linesPerSecond: lines / (ms / 1000),
        ...(heldBytes !== undefined ? { heldBytes } : {}),
      };
    } finally {
      listener.destroy();
    }
  } finally {
    await target.close();
  }
}

interface IngestFigures {
  names: string[];
  rates: Map<string, number[]>;
  /** Per round, the simulator's rate over the null server's. */
  pairedRatios: number[];
  heldPerLog: number[];
}

async function runIngest(c: Context): Promise<IngestFigures> {
  const bodies = Array.from({ length: c.batches }, (_, i) => ndjson(c.dataset.batch(i)));
  const lines = c.batches * c.dataset.batchSize;
  const simulator = simulatorIngestPeer(c.home);
  const nothing = nullIngestPeer();
  const peers = [simulator, nothing];
  c.log(`logzio: ingest warm-up (${WARM_UP_ROUNDS} runs per peer, not counted)`);
  for (let i = 0; i < WARM_UP_ROUNDS; i++) {
    for (const peer of peers) await ingestRun(peer, bodies, lines, undefined, false);
  }
  const rates = new Map<string, number[]>(peers.map((p) => [p.name, []]));
  const pairedRatios: number[] = [];
  const heldPerLog: number[] = [];
  for (let round = 0; round < c.runs; round++) {
    const thisRound = new Map<string, number>();
    for (const peer of rotate(peers, round)) {
      const sample = await ingestRun(peer, bodies, lines, c.gc, peer === simulator);
      rates.get(peer.name)?.push(sample.linesPerSecond);
      thisRound.set(peer.name, sample.linesPerSecond);
      if (sample.heldBytes !== undefined) heldPerLog.push(sample.heldBytes / lines);
      c.log(
        `logzio: ingest round ${round + 1}/${c.runs} ${peer.name}: ${fmt(sample.linesPerSecond)} lines/s`,
      );
    }
    pairedRatios.push(
      (thisRound.get(simulator.name) as number) / (thisRound.get(nothing.name) as number),
    );
  }
  return { names: peers.map((p) => p.name), rates, pairedRatios, heldPerLog };
}

// ---------------------------------------------------------------------------------------------
// 2. Search. Every contender answers the same two searches over the same logs.

interface SearchOutcome {
  total: number;
  /** Ingest sequence numbers of the hits returned, in order. */
  hitSeqs: number[];
  /** The terms aggregation's buckets, `key:doc_count`. */
  buckets: string[];
}

interface SearchContender {
  name: string;
  /** Around each run's searches (the simulator's client holds a connection for one run). */
  beginRun?(): void;
  endRun?(): void;
  a(nowMs: number): Promise<SearchOutcome> | SearchOutcome;
  b(nowMs: number): Promise<SearchOutcome> | SearchOutcome;
}

function fromReply(out: Json): SearchOutcome {
  return {
    total: out.hits.total as number,
    hitSeqs: (out.hits.hits as { _id: string }[]).map((h) => Number(h._id.split("-").pop())),
    buckets: (
      (out.aggregations?.by_service?.buckets ?? []) as { key: string; doc_count: number }[]
    ).map((b) => `${b.key}:${b.doc_count}`),
  };
}

function simulatorSearch(h: SimHandle): SearchContender {
  let api: Client | undefined;
  const run = async (query: unknown) => {
    api ??= client(h.apiUrl);
    return fromReply(await apiCall(api, h.apiToken, "/v1/search", query));
  };
  return {
    name: "watermelon POST /v1/search (createSimulator, over HTTP)",
    beginRun() {
      api = client(h.apiUrl);
    },
    endRun() {
      api?.destroy();
      api = undefined;
    },
    a: () => run(QUERY_A),
    b: () => run(QUERY_B),
  };
}

/** The search operation on the in-process store: the engine's own time, no HTTP, no JSON. */
function operationSearch(store: LogzioStore): SearchContender {
  // The bodies are already in the shape the transport's schema lets through.
  const run = (request: unknown, nowMs: number) => {
    const out = searchOperation({
      store,
      account: IN_PROCESS_ACCOUNT,
      request: request as Parameters<typeof searchOperation>[0]["request"],
      nowMs,
    });
    return {
      total: out.hits.total,
      hitSeqs: out.hits.hits.map((h) => Number(h._id.split("-").pop())),
      buckets: (
        ((out.aggregations as Json)?.by_service?.buckets ?? []) as {
          key: string;
          doc_count: number;
        }[]
      ).map((b) => `${b.key}:${b.doc_count}`),
    };
  };
  return {
    name: "the search operation alone (in-process)",
    a: (nowMs) => run(QUERY_A, nowMs),
    b: (nowMs) => run(QUERY_B, nowMs),
  };
}

/** Start of the default search window: yesterday 00:00 UTC (today and yesterday). */
const windowStartOf = (nowMs: number) => Math.floor(nowMs / DAY) * DAY - DAY;

/**
 * A hand-written linear scan over the same documents: each search hard-coded as plain field
 * comparisons, the floor any in-memory engine without an index can reach.
 */
function scanSearch(store: LogzioStore): SearchContender {
  return {
    name: "hand-written linear scan (plain JS, in-process)",
    a(nowMs) {
      const logs = store.logs(IN_PROCESS_ACCOUNT.accountId);
      const from = Math.max(windowStartOf(nowMs), nowMs - RANGE_MINUTES * MINUTE);
      let total = 0;
      const hits: IndexedLog[] = [];
      for (const log of logs) {
        if (log.timestampMs < from) continue;
        const f = log.fields as AppFields;
        if (f.level !== "error" || f.service !== QUERY_SERVICE) continue;
        total++;
        if (hits.length < HITS) hits.push(log);
      }
      return { total, hitSeqs: hits.map((l) => l.seq), buckets: [] };
    },
    b(nowMs) {
      const logs = store.logs(IN_PROCESS_ACCOUNT.accountId);
      const from = windowStartOf(nowMs);
      const counts = new Map<string, number>();
      let total = 0;
      for (const log of logs) {
        if (log.timestampMs < from) continue;
        total++;
        const key = (log.fields as AppFields).service;
        if (typeof key === "string") counts.set(key, (counts.get(key) ?? 0) + 1);
      }
      const buckets = [...counts.entries()]
        .sort(([ka, a], [kb, b]) => b - a || (ka < kb ? -1 : ka > kb ? 1 : 0))
        .slice(0, 10)
        .map(([k, n]) => `${k}:${n}`);
      return { total, hitSeqs: [], buckets };
    },
  };
}

interface LatencyFigures {
  names: string[];
  /** Per contender and search kind: each run's p50, and every counted search's time. */
  p50: Map<string, number[]>;
  all: Map<string, number[]>;
  outcomes: Map<string, SearchOutcome>;
  /** The uncounted first search of each kind: it also pays for anything built on first use. */
  firstMs: Map<string, number>;
}

async function runSearches(
  c: Context,
  contenders: readonly SearchContender[],
  nowMs: number,
): Promise<LatencyFigures> {
  const p50 = new Map<string, number[]>();
  const all = new Map<string, number[]>();
  const outcomes = new Map<string, SearchOutcome>();
  const key = (name: string, kind: "a" | "b") => `${name}|${kind}`;
  // One uncounted search of each kind per contender warms the code up.
  const firstMs = new Map<string, number>();
  for (const x of contenders) {
    x.beginRun?.();
    for (const kind of ["a", "b"] as const) {
      const started = performance.now();
      await x[kind](nowMs);
      firstMs.set(key(x.name, kind), performance.now() - started);
    }
    x.endRun?.();
  }
  for (let round = 0; round < c.runs; round++) {
    for (const x of rotate(contenders, round)) {
      c.gc?.();
      x.beginRun?.();
      const samples: Record<"a" | "b", number[]> = { a: [], b: [] };
      for (let i = 0; i < c.searches; i++) {
        for (const kind of ["a", "b"] as const) {
          const started = performance.now();
          const outcome = await x[kind](nowMs);
          samples[kind].push(performance.now() - started);
          outcomes.set(key(x.name, kind), outcome);
        }
      }
      x.endRun?.();
      for (const kind of ["a", "b"] as const) {
        const k = key(x.name, kind);
        if (!p50.has(k)) p50.set(k, []);
        if (!all.has(k)) all.set(k, []);
        p50.get(k)?.push(percentile(samples[kind], 50));
        all.get(k)?.push(...samples[kind]);
      }
      c.log(
        `logzio: search round ${round + 1}/${c.runs} ${x.name}: (a) p50 ${fmt(percentile(samples.a, 50), 1)} ms, (b) p50 ${fmt(percentile(samples.b, 50), 1)} ms`,
      );
    }
  }
  // Every contender must give the same answer.
  const [first, ...others] = contenders;
  for (const kind of ["a", "b"] as const) {
    const want = JSON.stringify(outcomes.get(key(first?.name ?? "", kind)));
    for (const x of others) {
      const got = JSON.stringify(outcomes.get(key(x.name, kind)));
      if (got !== want) {
        throw new Error(`search (${kind}): ${x.name} answered ${got}, ${first?.name} ${want}`);
      }
    }
  }
  return { names: contenders.map((x) => x.name), p50, all, outcomes, firstMs };
}

// ---------------------------------------------------------------------------------------------
// 3. Alerts. The rules come from four templates over the dataset's services, tiers and routes.

const SERVICES = [
  "checkout",
  "cart",
  "catalog",
  "search",
  "accounts",
  "recommendations",
  "newsletter",
] as const;
const TIERS = ["gold", "silver", "bronze"] as const;
const ROUTES = [
  "POST /api/orders",
  "POST /api/payments",
  "GET /api/cart",
  "PUT /api/cart/items",
  "GET /api/products",
  "GET /api/products/:id",
  "GET /api/search",
  "POST /api/login",
  "GET /api/me",
  "GET /api/recommendations",
  "POST /api/newsletter",
] as const;

type Operator = "GREATER_THAN" | "GREATER_THAN_OR_EQUALS";
type Tiers = Partial<Record<"SEVERE" | "HIGH" | "MEDIUM" | "LOW" | "INFO", number>>;
const SEVERITY_ORDER = ["SEVERE", "HIGH", "MEDIUM", "LOW", "INFO"] as const;

/** A rule as the hand-written evaluator knows it: a plain predicate and aggregation. */
interface Rule {
  body: Record<string, unknown>;
  frameMinutes: number;
  matches(f: AppFields): boolean;
  groupBy?: keyof AppFields;
  aggregate: "COUNT" | "AVG" | "MAX";
  field?: keyof AppFields;
  operator: Operator;
  tiers: Tiers;
}

function alertBody(
  title: string,
  frameMinutes: number,
  queryDefinition: Record<string, unknown>,
  operator: Operator,
  tiers: Tiers,
): Record<string, unknown> {
  return {
    title,
    tags: ["bench"],
    searchTimeFrameMinutes: frameMinutes,
    output: { suppressNotificationsMinutes: 5, type: "JSON" },
    subComponents: [{ queryDefinition, trigger: { operator, severityThresholdTiers: tiers } }],
  };
}

/** Rule i of a deterministic set: some fire on the dataset, most stay quiet. */
function rule(i: number): Rule {
  const service = SERVICES[i % SERVICES.length] as string;
  const tier = TIERS[i % TIERS.length] as string;
  const route = ROUTES[i % ROUTES.length] as string;
  const step = Math.floor(i / 4);
  switch (i % 4) {
    case 0: {
      // Errors of one service: about 13 a minute each.
      const low = 40 + (step % 5) * 15;
      const tiers = { HIGH: low * 2, LOW: low };
      return {
        body: alertBody(
          `errors in ${service}`,
          5,
          {
            query: `level:error AND service:${service}`,
            aggregation: { aggregationType: "COUNT" },
          },
          "GREATER_THAN_OR_EQUALS",
          tiers,
        ),
        frameMinutes: 5,
        matches: (f) => f.level === "error" && f.service === service,
        aggregate: "COUNT",
        operator: "GREATER_THAN_OR_EQUALS",
        tiers,
      };
    }
    case 1: {
      // Server errors of one tier, per service (an ES query object, not Lucene).
      const tiers = { SEVERE: 100 + (step % 4) * 20, MEDIUM: 60 + (step % 4) * 10 };
      return {
        body: alertBody(
          `5xx in ${tier}, by service`,
          10,
          {
            query: {
              bool: {
                filter: [{ term: { tier } }, { range: { status: { gte: 500 } } }],
              },
            },
            groupBy: ["service"],
            aggregation: { aggregationType: "COUNT" },
          },
          "GREATER_THAN_OR_EQUALS",
          tiers,
        ),
        frameMinutes: 10,
        matches: (f) => f.tier === tier && typeof f.status === "number" && f.status >= 500,
        groupBy: "service",
        aggregate: "COUNT",
        operator: "GREATER_THAN_OR_EQUALS",
        tiers,
      };
    }
    case 2: {
      // Average latency of one route.
      const tiers = { MEDIUM: 700 + (step % 5) * 100 };
      return {
        body: alertBody(
          `slow ${route}`,
          15,
          {
            query: `route:"${route}"`,
            aggregation: { aggregationType: "AVG", fieldToAggregateOn: "latency" },
          },
          "GREATER_THAN",
          tiers,
        ),
        frameMinutes: 15,
        matches: (f) => f.route === route,
        aggregate: "AVG",
        field: "latency",
        operator: "GREATER_THAN",
        tiers,
      };
    }
    default: {
      // Slowest error of one tier, per route.
      const tiers = { HIGH: 29_000 + (step % 5) * 200, INFO: 25_000 };
      return {
        body: alertBody(
          `slowest error in ${tier}, by route`,
          5,
          {
            query: `level:error AND tier:${tier}`,
            groupBy: ["route"],
            aggregation: { aggregationType: "MAX", fieldToAggregateOn: "latency" },
          },
          "GREATER_THAN",
          tiers,
        ),
        frameMinutes: 5,
        matches: (f) => f.level === "error" && f.tier === tier,
        groupBy: "route",
        aggregate: "MAX",
        field: "latency",
        operator: "GREATER_THAN",
        tiers,
      };
    }
  }
}

/** One trigger: `alert|severity|group=value`, comparable between the engine and the scan. */
type Trigger = string;

function triggerKey(alertId: number, severity: string, group: string, value: number): Trigger {
  return `${alertId}|${severity}|${group}|${Number(value.toPrecision(12))}`;
}

/** The rules evaluated by a hand-written scan per rule over the in-process store. */
function evaluateByScan(
  store: LogzioStore,
  rules: readonly Rule[],
  ids: readonly number[],
  nowMs: number,
) {
  const logs = store.logs(IN_PROCESS_ACCOUNT.accountId);
  const out: Trigger[] = [];
  rules.forEach((r, index) => {
    const start = nowMs - r.frameMinutes * MINUTE;
    const groups = new Map<string, { n: number; sum: number; max: number }>();
    if (r.groupBy === undefined) groups.set("", { n: 0, sum: 0, max: -Infinity });
    for (const log of logs) {
      if (log.timestampMs < start || log.timestampMs >= nowMs) continue;
      const f = log.fields as AppFields;
      if (!r.matches(f)) continue;
      let key = "";
      if (r.groupBy !== undefined) {
        const v = f[r.groupBy];
        if (v === undefined || v === null) continue;
        key = `${r.groupBy}=${String(v)}`;
      }
      let g = groups.get(key);
      if (!g) {
        g = { n: 0, sum: 0, max: -Infinity };
        groups.set(key, g);
      }
      g.n++;
      if (r.field !== undefined) {
        const x = f[r.field] as number;
        g.sum += x;
        if (x > g.max) g.max = x;
      }
    }
    for (const [key, g] of groups) {
      if (r.aggregate !== "COUNT" && g.n === 0) continue;
      const value = r.aggregate === "COUNT" ? g.n : r.aggregate === "AVG" ? g.sum / g.n : g.max;
      const severity = SEVERITY_ORDER.find((s) => {
        const t = r.tiers[s];
        return t !== undefined && (r.operator === "GREATER_THAN" ? value > t : value >= t);
      });
      if (severity) out.push(triggerKey(ids[index] as number, severity, key, value));
    }
  });
  return out.sort();
}

/** The triggers the simulator journaled at `nowMs`. */
function journaledTriggers(sim: Simulator, nowMs: number): Trigger[] {
  return sim.journal
    .query({ type: "logzio.alert.triggered", from: nowMs, to: nowMs + 1 })
    .map((e) => {
      const d = e.data as {
        alertId: number;
        severity: string;
        groupBy: Record<string, string>;
        value: number;
      };
      const group = Object.entries(d.groupBy)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
      return triggerKey(d.alertId, d.severity, group, d.value);
    })
    .sort();
}

interface AlertFigures {
  tickMs: number[];
  scanMs: number[];
  /** Triggers per counted tick. */
  triggers: number[];
  rules: number;
}

/**
 * Creates the rules through /v2/alerts, then for each tick: ships the next minute of logs to both
 * stores (as the app keeps logging), runs the clock to 1 ms before the tick, and times the step
 * that fires it. The scan evaluates the same rules over the in-process store at the same instant,
 * and both must find the same triggers.
 */
async function runAlerts(
  c: Context,
  h: SimHandle,
  store: LogzioStore,
  nextBatch: { value: number },
): Promise<AlertFigures> {
  const rules = Array.from({ length: c.alertRules }, (_, i) => rule(i));
  const ids = await withClient(h.apiUrl, async (api) => {
    const out: number[] = [];
    for (const r of rules) {
      const created = await apiCall(api, h.apiToken, "/v2/alerts", r.body);
      out.push(created.id as number);
    }
    return out;
  });
  const clock = h.sim.clock;
  const startMs = clock.now();
  const windowMs = c.dataset.batchSize * c.dataset.eventSpacingMs;
  const tickMs: number[] = [];
  const scanMs: number[] = [];
  const triggers: number[] = [];
  c.log(
    `logzio: ${rules.length} alert rules created; ${WARM_UP_TICKS} warm-up tick(s), then ${c.runs}`,
  );
  for (let tick = 1; tick <= WARM_UP_TICKS + c.runs; tick++) {
    const due = startMs + tick * MINUTE;
    // The next minute of logs, to both stores, before the tick that covers it.
    await withClient(h.listenerUrl, async (listener) => {
      while (c.dataset.start + (nextBatch.value + 1) * windowMs <= due) {
        const body = ndjson(c.dataset.batch(nextBatch.value));
        await ship(listener, h.shippingToken, body);
        storeInProcess(store, body, clock.now());
        nextBatch.value++;
      }
    });
    await clock.runUntil(due - 1);
    const pendingBefore = clock.pendingTimers();
    const counted = tick > WARM_UP_TICKS;
    let engine = 0;
    let scan = 0;
    let expected: Trigger[] = [];
    const steps = [
      async () => {
        c.gc?.();
        const started = performance.now();
        await clock.runUntil(due);
        engine = performance.now() - started;
      },
      () => {
        c.gc?.();
        const started = performance.now();
        expected = evaluateByScan(store, rules, ids, due);
        scan = performance.now() - started;
      },
    ];
    for (const step of rotate(steps, tick)) await step();
    if (clock.pendingTimers() !== pendingBefore) {
      throw new Error(`the tick at ${new Date(due).toISOString()} left the clock's timers changed`);
    }
    const got = journaledTriggers(h.sim, due);
    if (JSON.stringify(got) !== JSON.stringify(expected)) {
      throw new Error(
        `alert tick at ${new Date(due).toISOString()}: the engine triggered ${JSON.stringify(got.slice(0, 8))}…, the scan ${JSON.stringify(expected.slice(0, 8))}…`,
      );
    }
    c.log(
      `logzio: alert tick ${tick}${counted ? "" : " (warm-up)"}: engine ${fmt(engine)} ms, scan ${fmt(scan, 1)} ms, ${got.length} triggers`,
    );
    if (counted) {
      tickMs.push(engine);
      scanMs.push(scan);
      triggers.push(got.length);
    }
  }
  return { tickMs, scanMs, triggers, rules: rules.length };
}

// ---------------------------------------------------------------------------------------------

interface Context {
  runs: number;
  batches: number;
  searches: number;
  alertRules: number;
  dataset: LogDataset & { start: number; eventSpacingMs: number };
  home: string;
  gc: Gc | undefined;
  log: (line: string) => void;
}

function memoryRow(label: string, logs: number, before: number, after: number): string[] {
  const held = after - before;
  return [
    label,
    fmt(logs),
    fmtMiB(before),
    fmtMiB(after),
    fmtMiB(held),
    fmt(((held / logs) * 1e6) / 2 ** 20),
    fmt(held / logs),
  ];
}

function msCells(s: Summary): string[] {
  const decimals = s.median < 10 ? 1 : 0;
  return [String(s.runs), fmt(s.median, decimals), fmt(s.min, decimals), fmt(s.max, decimals)];
}

const decimalsFor = (ms: number) => (ms < 10 ? 1 : 0);

export async function runLogzioBenchmark(options: LogzioBenchmarkOptions): Promise<string> {
  const gc = findGc();
  const notes: string[] = [];
  if (!gc) notes.push("No gc could be exposed: the heap figures are approximate.");
  const { batchSize } = options;
  // One line's share of the dataset's span: the mean time between two events.
  const eventSpacingMs = datasetSpanMs(1, 1);
  const windowMs = batchSize * eventSpacingMs;

  // The indexed logs end at the clock's start; the batches after them are the minutes the app
  // keeps logging while the alert ticks run.
  const indexBatches = Math.ceil(
    Math.max(options.searchLogs, options.batches * batchSize) / batchSize,
  );
  const ticks = WARM_UP_TICKS + options.runs;
  const tailBatches = Math.ceil((ticks * MINUTE) / windowMs);
  const spanMs = datasetSpanMs(indexBatches + tailBatches, batchSize);
  const anchor = DEFAULT_START + tailBatches * windowMs;
  const datasetStart = anchor - spanMs;
  if (datasetStart < windowStartOf(DEFAULT_START)) {
    throw new Error(
      `${fmt(indexBatches * batchSize)} logs span more than the search API's default window (today and yesterday): use fewer`,
    );
  }
  const base = createLogDataset({ anchor, batchSize, spanMs });
  const dataset = Object.assign(base, { start: datasetStart, eventSpacingMs });

  const home = tempDir("watermelon-bench-logzio-home-");
  const c: Context = {
    runs: options.runs,
    batches: options.batches,
    searches: options.searches,
    alertRules: options.alertRules,
    dataset,
    home: home.dir,
    gc,
    log: options.log ?? (() => {}),
  };
  try {
    c.log("logzio: warm-up start (creates the CA in WATERMELON_HOME)");
    await (await startSimulator(home.dir)).dispose();

    // 1. Ingest.
    const ingest = await runIngest(c);
    await settle();

    // The index for 2, 3 and 4: the simulator over HTTP, and the same logs in a store of its own.
    const stored = indexBatches * batchSize;
    const h = await openSimulator(home.dir);
    await settle();
    gc?.();
    const simBefore = process.memoryUsage().heapUsed;
    let searchFigures: LatencyFigures;
    let alertFigures: AlertFigures;
    let memoryRows: string[][];
    let fillLinesPerSecond: number;
    let inProcessLinesPerSecond: number;
    let journalEvents: number;
    try {
      c.log(`logzio: indexing ${fmt(stored)} logs through the listener (not timed as a figure)`);
      let fillMs = 0;
      await withClient(h.listenerUrl, async (listener) => {
        for (let i = 0; i < indexBatches; i++) {
          const body = ndjson(dataset.batch(i));
          const started = performance.now();
          await ship(listener, h.shippingToken, body);
          fillMs += performance.now() - started;
        }
      });
      fillLinesPerSecond = stored / (fillMs / 1000);
      await settle();
      gc?.();
      const simAfter = process.memoryUsage().heapUsed;
      journalEvents = h.sim.journal.all().length;
      c.log(`logzio: indexed in ${fmt(fillMs / 1000, 1)} s; indexing the same logs in-process`);

      const inProcessBefore = process.memoryUsage().heapUsed;
      const store = new LogzioStore([IN_PROCESS_ACCOUNT]);
      let inProcessMs = 0;
      for (let i = 0; i < indexBatches; i++) {
        const body = ndjson(dataset.batch(i));
        const started = performance.now();
        storeInProcess(store, body, h.sim.clock.now());
        inProcessMs += performance.now() - started;
      }
      inProcessLinesPerSecond = stored / (inProcessMs / 1000);
      gc?.();
      const inProcessAfter = process.memoryUsage().heapUsed;
      memoryRows = [
        memoryRow(
          "watermelon simulator (createSimulator), filled through the listener",
          stored,
          simBefore,
          simAfter,
        ),
        memoryRow(
          "the listener's store alone (operation called in-process, no journal)",
          stored,
          inProcessBefore,
          inProcessAfter,
        ),
      ];

      // 2. Search.
      const nowMs = h.sim.clock.now();
      searchFigures = await runSearches(
        c,
        [simulatorSearch(h), operationSearch(store), scanSearch(store)],
        nowMs,
      );

      // 3. Alerts.
      alertFigures = await runAlerts(c, h, store, { value: indexBatches });
    } finally {
      await h.sim.dispose();
    }

    // Tables.
    const lines = options.batches * batchSize;
    const nullName = nullIngestPeer().name;
    const nullMedian = summarize(ingest.rates.get(nullName) ?? []).median;
    const ingestRows = ingest.names.map((name) => {
      const s = summarize(ingest.rates.get(name) ?? []);
      return [
        name,
        fmt(lines),
        String(s.runs),
        fmt(s.median),
        fmt(s.min),
        fmt(s.max),
        `${fmt((100 * s.median) / nullMedian)} %`,
      ];
    });
    const paired = summarize(ingest.pairedRatios);
    notes.push(
      `Simulator over null server, paired round by round: median ${fmt(100 * paired.median)} % (min ${fmt(100 * paired.min)} %, max ${fmt(100 * paired.max)} %).`,
    );
    notes.push(
      `Indexing the ${fmt(stored)} logs for the searches: ${fmt(fillLinesPerSecond)} lines/s through the listener (one journal event per log: ${fmt(journalEvents)} events), ${fmt(inProcessLinesPerSecond)} lines/s for the operation alone in-process.`,
    );
    if (ingest.heldPerLog.length > 0) {
      const s = summarize(ingest.heldPerLog);
      memoryRows.push([
        `watermelon simulator, after each ingest run (median of ${s.runs})`,
        fmt(lines),
        "",
        "",
        fmtMiB(s.median * lines),
        fmt((s.median * 1e6) / 2 ** 20),
        fmt(s.median),
      ]);
    }

    const searchRows: string[][] = [];
    const searchNames = searchFigures.names;
    for (const kind of ["a", "b"] as const) {
      for (const name of searchNames) {
        const k = `${name}|${kind}`;
        const p50 = summarize(searchFigures.p50.get(k) ?? []);
        // A few searches per run make a poor p95 each: it is taken over every run's searches.
        const p95 = percentile(searchFigures.all.get(k) ?? [], 95);
        const outcome = searchFigures.outcomes.get(k);
        searchRows.push([
          `(${kind}) ${name}`,
          fmt(kind === "a" ? (outcome?.total ?? 0) : (outcome?.buckets.length ?? 0)),
          String(p50.runs),
          fmt(p50.median, decimalsFor(p50.median)),
          fmt(p95, decimalsFor(p95)),
          fmt(p50.min, decimalsFor(p50.min)),
          fmt(p50.max, decimalsFor(p50.max)),
        ]);
      }
    }
    notes.push(
      `Search p50: the median of the runs' medians (${fmt(options.searches)} searches of each kind per run); p95: over all ${fmt(options.searches * options.runs)} searches of the kind; min and max p50: the fastest and slowest run's median.`,
    );
    const firsts = (["a", "b"] as const).map(
      (kind) =>
        `(${kind}) ${searchNames
          .map((name) => {
            const ms = searchFigures.firstMs.get(`${name}|${kind}`) ?? 0;
            return `${fmt(ms, decimalsFor(ms))} ms ${name.split(" (")[0]}`;
          })
          .join(", ")}`,
    );
    notes.push(
      `The first search of each kind (uncounted, right after indexing; it also builds what a search builds on first use): ${firsts.join("; ")}.`,
    );
    const totalB = searchFigures.outcomes.get(`${searchNames[2]}|b`)?.total ?? 0;
    notes.push(
      `Search (a): \`${JSON.stringify(QUERY_A)}\`, ${HITS} hits returned. Search (b): \`${JSON.stringify(QUERY_B)}\`, over all ${fmt(totalB)} logs. The virtual clock stands at ${new Date(DEFAULT_START).toISOString()}; the logs span the ${fmt((indexBatches * windowMs) / 3_600_000, 1)} h before it.`,
    );

    const tick = summarize(alertFigures.tickMs);
    const scan = summarize(alertFigures.scanMs);
    const perRule = (s: Summary) => ({
      runs: s.runs,
      median: s.median / alertFigures.rules,
      min: s.min / alertFigures.rules,
      max: s.max / alertFigures.rules,
    });
    const alertRows = [
      [
        "watermelon alert engine, one tick on the virtual clock",
        fmt(alertFigures.rules),
        ...msCells(tick),
        fmt(perRule(tick).median, 2),
      ],
      [
        "hand-written scan per rule (plain JS, in-process)",
        fmt(alertFigures.rules),
        ...msCells(scan),
        fmt(perRule(scan).median, 2),
      ],
    ];
    notes.push(
      `Alert ticks: ${fmt(summarize(alertFigures.triggers).median)} triggers per tick (median), the same for the engine and the scan; time frames of 5, 10 and 15 minutes; ${fmt(MINUTE / eventSpacingMs)} new logs a minute, shipped before each tick.`,
    );

    return [
      "## Logz.io",
      "",
      `### Listener ingestion: ${fmt(options.batches)} sequential bulks of ${fmt(batchSize)} NDJSON lines per run`,
      "",
      markdownTable(
        ["target", "lines/run", "runs", "lines/s (median)", "min", "max", "of null server"],
        ingestRows,
      ),
      "",
      `### Search latency over ${fmt(stored)} indexed logs (${fmt(options.searches)} searches of each kind per run)`,
      "",
      markdownTable(
        ["search", "hits or buckets", "runs", "p50 ms", "p95 ms", "min p50", "max p50"],
        searchRows,
      ),
      "",
      `### Alert evaluation: one tick of ${fmt(alertFigures.rules)} rules over ${fmt(stored)} logs`,
      "",
      markdownTable(
        ["evaluation", "rules", "runs", "median ms", "min ms", "max ms", "ms per rule"],
        alertRows,
      ),
      "",
      "### Heap held by indexed logs (after a full collection)",
      "",
      markdownTable(
        [
          "store",
          "logs",
          "heap before MiB",
          "heap after MiB",
          "held MiB",
          "MiB per million",
          "bytes/log",
        ],
        memoryRows,
      ),
      "",
      ...notes.map((n) => `- ${n}`),
      "",
    ].join("\n");
  } finally {
    home.dispose();
  }
}
