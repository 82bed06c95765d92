/**
 * Whether python-dateutil's `parser.parse(text)` (default options: not fuzzy, month first)
 * would accept `text`. The shipper only asks it "is this a date?" about the first tab-separated
 * field of a Lambda log line, so this follows dateutil's tokens and rules for the forms that
 * field takes (ISO 8601, RFC 2822-like, "Jan 2 2024 10:00", bare numbers, words) rather than
 * every corner of dateutil. Returns undefined when accepted, else dateutil's error text.
 */

const JUMP = new Set([
  " ",
  ".",
  ",",
  ";",
  "-",
  "/",
  "'",
  "at",
  "on",
  "and",
  "ad",
  "m",
  "t",
  "of",
  "st",
  "nd",
  "rd",
  "th",
]);
const MONTHS = [
  ["jan", "january"],
  ["feb", "february"],
  ["mar", "march"],
  ["apr", "april"],
  ["may"],
  ["jun", "june"],
  ["jul", "july"],
  ["aug", "august"],
  ["sep", "sept", "september"],
  ["oct", "october"],
  ["nov", "november"],
  ["dec", "december"],
];
const WEEKDAYS = new Set(
  [
    "mon monday",
    "tue tuesday",
    "wed wednesday",
    "thu thursday",
    "fri friday",
    "sat saturday",
    "sun sunday",
  ].flatMap((names) => names.split(" ")),
);
const AMPM = new Set(["am", "a", "pm", "p"]);
const HMS = new Set(["h", "hour", "hours", "m", "minute", "minutes", "s", "second", "seconds"]);
const UTC_ZONE = new Set(["UTC", "GMT", "Z", "z"]);

/** dateutil's lexer: runs of letters, runs of digits (with one . or , inside), single others. */
function tokens(text: string): string[] {
  return text.match(/\s+|\p{L}+|\d+(?:[.,]\d+)?|./gsu) ?? [];
}

function monthOf(token: string): number | undefined {
  const lower = token.toLowerCase();
  const index = MONTHS.findIndex((names) => names.includes(lower));
  return index === -1 ? undefined : index + 1;
}

