import { createHash } from "node:crypto";
import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plusFromState } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

/**
 * A seeded random stream. Each component forks its own child by name, so its numbers depend only
 * on the run's seed and its path ("root/pagerduty/ids"), never on what other components drew.
 */
export interface Rng {
  /** "root" for the run's generator, then "/"-joined fork names. */
  readonly path: string;
  /** Uniform integer in [0, 2^32). */
  nextUint32(): number;
  /** Uniform float in [0, 1), 53 bits of randomness. */
  float(): number;
  /** Uniform integer in [min, max], both inclusive; no modulo bias. */
  int(min: number, max: number): number;
  /** A uniformly chosen element; throws on an empty list. */
  pick<T>(items: readonly T[]): T;
  bytes(n: number): Uint8Array;
  /**
   * A child stream determined by (root seed, path + name) alone: forking the same name twice gives
   * two generators with the same numbers, and forking or drawing elsewhere never shifts them.
   */
  fork(name: string): Rng;
}

export const ROOT_PATH = "root";

// Part of the hashed input: changing the derivation scheme must change this, so old recordings
// are not silently replayed with different numbers.
const DERIVATION_TAG = "watermelon.rng.v1";

/**
 * The seed is normalised to its decimal string, so `--seed 42` and `seed: 42` in a scenario give
 * the same run.
 */
export function createRng(seed: string | number): Rng {
  return new SeededRng(normalizeSeed(seed), [], ROOT_PATH);
}

function normalizeSeed(seed: string | number): string {
  if (typeof seed === "number") {
    if (!Number.isFinite(seed)) throw new Error(`rng seed must be a finite number, got ${seed}`);
    return String(seed);
  }
  if (typeof seed !== "string") throw new Error(`rng seed must be a string or number`);
  return seed;
}

function validateForkName(name: string): void {
  // "/" would make fork("a/b") and fork("a").fork("b") share a path and a stream.
  if (typeof name !== "string" || name.length === 0 || name.includes("/")) {
    throw new Error(`rng fork name must be a non-empty string without "/", got ${String(name)}`);
  }
}

/** Seeds xoroshiro128+ with 128 bits of sha256(tag, seed, names): no shared state between paths. */
function deriveGenerator(seed: string, names: readonly string[]): RandomGenerator {
  // JSON array encoding keeps (seed, names) unambiguous whatever characters they contain.
  const digest = createHash("sha256")
    .update(JSON.stringify([DERIVATION_TAG, seed, ...names]), "utf8")
    .digest();
  const state = [
    digest.readInt32BE(0),
    digest.readInt32BE(4),
    digest.readInt32BE(8),
    digest.readInt32BE(12),
  ];
  // The all-zero state is the generator's one fixed point; practically unreachable, but cheap to rule out.
  if (!state.some((word) => word !== 0)) state[3] = 1;
  return xoroshiro128plusFromState(state);
}

class SeededRng implements Rng {
  readonly path: string;
  readonly #seed: string;
  readonly #names: readonly string[];
  readonly #generator: RandomGenerator;

  constructor(seed: string, names: readonly string[], path: string) {
    this.#seed = seed;
    this.#names = names;
    this.path = path;
    this.#generator = deriveGenerator(seed, names);
  }

  nextUint32(): number {
    return this.#generator.next() >>> 0;
  }

  float(): number {
    return uniformFloat64(this.#generator);
  }

  int(min: number, max: number): number {
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(max) || min > max) {
      throw new Error(`rng.int needs safe integers with min <= max, got [${min}, ${max}]`);
    }
    return uniformInt(this.#generator, min, max);
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error(`rng.pick on an empty list (${this.path})`);
    return items[this.int(0, items.length - 1)] as T;
  }

  bytes(n: number): Uint8Array {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new Error(`rng.bytes needs a non-negative integer, got ${n}`);
    }
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i += 4) {
      let word = this.nextUint32();
      // Little-endian, so bytes(n) is a prefix of bytes(n + k) from the same state.
      for (let j = i; j < Math.min(i + 4, n); j++) {
        out[j] = word & 0xff;
        word >>>= 8;
      }
    }
    return out;
  }

  fork(name: string): Rng {
    validateForkName(name);
    return new SeededRng(this.#seed, [...this.#names, name], `${this.path}/${name}`);
  }
}
