import { describe, expect, it } from "vitest";
import {
  compileFilterPattern,
  FilterPatternError,
} from "../../../../../simulator/aws/logs/filterPattern/index.js";

// One block per open question of cloudwatch-filter-open-questions.md; DECISIONS.md names these
// tests.

const matches = (pattern: string, message: string) =>
  compileFilterPattern(pattern).match(message).matched;
const extracted = (pattern: string, message: string) =>
  compileFilterPattern(pattern).match(message).extractedValues;

describe("Q1 term matching", () => {
  it("Q1: unquoted and quoted terms match inside longer words, case sensitive", () => {
    expect(matches("ERROR", "Exiting with ERRORCODE: -1")).toBe(true);
    expect(matches("Exception", "[ERROR] Caught IllegalArgumentException")).toBe(true);
    expect(matches('"hello cruel"', "hello cruela")).toBe(true);
    expect(matches("ERROR", "ERRORNEOUS PROGRAM")).toBe(true);
    expect(matches("ERROR", "NotFoundError")).toBe(false);
    expect(matches("ERROR", "error=cannot process ticket")).toBe(false);
    expect(matches('"ERROR][grpc"', "2025-03-28 [ERROR][grpc] failed")).toBe(true);
    expect(matches('"ERROR][grpc"', "[ERROR] [grpc]")).toBe(false);
    for (const message of ["map clean up", "xyz", "xyz will do clean up"]) {
      expect(matches('?"clean up" ?xyz', message)).toBe(true);
    }
    for (const message of ["abc xy yz xz", "map is cleaned up"]) {
      expect(matches('?"clean up" ?xyz', message)).toBe(false);
    }
  });
});

describe("Q2 comparisons on a missing field", () => {
  it("Q2: no comparison matches a missing JSON field, != included", () => {
    const event = '{"a":1,"list":[]}';
    for (const pattern of [
      "{ $.missing != 5 }",
      '{ $.missing != "x" }',
      "{ $.missing != x* }",
      "{ $.missing != %x% }",
      "{ $.missing = * }",
      "{ $.missing < 5 }",
      "{ $.a.b != 5 }",
      "{ $.list[0] != 1 }",
      "{ $.list[*] != 1 }",
    ]) {
      expect(matches(pattern, event), pattern).toBe(false);
    }
    expect(matches("{ $.a != 5 }", event)).toBe(true);
    expect(matches("{ $.missing NOT EXISTS }", event)).toBe(true);
  });
});

describe("Q3 messages that are not pure JSON", () => {
  it("Q3: a JSON pattern reads the object starting at the message's first '{'", () => {
    const lambda =
      '2023-10-16T17:04:56.092Z\t84194e03-521f-460f-a1bc-62fa9af73eed\tINFO\t{"apiCallCompletionTime":123,"httpStatusCode":0}\n';
    expect(matches("{ $.apiCallCompletionTime = 123 }", lambda)).toBe(true);
    expect(matches('{ $.level = "ERROR" }', '  {"level":"ERROR"}  ')).toBe(true);
    expect(matches('{ $.level = "ERROR" }', 'ERROR {"level":"ERROR"}')).toBe(true);
  });

  it("Q3: text, trailing text, arrays and invalid JSON never match, NOT EXISTS included", () => {
    for (const message of [
      "ERROR level",
      '{"level":"ERROR"} trailing',
      '[{"level":"ERROR"}]',
      'prefix {x} {"level":"ERROR"}',
      '{"level":"ERROR",}',
      "{'level':'ERROR'}",
      '{"level":"ERROR"',
      '{"level":"ERR\tOR"}',
      '{"level":"ERROR", "n": 01}',
      '{"level":"ERROR", "n": NaN}',
      '{"level":"ERROR"} {"level":"ERROR"}',
    ]) {
      expect(matches('{ $.level = "ERROR" || $.level != "ERROR" }', message), message).toBe(false);
      expect(matches("{ $.nothing NOT EXISTS }", message), message).toBe(false);
    }
  });
});

