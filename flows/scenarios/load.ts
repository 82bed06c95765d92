/**
 * Reads a scenario file: YAML parsed with positions, validated with the zod schema, and every
 * problem reported as `file:line:column: field: what was expected`.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isMap, isNode, isSeq, LineCounter, type Node, parseDocument } from "yaml";
import type { z } from "zod";
import { type Scenario, scenarioSchema } from "./schema.js";

export interface ScenarioProblem {
  file: string;
  line: number;
  column: number;
  /** The field, as a dotted path (`timeline[2].fault.service`); empty for the whole file. */
  field: string;
  message: string;
}

export class ScenarioError extends Error {
  constructor(readonly problems: ScenarioProblem[]) {
    super(problems.map(formatProblem).join("\n"));
    this.name = "ScenarioError";
  }
}

export function formatProblem(p: ScenarioProblem): string {
  return `${p.file}:${p.line}:${p.column}: ${p.field ? `${p.field}: ` : ""}${p.message}`;
}

function fieldPath(path: readonly PropertyKey[]): string {
  return path
    .map((key, i) =>
      typeof key === "number" ? `[${key}]` : i === 0 ? String(key) : `.${String(key)}`,
    )
    .join("");
}

/** The deepest node of `path` that exists: a missing field is reported where its parent is. */
function nodeAt(root: unknown, path: readonly PropertyKey[], atKey = false): Node | undefined {
  let node = isNode(root) ? root : undefined;
  for (const [i, key] of path.entries()) {
    if (isMap(node)) {
      const pair = node.items.find(
        (p) => isNode(p.key) && (p.key as { value?: unknown }).value === key,
      );
      const last = i === path.length - 1;
      if (pair && isNode(pair.key) && (!isNode(pair.value) || (last && atKey))) return pair.key;
      if (!pair || !isNode(pair.value)) return node;
      node = pair.value;
    } else if (isSeq(node) && typeof key === "number") {
      const item = node.items[key];
      if (!isNode(item)) return node;
      node = item;
    } else {
      return node;
    }
  }
  return node;
}

/** zod's messages, made specific for the cases users hit most. */
function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "unrecognized_keys")
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => `"${k}"`).join(", ")}`;
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    // The branch that got furthest says most about what was meant.
    const best = [...issue.errors].sort((a, b) => a.length - b.length)[0];
    if (best && best.length > 0) return best.map((i) => describeIssue(i)).join("; ");
  }
  return issue.message;
}

export function parseScenario(text: string, file = "<scenario>"): Scenario {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number) => lines.linePos(offset);
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((e) => {
        const { line, col } = at(e.pos[0]);
        return {
          file,
          line,
          column: col,
          field: "",
          message: e.message.split("\n")[0] ?? e.message,
        };
      }),
    );
  }
  const result = scenarioSchema.safeParse(doc.toJS());
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const unknownKey = issue.code === "unrecognized_keys" && issue.keys.length === 1;
    const path = unknownKey ? [...issue.path, issue.keys[0] as string] : issue.path;
    const node = nodeAt(doc.contents, path, unknownKey);
    const { line, col } = node?.range ? at(node.range[0]) : { line: 1, col: 1 };
    return { file, line, column: col, field: fieldPath(issue.path), message: describeIssue(issue) };
  });
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  throw new ScenarioError(problems);
}

export function loadScenario(file: string): Scenario {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : String(error);
    throw new ScenarioError([{ file, line: 0, column: 0, field: "", message: reason }]);
  }
  return parseScenario(text, file);
}

const here = fileURLToPath(new URL(".", import.meta.url));
/** The folder of the bundled scenarios: the YAML files stay in the sources, beside dist/. */
export const BUNDLED_DIR = here.includes(`${path.sep}dist${path.sep}`)
  ? path.resolve(here, "../../../flows/scenarios")
  : here;

/** A bundled scenario's file by its name (`gold-outage`), or undefined. */
export function bundledScenarioFile(name: string): string | undefined {
  const file = path.join(BUNDLED_DIR, `${name}.yaml`);
  return existsSync(file) ? file : undefined;
}

export function bundledScenarioNames(): string[] {
  return readdirSync(BUNDLED_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .map((f) => f.slice(0, -".yaml".length))
    .sort();
}
