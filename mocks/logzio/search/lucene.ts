import { invalidQuery, leadingWildcard, unsupported } from "./errors.js";
import {
  all,
  and,
  atLeast,
  exists,
  match,
  none,
  not,
  type Predicate,
  phrase,
  range,
  wildcard,
} from "./predicates.js";

/** The Lucene query syntax of `query_string`, evaluated the way Lucene's classic parser does. */
export interface LuceneOptions {
  /** Fields a term without `field:` searches; `*` is every field. */
  defaultFields: readonly string[];
  defaultOperator: "or" | "and";
  /** The simulator clock, read only by date math that starts at `now`. */
  now: () => number;
}

type Occur = "must" | "should" | "must_not";
type Node =
  | { kind: "bool"; clauses: { occur: Occur; node: Node }[] }
  | { kind: "term"; field?: string; text: string; quoted: boolean }
  | {
      kind: "range";
      field?: string;
      lower: string;
      upper: string;
      incLower: boolean;
      incUpper: boolean;
    }
  | { kind: "compare"; field?: string; op: "gt" | "gte" | "lt" | "lte"; value: string };

const SPECIAL = new Set([...' \t\r\n()[]{}:"^~']);

export function compileLucene(query: string, options: LuceneOptions): Predicate {
  const parser = new Parser(query, options.defaultOperator);
  const node = parser.parseQuery(undefined);
  if (!parser.atEnd())
    throw invalidQuery(`unexpected '${parser.peek()}' in query_string [${query}]`);
  return compile(node, options);
}

class Parser {
  #i = 0;
  constructor(
    readonly text: string,
    readonly op: "or" | "and",
  ) {}

