// CloudWatch Logs benchmark: the embedded AWS emulator against moto_server (a real third-party
// AWS emulator) and a null server (the AWS SDK's own cost), all through
// @aws-sdk/client-cloudwatch-logs on the same seeded dataset (bench/logDataset.ts).
//
// 1. PutLogEvents, sequential 1,000-event batches: events per second. After each embedded run,
//    FilterLogEvents must find every event that was put (stored and searchable).
// 2. FilterLogEvents with a JSON pattern over 1,000,000 stored events, paginated to the end; and
//    the operation alone, in-process, on a store filled the same way.
// 3. Start to ready: createSimulator() until `ready`, against moto_server's spawn to first answer.
// 4. Heap held per million stored events.
// Peers are interleaved round by round, the one going first rotating.

import type { ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import http from "node:http";
import type net from "node:net";
import { performance } from "node:perf_hooks";
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  FilterLogEventsCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import type { AccountScope, AwsServiceContext } from "../simulator/aws/context.js";
import { createSubscriptionDelivery } from "../simulator/aws/logs/delivery.js";
import { createLogGroup } from "../simulator/aws/logs/operations/createLogGroup.js";
import { createLogStream } from "../simulator/aws/logs/operations/createLogStream.js";
import { filterLogEvents } from "../simulator/aws/logs/operations/filterLogEvents.js";
import { putLogEvents } from "../simulator/aws/logs/operations/putLogEvents.js";
import type { LogsRuntime } from "../simulator/aws/logs/runtime.js";
import { parseInput } from "../simulator/aws/logs/schemas.js";
import { LogsStore } from "../simulator/aws/logs/store.js";
import { createSimulator, type Simulator } from "../simulator/cli/api.js";
import { createIdFactory } from "../simulator/kernel/ids.js";
import { Journal } from "../simulator/kernel/journal.js";
import { createRng } from "../simulator/kernel/rng.js";
import { createVirtualClock } from "../simulator/kernel/virtualClock.js";
import { findGc, type Gc, settle } from "./heap.js";
import {
  createLogDataset,
  DATASET_SEED,
  datasetSpanMs,
  isServerError,
  type LogBatch,
  type LogDataset,
} from "./logDataset.js";
import {
  behindPyenvShim,
  firstHttpAnswer,
  freePorts,
  onPath,
  spawnTracked,
  stop,
  tempDir,
} from "./startup.js";
import { fmt, fmtMiB, markdownTable, rotate, type Summary, summarize } from "./stats.js";

const HOST = "127.0.0.1";
const GROUP = "/watermelon/bench/app";
export const JSON_PATTERN = '{ $.level = "error" && $.status >= 500 }';
/** Uncounted ingest runs of each in-process peer before the first counted one (JIT warm-up). */
const WARM_UP_ROUNDS = 2;
const SCOPE: AccountScope = { accountId: "000000000000", region: "us-east-1" };

export interface AwsLogsOptions {
  runs: number;
  /** PutLogEvents calls per ingest run. */
  batches: number;
  /** Events per PutLogEvents call. */
  batchSize: number;
  /** Events stored in the embedded emulator for the FilterLogEvents and memory figures. */
  filterEvents: number;
  /** Events stored in moto_server for its FilterLogEvents figure. */
  motoFilterEvents: number;
  log?: (line: string) => void;
}

/** A server the SDK client is pointed at, for one run. */
interface Target {
  url: string;
  close(): Promise<void>;
}

interface Peer {
  name: string;
  start(): Promise<Target>;
  /** The embedded emulator: its stored events are checked after each run. */
  embedded: boolean;
  /** Runs in this process (its code is warmed up before the first counted run). */
  inProcess: boolean;
}

function client(url: string): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    // A failed call is a failed benchmark, not something to retry quietly.
    maxAttempts: 1,
  });
}

// ---------------------------------------------------------------------------------------------
// The contenders.

function embeddedSimulator(home: string, anchor: number): Promise<Simulator> {
  const sim = createSimulator({
    home,
    start: anchor,
    aws: { logs: { journalEachEvent: false } },
  });
  return sim.ready.then(
    () => sim,
    async (error: unknown) => {
      await sim.dispose();
      throw error;
    },
  );
}

function embeddedPeer(home: string, anchor: number): Peer {
  return {
    name: "watermelon embedded emulator",
    embedded: true,
    inProcess: true,
    async start() {
      const sim = await embeddedSimulator(home, anchor);
      return { url: sim.endpoints.aws.url, close: () => sim.dispose() };
    },
  };
}

