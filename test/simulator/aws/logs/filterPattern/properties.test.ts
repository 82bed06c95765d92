import { describe, expect, it } from "vitest";
import { compileFilterPattern } from "../../../../../simulator/aws/logs/filterPattern/index.js";

// Property-style checks over generated patterns and messages, with a fixed seed so that a
// failure reproduces.

function rng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const RUNS = 400;
const WORDS = ["A", "B", "AB", "BA", "C", "a", "ERR", "ERROR"];

function pick<T>(random: () => number, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function messageOf(random: () => number): string {
  const parts: string[] = [];
  const count = Math.floor(random() * 5);
  for (let i = 0; i < count; i++) parts.push(pick(random, WORDS));
  return parts.join(pick(random, [" ", "", "-"]));
}

function term(random: () => number): string {
  const word = pick(random, WORDS);
  return random() < 0.3 ? `"${word}"` : word;
}

const contains = (t: string, m: string) => m.includes(t.replaceAll('"', ""));
const matches = (pattern: string, message: string) =>
  compileFilterPattern(pattern).match(message).matched;

describe("unstructured algebra", () => {
  it("a term matches exactly the messages that contain it", () => {
    const random = rng(1);
    for (let i = 0; i < RUNS; i++) {
      const t = term(random);
      const m = messageOf(random);
      expect(matches(t, m), `${t} / ${m}`).toBe(contains(t, m));
    }
  });

  it("`A B` matches iff A and B both match", () => {
    const random = rng(2);
    for (let i = 0; i < RUNS; i++) {
      const [a, b, m] = [term(random), term(random), messageOf(random)];
      expect(matches(`${a} ${b}`, m)).toBe(matches(a, m) && matches(b, m));
    }
  });

  it("`?A ?B` matches iff A or B matches", () => {
    const random = rng(3);
    for (let i = 0; i < RUNS; i++) {
      const [a, b, m] = [term(random), term(random), messageOf(random)];
      expect(matches(`?${a} ?${b}`, m)).toBe(matches(a, m) || matches(b, m));
    }
  });

  it("`A -B` matches iff A matches and B does not", () => {
    const random = rng(4);
    for (let i = 0; i < RUNS; i++) {
      const [a, b, m] = [term(random), term(random), messageOf(random)];
      expect(matches(`${a} -${b}`, m)).toBe(matches(a, m) && !matches(b, m));
    }
  });

  it("a regex term matches like the same JavaScript regex searched in the message", () => {
    const random = rng(5);
    for (let i = 0; i < RUNS; i++) {
      const body = `${pick(random, ["^", ""])}${pick(random, WORDS)}${pick(random, ["", "+", "*", "?"])}${pick(random, ["$", ""])}`;
      const m = messageOf(random);
      expect(matches(`%${body}%`, m), `${body} / ${m}`).toBe(new RegExp(body).test(m));
    }
  });
});

// Random JSON documents and conditions, evaluated against JSON.parse as the oracle.
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function jsonValue(random: () => number, depth: number): Json {
  const r = random();
  if (depth > 2 || r < 0.25) return pick(random, [0, 1, -2.5, 1e3, 404, 7]);
  if (r < 0.5) return pick(random, ["x", "404", "ERROR", 'q"uote', "é", "a\\b", ""]);
  if (r < 0.6) return pick(random, [null, true, false]);
  if (r < 0.8)
    return Array.from({ length: Math.floor(random() * 3) }, () => jsonValue(random, depth + 1));
  return jsonObject(random, depth + 1);
}

function jsonObject(random: () => number, depth: number): { [key: string]: Json } {
  const object: { [key: string]: Json } = {};
  for (const key of ["a", "b", "c"]) if (random() < 0.7) object[key] = jsonValue(random, depth);
  return object;
}

interface Condition {
  readonly text: string;
  readonly holds: (doc: { [key: string]: Json }) => boolean;
}

function condition(random: () => number): Condition {
  const key = pick(random, ["a", "b", "c"]);
  const get = (doc: { [key: string]: Json }) => (key in doc ? doc[key] : undefined);
  const scalar = (v: Json | undefined) => typeof v === "string" || typeof v === "number";
  switch (Math.floor(random() * 7)) {
    case 0: {
      const value = pick(random, ["x", "404", "ERROR", ""]);
      return {
        text: `$.${key} = "${value}"`,
        holds: (d) => {
          const v = get(d);
          return scalar(v) && (typeof v === "number" ? JSON.stringify(v) : v) === value;
        },
      };
    }
    case 1: {
      const value = pick(random, [0, 404, 7, 1000]);
      const op = pick(random, ["=", "!=", "<", ">", "<=", ">="] as const);
      const cmp = (l: number) =>
        ({
          "=": l === value,
          "!=": l !== value,
          "<": l < value,
          ">": l > value,
          "<=": l <= value,
          ">=": l >= value,
        })[op];
      return {
        text: `$.${key} ${op} ${value}`,
        holds: (d) => {
          const v = get(d);
          if (typeof v === "number") return cmp(v);
          if (typeof v === "string" && (op === "=" || op === "!=")) {
            return op === "=" ? v === String(value) : v !== String(value);
          }
          return false;
        },
      };
    }
    case 2:
      return { text: `$.${key} IS NULL`, holds: (d) => get(d) === null };
    case 3:
      return { text: `$.${key} IS TRUE`, holds: (d) => get(d) === true };
    case 4:
      return { text: `$.${key} NOT EXISTS`, holds: (d) => !(key in d) };
    case 5:
      return { text: `$.${key} = *`, holds: (d) => scalar(get(d)) };
    default:
      return {
        text: `$.${key}[*] = 7`,
        holds: (d) => {
          const v = get(d);
          return Array.isArray(v) && v.some((e) => e === 7);
        },
      };
  }
}

describe("JSON patterns against JSON.parse", () => {
  it("`{ P && Q }`, `{ P || Q }` and `{ P || Q && R }` follow the boolean algebra", () => {
    const random = rng(6);
    for (let i = 0; i < RUNS; i++) {
      const doc = jsonObject(random, 0);
      const message = JSON.stringify(doc);
      const [p, q, r] = [condition(random), condition(random), condition(random)];
      const P = p.holds(doc);
      const Q = q.holds(doc);
      const R = r.holds(doc);
      expect(matches(`{ ${p.text} }`, message), `${p.text} ${message}`).toBe(P);
      expect(matches(`{ ${p.text} && ${q.text} }`, message)).toBe(P && Q);
      expect(matches(`{ ${p.text} || ${q.text} }`, message)).toBe(P || Q);
      expect(matches(`{ ${p.text} || ${q.text} && ${r.text} }`, message)).toBe(P || (Q && R));
      expect(matches(`{ (${p.text} || ${q.text}) && ${r.text} }`, message)).toBe((P || Q) && R);
    }
  });

  it("= and != are complements on strings and numbers, and both fail elsewhere", () => {
    const random = rng(7);
    for (let i = 0; i < RUNS; i++) {
      const doc = jsonObject(random, 0);
      const message = JSON.stringify(doc, null, random() < 0.5 ? 2 : undefined);
      const value = pick(random, ["x", "404", "7", "*", "E*"]);
      const eq = matches(`{ $.a = ${value} }`, message);
      const ne = matches(`{ $.a != ${value} }`, message);
      const v = doc.a;
      if (typeof v === "string" || typeof v === "number") expect(eq).toBe(!ne);
      else expect([eq, ne]).toEqual([false, false]);
    }
  });

  it("is valid exactly when JSON.parse reads an object from the first '{' on", () => {
    const random = rng(8);
    const noise = ['"', "{", "}", "[", "]", ",", ":", "\\", "\n", " ", "x", "1", "-", "e"];
    for (let i = 0; i < RUNS * 5; i++) {
      let text = JSON.stringify(jsonObject(random, 0));
      const edits = Math.floor(random() * 3);
      for (let e = 0; e < edits; e++) {
        const at = Math.floor(random() * (text.length + 1));
        text =
          random() < 0.5
            ? text.slice(0, at) + text.slice(at + 1)
            : text.slice(0, at) + pick(random, noise) + text.slice(at);
      }
      const start = text.indexOf("{");
      let oracle = false;
      if (start !== -1) {
        try {
          const parsed: unknown = JSON.parse(text.slice(start));
          oracle = typeof parsed === "object" && parsed !== null && !Array.isArray(parsed);
        } catch {
          oracle = false;
        }
      }
      expect(matches("{ $.zz NOT EXISTS || $.zz = * }", text), JSON.stringify(text)).toBe(oracle);
    }
  });

  it("reads escaped strings and names as JSON.parse decodes them", () => {
    const random = rng(9);
    for (let i = 0; i < RUNS; i++) {
      const value = pick(random, ["é", 'q"uote', "a\\b", "tab\there", "/", "\u2028"]);
      const name = pick(random, ["k", "k.e.y", "k'y"]);
      // Every UTF-16 unit written as \uXXXX.
      const escapeAll = (s: string) =>
        `"${Array.from({ length: s.length }, (_, k) => `\\u${s.charCodeAt(k).toString(16).padStart(4, "0")}`).join("")}"`;
      const message = `{${escapeAll(name)}:${escapeAll(value)}}`;
      expect(JSON.parse(message)).toEqual({ [name]: value });
      const selector = name === "k" ? "$.k" : name === "k.e.y" ? "$.['k.e.y']" : "$.['k";
      if (selector === "$.['k") continue;
      const quoted = value.replaceAll("\\", "\\\\").replaceAll('"', '\\"');
      expect(matches(`{ ${selector} = "${quoted}" }`, message), message).toBe(true);
      expect(matches(`{ ${selector} != "${quoted}" }`, message), message).toBe(false);
    }
  });

  it("keeps the last of repeated property names, as JSON.parse does", () => {
    expect(matches("{ $.a.b = 1 }", '{"a":{"b":1},"a":{"c":2}}')).toBe(false);
    expect(matches("{ $.a.c = 2 }", '{"a":{"b":1},"a":{"c":2}}')).toBe(true);
    expect(matches("{ $.a NOT EXISTS }", '{"a":1,"a":2}')).toBe(false);
    expect(matches("{ $.a = 2 }", '{"a":1,"a":2}')).toBe(true);
    expect(matches("{ $.a = 1 }", '{"a":1,"a":2}')).toBe(false);
  });
});

describe("space-delimited fields", () => {
  it("named fields extract the whitespace-separated tokens in order", () => {
    const random = rng(10);
    for (let i = 0; i < RUNS; i++) {
      const tokens = Array.from({ length: 1 + Math.floor(random() * 5) }, () =>
        pick(random, ["1", "x", "404", "ERROR", "a_b"]),
      );
      const names = tokens.map((_, k) => `f${k}`);
      const message = tokens.join(pick(random, [" ", "  ", "\t"]));
      const result = compileFilterPattern(`[${names.join(", ")}]`).match(message);
      expect(result.matched).toBe(true);
      expect(result.extractedValues).toEqual(
        Object.fromEntries(names.map((n, k) => [n, tokens[k]])),
      );
      const leading = compileFilterPattern(`[..., last]`).match(message);
      expect(leading.extractedValues.last).toBe(tokens.at(-1));
    }
  });

  it("`[a = X || a = Y, rest]` matches iff `[a = X, rest]` or `[a = Y, rest]` does", () => {
    const random = rng(11);
    for (let i = 0; i < RUNS; i++) {
      const [x, y] = [
        pick(random, ["1", "404", "4*", "*x", "ERROR"]),
        pick(random, ["x", "1", "E*"]),
      ];
      const message = `${pick(random, ["1", "404", "ax", "ERROR", "x"])} tail`;
      expect(matches(`[a = ${x} || a = ${y}, rest]`, message)).toBe(
        matches(`[a = ${x}, rest]`, message) || matches(`[a = ${y}, rest]`, message),
      );
      expect(matches(`[a = ${x} && a != ${y}, rest]`, message)).toBe(
        matches(`[a = ${x}, rest]`, message) && !matches(`[a = ${y}, rest]`, message),
      );
    }
  });
});

describe("space-delimited alignment", () => {
  // Brute force over every split: fields take one token, ellipses any number (fewest first),
  // and without an ellipsis the last field takes the rest of the line.
  function oracle(elements: readonly string[], tokens: readonly string[]) {
    const hasEllipsis = elements.includes("...");
    const holds = (element: string, token: string) => {
      const [, value] = element.split("=");
      return value === undefined || token === value;
    };
    if (!hasEllipsis) {
      if (tokens.length < elements.length) return null;
      const values: Record<string, string> = {};
      for (let i = 0; i < elements.length; i++) {
        const token = i === elements.length - 1 ? tokens.slice(i).join(" ") : (tokens[i] as string);
        if (!holds(elements[i] as string, token)) return null;
        values[(elements[i] as string).split("=")[0] as string] = token;
      }
      return values;
    }
    const search = (
      e: number,
      t: number,
      values: Record<string, string>,
    ): Record<string, string> | null => {
      if (e === elements.length) return t === tokens.length ? values : null;
      const element = elements[e] as string;
      if (element === "...") {
        for (let take = t; take <= tokens.length; take++) {
          const covered = Object.fromEntries(
            tokens.slice(t, take).map((token, k) => [String(t + k + 1), token]),
          );
          const found = search(e + 1, take, { ...values, ...covered });
          if (found !== null) return found;
        }
        return null;
      }
      if (t >= tokens.length || !holds(element, tokens[t] as string)) return null;
      return search(e + 1, t + 1, {
        ...values,
        [element.split("=")[0] as string]: tokens[t] as string,
      });
    };
    return search(0, 0, {});
  }

  it("finds the same alignment as a brute-force search", () => {
    const random = rng(12);
    for (let i = 0; i < RUNS * 3; i++) {
      const elements: string[] = [];
      const size = 1 + Math.floor(random() * 5);
      for (let e = 0; e < size; e++) {
        elements.push(
          random() < 0.35 ? "..." : `f${e}${random() < 0.5 ? `=${pick(random, ["1", "2"])}` : ""}`,
        );
      }
      const tokens = Array.from({ length: Math.floor(random() * 6) }, () =>
        pick(random, ["1", "2"]),
      );
      const message = tokens.join(" ");
      const expected = oracle(elements, tokens);
      const result = compileFilterPattern(`[${elements.join(", ")}]`).match(message);
      expect(result.matched, `${elements.join(", ")} / ${message}`).toBe(expected !== null);
      if (expected !== null) expect(result.extractedValues).toEqual(expected);
    }
  });
});
