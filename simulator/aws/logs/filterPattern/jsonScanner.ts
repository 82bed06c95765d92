import type { PathState } from "./jsonPaths.js";

export const JSON_STRING = 1;
export const JSON_NUMBER = 2;
export const JSON_TRUE = 3;
export const JSON_FALSE = 4;
export const JSON_NULL = 5;
export const JSON_OBJECT = 6;
export const JSON_ARRAY = 7;

export type JsonType = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/** Receives the values the path states select, in document order. */
export interface JsonValueSink {
  /**
   * `src[start, end)` is the raw text: a string's content without its quotes (still escaped
   * when `escaped`), a number's literal, nothing for the other types.
   */
  value(
    state: PathState,
    type: JsonType,
    src: string,
    start: number,
    end: number,
    escaped: boolean,
  ): void;
  /** A property name repeated: forget what was selected under its earlier copy. */
  reset(state: PathState): void;
}

// Character codes are local on purpose: this is the per-message hot path, and bindings imported
// from another module cost an accessor call per use under some loaders (tsx, vitest).
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const COLON = 58;
const LBRACE = 123;
const RBRACE = 125;
const LBRACKET = 91;
const RBRACKET = 93;

function isWhitespace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

const NO_SINK: JsonValueSink = { value() {}, reset() {} };

// Deeper documents are treated as not JSON: recursion stays bounded on hostile input, and
// common JSON parsers refuse such nesting too.
const MAX_DEPTH = 1000;

/**
 * A validating single-pass JSON reader that materialises nothing: it checks the whole text is
 * one JSON object and reports only the values the path states select. Strict RFC 8259 syntax
 * (no comments, trailing commas, single quotes or raw control characters in strings).
 */
export class JsonScanner {
  private src = "";
  private pos = 0;
  private end = 0;
  private depth = 0;
  private escaped = false;
  private sink: JsonValueSink = NO_SINK;

  /** True when `src[start..]` is exactly one JSON object, surrounding whitespace aside. */
  scanObjectText(src: string, start: number, root: PathState, sink: JsonValueSink): boolean {
    this.src = src;
    this.pos = start;
    this.end = src.length;
    this.depth = 0;
    this.sink = sink;
    this.skipWhitespace();
    if (src.charCodeAt(this.pos) !== LBRACE) return false;
    if (!this.value(root)) return false;
    this.skipWhitespace();
    return this.pos === this.end;
  }

  private skipWhitespace(): void {
    const src = this.src;
    let pos = this.pos;
    while (pos < this.end && isWhitespace(src.charCodeAt(pos))) pos++;
    this.pos = pos;
  }

  private value(state: PathState | null): boolean {
    const src = this.src;
    const start = this.pos;
    const c = src.charCodeAt(start);
    let type: JsonType;
    if (c === QUOTE) {
      if (!this.string()) return false;
      if (state !== null && state.terminals.length > 0) {
        this.sink.value(state, JSON_STRING, src, start + 1, this.pos - 1, this.escaped);
      }
      return true;
    }
    if (c === LBRACE) {
      if (state !== null && state.terminals.length > 0) {
        this.sink.value(state, JSON_OBJECT, src, start, start, false);
      }
      return this.object(state);
    }
    if (c === LBRACKET) {
      if (state !== null && state.terminals.length > 0) {
        this.sink.value(state, JSON_ARRAY, src, start, start, false);
      }
      return this.array(state);
    }
    if (c === 116 /* t */ && src.startsWith("true", start)) {
      this.pos += 4;
      type = JSON_TRUE;
    } else if (c === 102 /* f */ && src.startsWith("false", start)) {
      this.pos += 5;
      type = JSON_FALSE;
    } else if (c === 110 /* n */ && src.startsWith("null", start)) {
      this.pos += 4;
      type = JSON_NULL;
    } else if (!this.number()) {
      return false;
    } else {
      type = JSON_NUMBER;
    }
    if (state !== null && state.terminals.length > 0) {
      this.sink.value(state, type, src, start, this.pos, false);
    }
    return true;
  }

  private object(state: PathState | null): boolean {
    const src = this.src;
    if (++this.depth > MAX_DEPTH) return false;
    this.pos++;
    if (isWhitespace(src.charCodeAt(this.pos))) this.skipWhitespace();
    if (src.charCodeAt(this.pos) === RBRACE) {
      this.pos++;
      this.depth--;
      return true;
    }
    for (;;) {
      if (src.charCodeAt(this.pos) !== QUOTE) return false;
      const keyStart = this.pos + 1;
      if (!this.string()) return false;
      const child = state === null ? null : this.childForKey(state, keyStart, this.pos - 1);
      if (isWhitespace(src.charCodeAt(this.pos))) this.skipWhitespace();
      if (src.charCodeAt(this.pos) !== COLON) return false;
      this.pos++;
      if (isWhitespace(src.charCodeAt(this.pos))) this.skipWhitespace();
      if (!this.value(child)) return false;
      if (isWhitespace(src.charCodeAt(this.pos))) this.skipWhitespace();
      const c = src.charCodeAt(this.pos);
      this.pos++;
      if (c === RBRACE) break;
      if (c !== COMMA) return false;
      if (isWhitespace(src.charCodeAt(this.pos))) this.skipWhitespace();
    }
    this.depth--;
    return true;
  }