/** Answers every request with `{}` once the body is read: what the client costs on its own. */
function nullPeer(): Peer {
  return {
    name: "null server (node:http answering {})",
    embedded: false,
    inProcess: true,
    async start() {
      const server = http.createServer((req, res) => {
        req.on("data", () => {});
        req.on("end", () => {
          res.writeHead(200, {
            "content-type": "application/x-amz-json-1.1",
            "x-amzn-requestid": randomUUID(),
            "content-length": "2",
          });
          res.end("{}");
        });
      });
      await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, HOST, () => resolve());
      });
      const { port } = server.address() as net.AddressInfo;
      return {
        url: `http://${HOST}:${port}`,
        close: () =>
          new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeAllConnections();
          }),
      };
    },
  };
}

async function startMoto(executable: string): Promise<{ url: string; child: ChildProcess }> {
  const [port] = await freePorts(1);
  const child = spawnTracked(executable, ["-H", HOST, "-p", String(port)], process.env);
  child.stdout?.resume();
  child.stderr?.resume();
  const failed = new Promise<never>((_, reject) => child.once("error", reject));
  try {
    await Promise.race([firstHttpAnswer(port as number, child, "moto_server"), failed]);
  } catch (error) {
    child.kill("SIGKILL");
    throw error;
  }
  return { url: `http://${HOST}:${port}`, child };
}

function motoPeer(executable: string): Peer {
  return {
    name: "moto_server 5 (Python)",
    embedded: false,
    inProcess: false,
    async start() {
      const { url, child } = await startMoto(executable);
      return { url, close: () => stop(child, "moto_server").then(() => undefined) };
    },
  };
}

/** The moto_server program itself (not a pyenv shim), or why it is skipped. */
function findMoto(): { executable?: string; note: string } {
  const onPathMoto = onPath("moto_server");
  if (!onPathMoto) return { note: "moto_server skipped: no `moto_server` executable on PATH." };
  const real = behindPyenvShim(onPathMoto) ?? onPathMoto;
  return { executable: real, note: `moto_server: ${real}.` };
}

// ---------------------------------------------------------------------------------------------
// Calls through the SDK.

async function createGroup(logs: CloudWatchLogsClient, streams: readonly string[]) {
  await logs.send(new CreateLogGroupCommand({ logGroupName: GROUP }));
  for (const logStreamName of streams) {
    await logs.send(new CreateLogStreamCommand({ logGroupName: GROUP, logStreamName }));
  }
}

async function put(logs: CloudWatchLogsClient, batch: LogBatch, name: string): Promise<void> {
  const out = await logs.send(
    new PutLogEventsCommand({
      logGroupName: GROUP,
      logStreamName: batch.stream,
      logEvents: batch.events,
    }),
  );
  if (out.rejectedLogEventsInfo) {
    throw new Error(`${name} rejected events: ${JSON.stringify(out.rejectedLogEventsInfo)}`);
  }
}

interface FilterResult {
  matched: number;
  pages: number;
}

/** FilterLogEvents over the whole group, page after page until there is no next token. */
async function filterAll(logs: CloudWatchLogsClient, pattern?: string): Promise<FilterResult> {
  let nextToken: string | undefined;
  let matched = 0;
  let pages = 0;
  do {
    const out = await logs.send(
      new FilterLogEventsCommand({
        logGroupName: GROUP,
        ...(pattern !== undefined ? { filterPattern: pattern } : {}),
        ...(nextToken !== undefined ? { nextToken } : {}),
      }),
    );
    matched += out.events?.length ?? 0;
    pages++;
    nextToken = out.nextToken;
  } while (nextToken !== undefined);
  return { matched, pages };
}

// ---------------------------------------------------------------------------------------------
// 1. Ingest.

interface IngestSample {
  eventsPerSecond: number;
  /** Embedded only: heap held after the run (gc'd), above the heap before it. */
  heldBytes?: number;
}

