import { MAX_FIELD_CHARS, MAX_FIELDS, MAX_JSON_DEPTH } from "../limits.js";

/** The type Logz.io gives a log that breaks a per-log limit; the reasons go in `tags`. */
export const INVALID_LOG_TYPE = "logzio-invalid-log";

/** The tags of Logz.io's invalid-log table, in the order the table lists them. */
export type InvalidLogTag =
  | "MAX_FIELD_KEY_SIZE"
  | "INVALID_FIELD_VALUE_LENGTH"
  | "MAX_JSON_DEPTH"
  | "MAX_FIELDS_NUMBER";

/**
 * The per-log limits a parsed log breaks, or none. Every key at every depth counts as a field
 * (objects inside arrays included), as Elasticsearch counts mapped fields; depth 1 is the top.
 */
export function invalidLogTags(fields: Record<string, unknown>): InvalidLogTag[] {
  let longKey = false;
  let longValue = false;
  let deepest = 0;
  let count = 0;
  const stack: { value: unknown; depth: number }[] = [{ value: fields, depth: 1 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (Array.isArray(value)) {
      for (const item of value) stack.push({ value: item, depth });
      continue;
    }
    if (typeof value === "string") {
      if (value.length > MAX_FIELD_CHARS) longValue = true;
      continue;
    }
    if (typeof value !== "object" || value === null) continue;
    if (depth > deepest) deepest = depth;
    for (const [key, child] of Object.entries(value)) {
      count++;
      if (key.length > MAX_FIELD_CHARS) longKey = true;
      if (typeof child === "object" && child !== null && !Array.isArray(child)) {
        stack.push({ value: child, depth: depth + 1 });
      } else if (Array.isArray(child) || typeof child === "string") {
        // Objects in an array nest one level below the array's key.
        stack.push({ value: child, depth: depth + 1 });
      }
    }
  }
  const tags: InvalidLogTag[] = [];
  if (longKey) tags.push("MAX_FIELD_KEY_SIZE");
  if (longValue) tags.push("INVALID_FIELD_VALUE_LENGTH");
  if (deepest > MAX_JSON_DEPTH) tags.push("MAX_JSON_DEPTH");
  if (count > MAX_FIELDS) tags.push("MAX_FIELDS_NUMBER");
  return tags;
}
