import { describe, expect, it } from "vitest";
import { compileFilterPattern } from "../../../../../simulator/aws/logs/filterPattern/index.js";
import { CORPUS } from "./corpus.js";

describe("AWS documentation corpus", () => {
  it("covers every documented kind of example", () => {
    const kinds = new Set(CORPUS.map((e) => compileFilterPattern(e.pattern).kind));
    expect([...kinds].sort()).toEqual(["all", "json", "spaceDelimited", "unstructured"]);
    expect(CORPUS.length).toBeGreaterThanOrEqual(120);
  });

  describe.each(CORPUS)("$source: $pattern", (example) => {
    const pattern = compileFilterPattern(example.pattern);

    it.each(example.matches.map((m) => [m]))("matches %j", (message) => {
      const result = pattern.match(message);
      expect(result.matched).toBe(true);
      const expected = example.extracted?.[message];
      if (expected !== undefined) expect(result.extractedValues).toEqual(expected);
      if (pattern.kind !== "spaceDelimited") expect(result.extractedValues).toEqual({});
    });

    if (example.nonMatches.length > 0) {
      it.each(example.nonMatches.map((m) => [m]))("does not match %j", (message) => {
        expect(pattern.match(message)).toEqual({ matched: false, extractedValues: {} });
      });
    }
  });
});