async function ingestRun(
  peer: Peer,
  batches: readonly LogBatch[],
  streams: readonly string[],
  gc: Gc | undefined,
): Promise<IngestSample> {
  const target = await peer.start();
  try {
    const logs = client(target.url);
    let heldBytes: number | undefined;
    try {
      await createGroup(logs, streams);
      await settle();
      gc?.();
      const before = process.memoryUsage().heapUsed;
      const events = batches.reduce((n, b) => n + b.events.length, 0);
      const started = performance.now();
      for (const batch of batches) await put(logs, batch, peer.name);
      const ms = performance.now() - started;
      if (peer.embedded) {
        // An ingest counts only events that are stored and searchable when the response is sent.
        const { matched } = await filterAll(logs);
        if (matched !== events) {
          throw new Error(`${peer.name}: put ${events} events, FilterLogEvents finds ${matched}`);
        }
        logs.destroy();
        gc?.();
        heldBytes = gc ? process.memoryUsage().heapUsed - before : undefined;
      }
      return {
        eventsPerSecond: events / (ms / 1000),
        ...(heldBytes !== undefined ? { heldBytes } : {}),
      };
    } finally {
      logs.destroy();
    }
  } finally {
    await target.close();
  }
}

// ---------------------------------------------------------------------------------------------
// 2. FilterLogEvents, in-process: the operation on a store filled by PutLogEvents, no HTTP.

function inProcessLogs(anchor: number): LogsRuntime {
  const clock = createVirtualClock({ start: anchor });
  const rng = createRng(DATASET_SEED).fork("aws");
  const ctx: AwsServiceContext = {
    clock,
    journal: new Journal({ clock }),
    rng,
    ids: createIdFactory(rng.fork("ids")),
    endpoint: () => `http://${HOST}:4566`,
  };
  const noLambda = () => {
    throw new Error("no Lambda in this benchmark");
  };
  let seq = 0;
  return {
    ctx,
    options: { subscriptionDelayMs: 0, controlMessage: false, journalEachEvent: false },
    store: new LogsStore(),
    lambda: noLambda,
    delivery: createSubscriptionDelivery(ctx, { delayMs: 0 }, noLambda),
    nextSeq: () => ++seq,
  };
}

/** Validation plus the operation, page by page, as the HTTP handler calls it (no JSON, no HTTP). */
function filterInProcess(rt: LogsRuntime, pattern: string): FilterResult {
  let nextToken: string | undefined;
  let matched = 0;
  let pages = 0;
  do {
    const input = parseInput("FilterLogEvents", {
      logGroupName: GROUP,
      filterPattern: pattern,
      ...(nextToken !== undefined ? { nextToken } : {}),
    });
    const out = filterLogEvents(rt, SCOPE, input);
    matched += out.events.length;
    pages++;
    nextToken = out.nextToken;
  } while (nextToken !== undefined);
  return { matched, pages };
}

// ---------------------------------------------------------------------------------------------
// The four parts. Each returns plain figures, so what it stored is garbage once it returns.

interface Context {
  runs: number;
  dataset: LogDataset;
  anchor: number;
  home: string;
  motoExecutable: string | undefined;
  gc: Gc | undefined;
  log: (line: string) => void;
}

interface IngestFigures {
  names: string[];
  rates: Map<string, number[]>;
  /** Per round, the embedded emulator's rate over the null server's. */
  pairedRatios: number[];
  /** Heap held per stored event after each embedded run. */
  heldPerEvent: number[];
}

async function runIngest(c: Context, batches: number): Promise<IngestFigures> {
  const ingestBatches = Array.from({ length: batches }, (_, i) => c.dataset.batch(i));
  const embedded = embeddedPeer(c.home, c.anchor);
  const nothing = nullPeer();
  const peers: Peer[] = [embedded, nothing];
  if (c.motoExecutable) peers.push(motoPeer(c.motoExecutable));

  // Warms up the SDK client and the emulator's code in this process. moto_server runs in a new
  // process each run, so there is nothing to warm there.
  c.log(`logs: ingest warm-up (${WARM_UP_ROUNDS} runs per in-process peer, not counted)`);
  for (let i = 0; i < WARM_UP_ROUNDS; i++) {
    for (const peer of peers) {
      if (peer.inProcess) await ingestRun(peer, ingestBatches, c.dataset.streams, undefined);
    }
  }
  const rates = new Map<string, number[]>(peers.map((p) => [p.name, []]));
  const pairedRatios: number[] = [];
  const heldPerEvent: number[] = [];
  const events = batches * c.dataset.batchSize;
  for (let round = 0; round < c.runs; round++) {
    const thisRound = new Map<string, number>();
    for (const peer of rotate(peers, round)) {
      const sample = await ingestRun(peer, ingestBatches, c.dataset.streams, c.gc);
      rates.get(peer.name)?.push(sample.eventsPerSecond);
      thisRound.set(peer.name, sample.eventsPerSecond);
      if (sample.heldBytes !== undefined) heldPerEvent.push(sample.heldBytes / events);
      c.log(
        `logs: ingest round ${round + 1}/${c.runs} ${peer.name}: ${fmt(sample.eventsPerSecond)} events/s`,
      );
    }
    pairedRatios.push(
      (thisRound.get(embedded.name) as number) / (thisRound.get(nothing.name) as number),
    );
  }
  return { names: peers.map((p) => p.name), rates, pairedRatios, heldPerEvent };
}

