import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import {
  Journal,
  type JournalEvent,
  JournalListenerError,
  type JournalSink,
  openJsonlFileSink,
  readJournalFile,
  serializeEvent,
} from "../../../simulator/kernel/journal.js";

const START = Date.UTC(2026, 0, 5, 9, 0, 0);
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));
const journalModule = fileURLToPath(
  new URL("../../../simulator/kernel/journal.ts", import.meta.url),
);

const tempRoot = mkdtempSync(join(tmpdir(), "watermelon-journal-"));
afterAll(() => rmSync(tempRoot, { recursive: true, force: true }));
let tempCount = 0;
function tempPath(name: string): string {
  tempCount += 1;
  // Only the per-test directory exists: deeper parents are left for the sink to create.
  const dir = join(tempRoot, String(tempCount));
  mkdirSync(dir);
  return join(dir, name);
}

function manualClock(start = START) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

/** A small incident's worth of events, 1 s apart. */
function fillJournal(journal: Journal, clock: ReturnType<typeof manualClock>): void {
  journal.append("app.error.emitted", {
    source: "app",
    correlation: { traceId: "t-1" },
    data: { message: "boom", level: "error" },
  });
  clock.advance(1000);
  journal.append("logs.event.stored", {
    source: "aws",
    correlation: { traceId: "t-1" },
    data: { logGroup: "/app", eventId: "1" },
  });
  clock.advance(1000);
  journal.append("pagerduty.incident.triggered", {
    source: "pagerduty",
    correlation: { traceId: "t-1", dedupKey: "d-1", incident: "1" },
    data: { urgency: "high" },
  });
  clock.advance(1000);
  journal.append("pagerduty.incident.acknowledged", {
    source: "pagerduty",
    correlation: { dedupKey: "d-1", incident: "1" },
    data: { by: "alice" },
  });
  clock.advance(1000);
  journal.append("pagerduty.incidents.listed", { source: "pagerduty", data: { count: 1 } });
  clock.advance(1000);
  journal.append("app.error.emitted", {
    source: "app",
    correlation: { traceId: "t-2" },
    data: { message: "again", level: "error" },
  });
}

const seqs = (events: readonly JournalEvent[]) => events.map((e) => e.seq);

