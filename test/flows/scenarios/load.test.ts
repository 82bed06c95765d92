import { readFileSync } from "node:fs";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { scenarioJsonSchema, scenarioJsonSchemaText } from "../../../flows/scenarios/jsonSchema.js";
import {
  BUNDLED_DIR,
  bundledScenarioNames,
  loadScenario,
  parseScenario,
  ScenarioError,
} from "../../../flows/scenarios/load.js";

const MINIMAL = `
name: tiny
duration: 30m
services:
  - name: checkout
    tier: gold
alerts:
  - title: checkout errors
    service: checkout
    query: "level:error"
    severityThresholds: { HIGH: 1 }
oncall:
  users:
    - { name: Ada, email: ada@example.com }
  escalationPolicies:
    - name: P
      rules: [{ escalateAfter: 5m, targets: [{ user: ada@example.com }] }]
`;

function problems(text: string): string[] {
  try {
    parseScenario(text, "s.yaml");
  } catch (error) {
    if (error instanceof ScenarioError) return error.message.split("\n");
    throw error;
  }
  throw new Error("expected the scenario to be refused");
}

describe("bundled scenarios", () => {
  const names = bundledScenarioNames();

  it("ships at least five, one of them named watermelon", () => {
    expect(names.length).toBeGreaterThanOrEqual(5);
    expect(names.some((n) => n.includes("watermelon"))).toBe(true);
  });

  it.each(names)("%s validates, and its name is its file name", (name) => {
    const scenario = loadScenario(path.join(BUNDLED_DIR, `${name}.yaml`));
    expect(scenario.name).toBe(name);
    expect(scenario.lesson?.length ?? 0).toBeGreaterThan(40);
  });

  it.each(names)("%s validates against the published JSON Schema too", (name) => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const check = ajv.compile(scenarioJsonSchema());
    const doc = parse(readFileSync(path.join(BUNDLED_DIR, `${name}.yaml`), "utf8"));
    expect(check(doc), JSON.stringify(check.errors)).toBe(true);
  });
});

describe("the published JSON Schema", () => {
  it("is the one generated from the zod schema (npm run scenario-schema regenerates it)", () => {
    const committed = readFileSync(path.join(BUNDLED_DIR, "scenario.schema.json"), "utf8");
    expect(committed).toBe(scenarioJsonSchemaText());
  });

  it("refuses what the zod schema refuses: an unknown tier and an unknown field", () => {
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const check = ajv.compile(scenarioJsonSchema());
    const doc = parse(MINIMAL) as { services: Record<string, unknown>[] };
    expect(check(doc)).toBe(true);
    (doc.services[0] as Record<string, unknown>).tier = "platinum";
    expect(check(doc)).toBe(false);
    (doc.services[0] as Record<string, unknown>).tier = "gold";
    (doc.services[0] as Record<string, unknown>).trafic = {};
    expect(check(doc)).toBe(false);
  });
});

describe("scenario errors name the file, line, column, field and what was expected", () => {
  it("accepts the minimal scenario and fills the defaults", () => {
    const s = parseScenario(MINIMAL);
    expect(s.start).toBe("2026-01-05T09:00:00Z");
    expect(s.duration).toBe(30 * 60_000);
    expect(s.shipper.filterPattern).toBe('{ $.level = "error" }');
    expect(s.alerts[0]?.timeFrame).toBe(5 * 60_000);
    expect(s.expect.nothingLost).toBe(true);
  });

  it("a bad duration, where it is", () => {
    expect(problems(MINIMAL.replace("duration: 30m", "duration: 30 minutes"))).toEqual([
      's.yaml:3:11: duration: expected a duration like "90s", "5m" or "1h30m", got "30 minutes"',
    ]);
  });

  it("an unknown field, at its key", () => {
    expect(problems(MINIMAL.replace("    tier: gold", "    tier: gold\n    trafic: {}"))).toEqual([
      's.yaml:7:5: services[0]: unknown field "trafic"',
    ]);
  });

  it("an enum, with the values expected", () => {
    const [line] = problems(MINIMAL.replace("tier: gold", "tier: platinum"));
    expect(line).toMatch(/^s\.yaml:6:11: services\[0\]\.tier: .*"gold".*"silver".*"bronze"/);
  });

  it("a reference to something not declared, with what is", () => {
    expect(problems(MINIMAL.replace("service: checkout", "service: payments"))).toEqual([
      's.yaml:9:14: alerts[0].service: unknown service "payments"; expected one of: checkout',
    ]);
    expect(
      problems(
        MINIMAL.replace("targets: [{ user: ada@example.com }]", "targets: [{ schedule: Primary }]"),
      ),
    ).toEqual([
      's.yaml:17:58: oncall.escalationPolicies[0].rules[0].targets[0].schedule: unknown schedule "Primary"; expected one of: (none declared)',
    ]);
  });

  it("a missing required field, at its parent", () => {
    const [line] = problems(MINIMAL.replace('    query: "level:error"\n', ""));
    expect(line).toMatch(/^s\.yaml:8:5: alerts\[0\]\.query: /);
  });

  it("YAML syntax errors, with their position", () => {
    const [line] = problems("name: x\nservices: [\n");
    expect(line).toMatch(/^s\.yaml:\d+:\d+: /);
  });

  it("a missing file", () => {
    expect(() => loadScenario("/nonexistent/s.yaml")).toThrow(
      "/nonexistent/s.yaml:0:0: no such file",
    );
  });
});