  atEnd() {
    this.#ws();
    return this.#i >= this.text.length;
  }
  peek() {
    return this.text[this.#i] ?? "";
  }
  #ws() {
    while (/\s/.test(this.peek())) this.#i++;
  }
  #fail(what: string): never {
    throw invalidQuery(`${what} at position ${this.#i} in query_string [${this.text}]`);
  }

  /** A word, with `\` escapes kept (wildcards need to tell `\*` from `*`). */
  #word(): string {
    let out = "";
    while (this.#i < this.text.length) {
      const c = this.peek();
      if (c === "\\") {
        out += this.text.slice(this.#i, this.#i + 2);
        this.#i += 2;
      } else if (SPECIAL.has(c)) break;
      else {
        out += c;
        this.#i++;
      }
    }
    return out;
  }

  /** A bare keyword operator at the cursor (`AND`, `&&`, ...), consumed when present. */
  #keyword(words: readonly string[]): string | undefined {
    for (const w of words) {
      if (!this.text.startsWith(w, this.#i)) continue;
      const after = this.text[this.#i + w.length] ?? " ";
      if (/^[A-Z]+$/.test(w) && !/[\s(]/.test(after)) continue;
      this.#i += w.length;
      return w;
    }
    return undefined;
  }

  parseQuery(field: string | undefined): Node {
    const clauses: { occur: Occur; node: Node }[] = [];
    for (;;) {
      this.#ws();
      if (this.#i >= this.text.length || this.peek() === ")") break;
      const conj = this.#keyword(["AND", "&&", "OR", "||"]);
      this.#ws();
      let mod = this.#keyword(["NOT", "!", "+", "-"]);
      if (mod === "-" && /\s/.test(this.peek())) this.#fail("dangling '-'");
      this.#ws();
      if (conj && clauses.length === 0) this.#fail(`'${conj}' with nothing before it`);
      const node = this.#clause(field);
      const isAnd = conj === "AND" || conj === "&&";
      const isOr = conj === "OR" || conj === "||";
      // Lucene classic QueryParser.addClause: AND makes the previous clause required, too.
      const prev = clauses[clauses.length - 1];
      if (prev && isAnd && prev.occur !== "must_not") prev.occur = "must";
      if (prev && isOr && this.op === "and" && prev.occur !== "must_not") prev.occur = "should";
      if (mod === "!") mod = "NOT";
      const prohibited = mod === "NOT" || mod === "-";
      const required =
        this.op === "or" ? mod === "+" || (isAnd && !prohibited) : !prohibited && !isOr;
      clauses.push({ occur: prohibited ? "must_not" : required ? "must" : "should", node });
    }
    if (clauses.length === 1 && clauses[0]?.occur !== "must_not") return clauses[0]?.node as Node;
    return { kind: "bool", clauses };
  }

  #clause(field: string | undefined): Node {
    const c = this.peek();
    if (c === "(") return this.#group(field);
    if (c === '"' || c === "[" || c === "{") return this.#value(field);
    const start = this.#i;
    const word = this.#word();
    if (word === "") this.#fail(`unexpected '${c}'`);
    if (this.peek() === ":") {
      this.#i++;
      this.#ws();
      if (this.peek() === "(") return this.#group(word);
      return this.#value(word);
    }
    this.#i = start;
    return this.#value(field);
  }

  #group(field: string | undefined): Node {
    this.#i++;
    const node = this.parseQuery(field);
    this.#ws();
    if (this.peek() !== ")") this.#fail("missing ')'");
    this.#i++;
    this.#suffix();
    return node;
  }

  #value(field: string | undefined): Node {
    const c = this.peek();
    let node: Node;
    if (c === '"') {
      const end = this.#closingQuote();
      node = {
        kind: "term",
        field,
        text: unescapeLucene(this.text.slice(this.#i + 1, end)),
        quoted: true,
      };
      this.#i = end + 1;
    } else if (c === "[" || c === "{") {
      this.#i++;
      this.#ws();
      const lower = this.#word();
      this.#ws();
      if (!this.text.startsWith("TO", this.#i)) this.#fail("expected 'TO' in range");
      this.#i += 2;
      this.#ws();
      const upper = this.#word();
      this.#ws();
      const close = this.peek();
      if (close !== "]" && close !== "}") this.#fail("unclosed range");
      this.#i++;
      node = { kind: "range", field, lower, upper, incLower: c === "[", incUpper: close === "]" };
    } else {
      const m = /^(>=|<=|>|<)/.exec(this.text.slice(this.#i));
      if (m) {
        this.#i += m[0].length;
        const op = ({ ">": "gt", ">=": "gte", "<": "lt", "<=": "lte" } as const)[m[0] as ">"];
        node = { kind: "compare", field, op, value: unescapeLucene(this.#word()) };
      } else {
        const word = this.#word();
        if (word === "") this.#fail(`unexpected '${c || "end of query"}'`);
        node = { kind: "term", field, text: word, quoted: false };
      }
    }
    this.#suffix();
    return node;
  }

  #closingQuote(): number {
    for (let j = this.#i + 1; j < this.text.length; j++) {
      if (this.text[j] === "\\") j++;
      else if (this.text[j] === '"') return j;
    }
    this.#fail("unclosed quote");
  }

  /** `^2` boosts only change scores, which the simulator does not rank by; `~` changes matching. */
  #suffix() {
    if (this.peek() === "^") {
      this.#i++;
      if (!/^\d+(\.\d+)?/.test(this.text.slice(this.#i))) this.#fail("bad boost");
      this.#word();
    }
    if (this.peek() === "~") throw unsupported("Fuzzy and proximity queries (~)", "query_string");
  }
}

const unescapeLucene = (s: string) => s.replace(/\\(.)/g, "$1");
const hasWildcard = (s: string) => /(^|[^\\])[*?]/.test(s);

/** A field-less term matches when it matches in any default field (per term, as ES expands it). */
function perField(field: string | undefined, o: LuceneOptions, make: (f: string) => Predicate) {
  if (field !== undefined) return make(field);
  const ps = o.defaultFields.map(make);
  return ps.length === 1 ? (ps[0] as Predicate) : atLeast(ps, 1);
}

function compile(node: Node, o: LuceneOptions): Predicate {
  switch (node.kind) {
    case "bool": {
      const must = node.clauses.filter((c) => c.occur === "must").map((c) => compile(c.node, o));
      const should = node.clauses
        .filter((c) => c.occur === "should")
        .map((c) => compile(c.node, o));
      const mustNot = node.clauses
        .filter((c) => c.occur === "must_not")
        .map((c) => compile(c.node, o));
      // A purely negative query matches everything else, as Elasticsearch makes it.
      const min = must.length === 0 && should.length > 0 ? 1 : 0;
      return and([...must, atLeast(should, min), ...mustNot.map(not)]);
    }
    case "term": {
      const text = node.text;
      if (node.field === "_exists_") return exists(unescapeLucene(text));
      if (!node.quoted && text === "*") return node.field ? exists(node.field) : all;
      if (node.quoted) return perField(node.field, o, (f) => phrase(f, text));
      if (hasWildcard(text)) {
        if (/^[*?]/.test(text)) throw leadingWildcard(text);
        return perField(node.field, o, (f) => wildcard(f, text));
      }
      if (text.startsWith("/")) throw unsupported("Regular expressions", "query_string");
      return perField(node.field, o, (f) => match(f, unescapeLucene(text), o.defaultOperator));
    }
    case "range": {
      const lower = unescapeLucene(node.lower);
      const upper = unescapeLucene(node.upper);
      const bounds = {
        ...(lower === "*" ? {} : node.incLower ? { gte: lower } : { gt: lower }),
        ...(upper === "*" ? {} : node.incUpper ? { lte: upper } : { lt: upper }),
      };
      return perField(node.field, o, (f) =>
        lower === "*" && upper === "*" ? exists(f) : range(f, bounds, o.now),
      );
    }
    case "compare": {
      if (node.value === "") return none;
      const bounds = { [node.op]: node.value };
      return perField(node.field, o, (f) => range(f, bounds, o.now));
    }
  }
}