interface FilterFigures {
  samples: Map<string, number[]>;
  counts: Map<string, FilterResult>;
  expectedMatches: number;
  memoryRow: string[];
}

function memoryRow(label: string, events: number, before: number, after: number): string[] {
  const held = after - before;
  return [
    label,
    fmt(events),
    fmtMiB(before),
    fmtMiB(after),
    fmtMiB(held),
    fmt(((held / events) * 1e6) / 2 ** 20),
    fmt(held / events),
  ];
}

/** Stores `events` in the embedded emulator (and fewer in moto_server), then searches both. */
async function runFilterThroughSdk(
  c: Context,
  events: number,
  motoEvents: number,
): Promise<FilterFigures> {
  const batchSize = c.dataset.batchSize;
  const batches = Math.ceil(events / batchSize);
  const motoBatches = Math.ceil(motoEvents / batchSize);
  const stored = batches * batchSize;
  let expectedMatches = 0;
  const sim = await embeddedSimulator(c.home, c.anchor);
  const simLogs = client(sim.endpoints.aws.url);
  let moto: { url: string; child: ChildProcess } | undefined;
  let motoLogs: CloudWatchLogsClient | undefined;
  try {
    await createGroup(simLogs, c.dataset.streams);
    await settle();
    c.gc?.();
    const before = process.memoryUsage().heapUsed;
    c.log(`logs: storing ${fmt(stored)} events in the embedded emulator (not timed)`);
    const fillStarted = performance.now();
    for (let i = 0; i < batches; i++) {
      const batch = c.dataset.batch(i);
      for (const e of batch.events) if (isServerError(e.message)) expectedMatches++;
      await put(simLogs, batch, "embedded emulator");
    }
    c.log(`logs: stored in ${fmt((performance.now() - fillStarted) / 1000, 1)} s`);
    c.gc?.();
    const after = process.memoryUsage().heapUsed;
    const row = memoryRow(
      "embedded emulator (createSimulator), filled through the SDK",
      stored,
      before,
      after,
    );

    const contenders: { name: string; run(): Promise<FilterResult> }[] = [
      {
        name: `watermelon embedded emulator, through the SDK, ${fmt(stored)} events`,
        run: () => filterAll(simLogs, JSON_PATTERN),
      },
    ];
    if (c.motoExecutable) {
      moto = await startMoto(c.motoExecutable);
      const m = client(moto.url);
      motoLogs = m;
      await createGroup(m, c.dataset.streams);
      c.log(`logs: storing ${fmt(motoBatches * batchSize)} events in moto_server (not timed)`);
      for (let i = 0; i < motoBatches; i++) await put(m, c.dataset.batch(i), "moto_server");
      contenders.push({
        name: `moto_server, through the SDK, ${fmt(motoBatches * batchSize)} events (pattern ignored)`,
        run: () => filterAll(m, JSON_PATTERN),
      });
    }
    const samples = new Map<string, number[]>(contenders.map((x) => [x.name, []]));
    const counts = new Map<string, FilterResult>();
    for (let round = 0; round < c.runs; round++) {
      for (const contender of rotate(contenders, round)) {
        c.gc?.();
        const started = performance.now();
        const result = await contender.run();
        const ms = performance.now() - started;
        samples.get(contender.name)?.push(ms);
        counts.set(contender.name, result);
        c.log(
          `logs: filter round ${round + 1}/${c.runs} ${contender.name}: ${fmt(ms)} ms, ${fmt(result.matched)} events, ${result.pages} pages`,
        );
      }
    }
    const ours = counts.get(contenders[0]?.name ?? "");
    if (ours?.matched !== expectedMatches) {
      throw new Error(
        `embedded FilterLogEvents matched ${ours?.matched} events, the dataset has ${expectedMatches}`,
      );
    }
    return { samples, counts, expectedMatches, memoryRow: row };
  } finally {
    simLogs.destroy();
    motoLogs?.destroy();
    if (moto) await stop(moto.child, "moto_server");
    await sim.dispose();
  }
}