describe("Journal.append", () => {
  it("numbers events from 1 and stamps them with the clock's time", () => {
    const clock = manualClock();
    const journal = new Journal({ clock });
    const first = journal.append("host.started");
    clock.advance(1234);
    const second = journal.append("host.stopped", { source: "host" });
    expect(first).toEqual({
      seq: 1,
      time: "2026-01-05T09:00:00.000Z",
      type: "host.started",
      source: "simulator",
      correlation: {},
      data: {},
    });
    expect(second.seq).toBe(2);
    expect(second.time).toBe("2026-01-05T09:00:01.234Z");
    expect(second.source).toBe("host");
    expect(seqs(journal.all())).toEqual([1, 2]);
  });

  it("freezes events, and copies data so later mutation by the producer changes nothing", () => {
    const journal = new Journal({ clock: manualClock() });
    const data = { nested: { list: [1, 2] }, n: 1 };
    const correlation = { traceId: "t" };
    const event = journal.append("app.error.emitted", { correlation, data });
    data.nested.list.push(3);
    data.n = 2;
    correlation.traceId = "changed";
    expect(event.data).toEqual({ nested: { list: [1, 2] }, n: 1 });
    expect(event.correlation).toEqual({ traceId: "t" });
    expect(Object.isFrozen(event)).toBe(true);
    expect(Object.isFrozen(event.data)).toBe(true);
    expect(Object.isFrozen(event.correlation)).toBe(true);
    expect(Object.isFrozen((event.data.nested as { list: number[] }).list)).toBe(true);
    expect(() => {
      (event as { seq: number }).seq = 9;
    }).toThrow(TypeError);
    const all = journal.all() as JournalEvent[];
    expect(() => all.pop()).not.toThrow();
    expect(journal.all()).toHaveLength(1);
  });

  it.each([
    "Pagerduty.incident",
    "pagerduty",
    "pagerduty.",
    "pagerduty..incident",
    "pagerduty.incident-triggered",
    "1pagerduty.incident",
    ".pagerduty.incident",
    "pagerduty.incident.*",
    "",
  ])("rejects the type %j", (type) => {
    const journal = new Journal({ clock: manualClock() });
    expect(() => journal.append(type)).toThrow(/dotted lowercase/);
    expect(journal.all()).toHaveLength(0);
  });

  it("accepts dotted lowercase types with digits and underscores", () => {
    const journal = new Journal({ clock: manualClock() });
    expect(journal.append("logs.subscription_filter.delivered_v2").seq).toBe(1);
    expect(journal.append("a.1").seq).toBe(2);
  });

  class Money {
    constructor(readonly cents: number) {}
  }
  const circular: Record<string, unknown> = { a: 1 };
  circular.self = circular;

  it.each<[string, Record<string, unknown>, RegExp]>([
    ["a function", { retry: () => 1 }, /data\.retry is a function/],
    ["a symbol", { s: Symbol("x") }, /data\.s is a symbol/],
    ["a bigint", { big: 10n }, /data\.big is a bigint/],
    ["NaN", { ratio: Number.NaN }, /data\.ratio is NaN/],
    ["Infinity", { nested: { x: Number.POSITIVE_INFINITY } }, /data\.nested\.x is Infinity/],
    ["a Date", { at: new Date(0) }, /data\.at is a Date instance/],
    ["a Map", { m: new Map() }, /data\.m is a Map instance/],
    ["a class instance", { price: new Money(5) }, /data\.price is a Money instance/],
    ["undefined in an array", { list: [1, undefined] }, /data\.list\[1\] is undefined/],
    ["a cycle", circular, /data\.self is a circular reference/],
    ["an odd key", { "x-y": { z: () => 0 } }, /data\["x-y"\]\.z is a function/],
  ])("rejects data holding %s, naming the type and path", (_name, data, message) => {
    const journal = new Journal({ clock: manualClock() });
    const attempt = () => journal.append("pagerduty.event.accepted", { data });
    expect(attempt).toThrow(message);
    expect(attempt).toThrow(/journal event "pagerduty\.event\.accepted"/);
    expect(journal.all()).toHaveLength(0);
  });

  it("rejects data and correlation of the wrong shape", () => {
    const journal = new Journal({ clock: manualClock() });
    expect(() =>
      journal.append("a.b", { data: [1, 2] as unknown as Record<string, unknown> }),
    ).toThrow(/"a\.b": data is an array/);
    expect(() =>
      journal.append("a.b", { correlation: { incident: 7 as unknown as string } }),
    ).toThrow(/"a\.b": correlation\.incident must be a string, got 7/);
    expect(() => journal.append("a.b", { source: "" })).toThrow(/source/);
  });

  it("drops properties whose value is undefined, as JSON does, and keeps shared references", () => {
    const journal = new Journal({ clock: manualClock() });
    const shared = { id: "x" };
    const event = journal.append("a.b", {
      data: { reason: undefined, kept: null, a: shared, b: shared, zero: -0 },
    });
    expect(Object.keys(event.data).sort()).toEqual(["a", "b", "kept", "zero"]);
    expect(Object.is(event.data.zero, 0)).toBe(true);
    expect(JSON.parse(serializeEvent(event))).toEqual(event);
  });

  it('keeps a "__proto__" key as data rather than a prototype', () => {
    const journal = new Journal({ clock: manualClock() });
    const data = JSON.parse('{"__proto__":{"polluted":true}}') as Record<string, unknown>;
    const event = journal.append("a.b", { data });
    expect(Object.getPrototypeOf(event.data)).toBe(Object.prototype);
    expect(Object.keys(event.data)).toEqual(["__proto__"]);
    expect(serializeEvent(event)).toContain('"data":{"__proto__":{"polluted":true}}');
  });

  it("copies deeply nested data, drops symbol keys and keeps key order, frozen all the way", () => {
    const journal = new Journal({ clock: manualClock() });
    let deep: Record<string, unknown> = { leaf: [1, "two", false, null] };
    for (let i = 0; i < 40; i++) deep = { [`level${i}`]: deep, n: i };
    const tagged = { b: 1, a: 2, [Symbol("hidden")]: 3, 10: "ten" };
    const event = journal.append("a.b", { data: { deep, tagged } });
    expect(event.data.deep).toEqual(deep);
    expect(event.data.deep).not.toBe(deep);
    expect(Object.keys(event.data.tagged as object)).toEqual(["10", "b", "a"]);
    expect(Object.getOwnPropertySymbols(event.data.tagged)).toEqual([]);
    let node = event.data.deep as Record<string, unknown>;
    for (let i = 39; i >= 0; i--) {
      expect(Object.isFrozen(node)).toBe(true);
      node = node[`level${i}`] as Record<string, unknown>;
    }
    expect(Object.isFrozen(node.leaf)).toBe(true);
    expect(JSON.parse(serializeEvent(event))).toEqual(event);
  });

  it("checks correlation the same way whatever its shape, and indexes a repeated id once", () => {
    const journal = new Journal({ clock: manualClock() });
    const proto = JSON.parse('{"__proto__":"p-1","traceId":"t-1"}') as Record<string, string>;
    const first = journal.append("a.b", { correlation: proto });
    expect(Object.getPrototypeOf(first.correlation)).toBe(Object.prototype);
    expect(Object.keys(first.correlation)).toEqual(["__proto__", "traceId"]);
    const twice = journal.append("a.b", { correlation: { traceId: "t-1", parent: "t-1" } });
    journal.append("a.b", { correlation: { traceId: "t-2" } });
    expect(seqs(journal.byCorrelation("t-1"))).toEqual([1, 2]);
    expect(seqs(journal.byCorrelation("t-2"))).toEqual([3]);
    expect(seqs(journal.query({ correlation: "p-1" }))).toEqual([1]);
    expect(Object.isFrozen(twice.correlation)).toBe(true);
    expect(() =>
      journal.append("a.b", { correlation: { traceId: "t", [Symbol("s")]: "x" } }),
    ).not.toThrow();
    expect(Object.getOwnPropertySymbols(journal.all()[3]?.correlation)).toEqual([]);
  });

  it("stamps events of one instant with equal times and a later one with its own", () => {
    const clock = manualClock();
    const journal = new Journal({ clock });
    const a = journal.append("a.b");
    const b = journal.append("a.b");
    clock.advance(1);
    const c = journal.append("a.b");
    expect([a.time, b.time, c.time]).toEqual([
      "2026-01-05T09:00:00.000Z",
      "2026-01-05T09:00:00.000Z",
      "2026-01-05T09:00:00.001Z",
    ]);
  });

  it("refuses appends after close", () => {
    const journal = new Journal({ clock: manualClock() });
    journal.append("a.b");
    journal.close();
    journal.close();
    expect(() => journal.append("a.c")).toThrow(/closed/);
  });
});

