import { describe, expect, it } from "vitest";
import { createRng, type Rng } from "../../../simulator/kernel/rng.js";

function draw(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextUint32());
}

describe("createRng", () => {
  it("gives the same sequence for the same seed", () => {
    expect(draw(createRng("scenario-a"), 100)).toEqual(draw(createRng("scenario-a"), 100));
    expect(draw(createRng(12345), 100)).toEqual(draw(createRng(12345), 100));
  });

  it("treats a numeric seed and its decimal string alike", () => {
    expect(draw(createRng(42), 10)).toEqual(draw(createRng("42"), 10));
  });

  it("gives different sequences for different seeds", () => {
    expect(draw(createRng("scenario-a"), 10)).not.toEqual(draw(createRng("scenario-b"), 10));
    expect(draw(createRng(1), 10)).not.toEqual(draw(createRng(2), 10));
    expect(draw(createRng(""), 10)).not.toEqual(draw(createRng(0), 10));
  });

  it("rejects non-finite numeric seeds", () => {
    expect(() => createRng(Number.NaN)).toThrow(/finite/);
  });

  it("pins golden values, so a change to the generator or the derivation is noticed", () => {
    const root = createRng("watermelon-golden");
    expect(root.path).toBe("root");
    expect(draw(root, 5)).toEqual([1895434734, 3533304348, 81518731, 1377376769, 905763774]);

    const ids = createRng("watermelon-golden").fork("pagerduty").fork("ids");
    expect(ids.path).toBe("root/pagerduty/ids");
    expect(draw(ids, 5)).toEqual([2661365994, 937286067, 305365729, 2825293187, 718360076]);

    const mixed = createRng("watermelon-golden");
    expect(mixed.float()).toBe(0.24417850859714774);
    expect(mixed.int(1, 6)).toBe(4);
    expect(mixed.int(-1000, 1000)).toBe(-132);
    expect(Buffer.from(mixed.bytes(6)).toString("hex")).toBe("bedbfc35679d");
    expect(mixed.pick(["a", "b", "c"])).toBe("c");
  });
});

describe("fork", () => {
  it("names the child by its path", () => {
    expect(createRng(1).fork("aws").fork("logs").path).toBe("root/aws/logs");
  });

  it("does not depend on how much the parent consumed", () => {
    const fresh = draw(createRng("s").fork("pagerduty"), 20);
    const parent = createRng("s");
    draw(parent, 1000);
    parent.float();
    parent.bytes(7);
    expect(draw(parent.fork("pagerduty"), 20)).toEqual(fresh);
  });

  it("does not depend on siblings created or consumed first", () => {
    const alone = draw(createRng("s").fork("logzio"), 20);
    const parent = createRng("s");
    const sibling = parent.fork("aws");
    draw(sibling, 500);
    parent.fork("host");
    expect(draw(parent.fork("logzio"), 20)).toEqual(alone);
  });

  it("does not disturb the parent's own stream", () => {
    const plain = draw(createRng("s"), 20);
    const parent = createRng("s");
    const a = parent.fork("a");
    draw(a, 50);
    expect(draw(parent, 20)).toEqual(plain);
  });

  it("gives distinct streams for distinct names, depths and seeds", () => {
    const streams = [
      draw(createRng("s"), 8),
      draw(createRng("s").fork("a"), 8),
      draw(createRng("s").fork("b"), 8),
      draw(createRng("s").fork("a").fork("b"), 8),
      draw(createRng("s").fork("b").fork("a"), 8),
      draw(createRng("t").fork("a"), 8),
    ];
    const keys = new Set(streams.map((s) => s.join(",")));
    expect(keys.size).toBe(streams.length);
  });

  it("gives the same stream when the same path is forked twice", () => {
    const root = createRng("s");
    expect(draw(root.fork("x"), 10)).toEqual(draw(root.fork("x"), 10));
  });

  it("rejects names that would make paths ambiguous", () => {
    const root = createRng("s");
    expect(() => root.fork("a/b")).toThrow(/without "\/"/);
    expect(() => root.fork("")).toThrow(/non-empty/);
  });
});

describe("draws", () => {
  it("keeps int within inclusive bounds and reaches both ends", () => {
    const rng = createRng("bounds");
    const seen = new Set<number>();
    for (let i = 0; i < 10_000; i++) {
      const v = rng.int(-3, 3);
      expect(Number.isInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(-3);
      expect(v).toBeLessThanOrEqual(3);
      seen.add(v);
    }
    expect([...seen].sort((a, b) => a - b)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(rng.int(5, 5)).toBe(5);
  });

  it("handles ranges wider than 32 bits", () => {
    const rng = createRng("wide");
    for (let i = 0; i < 1000; i++) {
      const v = rng.int(0, Number.MAX_SAFE_INTEGER);
      expect(Number.isSafeInteger(v)).toBe(true);
      expect(v).toBeGreaterThanOrEqual(0);
    }
  });

  it("is roughly uniform", () => {
    const rng = createRng("uniformity");
    const buckets = 10;
    const draws = 100_000;
    const counts = new Array<number>(buckets).fill(0);
    for (let i = 0; i < draws; i++) {
      const v = rng.int(0, buckets - 1);
      counts[v] = (counts[v] ?? 0) + 1;
    }
    // Chi-square with 9 degrees of freedom: 27.88 is the 0.1% critical value.
    const expected = draws / buckets;
    const chi2 = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(27.88);
  });

  it("has no modulo bias for a range that does not divide 2^32", () => {
    // 3 * 2^30 values: a plain `uint32 % range` makes the lower third twice as likely as the rest.
    const rng = createRng("bias");
    const range = 3 * 2 ** 30;
    let low = 0;
    const draws = 30_000;
    for (let i = 0; i < draws; i++) if (rng.int(0, range - 1) < 2 ** 30) low++;
    expect(low / draws).toBeGreaterThan(0.3);
    expect(low / draws).toBeLessThan(0.367);
  });

  it("draws floats in [0, 1)", () => {
    const rng = createRng("float");
    let sum = 0;
    for (let i = 0; i < 10_000; i++) {
      const f = rng.float();
      expect(f).toBeGreaterThanOrEqual(0);
      expect(f).toBeLessThan(1);
      sum += f;
    }
    expect(sum / 10_000).toBeGreaterThan(0.48);
    expect(sum / 10_000).toBeLessThan(0.52);
  });

  it("rejects invalid int bounds", () => {
    const rng = createRng("x");
    expect(() => rng.int(3, 2)).toThrow(/min <= max/);
    expect(() => rng.int(0.5, 2)).toThrow(/safe integers/);
  });

  it("picks every element of a list, and throws on an empty one", () => {
    const rng = createRng("pick");
    const items = ["a", "b", "c", "d"] as const;
    const seen = new Set<string>();
    for (let i = 0; i < 1000; i++) seen.add(rng.pick(items));
    expect([...seen].sort()).toEqual(["a", "b", "c", "d"]);
    expect(() => rng.pick([])).toThrow(/empty/);
  });

  it("produces the requested number of bytes, deterministically", () => {
    for (const n of [0, 1, 3, 4, 5, 16, 33]) {
      const a = createRng("bytes").bytes(n);
      expect(a).toBeInstanceOf(Uint8Array);
      expect(a.length).toBe(n);
      expect(a).toEqual(createRng("bytes").bytes(n));
    }
    const many = createRng("bytes").bytes(4096);
    expect(new Set(many).size).toBeGreaterThan(200);
  });
});
