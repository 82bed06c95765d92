import { describe, expect, it } from "vitest";
import { diffJournals, renderDiff } from "../../../flows/replay/diff.js";
import {
  parseRecording,
  RecordingError,
  serializeRecording,
} from "../../../flows/replay/format.js";
import { applyOverrides, OverrideError } from "../../../flows/replay/override.js";
import { Redactor } from "../../../flows/replay/redact.js";
import { bundledScenarioFile, loadScenario } from "../../../flows/scenarios/load.js";
import type { JournalEvent } from "../../../simulator/kernel/journal.js";

const scenario = loadScenario(bundledScenarioFile("gold-outage") as string);

const event = (
  seq: number,
  time: string,
  type: string,
  correlation: Record<string, string>,
  data: Record<string, unknown> = {},
): JournalEvent => ({
  seq,
  time: `2026-01-05T${time}.000Z`,
  type,
  source: "test",
  correlation,
  data,
});

function sample(): string {
  return serializeRecording({
    header: {
      kind: "header",
      format: "watermelon-recording",
      version: 1,
      watermelon: "0.0.0",
      origin: "scenario",
      scenario: { ...scenario, timeline: [] },
      seed: "gold-outage",
      redaction: "secrets",
    },
    inputs: [
      {
        kind: "input",
        at: "2026-01-05T09:10:00.000Z",
        input: {
          type: "step",
          index: 0,
          step: scenario.timeline[0] as unknown as Record<string, unknown>,
        },
      },
    ],
    events: [
      event(1, "09:00:00", "simulator.started", {}, { seed: "gold-outage" }),
      event(
        2,
        "09:11:00",
        "pagerduty.incident.triggered",
        { incidentNumber: "1" },
        { incident_number: 1, title: "checkout errors" },
      ),
      event(
        3,
        "09:12:00",
        "responder.notified",
        { incidentNumber: "1" },
        { incident_number: 1, user: "P1", user_name: "Ada Lovelace" },
      ),
    ],
  });
}

function problem(text: string, partial = false): string {
  try {
    parseRecording(text, "r.jsonl", { partial });
  } catch (error) {
    expect(error).toBeInstanceOf(RecordingError);
    return (error as Error).message;
  }
  throw new Error("expected the recording to be refused");
}

describe("recording files", () => {
  it("read back what was written, byte for byte", () => {
    const text = sample();
    const r = parseRecording(text, "r.jsonl");
    expect(r.events).toHaveLength(3);
    expect(r.inputs[0]?.input.type).toBe("step");
    expect(r.trailer).toEqual({ kind: "trailer", inputs: 1, events: 3, redacted: 0 });
    expect(serializeRecording(r)).toBe(text);
  });

  it("refuse a recording cut mid-line, naming the line; partial reads up to the last complete line", () => {
    const text = sample();
    const cut = text.slice(0, text.lastIndexOf("responder.notified"));
    expect(problem(cut)).toMatch(
      /^r\.jsonl:5: the line is cut short .*truncated.*--partial.*line 4/,
    );
    const r = parseRecording(cut, "r.jsonl", { partial: true });
    expect(r.events.map((e) => e.seq)).toEqual([1, 2]);
    expect(r.truncatedAfterLine).toBe(4);
  });

  it("refuse a recording without its trailer", () => {
    const text = sample();
    const lines = text.split("\n");
    const noTrailer = `${lines.slice(0, -2).join("\n")}\n`;
    expect(problem(noTrailer)).toMatch(/r\.jsonl:5: the recording ends without its trailer/);
    expect(parseRecording(noTrailer, "r.jsonl", { partial: true }).events).toHaveLength(3);
  });

  it("refuse another version or another format, on line 1", () => {
    const text = sample();
    expect(problem(text.replace('"version":1', '"version":2'))).toMatch(
      /^r\.jsonl:1: version: this watermelon reads version 1 recordings, found 2/,
    );
    expect(problem('{"log":{"version":"1.2"}}\n')).toMatch(
      /^r\.jsonl:1: not a watermelon recording/,
    );
  });

  it("name the line and the problem of a hand-edited line", () => {
    const lines = sample().split("\n");
    const edit = (i: number, line: string) => lines.map((l, j) => (j === i ? line : l)).join("\n");
    expect(problem(edit(2, "{seq: 1, oops}"))).toMatch(/^r\.jsonl:3: not JSON/);
    expect(
      problem(edit(3, (lines[3] as string).replace('"type":"pagerduty.incident.triggered",', ""))),
    ).toBe('r.jsonl:4: event.type: missing field "type"');
    expect(problem(edit(3, (lines[3] as string).replace('"seq":2', '"seq":7')))).toMatch(
      /r\.jsonl:4: event: expected seq 2, found 7/,
    );
    expect(
      problem(
        edit(1, (lines[1] as string).replace('"service":"checkout"', '"service":"nope"')).replace(
          /"fault":\{[^}]*\}/,
          '"fault":{"status":"x"}',
        ),
      ),
    ).toMatch(/r\.jsonl:2: input\.step/);
    expect(problem(edit(4, ""))).toMatch(/r\.jsonl:5: not JSON/);
  });

  it("refuse a trailer whose counts do not match", () => {
    const lines = sample().split("\n");
    const text = [...lines.slice(0, 3), ...lines.slice(4)].join("\n");
    expect(problem(text)).toMatch(/r\.jsonl:\d: (event: expected seq 2, found 3|trailer: counts)/);
  });
});