  private childForKey(state: PathState, start: number, end: number): PathState | null {
    const keys = state.keys;
    if (keys.length > 0) {
      const src = this.src;
      const length = end - start;
      const name = this.escaped ? decodeJsonString(src, start, end) : null;
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i] as string;
        const same =
          name === null ? key.length === length && src.startsWith(key, start) : key === name;
        if (same) {
          const target = state.keyTargets[i] as PathState;
          if (target.resets.length > 0) this.sink.reset(target);
          return target;
        }
      }
    }
    return state.otherKey;
  }

  private array(state: PathState | null): boolean {
    const src = this.src;
    if (++this.depth > MAX_DEPTH) return false;
    this.pos++;
    if (isWhitespace(src.charCodeAt(this.pos))) this.skipWhitespace();
    if (src.charCodeAt(this.pos) === RBRACKET) {
      this.pos++;
      this.depth--;
      return true;
    }
    for (let index = 0; ; index++) {
      let child: PathState | null = null;
      if (state !== null) {
        const at = state.indexes.indexOf(index);
        child = at === -1 ? state.otherIndex : (state.indexTargets[at] as PathState);
      }
      if (!this.value(child)) return false;
      if (isWhitespace(src.charCodeAt(this.pos))) this.skipWhitespace();
      const c = src.charCodeAt(this.pos);
      this.pos++;
      if (c === RBRACKET) break;
      if (c !== COMMA) return false;
      if (isWhitespace(src.charCodeAt(this.pos))) this.skipWhitespace();
    }
    this.depth--;
    return true;
  }

  /** At the opening quote; leaves `pos` after the closing one and `escaped` set if needed. */
  private string(): boolean {
    const from = this.pos + 1;
    const src = this.src;
    const end = this.end;
    let pos = from;
    let escaped = false;
    while (pos < end) {
      const c = src.charCodeAt(pos);
      // Most characters are above the backslash (lowercase letters) or between it and the quote.
      if (c > BACKSLASH || (c > QUOTE && c < BACKSLASH)) {
        pos++;
        continue;
      }
      if (c === QUOTE) {
        this.pos = pos + 1;
        this.escaped = escaped;
        return true;
      }
      if (c === BACKSLASH) {
        escaped = true;
        const e = src.charCodeAt(pos + 1);
        if (e === 117 /* u */) {
          for (let k = pos + 2; k < pos + 6; k++) if (!isHex(src.charCodeAt(k))) return false;
          pos += 6;
          continue;
        }
        // " \ / b f n r t
        if (
          e !== QUOTE &&
          e !== BACKSLASH &&
          e !== 47 &&
          e !== 98 &&
          e !== 102 &&
          e !== 110 &&
          e !== 114 &&
          e !== 116
        ) {
          return false;
        }
        pos += 2;
        continue;
      }
      if (c < 32) return false;
      pos++;
    }
    return false;
  }

  /** -? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)? */
  private number(): boolean {
    const src = this.src;
    let pos = this.pos;
    if (src.charCodeAt(pos) === 45) pos++;
    const first = src.charCodeAt(pos);
    if (first === 48) {
      pos++;
    } else if (first >= 49 && first <= 57) {
      pos++;
      while (isDigitCode(src.charCodeAt(pos))) pos++;
    } else {
      return false;
    }
    if (src.charCodeAt(pos) === 46) {
      pos++;
      if (!isDigitCode(src.charCodeAt(pos))) return false;
      while (isDigitCode(src.charCodeAt(pos))) pos++;
    }
    const e = src.charCodeAt(pos);
    if (e === 101 || e === 69) {
      pos++;
      const sign = src.charCodeAt(pos);
      if (sign === 43 || sign === 45) pos++;
      if (!isDigitCode(src.charCodeAt(pos))) return false;
      while (isDigitCode(src.charCodeAt(pos))) pos++;
    }
    this.pos = pos;
    return true;
  }
}

function isDigitCode(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isHex(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 102) || (c >= 65 && c <= 70);
}

/** Decodes the content of a (validated) JSON string literal. */
export function decodeJsonString(src: string, start: number, end: number): string {
  return JSON.parse(`"${src.slice(start, end)}"`) as string;
}
