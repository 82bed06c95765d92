import { type BoolNode, evaluateTree, parseBoolean, type TokenCursor } from "./booleanParser.js";
import { type Comparison, type PatternStats, readComparison } from "./comparison.js";
import { lexConditions, type Selector } from "./conditionLexer.js";
import { invalidPattern } from "./errors.js";
import { buildPaths, type PathState } from "./jsonPaths.js";
import {
  decodeJsonString,
  JSON_FALSE,
  JSON_NULL,
  JSON_NUMBER,
  JSON_STRING,
  JSON_TRUE,
  JsonScanner,
  type JsonType,
  type JsonValueSink,
} from "./jsonScanner.js";
import { compareNumbers, isOrderingOp, readNumber } from "./values.js";

// The per-message code below uses module-local copies of imported bindings: under transpiling
// loaders (tsx, vitest) every use of an imported name is an accessor call, which profiled as the
// top cost of matching.
const evaluate = evaluateTree;
const compare = compareNumbers;
const numberAt = readNumber;
const ordering = isOrderingOp;
const decodeString = decodeJsonString;
const STRING = JSON_STRING;
const NUMBER = JSON_NUMBER;
const TRUE = JSON_TRUE;
const FALSE = JSON_FALSE;
const NULL = JSON_NULL;

/** AWS quota: "up to three wildcard selectors in a filter pattern with compound expressions". */
export const MAX_WILDCARD_SELECTORS = 3;

type JsonCondition =
  | ({ readonly kind: "compare"; readonly selector: Selector } & Comparison)
  | { readonly kind: "isNull" | "isTrue" | "isFalse" | "notExists"; readonly selector: Selector };

function readCondition(cursor: TokenCursor, stats: PatternStats): JsonCondition {
  const first = cursor.next();
  if (first.kind !== "selector") throw invalidPattern();
  const selector = first.selector;
  const next = cursor.peek();
  if (next?.kind === "op") return { kind: "compare", selector, ...readComparison(cursor, stats) };
  if (next?.kind !== "word") throw invalidPattern();
  cursor.next();
  const operand = cursor.next();
  if (operand.kind !== "word") throw invalidPattern();
  // Only the documented forms: IS NULL, IS TRUE, IS FALSE, NOT EXISTS ("IS NOT" and "EXISTS"
  // are documented as unsupported).
  if (next.value === "IS") {
    if (operand.value === "NULL") return { kind: "isNull", selector };
    if (operand.value === "TRUE") return { kind: "isTrue", selector };
    if (operand.value === "FALSE") return { kind: "isFalse", selector };
  } else if (next.value === "NOT" && operand.value === "EXISTS") {
    return { kind: "notExists", selector };
  }
  throw invalidPattern();
}

export interface JsonPatternMatcher {
  /** Selectors as written, first occurrence order. */
  readonly fields: readonly string[];
  test(message: string): boolean;
}

/** `body` is the text between the outer braces. */
export function compileJsonPattern(body: string, stats: PatternStats): JsonPatternMatcher {
  const tokens = lexConditions(body, true);
  const conditions: JsonCondition[] = [];
  const tree = parseBoolean(tokens, (cursor) => {
    conditions.push(readCondition(cursor, stats));
    return conditions.length - 1;
  });
  if (conditions.filter((c) => c.selector.wildcard).length > MAX_WILDCARD_SELECTORS) {
    throw invalidPattern();
  }
  return new JsonMatcher(tree, conditions);
}

/** Equal step lists select the same values: `$.a` and `$.['a']` share one selector id. */
function selectorKey(selector: Selector): string {
  return JSON.stringify(selector.steps);
}

class JsonMatcher implements JsonPatternMatcher, JsonValueSink {
  readonly fields: readonly string[];
  private readonly root: PathState;
  private readonly scanner = new JsonScanner();
  private readonly leafValues: Uint8Array;
  private readonly seen: Uint8Array;
  private readonly selectorWildcard: boolean[] = [];
  /** Per selector id: the leaves decided when its value shows up (all but NOT EXISTS). */
  private readonly valueLeaves: number[][] = [];
  private readonly notExistsLeaves: { leaf: number; selector: number }[] = [];
  private readonly leafSelector: number[];
  /** Texts a matching message must contain, when it contains no backslash. */
  private readonly required: readonly string[];