describe("Journal queries", () => {
  const clock = manualClock();
  const journal = new Journal({ clock });
  fillJournal(journal, clock);

  it("finds events by exact type", () => {
    expect(seqs(journal.byType("app.error.emitted"))).toEqual([1, 6]);
    expect(seqs(journal.byType("pagerduty.incident"))).toEqual([]);
  });

  it('finds events by a prefix ending in ".*", stopping at segment boundaries', () => {
    expect(seqs(journal.byType("pagerduty.incident.*"))).toEqual([3, 4]);
    expect(seqs(journal.byType("pagerduty.*"))).toEqual([3, 4, 5]);
    expect(seqs(journal.byType("pager.*"))).toEqual([]);
  });

  it("finds events where any correlation value matches", () => {
    expect(seqs(journal.byCorrelation("t-1"))).toEqual([1, 2, 3]);
    expect(seqs(journal.byCorrelation("d-1"))).toEqual([3, 4]);
    expect(seqs(journal.byCorrelation("1"))).toEqual([3, 4]);
    expect(seqs(journal.byCorrelation("nope"))).toEqual([]);
  });

  it("finds events in a half-open virtual time range", () => {
    expect(seqs(journal.inRange(START + 1000, START + 3000))).toEqual([2, 3]);
    expect(seqs(journal.inRange(START, START + 1))).toEqual([1]);
    expect(seqs(journal.inRange(START + 3000, START + 3000))).toEqual([]);
  });

  it("combines every given criterion", () => {
    expect(seqs(journal.query({}))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(seqs(journal.query({ type: "pagerduty.*", correlation: "t-1" }))).toEqual([3]);
    expect(seqs(journal.query({ correlation: "d-1", from: START + 3000 }))).toEqual([4]);
    expect(seqs(journal.query({ type: "app.error.emitted", to: START + 5000 }))).toEqual([1]);
    expect(
      seqs(
        journal.query({
          type: "pagerduty.incident.*",
          correlation: "1",
          from: START,
          to: START + 2001,
        }),
      ),
    ).toEqual([3]);
  });

  it("returns copies that callers cannot use to alter the journal", () => {
    journal.byCorrelation("t-1").pop();
    journal.byType("app.error.emitted").pop();
    expect(seqs(journal.byCorrelation("t-1"))).toEqual([1, 2, 3]);
    expect(seqs(journal.byType("app.error.emitted"))).toEqual([1, 6]);
  });
});

describe("Journal listeners", () => {
  it("delivers appended events and stops after unsubscribe", () => {
    const journal = new Journal({ clock: manualClock() });
    const seen: number[] = [];
    const unsubscribe = journal.subscribe((e) => seen.push(e.seq));
    journal.append("a.b");
    journal.append("a.b");
    unsubscribe();
    journal.append("a.b");
    expect(seen).toEqual([1, 2]);
  });

  it("runs every listener when one throws, then throws with the recorded event", () => {
    const journal = new Journal({ clock: manualClock() });
    const seen: string[] = [];
    journal.subscribe(() => seen.push("first"));
    journal.subscribe(() => {
      throw new Error("listener broke");
    });
    journal.subscribe(() => seen.push("third"));
    let caught: unknown;
    try {
      journal.append("a.b", { data: { n: 1 } });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(JournalListenerError);
    const error = caught as JournalListenerError;
    expect(error.message).toMatch(/listener broke/);
    expect(error.event.seq).toBe(1);
    expect(error.errors).toHaveLength(1);
    expect(seen).toEqual(["first", "third"]);
    expect(journal.all()).toHaveLength(1);
    // The journal keeps working.
    expect(() => journal.append("a.c")).toThrow(JournalListenerError);
    expect(seqs(journal.all())).toEqual([1, 2]);
  });

  it("delivers to a listener subscribed after events were appended without any", () => {
    const journal = new Journal({ clock: manualClock() });
    journal.append("a.b");
    const seen: number[] = [];
    journal.subscribe((e) => seen.push(e.seq));
    journal.append("a.c");
    expect(seen).toEqual([2]);
  });

  it("delivers events in seq order even when a listener appends", () => {
    const journal = new Journal({ clock: manualClock() });
    const firstSeen: number[] = [];
    const secondSeen: number[] = [];
    journal.subscribe((e) => {
      firstSeen.push(e.seq);
      if (e.type === "pagerduty.incident.triggered") journal.append("responder.notified");
    });
    journal.subscribe((e) => secondSeen.push(e.seq));
    journal.append("pagerduty.incident.triggered");
    expect(firstSeen).toEqual([1, 2]);
    expect(secondSeen).toEqual([1, 2]);
  });
});

describe("serializeEvent", () => {
  it("writes top-level keys in a fixed order and sorts keys inside correlation and data", () => {
    const event: JournalEvent = {
      data: { z: 1, a: { y: true, b: [3, { d: 1, c: 2 }] } },
      correlation: { traceId: "t", dedupKey: "d" },
      source: "logzio",
      type: "logzio.alert.triggered",
      time: "2026-01-05T09:00:00.000Z",
      seq: 7,
    };
    expect(serializeEvent(event)).toBe(
      '{"seq":7,"time":"2026-01-05T09:00:00.000Z","type":"logzio.alert.triggered",' +
        '"source":"logzio","correlation":{"dedupKey":"d","traceId":"t"},' +
        '"data":{"a":{"b":[3,{"c":2,"d":1}],"y":true},"z":1}}',
    );
  });

  it("escapes newlines, so one event is always one line", () => {
    const journal = new Journal({ clock: manualClock() });
    const line = serializeEvent(journal.append("a.b", { data: { text: "one\ntwo\r\u2028" } }));
    expect(line).not.toContain("\n");
    expect(JSON.parse(line).data.text).toBe("one\ntwo\r\u2028");
  });
});

describe("JSONL files", () => {
  function writeRun(path: string, reversedKeys: boolean): string {
    const clock = manualClock();
    const journal = new Journal({ clock, sinks: [openJsonlFileSink(path)] });
    for (let i = 0; i < 20; i++) {
      const pairs: [string, unknown][] = [
        ["incident", `Q${i}`],
        ["attempt", i],
        ["details", { severity: "high", tags: ["a", "b"], nested: { z: i, a: -i } }],
        ["ok", i % 2 === 0],
      ];
      const correlation: [string, string][] = [
        ["traceId", `t-${i}`],
        ["dedupKey", `d-${i % 3}`],
      ];
      if (reversedKeys) {
        pairs.reverse();
        correlation.reverse();
      }
      journal.append(i % 2 === 0 ? "pagerduty.event.accepted" : "logs.event.stored", {
        source: i % 2 === 0 ? "pagerduty" : "aws",
        correlation: Object.fromEntries(correlation),
        data: Object.fromEntries(pairs),
      });
      clock.advance(250);
    }
    const jsonl = journal.toJsonl();
    journal.close();
    return jsonl;
  }

  it("writes byte-identical files for the same inputs, whatever the key order of the data", () => {
    const first = tempPath("deep/er/first.jsonl");
    const second = tempPath("second.jsonl");
    const jsonlFirst = writeRun(first, false);
    const jsonlSecond = writeRun(second, true);
    const bytesFirst = readFileSync(first);
    const bytesSecond = readFileSync(second);
    expect(bytesFirst.length).toBeGreaterThan(0);
    expect(bytesSecond.equals(bytesFirst)).toBe(true);
    expect(bytesFirst.toString("utf8")).toBe(jsonlFirst);
    expect(jsonlSecond).toBe(jsonlFirst);
  });

  it("starts a file afresh when a new journal opens it", () => {
    const path = tempPath("reused.jsonl");
    writeRun(path, false);
    const once = readFileSync(path);
    writeRun(path, false);
    expect(readFileSync(path).equals(once)).toBe(true);
  });

  it("reads back what it wrote", () => {
    const path = tempPath("roundtrip.jsonl");
    const clock = manualClock();
    const journal = new Journal({ clock, sinks: [openJsonlFileSink(path)] });
    fillJournal(journal, clock);
    journal.close();
    const { events, truncatedTail } = readJournalFile(path);
    expect(truncatedTail).toBe(false);
    expect(events).toEqual(journal.all());
  });

  it("backfills a sink added later, so every sink holds the whole journal", () => {
    const clock = manualClock();
    const journal = new Journal({ clock });
    fillJournal(journal, clock);
    const lines: string[] = [];
    journal.addSink({ write: (line) => lines.push(line), close: () => {} });
    journal.append("host.stopped");
    expect(lines.map((l) => JSON.parse(l).seq)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(`${lines.join("\n")}\n`).toBe(journal.toJsonl());
  });

  it("stops accepting events once a sink has failed", () => {
    let fail = false;
    const sink: JournalSink = {
      write: () => {
        if (fail) throw new Error("disk full");
      },
      close: () => {},
    };
    const journal = new Journal({ clock: manualClock(), sinks: [sink] });
    journal.append("a.b");
    fail = true;
    expect(() => journal.append("a.c")).toThrow(/disk full/);
    fail = false;
    expect(() => journal.append("a.d")).toThrow(/unusable after a sink failed: disk full/);
    expect(seqs(journal.all())).toEqual([1]);
  });

  it("tolerates and reports a partial last line", () => {
    const path = tempPath("partial.jsonl");
    const clock = manualClock();
    const journal = new Journal({ clock });
    fillJournal(journal, clock);
    const full = journal.toJsonl();
    const cut = full.length - 17;
    writeFileSync(path, full.slice(0, cut));
    const { events, truncatedTail } = readJournalFile(path);
    expect(truncatedTail).toBe(true);
    expect(seqs(events)).toEqual([1, 2, 3, 4, 5]);
    expect(events).toEqual(journal.all().slice(0, 5));
  });

  it("reads an empty file as an empty journal", () => {
    const path = tempPath("empty.jsonl");
    writeFileSync(path, "");
    expect(readJournalFile(path)).toEqual({ events: [], truncatedTail: false });
  });

  it("throws on a malformed line in the middle, naming the file and line", () => {
    const path = tempPath("malformed.jsonl");
    const clock = manualClock();
    const journal = new Journal({ clock });
    fillJournal(journal, clock);
    const lines = journal.toJsonl().split("\n");
    lines[2] = (lines[2] ?? "").slice(0, 30);
    writeFileSync(path, lines.join("\n"));
    expect(() => readJournalFile(path)).toThrow(`${path}:3: malformed journal line`);
  });

  it("throws on events out of sequence or of the wrong shape", () => {
    const clock = manualClock();
    const journal = new Journal({ clock });
    fillJournal(journal, clock);
    const lines = journal.toJsonl().split("\n");

    const gap = tempPath("gap.jsonl");
    writeFileSync(gap, [lines[0], lines[2], ""].join("\n"));
    expect(() => readJournalFile(gap)).toThrow(`${gap}:2: expected seq 2, found 3`);

    const shape = tempPath("shape.jsonl");
    writeFileSync(shape, `${lines[0]}\n{"seq":2,"time":"x"}\n`);
    expect(() => readJournalFile(shape)).toThrow(`${shape}:2: invalid journal event`);
  });
});

describe("crash safety", () => {
  it("leaves a gap-free prefix of complete lines when the writer is SIGKILLed", async () => {
    const dir = tempPath("crash");
    const journalPath = join(dir, "run", "journal.jsonl");
    const script = tempPath("writer.mjs");
    writeFileSync(
      script,
      `import { Journal, openJsonlFileSink } from ${JSON.stringify(pathToFileURL(journalModule).href)};
const path = process.argv[2];
let now = ${START};
const journal = new Journal({ clock: { now: () => now }, sinks: [openJsonlFileSink(path)] });
// Exit if the test runner goes away without killing us.
process.stdin.on("end", () => process.exit(2));
process.stdin.resume();
const filler = "x".repeat(1500);
for (let i = 0; i < 50000; i++) {
  now += 1;
  journal.append("test.crash.tick", {
    source: "writer",
    correlation: { run: "crash" },
    data: { i, filler: filler.slice(0, (i * 37) % 1500), unicode: "\u00e9\u4e2d\u{1f600}" },
  });
  if (i % 50 === 49) await new Promise((resolve) => setImmediate(resolve));
}
process.exit(3); // never killed: the test must notice
`,
    );

    const child = spawn(process.execPath, ["--import", "tsx", script, journalPath], {
      cwd: repoRoot,
      stdio: ["pipe", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on("exit", (code, signal) => resolve({ code, signal })),
    );
    let exitedEarly = false;
    void exited.then(() => {
      exitedEarly = true;
    });

    const countLines = () => {
      try {
        return readFileSync(journalPath, "utf8").split("\n").length - 1;
      } catch {
        return 0;
      }
    };
    while (countLines() < 200) {
      if (exitedEarly) throw new Error(`writer exited before being killed:\n${stderr}`);
      await sleep(5);
    }
    child.kill("SIGKILL");
    const { signal } = await exited;
    expect(signal).toBe("SIGKILL");

    const text = readFileSync(journalPath, "utf8");
    const rawLines = text.split("\n");
    const tail = rawLines.pop();
    for (const line of rawLines) expect(() => JSON.parse(line)).not.toThrow();

    const { events, truncatedTail } = readJournalFile(journalPath);
    expect(truncatedTail).toBe(tail !== "");
    expect(events.length).toBeGreaterThanOrEqual(200);
    expect(events.length).toBeLessThan(50000);
    events.forEach((event, index) => {
      expect(event.seq).toBe(index + 1);
      expect(event.data.i).toBe(index);
      expect(event.data.unicode).toBe("\u00e9\u4e2d\u{1f600}");
    });
  });
});
