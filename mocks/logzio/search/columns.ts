import { type Doc, fieldReader, type Leaf } from "./fields.js";

/** A document without a value for the field. */
export const NO_VALUE = -1;
/** A document with several values for the field: a column cannot count it. */
export const SEVERAL_VALUES = -2;

/**
 * One field of a list of documents coded as small integers, one per document in list order: the
 * index of its single value in `values`, NO_VALUE or SEVERAL_VALUES. Counting a field's values
 * then reads an Int32Array instead of every document. Values are told apart as a Map tells them:
 * `1`, `"1"` and `true` are three values.
 */
export class FieldColumn {
  codes = new Int32Array(1024);
  /** How many documents are coded. */
  length = 0;
  values: Leaf[] = [];
  #codeOf = new Map<Leaf, number>();
  /**
   * More distinct values than a column is worth (ids, timestamps): it is given up for good, its
   * memory freed, and the field counted document by document.
   */
  tooVaried = false;

  constructor(readonly field: string) {}

  /** Codes the documents past `length`, up to `end`. */
  extend(docs: readonly Doc[], end: number): void {
    if (end <= this.length || this.tooVaried) return;
    if (end > this.codes.length) {
      const grown = new Int32Array(Math.max(end, this.codes.length * 2));
      grown.set(this.codes.subarray(0, this.length));
      this.codes = grown;
    }
    const read = fieldReader(this.field);
    let found = 0;
    let first: Leaf = "";
    const visit = (v: Leaf) => {
      if (found++ === 0) first = v;
      return found > 1;
    };
    for (let i = this.length; i < end; i++) {
      found = 0;
      read(docs[i] as Doc, visit);
      if (found === 0) this.codes[i] = NO_VALUE;
      else if (found > 1) this.codes[i] = SEVERAL_VALUES;
      else {
        let code = this.#codeOf.get(first);
        if (code === undefined) {
          if (this.values.length >= MAX_DISTINCT_VALUES) {
            this.#giveUp();
            return;
          }
          code = this.values.length;
          this.values.push(first);
          this.#codeOf.set(first, code);
        }
        this.codes[i] = code;
      }
    }
    this.length = end;
  }

  #giveUp(): void {
    this.tooVaried = true;
    this.codes = new Int32Array(0);
    this.length = 0;
    this.values = [];
    this.#codeOf = new Map();
  }
}

/** Distinct values a column codes at most. */
const MAX_DISTINCT_VALUES = 65_536;

/** Columns per list of documents; dropped with the list. */
const columns = new WeakMap<readonly Doc[], Map<string, FieldColumn>>();
/** Columns kept per list: aggregating on many fields does not keep an array for each. */
const MAX_COLUMNS = 16;

/**
 * The column of `field` over `docs[0..end)`, or undefined when the field has too many distinct
 * values for one. Only for a list that grows only at its end and whose documents never change (a
 * store's own list of an account's logs): what was coded stays true, and later calls code only
 * the documents added since.
 */
export function columnOf(
  docs: readonly Doc[],
  field: string,
  end: number,
): FieldColumn | undefined {
  let byField = columns.get(docs);
  if (byField === undefined) {
    byField = new Map();
    columns.set(docs, byField);
  }
  let column = byField.get(field);
  if (column === undefined) {
    if (byField.size >= MAX_COLUMNS) {
      const oldest = byField.keys().next().value as string;
      byField.delete(oldest);
    }
    column = new FieldColumn(field);
  } else byField.delete(field);
  // Most recently used last.
  byField.set(field, column);
  column.extend(docs, end);
  return column.tooVaried ? undefined : column;
}
