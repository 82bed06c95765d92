/**
 * `--override path=value`: one setting of a scenario changed, e.g.
 * `alerts[0].severityThresholds.HIGH=500` or `shipper.filterPattern={ $.status >= 500 }`.
 * The value is read as a YAML scalar (`500` a number, `true` a boolean, `10m` a string the schema
 * reads as a duration); what is not a scalar, and any value for a field that holds a string, is
 * kept as the text given. The result is validated again with the scenario schema.
 */
import { parse as parseYaml } from "yaml";
import { type Scenario, scenarioSchema } from "../scenarios/schema.js";

export class OverrideError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OverrideError";
  }
}

/** `alerts[0].severityThresholds.HIGH` → ["alerts", 0, "severityThresholds", "HIGH"]. */
export function parsePath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const pattern = /([^.[\]]+)|\[(\d+)\]/g;
  let consumed = "";
  for (const match of path.matchAll(pattern)) {
    segments.push(match[2] === undefined ? (match[1] as string) : Number(match[2]));
    consumed += match[0];
  }
  if (segments.length === 0 || consumed.length !== path.replaceAll(".", "").length)
    throw new OverrideError(
      `--override ${path}: expected a path like alerts[0].severityThresholds.HIGH`,
    );
  return segments;
}

function readValue(text: string, current: unknown): unknown {
  if (typeof current === "string") return text;
  try {
    const value: unknown = parseYaml(text);
    return value !== null && typeof value === "object" ? text : value;
  } catch {
    return text;
  }
}

/** Applies each `path=value` in order to a copy of `scenario`. */
export function applyOverrides(scenario: Scenario, overrides: readonly string[]): Scenario {
  if (overrides.length === 0) return scenario;
  const copy = structuredClone(scenario) as unknown as Record<string, unknown>;
  for (const override of overrides) {
    const eq = override.indexOf("=");
    if (eq <= 0) throw new OverrideError(`--override ${override}: expected path=value`);
    const path = override.slice(0, eq).trim();
    const segments = parsePath(path);
    let node: unknown = copy;
    for (const [i, key] of segments.slice(0, -1).entries()) {
      const next = (node as Record<string | number, unknown> | undefined)?.[key];
      if (next === null || typeof next !== "object")
        throw new OverrideError(
          `--override ${path}: unknown path: the scenario has no ${describe(segments.slice(0, i + 1))}`,
        );
      node = next;
    }
    const last = segments.at(-1) as string | number;
    const parent = node as Record<string | number, unknown>;
    if (Array.isArray(parent) && (typeof last !== "number" || last >= parent.length))
      throw new OverrideError(
        `--override ${path}: unknown path: ${describe(segments.slice(0, -1))} has ${parent.length} item(s)`,
      );
    parent[last] = readValue(override.slice(eq + 1), parent[last]);
  }
  const result = scenarioSchema.safeParse(copy);
  if (!result.success) {
    const issue = result.error.issues[0];
    const field = describe([
      ...(issue?.path ?? []).map((k) => (typeof k === "symbol" ? String(k) : k)),
      ...(issue?.code === "unrecognized_keys" ? [issue.keys[0] as string] : []),
    ]);
    const message =
      issue?.code === "unrecognized_keys"
        ? `unknown path ${field}: no such field`
        : `${field}: ${issue?.message}`;
    throw new OverrideError(`--override ${overrides.join(" ")}: ${message}`);
  }
  return result.data;
}

function describe(segments: readonly (string | number)[]): string {
  return segments
    .map((k, i) => (typeof k === "number" ? `[${k}]` : i === 0 ? k : `.${k}`))
    .join("");
}