describe("Q4 more or fewer tokens than names", () => {
  it("Q4: without an ellipsis the last name takes the rest of the line", () => {
    expect(extracted("[w1=ERROR, w2]", "ERROR WARN message")).toEqual({
      w1: "ERROR",
      w2: "WARN message",
    });
    expect(extracted("[a, b]", 'x "y z"')).toEqual({ a: "x", b: "y z" });
    expect(extracted("[a, b]", 'x "y z"  w')).toEqual({ a: "x", b: '"y z"  w' });
    // Hence the documented need for a trailing name after a condition on the first word.
    expect(matches("[w1=ERROR]", "ERROR message")).toBe(false);
    expect(matches("[w1=ERROR]", "ERROR")).toBe(true);
    expect(matches("[w1=ERROR*]", "ERROR message")).toBe(true);
  });

  it("Q4: fewer tokens than names do not match; ellipses take the surplus instead", () => {
    expect(matches("[a, b, c]", "x y")).toBe(false);
    expect(matches("[a, b]", "")).toBe(false);
    expect(extracted("[a, ..., z]", "1 2 3 4")).toEqual({ a: "1", "2": "2", "3": "3", z: "4" });
    expect(extracted("[..., z]", "1 2")).toEqual({ "1": "1", z: "2" });
    expect(extracted("[a, ...]", "1")).toEqual({ a: "1" });
    expect(matches("[...]", "")).toBe(true);
    expect(extracted("[..., x=3, ...]", "1 2 3 4 3")).toEqual({
      "1": "1",
      "2": "2",
      x: "3",
      "4": "4",
      "5": "3",
    });
  });
});

describe("Q5 && between two fields", () => {
  it("Q5: conditions joined inside one slot must all name that slot", () => {
    expect(() =>
      compileFilterPattern(
        "[ip, user, username, timestamp, request, status_code = 4* && bytes > 1000]",
      ),
    ).toThrow("Invalid filter pattern");
    const line = '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] "GET /a HTTP/1.0" 404 1534';
    const sameField =
      "[ip, user, username, timestamp, request, status_code = 4* && status_code != 403, bytes]";
    expect(matches(sameField, line)).toBe(true);
  });
});

describe("Q6 trailing comma and escaped quotes", () => {
  it("Q6: a trailing comma is an unnamed last slot, keyed by its position", () => {
    expect(extracted("[a,]", "x y z")).toEqual({ a: "x", "2": "y z" });
    expect(matches("[a,]", "x")).toBe(false);
    expect(extracted("[a, , c]", "x y z")).toEqual({ a: "x", "2": "y", c: "z" });
  });

  it("Q6: backslash-escaped quotes in the message do not delimit a field", () => {
    const escaped =
      '127.0.0.1 - frank [10/Oct/2000:13:25:15 -0700] \\"GET /index.html HTTP/1.0\\" 404 1534';
    expect(matches("[..., request=*.html*, status_code=4*,]", escaped)).toBe(false);
    expect(extracted("[a, b, c]", 'x "say \\"hi\\" now" z')).toEqual({
      a: "x",
      b: 'say \\"hi\\" now',
      c: "z",
    });
  });
});

describe("Q7 spaces inside a regex", () => {
  it("Q7: a regex may contain spaces (the documented ^shutting down)", () => {
    const pattern = compileFilterPattern("%^starting|^initializing|^shutting down%");
    expect(pattern.regexCount).toBe(1);
    expect(pattern.match("shutting down").matched).toBe(true);
    expect(pattern.match("shutting").matched).toBe(false);
    expect(matches("[a, b=%x y%]", "1 x y")).toBe(true);
    expect(matches("{ $.m = %x y% }", '{"m":"ax yb"}')).toBe(true);
  });
});

describe("Q8 the %abcc|ab[^c]$ example", () => {
  it("Q8: without its closing % it is rejected; with it, it has the usual regex meaning", () => {
    expect(() => compileFilterPattern("%abcc|ab[^c]$")).toThrow(FilterPatternError);
    expect(matches("%abcc|ab[^c]$%", "abcc ...")).toBe(true);
    expect(matches("%abcc|ab[^c]$%", "aba")).toBe(true);
    expect(matches("%abcc|ab[^c]$%", "aba ...")).toBe(false);
    expect(matches("%abcc|ab[^c]$%", "aac ...")).toBe(false);
  });
});