interface InProcessFigures extends FilterFigures {
  putEventsPerSecond: number;
}

/** The operations called in-process on a store of their own, filled with the same batches. */
function runFilterInProcess(c: Context, events: number, expectedMatches: number): InProcessFigures {
  const batches = Math.ceil(events / c.dataset.batchSize);
  const stored = batches * c.dataset.batchSize;
  c.gc?.();
  const rt = inProcessLogs(c.anchor);
  createLogGroup(rt, SCOPE, parseInput("CreateLogGroup", { logGroupName: GROUP }));
  for (const logStreamName of c.dataset.streams) {
    createLogStream(
      rt,
      SCOPE,
      parseInput("CreateLogStream", { logGroupName: GROUP, logStreamName }),
    );
  }
  c.gc?.();
  const before = process.memoryUsage().heapUsed;
  c.log(`logs: storing ${fmt(stored)} events in-process (not timed)`);
  let putMs = 0;
  for (let i = 0; i < batches; i++) {
    const batch = c.dataset.batch(i);
    const started = performance.now();
    putLogEvents(
      rt,
      SCOPE,
      parseInput("PutLogEvents", {
        logGroupName: GROUP,
        logStreamName: batch.stream,
        logEvents: batch.events,
      }),
    );
    putMs += performance.now() - started;
  }
  c.gc?.();
  const after = process.memoryUsage().heapUsed;
  const name = `watermelon, the operation alone (in-process), ${fmt(stored)} events`;
  const samples = new Map<string, number[]>([[name, []]]);
  const counts = new Map<string, FilterResult>();
  for (let round = 0; round < c.runs; round++) {
    c.gc?.();
    const started = performance.now();
    const result = filterInProcess(rt, JSON_PATTERN);
    const ms = performance.now() - started;
    samples.get(name)?.push(ms);
    counts.set(name, result);
    if (result.matched !== expectedMatches) {
      throw new Error(
        `in-process FilterLogEvents matched ${result.matched}, not ${expectedMatches}`,
      );
    }
    c.log(`logs: filter round ${round + 1}/${c.runs} ${name}: ${fmt(ms)} ms`);
  }
  rt.store.reset();
  return {
    samples,
    counts,
    expectedMatches,
    memoryRow: memoryRow("the store alone (operations called in-process)", stored, before, after),
    putEventsPerSecond: stored / (putMs / 1000),
  };
}

async function runReady(c: Context): Promise<Map<string, number[]>> {
  const starters: { name: string; once(): Promise<number> }[] = [
    {
      name: "watermelon createSimulator() to ready (in-process, CA already in home)",
      async once() {
        const started = performance.now();
        const sim = createSimulator({ home: c.home, aws: { logs: { journalEachEvent: false } } });
        await sim.ready;
        const ms = performance.now() - started;
        await sim.dispose();
        return ms;
      },
    },
  ];
  const executable = c.motoExecutable;
  if (executable) {
    starters.push({
      name: "moto_server spawn to first HTTP answer",
      async once() {
        const started = performance.now();
        const { child } = await startMoto(executable);
        const ms = performance.now() - started;
        await stop(child, "moto_server");
        return ms;
      },
    });
  }
  const samples = new Map<string, number[]>(starters.map((s) => [s.name, []]));
  for (let round = 0; round < c.runs; round++) {
    for (const s of rotate(starters, round)) {
      const ms = await s.once();
      samples.get(s.name)?.push(ms);
      c.log(`logs: ready round ${round + 1}/${c.runs} ${s.name}: ${fmt(ms)} ms`);
    }
  }
  return samples;
}

// ---------------------------------------------------------------------------------------------

function msRow(label: string, s: Summary, extra: string[] = []): string[] {
  const decimals = s.median < 10 ? 1 : 0;
  return [
    label,
    ...extra,
    String(s.runs),
    fmt(s.median, decimals),
    fmt(s.min, decimals),
    fmt(s.max, decimals),
  ];
}

