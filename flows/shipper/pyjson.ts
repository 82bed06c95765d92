/**
 * Python's `json.loads` and `json.dumps` (default arguments), as far as the shipper's output
 * depends on them. A JavaScript object cannot stand in for a Python dict: it puts integer-like
 * keys first and forgets whether `1.0` was a float, so values keep Python's shapes here.
 */

/** A Python float; integers are bigints, so `1.0` and `1` stay apart as in Python. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A Python dict: insertion order, a re-assigned key keeps its place. */
export type PyDict = Map<string, PyValue>;

export type PyValue = null | boolean | string | bigint | PyFloat | PyValue[] | PyDict;

/** Python's `json.JSONDecodeError`: a ValueError whose text ends with line, column and char. */
export class JSONDecodeError extends Error {
  override readonly name = "JSONDecodeError";
  constructor(
    readonly msg: string,
    readonly doc: string,
    readonly pos: number,
  ) {
    const lineno = doc.slice(0, pos).split("\n").length;
    const colno = pos - doc.lastIndexOf("\n", pos - 1);
    super(`${msg}: line ${lineno} column ${colno} (char ${pos})`);
  }
}

const WHITESPACE = /[ \t\n\r]*/y;
const NUMBER = /(-?(?:0|[1-9]\d*))(\.\d+)?([eE][-+]?\d+)?/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: strict JSON refuses them in strings
const STRING_CHUNK = /[^"\\\x00-\x1f]*/y;
const SIMPLE_ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

class Decoder {
  pos = 0;
  constructor(readonly doc: string) {}

  fail(msg: string, pos = this.pos): never {
    throw new JSONDecodeError(msg, this.doc, pos);
  }

  skipWhitespace(): void {
    WHITESPACE.lastIndex = this.pos;
    WHITESPACE.exec(this.doc);
    this.pos = WHITESPACE.lastIndex;
  }

  value(): PyValue {
    const doc = this.doc;
    const c = doc[this.pos];
    if (c === '"') return this.string();
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    for (const [word, value] of CONSTANTS) {
      if (doc.startsWith(word, this.pos)) {
        this.pos += word.length;
        return value;
      }
    }
    NUMBER.lastIndex = this.pos;
    const m = NUMBER.exec(doc);
    if (!m) this.fail("Expecting value");
    this.pos = NUMBER.lastIndex;
    const [text, integer, fraction, exponent] = m;
    if (fraction === undefined && exponent === undefined) return BigInt(integer as string);
    return new PyFloat(Number(text));
  }

  string(): string {
    const doc = this.doc;
    const begin = this.pos;
    this.pos++;
    let out = "";
    for (;;) {
      STRING_CHUNK.lastIndex = this.pos;
      STRING_CHUNK.exec(doc);
      out += doc.slice(this.pos, STRING_CHUNK.lastIndex);
      this.pos = STRING_CHUNK.lastIndex;
      const c = doc[this.pos];
      if (c === undefined) this.fail("Unterminated string starting at", begin);
      if (c === '"') {
        this.pos++;
        return out;
      }
      if (c !== "\\") this.fail("Invalid control character at");
      const e = doc[this.pos + 1];
      if (e === undefined) this.fail("Unterminated string starting at", begin);
      if (e === "u") {
        const hex = doc.slice(this.pos + 2, this.pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) this.fail("Invalid \\uXXXX escape", this.pos + 1);
        // Surrogates stay as code units: a JavaScript string holds them as Python's str does.
        out += String.fromCharCode(Number.parseInt(hex, 16));
        this.pos += 6;
        continue;
      }
      const simple = SIMPLE_ESCAPES[e];
      if (simple === undefined) this.fail("Invalid \\escape");
      out += simple;
      this.pos += 2;
    }
  }

  object(): PyDict {
    const doc = this.doc;
    const out: PyDict = new Map();
    this.pos++;
    this.skipWhitespace();
    if (doc[this.pos] === "}") {
      this.pos++;
      return out;
    }
    for (;;) {
      if (doc[this.pos] !== '"') {
        this.fail("Expecting property name enclosed in double quotes");
      }
      const key = this.string();
      this.skipWhitespace();
      if (doc[this.pos] !== ":") this.fail("Expecting ':' delimiter");
      this.pos++;
      this.skipWhitespace();
      out.set(key, this.value());
      this.skipWhitespace();
      const c = doc[this.pos];
      this.pos++;
      if (c === "}") return out;
      if (c !== ",") this.fail("Expecting ',' delimiter", this.pos - 1);
      this.skipWhitespace();
    }
  }

  array(): PyValue[] {
    const doc = this.doc;
    const out: PyValue[] = [];
    this.pos++;
    this.skipWhitespace();
    if (doc[this.pos] === "]") {
      this.pos++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.skipWhitespace();
      const c = doc[this.pos];
      this.pos++;
      if (c === "]") return out;
      if (c !== ",") this.fail("Expecting ',' delimiter", this.pos - 1);
      this.skipWhitespace();
    }
  }
}

const CONSTANTS: [string, PyValue][] = [
  ["null", null],
  ["true", true],
  ["false", false],
  ["NaN", new PyFloat(Number.NaN)],
  ["Infinity", new PyFloat(Number.POSITIVE_INFINITY)],
  ["-Infinity", new PyFloat(Number.NEGATIVE_INFINITY)],
];

/** `json.loads(text)`: NaN and Infinity accepted, control characters in strings refused. */
export function loads(text: string): PyValue {
  if (text.startsWith("\ufeff")) {
    throw new JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0);
  }
  const decoder = new Decoder(text);
  decoder.skipWhitespace();
  const value = decoder.value();
  decoder.skipWhitespace();
  if (decoder.pos !== text.length) decoder.fail("Extra data");
  return value;
}

