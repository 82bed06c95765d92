import { describe, expect, it } from "vitest";
import { compileFilterPattern } from "../../../../../simulator/aws/logs/filterPattern/index.js";

describe("compileFilterPattern", () => {
  it.each([
    ["", "all"],
    ['" "', "all"],
    ["ERROR", "unstructured"],
    ["%x%", "unstructured"],
    ["-ERROR", "unstructured"],
    ["  { $.a = 1 }  ", "json"],
    ["[a, b]", "spaceDelimited"],
  ] as const)("%j is a %s pattern", (source, kind) => {
    const pattern = compileFilterPattern(source);
    expect(pattern.kind).toBe(kind);
    expect(pattern.source).toBe(source);
  });

  it("counts %regex% occurrences", () => {
    expect(compileFilterPattern("ERROR").regexCount).toBe(0);
    expect(compileFilterPattern("%a% -%b%").regexCount).toBe(2);
    expect(compileFilterPattern("{ $.a = %x% && $.b = %y% }").regexCount).toBe(2);
    expect(compileFilterPattern("[a=%x%, b]").regexCount).toBe(1);
    expect(compileFilterPattern('{ $.a = "%x%" }').regexCount).toBe(0);
  });

  it("lists JSON selectors and space-delimited names as fields", () => {
    expect(compileFilterPattern("{ $.latency = * }").fields).toEqual(["$.latency"]);
    expect(
      compileFilterPattern("{ $.a.b = 1 || $.a.b = 2 && $.users[0].email NOT EXISTS }").fields,
    ).toEqual(["$.a.b", "$.users[0].email"]);
    expect(
      compileFilterPattern("[ip, user, ..., status_code = 404 || status_code = 410, , bytes]")
        .fields,
    ).toEqual(["ip", "user", "status_code", "bytes"]);
    expect(compileFilterPattern("[user-agent, x_1]").fields).toEqual(["user-agent", "x_1"]);
    expect(compileFilterPattern("ERROR").fields).toEqual([]);
    expect(compileFilterPattern("").fields).toEqual([]);
  });

  it("returns plain results with empty extracted values outside space-delimited patterns", () => {
    const json = compileFilterPattern("{ $.a = 1 }");
    expect(json.match('{"a":1}')).toEqual({ matched: true, extractedValues: {} });
    expect(json.match('{"a":2}')).toEqual({ matched: false, extractedValues: {} });
    expect(Object.isFrozen(json.match('{"a":1}').extractedValues)).toBe(true);
    const delimited = compileFilterPattern("[a, b]");
    expect(delimited.match("x")).toEqual({ matched: false, extractedValues: {} });
    const first = delimited.match("1 2");
    const second = delimited.match("3 4");
    expect(first.extractedValues).toEqual({ a: "1", b: "2" });
    expect(second.extractedValues).toEqual({ a: "3", b: "4" });
  });

  it("keeps compiled patterns independent of each other", () => {
    const a = compileFilterPattern("{ $.x = 1 }");
    const b = compileFilterPattern("{ $.x = 2 }");
    for (let i = 0; i < 3; i++) {
      expect(a.match('{"x":1}').matched).toBe(true);
      expect(b.match('{"x":1}').matched).toBe(false);
      expect(b.match('{"x":2}').matched).toBe(true);
    }
  });

  it("handles large and deeply nested messages without throwing", () => {
    const deep = `${"[".repeat(5000)}${"]".repeat(5000)}`;
    const pattern = compileFilterPattern("{ $.a NOT EXISTS }");
    expect(pattern.match(`{"x":${deep}}`).matched).toBe(false);
    expect(pattern.match(`{"x":${"[".repeat(500)}${"]".repeat(500)}}`).matched).toBe(true);
    const big = JSON.stringify({ a: "x".repeat(1_000_000), b: 1 });
    expect(compileFilterPattern("{ $.b = 1 }").match(big).matched).toBe(true);
    const words = `${"word ".repeat(100_000)}end`;
    expect(compileFilterPattern("[..., last=end]").match(words).extractedValues.last).toBe("end");
    // Several ellipses stay linear: backtracking over every split of 100k tokens would not end
    // within the test's timeout.
    const many = compileFilterPattern("[..., a=word, ..., b=word, ..., c=absent, ...]");
    expect(many.match(words).matched).toBe(false);
  }, 60_000);

  it("matches JSON events exactly where parsing them and comparing agrees (speed is in bench/)", () => {
    const messages = Array.from({ length: 50_000 }, (_, i) =>
      JSON.stringify({
        level: i % 10 === 0 ? "ERROR" : "INFO",
        code: 500 + (i % 7),
        msg: `upstream timeout ${i}`,
        requestId: `abc-${i}`,
        latency: (i % 1000) + 0.5,
        user: { id: i, name: `u${i}` },
      }),
    );
    const pattern = compileFilterPattern("{ $.code >= 503 && $.user.id >= 0 }");
    let parsed = 0;
    for (const m of messages) if ((JSON.parse(m) as { code: number }).code >= 503) parsed++;
    let matched = 0;
    for (const m of messages) if (pattern.match(m).matched) matched++;
    expect(parsed).toBeGreaterThan(0);
    expect(matched).toBe(parsed);
  });
});