  constructor(
    private readonly tree: BoolNode<number>,
    private readonly conditions: readonly JsonCondition[],
  ) {
    const ids = new Map<string, number>();
    const selectors: Selector[] = [];
    this.leafSelector = conditions.map((condition) => {
      const key = selectorKey(condition.selector);
      let id = ids.get(key);
      if (id === undefined) {
        id = selectors.length;
        ids.set(key, id);
        selectors.push(condition.selector);
        this.selectorWildcard.push(condition.selector.wildcard);
        this.valueLeaves.push([]);
      }
      return id;
    });
    conditions.forEach((condition, leaf) => {
      const selector = this.leafSelector[leaf] as number;
      if (condition.kind === "notExists") this.notExistsLeaves.push({ leaf, selector });
      else this.valueLeaves[selector]?.push(leaf);
    });
    this.fields = [...new Set(conditions.map((c) => c.selector.source))];
    this.root = buildPaths(selectors);
    this.leafValues = new Uint8Array(conditions.length);
    this.seen = new Uint8Array(selectors.length);
    this.required = [...new Set(requiredTexts(tree, conditions))];
  }

  test(message: string): boolean {
    const start = jsonStart(message);
    if (start === -1) return false;
    for (const text of this.required) {
      // Without escapes the message's text is its decoded text, so a missing value settles it;
      // with escapes, fall through to the full read.
      if (!message.includes(text)) {
        if (message.indexOf("\\") === -1) return false;
        break;
      }
    }
    this.leafValues.fill(0);
    this.seen.fill(0);
    if (!this.scanner.scanObjectText(message, start, this.root, this)) return false;
    for (const { leaf, selector } of this.notExistsLeaves) {
      this.leafValues[leaf] = this.seen[selector] === 1 ? 0 : 1;
    }
    return evaluate(this.tree, this.leafValues);
  }

  value(
    state: PathState,
    type: JsonType,
    src: string,
    start: number,
    end: number,
    escaped: boolean,
  ): void {
    let text = src;
    let from = start;
    let to = end;
    if (escaped) {
      text = decodeString(src, start, end);
      from = 0;
      to = text.length;
    }
    for (const selector of state.terminals) {
      this.seen[selector] = 1;
      const wildcard = this.selectorWildcard[selector];
      for (const leaf of this.valueLeaves[selector] as number[]) {
        const result = this.decide(leaf, type, text, from, to);
        if (!wildcard) this.leafValues[leaf] = result ? 1 : 0;
        else if (result) this.leafValues[leaf] = 1;
      }
    }
  }

  reset(state: PathState): void {
    for (const selector of state.resets) {
      if (this.seen[selector] === 0) continue;
      this.seen[selector] = 0;
      for (const leaf of this.valueLeaves[selector] as number[]) this.leafValues[leaf] = 0;
    }
  }

  /**
   * One condition against one selected value. Comparisons apply to strings and numbers only:
   * objects, arrays, booleans and null fail both `=` and `!=` (the docs: "both {$.users = 1}
   * and {$.users != 1} will fail to match" an array). Ordering needs a JSON number; a number
   * literal equals a JSON string only when the string is the literal's text, so scientific
   * notation is read as a number only against numbers.
   */
  private decide(leaf: number, type: JsonType, src: string, start: number, end: number): boolean {
    const condition = this.conditions[leaf] as JsonCondition;
    switch (condition.kind) {
      case "isNull":
        return type === NULL;
      case "isTrue":
        return type === TRUE;
      case "isFalse":
        return type === FALSE;
      case "notExists":
        return false;
      case "compare": {
        if (type !== STRING && type !== NUMBER) return false;
        const { op, literal } = condition;
        if (literal.type === "number" && type === NUMBER) {
          return compare(op, numberAt(src, start, end), literal.value);
        }
        if (ordering(op)) return false;
        const equal = literal.test(src, start, end);
        return op === "=" ? equal : !equal;
      }
    }
  }
}

/**
 * Texts that every message matching `node` contains verbatim when it has no escapes: the
 * non-wildcard part of `=` strings under `&&` only. Property names would qualify too, but a log
 * group's messages usually share their names, so looking for them costs more than it saves.
 */
function requiredTexts(node: BoolNode<number>, conditions: readonly JsonCondition[]): string[] {
  if (node.kind !== "leaf") {
    return node.kind === "or" ? [] : node.children.flatMap((c) => requiredTexts(c, conditions));
  }
  const condition = conditions[node.leaf] as JsonCondition;
  if (condition.kind !== "compare" || condition.op !== "=" || condition.literal.type !== "text") {
    return [];
  }
  return condition.literal.core === "" ? [] : [condition.literal.core];
}

/**
 * The JSON object starts at the message's first "{": right away for a JSON message, or after a
 * text prefix such as Lambda's "2024-01-01T00:00:00.000Z\t<request id>\tINFO\t{...}".
 */
function jsonStart(message: string): number {
  return message.indexOf("{");
}