describe("redaction", () => {
  it("replaces known secrets wherever they occur and secret-named fields whatever they hold, consistently", () => {
    const r = new Redactor();
    r.register("pagerduty.token", "u+wZd-v_UN69xUtyxSSW");
    r.register("pagerduty.routing_key", "ee697392e5fd317d6540199587fb6070");
    r.register("pagerduty.routing_key", "75411713d78cdf940497a90f58d83773");
    const e = r.redactEvent(
      event(
        1,
        "09:00:00",
        "x.y",
        { traceId: "70b27ed296f8657147d51bb001815d04" },
        {
          header: "Token token=u+wZd-v_UN69xUtyxSSW",
          body: {
            routing_key: "75411713d78cdf940497a90f58d83773",
            again: "75411713d78cdf940497a90f58d83773",
          },
          signature: "v1=abcdef0123456789",
          list: ["ee697392e5fd317d6540199587fb6070"],
        },
      ),
    );
    expect(e.data).toEqual({
      header: "Token token=<redacted:pagerduty.token#1>",
      body: {
        routing_key: "<redacted:pagerduty.routing_key#2>",
        again: "<redacted:pagerduty.routing_key#2>",
      },
      signature: "<redacted:field.signature#1>",
      list: ["<redacted:pagerduty.routing_key#1>"],
    });
    // Trace ids look like routing keys but are not secrets.
    expect(e.correlation.traceId).toBe("70b27ed296f8657147d51bb001815d04");
    // Short values would match ordinary text.
    expect(r.register("aws.secret_access_key", "test")).toBeUndefined();
  });
});

describe("overrides", () => {
  it("change one setting, read as a YAML scalar, and validate again", () => {
    const s = applyOverrides(scenario, [
      "alerts[0].severityThresholds.HIGH=500",
      "shipper.filterPattern={ $.status >= 500 }",
      "alerts[0].timeFrame=10m",
    ]);
    expect(s.alerts[0]?.severityThresholds.HIGH).toBe(500);
    expect(s.shipper.filterPattern).toBe("{ $.status >= 500 }");
    expect(s.alerts[0]?.timeFrame).toBe(600_000);
    expect(scenario.alerts[0]?.severityThresholds.HIGH).toBe(10);
  });

  it("name an unknown path or a bad value", () => {
    const fails = (o: string) => {
      try {
        applyOverrides(scenario, [o]);
      } catch (error) {
        expect(error).toBeInstanceOf(OverrideError);
        return (error as Error).message;
      }
      throw new Error("expected a refusal");
    };
    expect(fails("alerts[3].title=x")).toMatch(/unknown path: the scenario has no alerts\[3\]/);
    expect(fails("shipper.nope=1")).toMatch(/unknown path shipper\.nope/);
    expect(fails("nothing.at.all=1")).toMatch(/unknown path: the scenario has no nothing/);
    expect(fails("alerts[0].severityThresholds.HIGH=-1")).toMatch(
      /alerts\[0\]\.severityThresholds\.HIGH: /,
    );
    expect(fails("no-equals")).toMatch(/expected path=value/);
  });
});

