/**
 * The published JSON Schema of the scenario format, generated from the zod schema so the two
 * cannot drift (a test compares it with the committed scenario.schema.json). Editors with the
 * YAML language server complete and check a scenario against it through its `$schema` comment.
 */
import { z } from "zod";
import { scenarioSchema } from "./schema.js";

export const SCHEMA_ID = "https://watermelon.example/scenario.schema.json";

export function scenarioJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(scenarioSchema, {
    io: "input",
    target: "draft-2020-12",
    // Durations are parsed from text by a transform; their input side is what editors see.
    unrepresentable: "any",
  }) as Record<string, unknown>;
  return {
    ...schema,
    $id: SCHEMA_ID,
    title: "watermelon scenario",
    description:
      "One run of the chain: services and traffic, alerts, on-call, people, a timeline of faults, and expectations.",
  };
}

/** The file's text: two-space JSON with a trailing newline, as committed. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
