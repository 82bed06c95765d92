import { type BoolNode, parseBoolean, type TokenCursor } from "./booleanParser.js";
import { CH_BACKSLASH, CH_COMMA, CH_PERCENT, CH_QUOTE, isSelectorNameChar } from "./chars.js";
import { type Comparison, type PatternStats, readComparison } from "./comparison.js";
import { lexConditions } from "./conditionLexer.js";
import { invalidPattern, invalidTerm } from "./errors.js";
import { MessageTokens } from "./messageTokens.js";
import { compareNumbers, isOrderingOp, readNumber } from "./values.js";

type Element =
  | { readonly kind: "ellipsis" }
  | {
      readonly kind: "field";
      /** null for an unnamed slot (`[a, , b]` or a trailing comma). */
      readonly name: string | null;
      readonly condition: BoolNode<Comparison> | null;
    };

export interface SpaceDelimitedMatcher {
  readonly fields: readonly string[];
  /** The extracted values on a match, otherwise null. */
  match(message: string): Record<string, string> | null;
}

/** Splits at commas that are outside quoted strings and regexes. */
function splitElements(body: string): string[] {
  const parts: string[] = [];
  let from = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c === CH_QUOTE) {
      for (i++; i < body.length && body.charCodeAt(i) !== CH_QUOTE; i++) {
        if (body.charCodeAt(i) === CH_BACKSLASH) i++;
      }
    } else if (c === CH_PERCENT) {
      const close = body.indexOf("%", i + 1);
      i = close === -1 ? body.length : close;
    } else if (c === CH_COMMA) {
      parts.push(body.slice(from, i));
      from = i + 1;
    }
  }
  parts.push(body.slice(from));
  return parts;
}

/** Field names: letters, digits, `_` and `-` (the set AWS CDK validates column names with). */
function checkName(name: string): string {
  for (let i = 0; i < name.length; i++) {
    if (!isSelectorNameChar(name.charCodeAt(i))) throw invalidTerm(name.charAt(i));
  }
  return name;
}

function parseElement(text: string, stats: PatternStats): Element {
  const trimmed = text.trim();
  if (trimmed === "...") return { kind: "ellipsis" };
  if (trimmed === "") return { kind: "field", name: null, condition: null };
  const tokens = lexConditions(trimmed, false);
  const only = tokens[0];
  if (tokens.length === 1 && only?.kind === "word") {
    return { kind: "field", name: checkName(only.value), condition: null };
  }
  // Every condition of a slot names that slot: "status_code = 4* && bytes > 1000" (two fields
  // in one slot) is what the console rejects, and names are case sensitive (w1 is not W1).
  let name: string | null = null;
  const condition = parseBoolean(tokens, (cursor: TokenCursor) => {
    const nameToken = cursor.next();
    if (nameToken.kind !== "word") throw invalidPattern();
    const conditionName = checkName(nameToken.value);
    if (name !== null && conditionName !== name) throw invalidPattern();
    name = conditionName;
    return readComparison(cursor, stats);
  });
  return { kind: "field", name, condition };
}

/** `body` is the text between the outer brackets. */
export function compileSpaceDelimited(body: string, stats: PatternStats): SpaceDelimitedMatcher {
  if (body.trim() === "") throw invalidPattern();
  const elements: Element[] = [];
  for (const part of splitElements(body)) {
    const element = parseElement(part, stats);
    // Adjacent ellipses mean the same as one.
    if (element.kind === "ellipsis" && elements.at(-1)?.kind === "ellipsis") continue;
    elements.push(element);
  }
  const fields = [
    ...new Set(elements.flatMap((e) => (e.kind === "field" && e.name !== null ? [e.name] : []))),
  ];
  return new DelimitedMatcher(elements, fields);
}

// Module-local copies for the per-message path (see the note in jsonPattern.ts).
const compare = compareNumbers;
const numberAt = readNumber;
const ordering = isOrderingOp;

function compareToken(cmp: Comparison, src: string, start: number, end: number): boolean {
  const { op, literal } = cmp;
  if (literal.type === "number") {
    // Fields are text; a number literal compares numerically when the field reads as a number.
    const value = numberAt(src, start, end);
    if (!Number.isNaN(value)) return compare(op, value, literal.value);
    if (ordering(op)) return false;
  }
  const equal = literal.test(src, start, end);
  return op === "=" ? equal : !equal;
}

function fieldHolds(node: BoolNode<Comparison>, src: string, start: number, end: number): boolean {
  switch (node.kind) {
    case "leaf":
      return compareToken(node.leaf, src, start, end);
    case "and":
      for (const child of node.children) if (!fieldHolds(child, src, start, end)) return false;
      return true;
    case "or":
      for (const child of node.children) if (fieldHolds(child, src, start, end)) return true;
      return false;
  }
}

/** A run of fields between ellipses: `count` elements from `first`. */
interface Segment {
  readonly first: number;
  readonly count: number;
}

