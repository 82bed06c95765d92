/**
 * The query string as PagerDuty reads it (07-Filtering.md, 06-Types.md): set filters repeat
 * `name[]` (`statuses[]=triggered&statuses[]=acknowledged`, brackets sent bare or encoded as
 * `%5B%5D`) and are also read without brackets; booleans are `true`/`1` and `false`/`0`;
 * integers are decimal. An unreadable value is a 400 Invalid Input Provided naming the parameter.
 */
import { invalidInput } from "./errors.js";

export interface RestQuery {
  /** The raw parameters (URLSearchParams decodes `%5B%5D` to `[]`). */
  readonly params: URLSearchParams;
  has(name: string): boolean;
  /** The last value of `name`, or undefined. */
  string(name: string): string | undefined;
  /** Every value of `name[]` and of `name`, in order; empty strings dropped. */
  strings(name: string): string[];
  /** A boolean parameter; `fallback` when absent; 400 when not true/false/1/0. */
  boolean(name: string, fallback: boolean): boolean;
  /** A non-negative integer parameter; undefined when absent; 400 when not one. */
  integer(name: string): number | undefined;
  /** `include[]`: the expansions asked for. */
  includes(): Set<string>;
}

export function parseQuery(params: URLSearchParams): RestQuery {
  const string = (name: string) => {
    const all = params.getAll(name);
    return all.length === 0 ? undefined : all[all.length - 1];
  };
  const strings = (name: string) =>
    [...params.getAll(`${name}[]`), ...params.getAll(name)].filter((v) => v !== "");
  return {
    params,
    has: (name) => params.has(name) || params.has(`${name}[]`),
    string,
    strings,
    boolean(name, fallback) {
      const value = string(name);
      if (value === undefined || value === "") return fallback;
      if (value === "true" || value === "1") return true;
      if (value === "false" || value === "0") return false;
      throw invalidInput([`${name} must be true or false`]);
    },
    integer(name) {
      const value = string(name);
      if (value === undefined || value === "") return undefined;
      if (!/^\d+$/.test(value)) throw invalidInput([`${name} must be a non-negative integer`]);
      return Number(value);
    },
    includes: () => new Set(strings("include")),
  };
}
