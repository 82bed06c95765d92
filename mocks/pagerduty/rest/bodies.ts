/**
 * Reading REST request bodies with PagerDuty's validation answers: every broken rule of one
 * body is collected, then the request is refused once with 400 Invalid Input Provided (2001)
 * and the list in `errors`. PagerDuty's API is a Rails application and the texts seen in real
 * answers are Rails validation messages on the field's human name ("Name has already been
 * taken", openshift/pagerduty-operator#43 relies on service names being unique), so the texts
 * here follow that pattern: "<Field> can't be blank", "<Field> is invalid", "<Field> is too long
 * (maximum is N characters)", "<Field> must be greater than or equal to N".
 */
import { invalidInput } from "./errors.js";

export type Body = Record<string, unknown>;

export const isObject = (v: unknown): v is Body =>
  typeof v === "object" && v !== null && !Array.isArray(v);

const blank = (v: unknown) =>
  v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/** `escalation_delay_in_minutes` -> "Escalation delay in minutes". */
export function humanName(field: string): string {
  const words = field.replace(/_/g, " ").trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Collects a body's errors; `done()` throws them all at once. */
export class Checks {
  readonly errors: string[] = [];

  add(message: string): void {
    if (!this.errors.includes(message)) this.errors.push(message);
  }

  /** Throws 400 2001 with every error collected, if any. */
  done(): void {
    if (this.errors.length > 0) throw invalidInput(this.errors);
  }

  /**
   * A string field. `required`: absent, null or blank is "can't be blank". Returns the string,
   * null when given as null (and allowed), or undefined when absent or wrong.
   */
  string(
    body: Body,
    field: string,
    o: { required?: boolean; max?: number; nullable?: boolean; label?: string } = {},
  ): string | null | undefined {
    const label = o.label ?? humanName(field);
    const value = body[field];
    if (o.required && blank(value)) {
      this.add(`${label} can't be blank`);
      return undefined;
    }
    if (value === undefined) return undefined;
    if (value === null) {
      if (o.nullable) return null;
      this.add(`${label} can't be blank`);
      return undefined;
    }
    if (typeof value !== "string") {
      this.add(`${label} must be a string`);
      return undefined;
    }
    if (o.max !== undefined && [...value].length > o.max) {
      this.add(`${label} is too long (maximum is ${o.max} characters)`);
      return undefined;
    }
    return value;
  }

  /** An integer field within bounds; null allowed when `nullable`. */
  integer(
    body: Body,
    field: string,
    o: { required?: boolean; min?: number; max?: number; nullable?: boolean; label?: string } = {},
  ): number | null | undefined {
    const label = o.label ?? humanName(field);
    const value = body[field];
    if (value === undefined || (value === null && !o.nullable)) {
      if (o.required) this.add(`${label} can't be blank`);
      return undefined;
    }
    if (value === null) return null;
    if (typeof value !== "number" || !Number.isInteger(value)) {
      this.add(`${label} must be an integer`);
      return undefined;
    }
    if (o.min !== undefined && value < o.min) {
      this.add(`${label} must be greater than or equal to ${o.min}`);
      return undefined;
    }
    if (o.max !== undefined && value > o.max) {
      this.add(`${label} must be less than or equal to ${o.max}`);
      return undefined;
    }
    return value;
  }

  /** One of `values`; anything else is "is invalid". */
  oneOf<T extends string>(
    body: Body,
    field: string,
    values: readonly T[],
    o: { required?: boolean; label?: string } = {},
  ): T | undefined {
    const label = o.label ?? humanName(field);
    const value = body[field];
    if (value === undefined || value === null) {
      if (o.required) this.add(`${label} can't be blank`);
      return undefined;
    }
    if (typeof value !== "string" || !values.includes(value as T)) {
      this.add(`${label} is invalid (must be one of: ${values.join(", ")})`);
      return undefined;
    }
    return value as T;
  }

  /** `type`, when given, must be the entity's (PagerDuty's bodies carry it). */
  type(body: Body, ...types: string[]): void {
    const value = body.type;
    if (value !== undefined && !types.includes(value as string)) {
      this.add(`Type is invalid (must be ${types.join(" or ")})`);
    }
  }

  /**
   * An array of references `{id, type}` (type one of `types` when given). Returns the ids of
   * the well-formed ones; `exists` says which ids name something (else "<label> not found").
   */
  references(
    body: Body,
    field: string,
    types: readonly string[],
    exists: (id: string) => boolean,
    o: { required?: boolean; label?: string; min?: number; max?: number } = {},
  ): { id: string; type: string }[] | undefined {
    const label = o.label ?? humanName(field);
    const value = body[field];
    if (value === undefined || value === null) {
      if (o.required) this.add(`${label} can't be blank`);
      return undefined;
    }
    if (!Array.isArray(value)) {
      this.add(`${label} must be an array`);
      return undefined;
    }
    if (o.min !== undefined && value.length < o.min) {
      this.add(o.min === 1 ? `${label} can't be blank` : `${label} needs at least ${o.min}`);
      return undefined;
    }
    if (o.max !== undefined && value.length > o.max) {
      this.add(`${label} is too long (maximum is ${o.max} items)`);
      return undefined;
    }
    const refs: { id: string; type: string }[] = [];
    for (const item of value) {
      const ref = this.reference(item, label, types, exists);
      if (ref) refs.push(ref);
    }
    return refs;
  }

  /** One reference `{id, type}`; see `references`. */
  reference(
    value: unknown,
    label: string,
    types: readonly string[],
    exists: (id: string) => boolean,
    o: { required?: boolean } = {},
  ): { id: string; type: string } | undefined {
    if (value === undefined || value === null) {
      if (o.required) this.add(`${label} can't be blank`);
      return undefined;
    }
    if (!isObject(value) || typeof value.id !== "string" || value.id === "") {
      this.add(`${label} must be a reference {"id": ..., "type": ...}`);
      return undefined;
    }
    const type = typeof value.type === "string" ? value.type : (types[0] as string);
    if (types.length > 0 && !types.includes(type)) {
      this.add(`${label} type is invalid (must be ${types.join(" or ")})`);
      return undefined;
    }
    if (!exists(value.id)) {
      this.add(`${label} ${value.id} not found`);
      return undefined;
    }
    return { id: value.id, type };
  }

  /** An ISO 8601 date-time with an offset (or Z). */
  instant(
    body: Body,
    field: string,
    o: { required?: boolean; label?: string } = {},
  ): number | undefined {
    const label = o.label ?? humanName(field);
    const value = body[field];
    if (blank(value)) {
      if (o.required) this.add(`${label} can't be blank`);
      return undefined;
    }
    const ms =
      typeof value === "string" &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value)
        ? Date.parse(value)
        : Number.NaN;
    if (Number.isNaN(ms)) {
      this.add(`${label} is not a valid ISO 8601 date-time`);
      return undefined;
    }
    return ms;
  }
}

/** Whether `zone` is an IANA time zone name this Node knows. */
export function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