describe("Q9 match-everything patterns", () => {
  it('Q9: empty, whitespace-only, "" and " " all match every message', () => {
    for (const source of ["", "   ", "\t", '""', '" "', '"  "', ' " " ']) {
      const pattern = compileFilterPattern(source);
      expect(pattern.kind, JSON.stringify(source)).toBe("all");
      expect(pattern.source).toBe(source);
      for (const message of ["", " ", "x", '{"a":1}']) {
        expect(pattern.match(message).matched).toBe(true);
      }
    }
    // A blank phrase next to other terms adds nothing.
    expect(compileFilterPattern('ERROR " "').kind).toBe("unstructured");
    expect(matches('ERROR " "', "ERROR")).toBe(true);
    expect(matches('ERROR " "', "WARN")).toBe(false);
  });
});

describe("Q10 wildcards in JSON values", () => {
  it("Q10: * is a wildcard at the start or end of quoted and bare values only", () => {
    const e = (v: string) => JSON.stringify({ e: v });
    for (const value of ['"*Event"', "*Event"]) {
      expect(matches(`{ $.e = ${value} }`, e("PutEvent"))).toBe(true);
      expect(matches(`{ $.e = ${value} }`, e("EventId"))).toBe(false);
    }
    for (const value of ['"Event*"', "Event*"]) {
      expect(matches(`{ $.e = ${value} }`, e("EventName"))).toBe(true);
      expect(matches(`{ $.e = ${value} }`, e("PutEvent"))).toBe(false);
    }
    for (const value of ['"Ev*ent"', "Ev*ent"]) {
      expect(matches(`{ $.e = ${value} }`, e("Ev*ent"))).toBe(true);
      expect(matches(`{ $.e = ${value} }`, e("Event"))).toBe(false);
      expect(matches(`{ $.e = ${value} }`, e("EvXent"))).toBe(false);
    }
    expect(matches('{ $.e = "*vent*" }', e("Events"))).toBe(true);
    expect(matches("{ $.ip = 123.123.* }", e("x").replace('"e"', '"ip"'))).toBe(false);
    expect(matches('{ $.ip = "123.123.*" }', '{"ip":"123.123.9.9"}')).toBe(true);
  });

  it('Q10: "*" matches any string or number, and nothing else', () => {
    for (const value of ['""', '"x"', "0", "-1.5e3"]) {
      expect(matches('{ $.v = "*" }', `{"v":${value}}`), value).toBe(true);
    }
    for (const value of ["null", "true", "false", "{}", "[]"]) {
      expect(matches('{ $.v = "*" }', `{"v":${value}}`), value).toBe(false);
    }
  });

  it("Q10: %...% inside quotes is text, not a regex", () => {
    expect(matches('{ $.foo = "%bar%" }', '{"foo":"bar"}')).toBe(false);
    expect(matches('{ $.foo = "%bar%" }', '{"foo":"%bar%"}')).toBe(true);
    expect(compileFilterPattern('{ $.foo = "%bar%" }').regexCount).toBe(0);
  });
});

describe("Q11 IS on missing fields, NOT EXISTS on null", () => {
  it("Q11: IS NULL/TRUE/FALSE are false for a missing field; NOT EXISTS is false for null", () => {
    const event = '{"present":null,"flag":true,"off":false,"obj":{}}';
    expect(matches("{ $.absent IS NULL }", event)).toBe(false);
    expect(matches("{ $.absent IS TRUE }", event)).toBe(false);
    expect(matches("{ $.absent IS FALSE }", event)).toBe(false);
    expect(matches("{ $.present IS NULL }", event)).toBe(true);
    expect(matches("{ $.present NOT EXISTS }", event)).toBe(false);
    expect(matches("{ $.obj NOT EXISTS }", event)).toBe(false);
    expect(matches("{ $.absent NOT EXISTS }", event)).toBe(true);
    expect(matches("{ $.flag IS TRUE }", event)).toBe(true);
    expect(matches("{ $.off IS FALSE }", event)).toBe(true);
    expect(matches("{ $.flag IS FALSE }", event)).toBe(false);
    expect(matches("{ $.flag IS TRUE }", '{"flag":"true"}')).toBe(false);
    expect(matches("{ $.obj IS NULL }", event)).toBe(false);
  });
});

describe("Q12 ? mixed with other terms", () => {
  it("Q12: ? terms are ignored next to plain or - terms", () => {
    expect(matches("?ERROR ?ARGUMENTS REQUEST", "[INFO] REQUEST FAILED")).toBe(true);
    expect(matches("?ERROR ?ARGUMENTS REQUEST", "[ERROR 419] MISSING ARGUMENTS")).toBe(false);
    expect(matches("?ERROR -DEBUG", "INFO")).toBe(true);
    expect(matches("?ERROR -DEBUG", "DEBUG ERROR")).toBe(false);
    expect(matches("?ERROR ?WARN", "INFO")).toBe(false);
  });
});