export async function runAwsLogsBenchmark(options: AwsLogsOptions): Promise<string> {
  const gc = findGc();
  const notes: string[] = [];
  const { batchSize } = options;
  if (!gc) notes.push("No gc could be exposed: the heap figures are approximate.");

  const spanBatches = Math.ceil(
    Math.max(options.batches * batchSize, options.filterEvents, options.motoFilterEvents) /
      batchSize,
  );
  // The emulators take `anchor` as now: every event is in the past, within the accepted 14 days.
  const anchor = Date.now();
  const dataset = createLogDataset({
    anchor,
    batchSize,
    spanMs: datasetSpanMs(spanBatches, batchSize),
  });
  const moto = findMoto();
  notes.push(moto.note);

  const home = tempDir("watermelon-bench-logs-home-");
  try {
    const c: Context = {
      runs: options.runs,
      dataset,
      anchor,
      home: home.dir,
      motoExecutable: moto.executable,
      gc,
      log: options.log ?? (() => {}),
    };
    c.log("logs: warm-up start (creates the CA in WATERMELON_HOME)");
    await (await embeddedSimulator(home.dir, anchor)).dispose();

    const ingest = await runIngest(c, options.batches);
    const sdk = await runFilterThroughSdk(c, options.filterEvents, options.motoFilterEvents);
    await settle();
    const inProcess = runFilterInProcess(c, options.filterEvents, sdk.expectedMatches);
    const ready = await runReady(c);

    const eventsPerRun = options.batches * batchSize;
    const nullName = nullPeer().name;
    const nullMedian = summarize(ingest.rates.get(nullName) ?? []).median;
    const ingestRows = ingest.names.map((name) => {
      const s = summarize(ingest.rates.get(name) ?? []);
      return [
        name,
        fmt(eventsPerRun),
        String(s.runs),
        fmt(s.median),
        fmt(s.min),
        fmt(s.max),
        `${fmt((100 * s.median) / nullMedian)} %`,
      ];
    });
    notes.push(
      `Embedded over null server, paired round by round: median ${fmt(100 * summarize(ingest.pairedRatios).median)} % (min ${fmt(100 * summarize(ingest.pairedRatios).min)} %, max ${fmt(100 * summarize(ingest.pairedRatios).max)} %).`,
    );
    notes.push(
      `In-process PutLogEvents (validation and the operation, no HTTP, no JSON): ${fmt(inProcess.putEventsPerSecond)} events/s while storing ${fmt(options.filterEvents)} events.`,
    );

    const filterRows = [sdk, inProcess].flatMap((figures) =>
      [...figures.samples.entries()].map(([name, samples]) => {
        const counts = figures.counts.get(name);
        return msRow(name, summarize(samples), [
          fmt(counts?.matched ?? 0),
          String(counts?.pages ?? 0),
        ]);
      }),
    );
    const readyRows = [...ready.entries()].map(([name, samples]) =>
      msRow(name, summarize(samples)),
    );
    const memoryRows = [sdk.memoryRow, inProcess.memoryRow];
    if (ingest.heldPerEvent.length > 0) {
      const s = summarize(ingest.heldPerEvent);
      memoryRows.push([
        `embedded emulator, after each ingest run (median of ${s.runs})`,
        fmt(eventsPerRun),
        "",
        "",
        fmtMiB(s.median * eventsPerRun),
        fmt((s.median * 1e6) / 2 ** 20),
        fmt(s.median),
      ]);
    }

    return [
      "## CloudWatch Logs (embedded AWS emulator)",
      "",
      `### PutLogEvents through the AWS SDK: ${fmt(options.batches)} sequential calls of ${fmt(batchSize)} events per run`,
      "",
      markdownTable(
        ["target", "events/run", "runs", "events/s (median)", "min", "max", "of null server"],
        ingestRows,
      ),
      "",
      `### FilterLogEvents \`${JSON_PATTERN}\`, every page`,
      "",
      markdownTable(
        ["search", "events matched", "pages", "runs", "median ms", "min ms", "max ms"],
        filterRows,
      ),
      "",
      "### Start to ready",
      "",
      markdownTable(["ready", "runs", "median ms", "min ms", "max ms"], readyRows),
      "",
      "### Heap held by stored events (after a full collection)",
      "",
      markdownTable(
        [
          "store",
          "events",
          "heap before MiB",
          "heap after MiB",
          "held MiB",
          "MiB per million",
          "bytes/event",
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