class DelimitedMatcher implements SpaceDelimitedMatcher {
  private readonly hasEllipsis: boolean;
  private readonly leadingEllipsis: boolean;
  private readonly trailingEllipsis: boolean;
  private readonly segments: readonly Segment[];
  private readonly tokens = new MessageTokens();
  /** Token index each element starts at, for the alignment found last. */
  private readonly startOf: Int32Array;

  constructor(
    private readonly elements: readonly Element[],
    readonly fields: readonly string[],
  ) {
    this.hasEllipsis = elements.some((e) => e.kind === "ellipsis");
    this.leadingEllipsis = elements[0]?.kind === "ellipsis";
    this.trailingEllipsis = elements.at(-1)?.kind === "ellipsis";
    const segments: Segment[] = [];
    elements.forEach((element, i) => {
      if (element.kind === "ellipsis") return;
      const last = segments.at(-1);
      if (last !== undefined && last.first + last.count === i) {
        segments[segments.length - 1] = { first: last.first, count: last.count + 1 };
      } else {
        segments.push({ first: i, count: 1 });
      }
    });
    this.segments = segments;
    this.startOf = new Int32Array(elements.length + 1);
  }

  match(message: string): Record<string, string> | null {
    this.tokens.read(message);
    const ok = this.hasEllipsis ? this.alignAroundEllipses(message) : this.alignFixed(message);
    return ok ? this.extract(message) : null;
  }

  private holds(element: Element, message: string, from: number, to: number): boolean {
    if (element.kind !== "field" || element.condition === null) return true;
    const start = this.tokens.start(from, to);
    return fieldHolds(element.condition, message, start, this.tokens.end(from, to));
  }

  /**
   * Without an ellipsis every name takes one token and the last one takes the rest of the
   * line, which is why the docs ask for a trailing name after `[w1=ERROR, ...`.
   */
  private alignFixed(message: string): boolean {
    const count = this.elements.length;
    const tokenCount = this.tokens.count;
    if (tokenCount < count) return false;
    for (let i = 0; i < count; i++) {
      this.startOf[i] = i;
      const to = i === count - 1 ? tokenCount : i + 1;
      if (!this.holds(this.elements[i] as Element, message, i, to)) return false;
    }
    this.startOf[count] = tokenCount;
    return true;
  }

  private segmentHolds(message: string, segment: Segment, at: number): boolean {
    for (let k = 0; k < segment.count; k++) {
      const element = this.elements[segment.first + k] as Element;
      if (!this.holds(element, message, at + k, at + k + 1)) return false;
    }
    return true;
  }

  /**
   * With ellipses every name takes one token. The fields before the first ellipsis sit at the
   * start, those after the last one at the end, and each run in between at its earliest place:
   * as with `*` in globs, an earlier place never prevents a later run from fitting, so this finds
   * a match whenever one exists, ellipses taking as few tokens as possible from the left.
   */
  private alignAroundEllipses(message: string): boolean {
    const tokenCount = this.tokens.count;
    const segments = this.segments;
    const last = segments.length - 1;
    const tail = segments[last];
    const tailAnchored = tail !== undefined && !this.trailingEllipsis;
    const tailStart = tailAnchored ? tokenCount - tail.count : tokenCount;
    let pos = 0;
    for (let s = 0; s <= last; s++) {
      const segment = segments[s] as Segment;
      let at: number;
      if (s === last && tailAnchored) {
        at = tailStart;
        if (at < pos || !this.segmentHolds(message, segment, at)) return false;
      } else if (s === 0 && !this.leadingEllipsis) {
        at = 0;
        if (segment.count > tailStart || !this.segmentHolds(message, segment, at)) return false;
      } else {
        // Runs other than the anchored tail must end before the tail starts.
        const limit = tailStart - segment.count;
        at = pos;
        while (at <= limit && !this.segmentHolds(message, segment, at)) at++;
        if (at > limit) return false;
      }
      for (let k = 0; k < segment.count; k++) this.startOf[segment.first + k] = at + k;
      // An ellipsis right after this run starts where the run ends.
      this.startOf[segment.first + segment.count] = at + segment.count;
      pos = at + segment.count;
    }
    if (this.leadingEllipsis) this.startOf[0] = 0;
    this.startOf[this.elements.length] = tokenCount;
    return pos <= tokenCount && (this.trailingEllipsis || pos === tokenCount);
  }

  /** Named slots by name; unnamed slots and tokens under an ellipsis by 1-based position. */
  private extract(message: string): Record<string, string> {
    const values: Record<string, string> = {};
    const text = (from: number, to: number) =>
      message.slice(this.tokens.start(from, to), this.tokens.end(from, to));
    this.elements.forEach((element, i) => {
      const from = this.startOf[i] as number;
      const to = this.startOf[i + 1] as number;
      if (element.kind === "ellipsis") {
        for (let t = from; t < to; t++) values[String(t + 1)] = text(t, t + 1);
      } else {
        values[element.name ?? String(from + 1)] = text(from, to);
      }
    });
    return values;
  }
}
