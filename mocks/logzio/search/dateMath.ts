import { invalidQuery } from "./errors.js";
import { toEpochMs } from "./fields.js";

const UNITS = new Set(["y", "M", "w", "d", "h", "H", "m", "s"]);

function add(ms: number, n: number, unit: string): number {
  const d = new Date(ms);
  switch (unit) {
    case "y":
      d.setUTCFullYear(d.getUTCFullYear() + n);
      return d.getTime();
    case "M":
      d.setUTCMonth(d.getUTCMonth() + n);
      return d.getTime();
    case "w":
      return ms + n * 7 * 86_400_000;
    case "d":
      return ms + n * 86_400_000;
    case "h":
    case "H":
      return ms + n * 3_600_000;
    case "m":
      return ms + n * 60_000;
    default:
      return ms + n * 1000;
  }
}

function floor(ms: number, unit: string): number {
  const d = new Date(ms);
  switch (unit) {
    case "y":
      return Date.UTC(d.getUTCFullYear(), 0, 1);
    case "M":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
    case "w": {
      // Elasticsearch weeks start on Monday.
      const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
      return day - ((d.getUTCDay() + 6) % 7) * 86_400_000;
    }
    case "d":
      return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate());
    case "h":
    case "H":
      return ms - (((ms % 3_600_000) + 3_600_000) % 3_600_000);
    case "m":
      return ms - (((ms % 60_000) + 60_000) % 60_000);
    default:
      return ms - (((ms % 1000) + 1000) % 1000);
  }
}

/**
 * Elasticsearch date math (`now-5m`, `now-1h/h`, `2026-01-01||+1d`, epoch ms) in UTC. `roundUp`
 * is how ES rounds `/unit` for `gt` and `lte`: to the last millisecond of the unit. The clock is
 * read only for an expression that starts at `now`.
 */
export function parseDateMath(expr: unknown, now: () => number, roundUp: boolean): number {
  if (typeof expr === "number") return expr;
  if (typeof expr !== "string") throw invalidQuery(`cannot parse date ${JSON.stringify(expr)}`);
  let anchor: number | undefined;
  let rest: string;
  if (expr.startsWith("now")) {
    anchor = now();
    rest = expr.slice(3);
  } else {
    const at = expr.indexOf("||");
    const base = at >= 0 ? expr.slice(0, at) : expr;
    rest = at >= 0 ? expr.slice(at + 2) : "";
    anchor = /^-?\d+$/.test(base) ? Number(base) : toEpochMs(base);
  }
  if (anchor === undefined) throw invalidQuery(`cannot parse date [${expr}]`);
  let ms = anchor;
  let i = 0;
  while (i < rest.length) {
    const op = rest[i];
    if (op === "/") {
      const unit = rest[i + 1] ?? "";
      if (!UNITS.has(unit)) throw invalidQuery(`bad rounding unit in [${expr}]`);
      ms = floor(ms, unit);
      if (roundUp) ms = add(ms, 1, unit) - 1;
      i += 2;
      continue;
    }
    const m = /^([+-])(\d*)([yMwdhHms])/.exec(rest.slice(i));
    if (!m) throw invalidQuery(`cannot parse date math [${expr}]`);
    const n = m[2] ? Number(m[2]) : 1;
    ms = add(ms, m[1] === "-" ? -n : n, m[3] as string);
    i += m[0].length;
  }
  return ms;
}

/** `1m`, `30s`, `1h`, `1d`, `500ms` as milliseconds (fixed intervals only). */
export function parseInterval(text: unknown): number | undefined {
  if (typeof text !== "string") return undefined;
  const m = /^(\d+)(ms|s|m|h|d)$/.exec(text.trim());
  if (!m) {
    // Elasticsearch's legacy `interval` also takes calendar names for these units.
    const names: Record<string, number> = {
      second: 1000,
      minute: 60_000,
      hour: 3_600_000,
      day: 86_400_000,
    };
    return names[text.trim()];
  }
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as "ms"];
  return n > 0 ? n * unit : undefined;
}

export const startOfUtcDay = (ms: number) => floor(ms, "d");
