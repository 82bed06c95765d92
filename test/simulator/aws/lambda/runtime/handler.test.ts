import { describe, expect, it } from "vitest";
import { functionConfig, resultOf, useRuntime } from "./helpers.js";

const setup = useRuntime();

/** Invokes once and returns the outcome, for functions that answer without virtual time. */
async function run(files: Record<string, string>, handler = "index.handler") {
  const harness = await setup();
  return harness.invoke(functionConfig("resolve", files, { handler }));
}

describe("handler resolution (as the Node.js runtime interface client does)", () => {
  it("loads a .js file as CommonJS when no package.json says otherwise", async () => {
    const outcome = await run({
      "index.js": `exports.handler = async () => ({ kind: typeof module, esm: typeof require === "undefined" });`,
    });
    expect(resultOf(outcome)).toEqual({ kind: "object", esm: false });
  });

  it("imports a .js file as an ES module when the nearest package.json has type module", async () => {
    const outcome = await run({
      "package.json": JSON.stringify({ type: "module" }),
      "index.js": `export const handler = async () => ({ esm: typeof require === "undefined", url: import.meta.url });`,
    });
    expect(resultOf(outcome)).toEqual({ esm: true, url: expect.stringMatching(/index\.js$/) });
  });

  it("falls back to .mjs, then .cjs", async () => {
    const mjs = await run(
      { "app.mjs": `export async function handler() { return "mjs"; }` },
      "app.handler",
    );
    expect(resultOf(mjs)).toBe("mjs");
    const cjs = await run(
      { "app.cjs": `module.exports.handler = async () => "cjs";` },
      "app.handler",
    );
    expect(resultOf(cjs)).toBe("cjs");
  });

  it("prefers the .js file over .mjs and .cjs", async () => {
    const outcome = await run(
      {
        "app.js": `exports.handler = async () => "js";`,
        "app.mjs": `export const handler = async () => "mjs";`,
        "app.cjs": `exports.handler = async () => "cjs";`,
      },
      "app.handler",
    );
    expect(resultOf(outcome)).toBe("js");
  });

  it("resolves a nested path, a nested package scope and a nested export", async () => {
    const nested = await run(
      {
        "src/handlers/main.js": `const { greet } = require("../lib/greet"); exports.run = async (e) => greet(e.name);`,
        "src/lib/greet.js": `exports.greet = (name) => "hello " + name;`,
      },
      "src/handlers/main.run",
    );
    expect(resultOf(nested)).toBe("hello undefined");

    const scoped = await run(
      {
        "lib/package.json": JSON.stringify({ type: "module" }),
        "lib/fn.js": `export const api = { v1: { handler: async () => "nested export" } };`,
      },
      "lib/fn.api.v1.handler",
    );
    expect(resultOf(scoped)).toBe("nested export");
  });

  it("loads the function's own node_modules", async () => {
    const outcome = await run({
      "index.js": `const pad = require("left-pad"); exports.handler = async () => pad("7", 3);`,
      "node_modules/left-pad/package.json": JSON.stringify({ name: "left-pad", main: "main.js" }),
      "node_modules/left-pad/main.js": `module.exports = (s, n) => s.padStart(n, "0");`,
    });
    expect(resultOf(outcome)).toBe("007");
  });
});

describe("runtime errors, with the client's types and messages", () => {
  it("Runtime.ImportModuleError when the module does not exist", async () => {
    const outcome = await run({ "other.js": "" }, "index.handler");
    expect(outcome.error).toMatchObject({
      errorType: "Runtime.ImportModuleError",
      errorMessage: "Error: Cannot find module 'index'\nRequire stack:\n- /var/runtime/index.mjs",
    });
    expect(outcome.error?.trace[0]).toBe(
      "Runtime.ImportModuleError: Error: Cannot find module 'index'",
    );
    expect(outcome.timedOut).toBe(false);
  });

  it("Runtime.ImportModuleError names a missing dependency and the task root as /var/task", async () => {
    const outcome = await run({
      "index.js": `require("not-installed"); exports.handler = () => 1;`,
    });
    expect(outcome.error?.errorType).toBe("Runtime.ImportModuleError");
    expect(outcome.error?.errorMessage).toBe(
      "Error: Cannot find module 'not-installed'\nRequire stack:\n- /var/task/index.js\n- /var/runtime/index.mjs",
    );
  });

  it("Runtime.HandlerNotFound when the export is missing or not a function", async () => {
    const files = { "index.js": `exports.value = 42;` };
    const missing = await run(files, "index.nope");
    expect(missing.error).toMatchObject({
      errorType: "Runtime.HandlerNotFound",
      errorMessage: "index.nope is undefined or not exported",
    });
    const notFunction = await run(files, "index.value");
    expect(notFunction.error).toMatchObject({
      errorType: "Runtime.HandlerNotFound",
      errorMessage: "index.value is not a function",
    });
  });

  it("Runtime.MalformedHandlerName for a handler without a dot, or with ..", async () => {
    const noDot = await run({ "index.js": "" }, "index");
    expect(noDot.error).toMatchObject({
      errorType: "Runtime.MalformedHandlerName",
      errorMessage: "Bad handler",
    });
    const upward = await run({ "index.js": "" }, "../index.handler");
    expect(upward.error).toMatchObject({
      errorType: "Runtime.MalformedHandlerName",
      errorMessage:
        "'../index.handler' is not a valid handler name. Use absolute paths when specifying root directories in handler names.",
    });
  });

  it("Runtime.UserCodeSyntaxError for CommonJS and ES modules", async () => {
    const commonJs = await run({ "index.js": `exports.handler = async () => { return (; };` });
    expect(commonJs.error?.errorType).toBe("Runtime.UserCodeSyntaxError");
    expect(commonJs.error?.errorMessage).toMatch(/^SyntaxError: Unexpected token/);
    const esm = await run({ "index.mjs": `export const handler = async () => { return (; };` });
    expect(esm.error?.errorType).toBe("Runtime.UserCodeSyntaxError");
  });

  it("logs an init failure as the client does, then START, END and REPORT", async () => {
    const outcome = await run({ "index.js": `throw new TypeError("broken at load");` });
    expect(outcome.error).toMatchObject({ errorType: "TypeError", errorMessage: "broken at load" });
    const lines = outcome.logLines.map((line) => line.message);
    expect(lines[0]).toMatch(
      /^2026-01-05T09:00:00\.000Z\tundefined\tERROR\tUncaught Exception \t\{"errorType":"TypeError","errorMessage":"broken at load",/,
    );
    expect(lines.slice(1, 3)).toEqual([
      "START RequestId: req-1 Version: $LATEST\n",
      "END RequestId: req-1\n",
    ]);
    expect(lines[3]).toMatch(/^REPORT RequestId: req-1\t/);
  });
});
