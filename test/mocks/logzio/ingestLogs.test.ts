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
  ])("reads %j as %s", (value, iso) => {
    expect(new Date(parseTimestamp(value) ?? Number.NaN).toISOString()).toBe(iso);
  });

  it.each([["EXTENSION"], ["2026-13-45"], ["yesterday"], [true], [{}], [1.5]])(
    "refuses %j",
    (value) => {
      expect(parseTimestamp(value)).toBeUndefined();
    },
  );
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
