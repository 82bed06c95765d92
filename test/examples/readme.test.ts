import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("the README's library example", () => {
  it("is, character for character, the test file npm test runs", () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("### A test of your own alerting"));
    const block = /```ts\n([\s\S]*?)```/.exec(section)?.[1];
    const example = readFileSync(new URL("./readme.example.test.ts", import.meta.url), "utf8");
    expect(block).toBe(example);
  });
});