describe("Q13 numbers and strings", () => {
  it("Q13: a number literal compares numerically with JSON numbers", () => {
    for (const value of ["1000", "1e3", "1000.0", "1E+3"]) {
      expect(matches("{ $.x = 1e+3 }", `{"x":${value}}`), value).toBe(true);
    }
    expect(matches("{ $.x != 1e+3 }", '{"x":999}')).toBe(true);
    expect(matches("{ $.x > -5 }", '{"x":-4.5}')).toBe(true);
  });

  it("Q13: with a JSON string it is compared as text, and ordering never holds", () => {
    expect(matches("{ $.x = 404 }", '{"x":"404"}')).toBe(true);
    expect(matches("{ $.x = 1e+3 }", '{"x":"1e+3"}')).toBe(true);
    expect(matches("{ $.x = 1e+3 }", '{"x":"1000"}')).toBe(false);
    expect(matches("{ $.x = 1e+3 }", '{"x":"1e3"}')).toBe(false);
    expect(matches("{ $.x != 1e+3 }", '{"x":"1000"}')).toBe(true);
    expect(matches("{ $.x > 5 }", '{"x":"10"}')).toBe(false);
    expect(matches("{ $.x <= 5 }", '{"x":"1"}')).toBe(false);
  });

  it("Q13: text and wildcard values see a JSON number as its literal text", () => {
    expect(matches("{ $.v = 123.12* }", '{"v":123.1234}')).toBe(true);
    expect(matches('{ $.v = "50" }', '{"v":50}')).toBe(true);
    expect(matches('{ $.v = "50" }', '{"v":50.0}')).toBe(false);
    expect(matches("{ $.ip = 123.123.* }", '{"ip":"123.123.4.5"}')).toBe(true);
  });

  it("Q13: space-delimited fields compare as numbers when they read as numbers", () => {
    expect(matches("[a = 404, b]", "404.0 x")).toBe(true);
    expect(matches("[a = 404, b]", "abc x")).toBe(false);
    expect(matches("[a != 404, b]", "abc x")).toBe(true);
    expect(matches("[a > 5, b]", "abc x")).toBe(false);
    expect(matches("[a > 5, b]", "1e1 x")).toBe(true);
  });
});

describe("Q14 case of field names", () => {
  it("Q14: field names are case sensitive, so w1 and W1 name different fields", () => {
    expect(() => compileFilterPattern("[w1=ERROR || W1=WARNING, w2]")).toThrow(
      "Invalid filter pattern",
    );
    expect(extracted("[W1=ERROR, w1]", "ERROR x")).toEqual({ W1: "ERROR", w1: "x" });
  });
});

describe("Q15 quota violations", () => {
  it("Q15: quota violations and unsupported syntax throw InvalidParameterException", () => {
    for (const pattern of [
      "%a% %b% %c%",
      "{ $.a[*].b[*] = 1 }",
      "{ $.a[*] = 1 || $.b[*] = 1 || $.c[*] = 1 || $.d[*] = 1 }",
      "%something!%",
      "{ $.a IS NOT NULL }",
      "{ $.a EXISTS }",
    ]) {
      let caught: unknown;
      try {
        compileFilterPattern(pattern);
      } catch (error) {
        caught = error;
      }
      expect(caught, pattern).toBeInstanceOf(FilterPatternError);
      expect((caught as FilterPatternError).code).toBe("InvalidParameterException");
    }
    expect(compileFilterPattern("%a% %b%").regexCount).toBe(2);
    expect(compileFilterPattern("{ $.a[*] = 1 || $.b[*] = 1 || $.c[*] = 1 }").kind).toBe("json");
  });
});

describe("regex dialect", () => {
  it("accepts {m, n} with a space and with m or n omitted, as documented", () => {
    expect(matches("%^a{3, 5}$%", "aaaa")).toBe(true);
    expect(matches("%^a{,2}$%", "aa")).toBe(true);
    expect(matches("%^a{,2}$%", "aaa")).toBe(false);
    expect(matches("%^a{2,}$%", "aaaaa")).toBe(true);
    expect(matches("%^a{2,}$%", "a")).toBe(false);
  });
});