function daysIn(month: number, year: number | undefined): number {
  if (month === 2) {
    if (year === undefined) return 29;
    return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  }
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/**
 * Some reading of the numbers as year, month and day is a real date. A four-digit year fixes
 * the order as dateutil does (first: Y-M-D; last: M-D-Y, or D-M-Y when the first is above 12);
 * otherwise any order will do.
 */
function plausibleDate(parts: number[], monthName: number | undefined, yearAt: number): boolean {
  if (parts.length + (monthName === undefined ? 0 : 1) > 3) return false;
  const [a, b, c] = parts;
  type Ymd = [number | undefined, number | undefined, number | undefined];
  let orders: Ymd[];
  if (monthName !== undefined) {
    orders =
      parts.length === 0
        ? [[undefined, monthName, undefined]]
        : parts.length === 1
          ? [
              [undefined, monthName, a],
              [a, monthName, undefined],
            ]
          : [
              [b, monthName, a],
              [a, monthName, b],
            ];
  } else if (parts.length === 1) {
    // A lone number up to 31 is a day of this month, above it a year.
    orders = [
      (a ?? 0) > 31 || yearAt === 0 ? [a, undefined, undefined] : [undefined, undefined, a],
    ];
  } else if (parts.length === 2) {
    orders =
      yearAt === 0
        ? [[a, b, undefined]]
        : [
            [undefined, a, b],
            [undefined, b, a],
            [b, a, undefined],
          ];
  } else if (yearAt === 0) {
    orders = [[a, b, c]];
  } else if (yearAt === 2) {
    orders = [[c, (a ?? 0) > 12 ? b : a, (a ?? 0) > 12 ? a : b]];
  } else {
    orders = [
      [c, a, b],
      [c, b, a],
      [a, b, c],
      [b, a, c],
    ];
  }
  return orders.some(([year, month, day]) => {
    if (month !== undefined && (month < 1 || month > 12)) return false;
    if (day !== undefined && (day < 1 || day > daysIn(month ?? 1, year))) return false;
    return year === undefined || year <= 9999;
  });
}

export function dateutilParseError(text: string): string | undefined {
  const unknown = `Unknown string format: ${text}`;
  const list = tokens(text).filter((t) => !/^\s+$/.test(t));
  const ymd: number[] = [];
  let yearAt = -1;
  let monthName: number | undefined;
  let hour: number | undefined;
  let found = false;
  let i = 0;
  const at = (k: number) => list[k] ?? "";
  const isNumber = (t: string) => /^\d+(?:[.,]\d+)?$/.test(t);

  while (i < list.length) {
    const token = at(i);
    const lower = token.toLowerCase();
    if (isNumber(token)) {
      found = true;
      if (at(i + 1) === ":") {
        // HH:MM[:SS[.ffffff]]
        const h = Number(token);
        const m = Number(at(i + 2));
        if (!/^\d+$/.test(token) || !/^\d+$/.test(at(i + 2)) || h > 23 || m > 59) return unknown;
        hour = h;
        i += 3;
        if (at(i) === ":") {
          const s = Number(at(i + 1).replace(",", "."));
          if (!isNumber(at(i + 1)) || s >= 60) return unknown;
          i += 2;
        }
        continue;
      }
      if (!/^\d+$/.test(token)) {
        // A lone decimal number reads as a time of day ("1.5": 01:30).
        i++;
        continue;
      }
      const digits = token.length;
      if (AMPM.has(at(i + 1).toLowerCase()) && Number(token) <= 12) {
        hour = Number(token);
        i += 2;
        continue;
      }
      if (HMS.has(at(i + 1).toLowerCase())) {
        i += 2;
        continue;
      }
      if (digits === 8 && ymd.length === 0) {
        // YYYYMMDD
        ymd.push(Number(token.slice(0, 4)), Number(token.slice(4, 6)), Number(token.slice(6)));
        yearAt = 0;
      } else if (digits === 6 && ymd.length > 0 && hour === undefined) {
        // HHMMSS after a date
        if (Number(token.slice(0, 2)) > 23 || Number(token.slice(2, 4)) > 59) return unknown;
        hour = Number(token.slice(0, 2));
      } else if (digits <= 4) {
        if (digits >= 3 && yearAt === -1) yearAt = ymd.length;
        ymd.push(Number(token));
      } else {
        return unknown;
      }
      i++;
      continue;
    }
    if (hour !== undefined && (token === "+" || token === "-") && /^\d+$/.test(at(i + 1))) {
      // A UTC offset: +HH, +HHMM, +HH:MM
      i += 2;
      if (at(i) === ":" && /^\d+$/.test(at(i + 1))) i += 2;
      continue;
    }
    if (JUMP.has(lower) || JUMP.has(token)) {
      i++;
      continue;
    }
    const month = monthOf(token);
    if (month !== undefined && monthName === undefined) {
      monthName = month;
      found = true;
      i++;
      continue;
    }
    if (WEEKDAYS.has(lower)) {
      found = true;
      i++;
      continue;
    }
    if (hour !== undefined && AMPM.has(lower)) {
      i++;
      continue;
    }
    if (
      hour !== undefined &&
      (UTC_ZONE.has(token) || (token.length <= 5 && /^[A-Z]+$/.test(token)))
    ) {
      i++;
      continue;
    }
    // Not fuzzy: any other token makes the whole string unreadable.
    return unknown;
  }
  if (!found) return `String does not contain a date: ${text}`;
  if (ymd.length > 0 || monthName !== undefined) {
    if (!plausibleDate(ymd, monthName, yearAt)) return unknown;
  }
  return undefined;
}
