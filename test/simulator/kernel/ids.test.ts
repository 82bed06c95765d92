import { describe, expect, it } from "vitest";
import { createIdFactory } from "../../../simulator/kernel/ids.js";
import { createRng } from "../../../simulator/kernel/rng.js";

const N = 10_000;
const PAGERDUTY_ID = /^[PQ][A-Z0-9]{6,13}$/;
const CLOUDWATCH_EVENT_ID = /^[1-9][0-9]{55}$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const START = Date.UTC(2026, 0, 5, 9, 0, 0);

describe("pagerDutyId", () => {
  it("has PagerDuty's shape and never repeats", () => {
    const ids = createIdFactory(createRng("pd"));
    const seen = new Set<string>();
    for (let i = 0; i < N; i++) {
      const id = ids.pagerDutyId();
      expect(id).toMatch(PAGERDUTY_ID);
      expect(id).toMatch(/^P[A-Z0-9]{6}$/);
      seen.add(id);
    }
    expect(seen.size).toBe(N);
  });

  it("uses the whole alphabet", () => {
    const ids = createIdFactory(createRng("alphabet"));
    const chars = new Set<string>();
    for (let i = 0; i < 500; i++) for (const c of ids.pagerDutyId().slice(1)) chars.add(c);
    expect(chars.size).toBe(36);
  });
});

describe("cloudWatchEventId", () => {
  it("is 56 digits, does not start with 0, and never repeats", () => {
    const ids = createIdFactory(createRng("cw"));
    const seen = new Set<string>();
    for (let i = 0; i < N; i++) {
      // Many ids share a timestamp, as a batch of PutLogEvents does.
      const id = ids.cloudWatchEventId(START + Math.floor(i / 10));
      expect(id).toMatch(CLOUDWATCH_EVENT_ID);
      seen.add(id);
    }
    expect(seen.size).toBe(N);
  });

  it("sorts by timestamp as a string, whatever the issue order", () => {
    const rng = createRng("order");
    const ids = createIdFactory(rng.fork("ids"));
    const shuffle = rng.fork("shuffle");
    const issued: { ts: number; id: string }[] = [];
    for (let i = 0; i < 2000; i++) {
      // Timestamps jump both ways and span several digit lengths' worth of range.
      const ts = shuffle.pick([0, 999, START, START + 1, START + 86_400_000, 9_999_999_999_999]);
      const jitter = shuffle.int(0, 500);
      issued.push({ ts: ts + jitter, id: ids.cloudWatchEventId(ts + jitter) });
    }
    const byId = [...issued].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    for (let i = 1; i < byId.length; i++) {
      const prev = byId[i - 1];
      const cur = byId[i];
      expect(prev && cur && prev.ts <= cur.ts).toBe(true);
    }
    const later = ids.cloudWatchEventId(START + 1);
    const earlier = ids.cloudWatchEventId(START);
    expect(earlier < later).toBe(true);
  });

  it("orders ids of one timestamp by issue order", () => {
    const ids = createIdFactory(createRng("same-ts"));
    const batch = Array.from({ length: 100 }, () => ids.cloudWatchEventId(START));
    expect([...batch].sort()).toEqual(batch);
  });

  it("rejects timestamps it cannot encode", () => {
    const ids = createIdFactory(createRng("bad"));
    expect(() => ids.cloudWatchEventId(-1)).toThrow(/timestamp/);
    expect(() => ids.cloudWatchEventId(1.5)).toThrow(/timestamp/);
    expect(() => ids.cloudWatchEventId(Number.NaN)).toThrow(/timestamp/);
  });
});

describe("awsRequestId", () => {
  it("is a lowercase UUID v4 and never repeats", () => {
    const ids = createIdFactory(createRng("req"));
    const seen = new Set<string>();
    for (let i = 0; i < N; i++) {
      const id = ids.awsRequestId();
      expect(id).toMatch(UUID_V4);
      seen.add(id);
    }
    expect(seen.size).toBe(N);
  });
});

describe("sequence", () => {
  it("counts from 1 per name", () => {
    const ids = createIdFactory(createRng("seq"));
    expect([ids.sequence("incident"), ids.sequence("incident"), ids.sequence("incident")]).toEqual([
      1, 2, 3,
    ]);
    expect(ids.sequence("alert")).toBe(1);
    expect(ids.sequence("incident")).toBe(4);
  });
});

describe("determinism", () => {
  function run(seed: string): string[] {
    const ids = createIdFactory(createRng(seed).fork("pagerduty"));
    const out: string[] = [];
    for (let i = 0; i < 200; i++) {
      out.push(ids.pagerDutyId(), ids.cloudWatchEventId(START + i), ids.awsRequestId());
      out.push(String(ids.sequence("n")));
    }
    return out;
  }

  it("gives the same ids for two factories over the same seed", () => {
    expect(run("same")).toEqual(run("same"));
    expect(run("same")).not.toEqual(run("other"));
  });

  it("keeps each kind of id independent of how many of the other kinds were issued", () => {
    const a = createIdFactory(createRng("kinds"));
    const b = createIdFactory(createRng("kinds"));
    for (let i = 0; i < 50; i++) b.awsRequestId();
    b.cloudWatchEventId(START);
    const pdA = Array.from({ length: 20 }, () => a.pagerDutyId());
    const pdB = Array.from({ length: 20 }, () => b.pagerDutyId());
    expect(pdB).toEqual(pdA);
  });

  it("pins a few ids for one seed", () => {
    const ids = createIdFactory(createRng(7));
    expect(ids.pagerDutyId()).toBe("P3MKHR0");
    expect(ids.pagerDutyId()).toBe("PBQKM22");
    expect(ids.cloudWatchEventId(1767603600000)).toBe(
      "10017676036000000000000001114428489334727745623567315777",
    );
    expect(ids.awsRequestId()).toBe("ee06807c-c5e6-45d0-86f8-aa3e50e0f997");
  });
});