describe("the diff", () => {
  const base = [
    event(1, "09:00:00", "simulator.started", {}),
    event(
      2,
      "09:11:00",
      "pagerduty.incident.triggered",
      { incidentNumber: "1", incidentId: "PA" },
      { incident_number: 1, title: "checkout errors" },
    ),
    event(
      3,
      "09:11:00",
      "responder.notified",
      { incidentNumber: "1", incidentId: "PA" },
      { incident_number: 1, user: "P1", user_name: "Ada Lovelace" },
    ),
    event(
      4,
      "09:17:00",
      "pagerduty.incident.acknowledged",
      { incidentNumber: "1", incidentId: "PA" },
      { incident_number: 1, by: "P1" },
    ),
  ];

  it("is empty for the same journal", () => {
    const d = diffJournals(base, base);
    expect(d.same).toBe(true);
    expect(renderDiff(d)).toMatch(/no difference/);
  });

  it("reads one inserted event as one addition, not a cascade", () => {
    const inserted = event(2, "09:05:00", "app.error.emitted", { traceId: "t1" });
    const now = [
      base[0],
      inserted,
      ...base.slice(1).map((e) => ({ ...e, seq: e.seq + 1 })),
    ] as JournalEvent[];
    const d = diffJournals(base, now);
    expect(d.added.map((e) => e.type)).toEqual(["app.error.emitted"]);
    expect(d.removed).toEqual([]);
    expect(d.changed).toEqual([]);
    expect(d.summary).toEqual(["+1 app.error.emitted"]);
  });

  it("tells consequences: later pages, another responder, an incident that no longer opens", () => {
    const later = base.map((e) =>
      e.type === "responder.notified"
        ? { ...e, time: "2026-01-05T09:14:00.000Z" }
        : e.type === "pagerduty.incident.acknowledged"
          ? { ...e, data: { ...e.data, by: "P2" } }
          : e,
    );
    later.push(
      event(
        5,
        "09:14:00",
        "responder.notified",
        { incidentNumber: "1" },
        { incident_number: 1, user: "P2", user_name: "Grace Hopper" },
      ),
    );
    const d = diffJournals(base, later);
    expect(d.summary).toEqual(
      expect.arrayContaining([
        "incident #1 acknowledged by Grace Hopper instead of Ada Lovelace",
        "Ada Lovelace paged 3m later (09:11 → 09:14) for incident #1",
        "Grace Hopper now paged (incident #1, 09:14)",
        "+1 responder.notified",
      ]),
    );
    const none = diffJournals(base, [base[0] as JournalEvent]);
    expect(none.summary.slice(0, 2)).toEqual([
      "incident #1 (checkout errors) no longer opens",
      "Ada Lovelace no longer paged (incident #1)",
    ]);
    expect(none.summary).toContain("-1 pagerduty.incident.triggered");
    expect(renderDiff(none)).toMatch(/pagerduty\.incident\.triggered\s+1 → 0\s+-1/);
  });

  it("compares only the types an import observed, and only the fields it held", () => {
    const imported = [
      { ...(base[1] as JournalEvent), source: "import", data: { incident_number: 1 } },
    ];
    expect(diffJournals(imported, base, { types: ["pagerduty.incident.triggered"] }).same).toBe(
      true,
    );
  });
});