// ---------------------------------------------------------------------------------------------

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  "\\": "\\\\",
  "\b": "\\b",
  "\f": "\\f",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
};

/** ensure_ascii: everything outside space..tilde is escaped, DEL included, hex in lower case. */
function quote(text: string): string {
  return `"${text.replace(/[\\"]|[^ -~]/g, (c) => ESCAPES[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`)}"`;
}

/** `repr(float)`: the shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return "nan";
  if (x === Number.POSITIVE_INFINITY) return "inf";
  if (x === Number.NEGATIVE_INFINITY) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0.0" : "0.0";
  const sign = x < 0 ? "-" : "";
  const [mantissa = "", exponentText = "0"] = Math.abs(x).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exponent = Number(exponentText);
  const decpt = exponent + 1;
  if (decpt <= -4 || decpt > 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : "";
    const e = String(Math.abs(exponent)).padStart(2, "0");
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? "-" : "+"}${e}`;
  }
  if (decpt <= 0) return `${sign}0.${"0".repeat(-decpt)}${digits}`;
  if (decpt >= digits.length) return `${sign}${digits}${"0".repeat(decpt - digits.length)}.0`;
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}

function dumpFloat(x: number): string {
  if (Number.isNaN(x)) return "NaN";
  if (x === Number.POSITIVE_INFINITY) return "Infinity";
  if (x === Number.NEGATIVE_INFINITY) return "-Infinity";
  return floatRepr(x);
}

/** `json.dumps(value)`: separators ", " and ": ", non-ASCII as \uXXXX, keys in dict order. */
export function dumps(value: PyValue): string {
  if (value === null) return "null";
  if (value === true) return "true";
  if (value === false) return "false";
  if (typeof value === "string") return quote(value);
  if (typeof value === "bigint") return value.toString();
  if (value instanceof PyFloat) return dumpFloat(value.value);
  if (Array.isArray(value)) return `[${value.map(dumps).join(", ")}]`;
  const items: string[] = [];
  for (const [key, item] of value) items.push(`${quote(key)}: ${dumps(item)}`);
  return `{${items.join(", ")}}`;
}

// ---------------------------------------------------------------------------------------------

/** Python's `type(x).__name__`, for error messages. */
export function pyTypeName(value: PyValue | undefined): string {
  if (value === null || value === undefined) return "NoneType";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "string") return "str";
  if (typeof value === "bigint") return "int";
  if (value instanceof PyFloat) return "float";
  if (Array.isArray(value)) return "list";
  return "dict";
}

/** `repr(str)`: single quotes unless the text has a single quote and no double quote. */
function strRepr(text: string): string {
  const q = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = "";
  for (const c of text) {
    if (c === q || c === "\\") out += `\\${c}`;
    else if (c === "\n") out += "\\n";
    else if (c === "\r") out += "\\r";
    else if (c === "\t") out += "\\t";
    else if (c < " " || c === "\x7f") out += `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
    else out += c;
  }
  return `${q}${out}${q}`;
}

/** `repr(x)`. Non-printable characters beyond ASCII are kept as they are. */
export function pyRepr(value: PyValue): string {
  if (typeof value === "string") return strRepr(value);
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(", ")}]`;
  if (value instanceof Map) {
    const items: string[] = [];
    for (const [key, item] of value) items.push(`${strRepr(key)}: ${pyRepr(item)}`);
    return `{${items.join(", ")}}`;
  }
  return pyStr(value);
}

/** `str(x)`. */
export function pyStr(value: PyValue): string {
  if (value === null) return "None";
  if (value === true) return "True";
  if (value === false) return "False";
  if (typeof value === "string") return value;
  if (typeof value === "bigint") return value.toString();
  if (value instanceof PyFloat) return floatRepr(value.value);
  return pyRepr(value);
}
