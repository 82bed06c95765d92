import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { dateutilParseError } from "../../../flows/shipper/dateutilParse.js";
import { dumps, floatRepr, loads, PyFloat, pyStr } from "../../../flows/shipper/pyjson.js";

/** What CPython 3.11 and python-dateutil 2.9 answer for the same inputs. */
const python = JSON.parse(
  readFileSync(new URL("./fixtures/pythonStdlib.json", import.meta.url), "utf8"),
) as {
  roundtrip: [string, string][];
  errors: [string, string | null][];
  dateutil: [string, boolean][];
};

describe("json.dumps(json.loads(text))", () => {
  it.each(python.roundtrip)("%s", (text, expected) => {
    expect(dumps(loads(text))).toBe(expected);
  });

  it("keeps integer-like keys where they were and a re-assigned key in its first place", () => {
    expect(dumps(loads('{"b": 1, "10": 2, "b": 3}'))).toBe('{"b": 3, "10": 2}');
  });

  it("tells 1 from 1.0 and keeps big integers whole", () => {
    expect(loads("1")).toBe(1n);
    expect(loads("1.0")).toEqual(new PyFloat(1));
    expect(dumps(loads("[1, 1.0, 123456789012345678901234567890]"))).toBe(
      "[1, 1.0, 123456789012345678901234567890]",
    );
  });
});

describe("json.loads errors", () => {
  it.each(python.errors)("%j", (text, message) => {
    if (message === null) expect(() => loads(text)).not.toThrow();
    else expect(() => loads(text)).toThrow(message);
  });
});

describe("str() of values", () => {
  it("writes floats as Python's repr and the constants by their Python names", () => {
    expect(floatRepr(1e16)).toBe("1e+16");
    expect(floatRepr(1e15)).toBe("1000000000000000.0");
    expect(floatRepr(1.5e-7)).toBe("1.5e-07");
    expect(floatRepr(0.0001)).toBe("0.0001");
    expect(pyStr(1704067200000n)).toBe("1704067200000");
    expect(pyStr(new PyFloat(1704067200000.5))).toBe("1704067200000.5");
    expect(pyStr(null)).toBe("None");
    expect(pyStr(true)).toBe("True");
  });
});

describe("dateutil.parser.parse: accepted or not", () => {
  it.each(python.dateutil)("%j -> %s", (text, accepted) => {
    expect(dateutilParseError(text) === undefined).toBe(accepted);
  });
});
