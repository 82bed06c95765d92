import { describe, expect, it } from "vitest";
import { ingestLogs, parseTimestamp } from "../../../mocks/logzio/operations/ingestLogs.js";

describe("parseTimestamp", () => {
  it.each([
    ["2026-01-05T09:00:00Z", "2026-01-05T09:00:00.000Z"],
    ["2026-01-05T09:00:00.123456789Z", "2026-01-05T09:00:00.123Z"],
    ["2026-01-05T10:00:00+01:00", "2026-01-05T09:00:00.000Z"],
    ["2026-01-05T09:00:00", "2026-01-05T09:00:00.000Z"],
    ["2026-01-05", "2026-01-05T00:00:00.000Z"],
    ["1580747176629", "2020-02-03T16:26:16.629Z"],
    [1580747176629, "2020-02-03T16:26:16.629Z"],
    // The canonical form, at the edges of what it is read as.
    ["2026-01-05T09:00:00.123Z", "2026-01-05T09:00:00.123Z"],
    ["0099-01-05T10:00:00.000Z", "0099-01-05T10:00:00.000Z"],
    ["2024-02-29T23:59:59.999Z", "2024-02-29T23:59:59.999Z"],
    ["2026-02-29T00:00:00.000Z", "2026-03-01T00:00:00.000Z"],
    ["2026-01-05T24:00:00.000Z", "2026-01-06T00:00:00.000Z"],
  ])("reads %j as %s", (value, iso) => {
    expect(new Date(parseTimestamp(value) ?? Number.NaN).toISOString()).toBe(iso);
  });

  it.each([
    ["EXTENSION"],
    ["2026-13-45"],
    ["yesterday"],
    [true],
    [{}],
    [1.5],
    ["2026-01-05T23:60:00.000Z"],
    ["2026-00-05T09:00:00.000Z"],
    ["2026-01-05T09:00:0a.000Z"],
  ])("refuses %j", (value) => {
    expect(parseTimestamp(value)).toBeUndefined();
  });
});

describe("ingestLogs", () => {
  it("reports one outcome per line, in order, and numbers kept logs from nextSeq", () => {
    let seq = 10;
    const result = ingestLogs({
      accountId: 1,
      body: '{"a":1}\r\nnope\n\n{"b":2}',
      queryType: undefined,
      nowMs: 0,
      nextSeq: () => ++seq,
    });
    expect(result.outcomes).toEqual(["indexed", "malformed", "empty", "indexed"]);
    expect(result.logs.map((l) => [l.seq, l.fields])).toEqual([
      [11, { a: 1, "@timestamp": "1970-01-01T00:00:00.000Z", type: "http-bulk" }],
      [12, { b: 2, "@timestamp": "1970-01-01T00:00:00.000Z", type: "http-bulk" }],
    ]);
  });

  it("indexes @timestamp as its instant's ISO form and keeps the field as sent", () => {
    const sent = [
      "2026-01-05T09:00:00.000Z",
      "2026-02-30T00:00:00.000Z",
      "2026-01-05T24:00:00.000Z",
      "2026-01-05T10:00:00.000+01:00",
      "1767603600000",
    ];
    let seq = 0;
    const result = ingestLogs({
      accountId: 1,
      body: sent.map((t) => JSON.stringify({ "@timestamp": t, level: "info" })).join("\n"),
      queryType: undefined,
      nowMs: 0,
      nextSeq: () => ++seq,
    });
    expect(result.logs.map((l) => l["@timestamp"])).toEqual([
      "2026-01-05T09:00:00.000Z",
      "2026-03-02T00:00:00.000Z",
      "2026-01-06T00:00:00.000Z",
      "2026-01-05T09:00:00.000Z",
      "2026-01-05T09:00:00.000Z",
    ]);
    expect(result.logs.map((l) => l.fields["@timestamp"])).toEqual(sent);
    expect(result.logs.map((l) => l.timestampMs)).toEqual(
      result.logs.map((l) => Date.parse(l["@timestamp"])),
    );
    expect(result.logs.every((l) => l.fields.level === "info")).toBe(true);
  });

  it("counts an empty body as no lines", () => {
    const result = ingestLogs({
      accountId: 1,
      body: "",
      queryType: "x",
      nowMs: 0,
      nextSeq: () => 1,
    });
    expect(result.outcomes).toEqual([]);
  });
});
