import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules, createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { strFromU8, unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import {
  buildShipperZip,
  SHIPPER_HANDLER,
  SHIPPER_RUNTIME,
  shipperEnvironment,
} from "../../../flows/shipper/index.js";

describe("the deployment package", () => {
  it("is one CommonJS index.js at the root, exporting handler, needing only Node built-ins", async () => {
    const zip = await buildShipperZip();
    expect(await buildShipperZip()).toBe(zip);
    const files = unzipSync(zip);
    expect(Object.keys(files)).toEqual(["index.js"]);
    const source = strFromU8(files["index.js"] ?? new Uint8Array());
    const required = [...source.matchAll(/require\("([^"]+)"\)/g)].map((m) => m[1] ?? "");
    const builtins = new Set(builtinModules.flatMap((name) => [name, `node:${name}`]));
    expect(required.filter((name) => !builtins.has(name))).toEqual([]);

    const dir = mkdtempSync(path.join(os.tmpdir(), "watermelon-shipper-zip-"));
    try {
      writeFileSync(path.join(dir, "index.js"), source);
      const loaded = createRequire(path.join(dir, "index.js"))("./index.js");
      expect(typeof loaded[SHIPPER_HANDLER.split(".")[1] ?? ""]).toBe("function");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(SHIPPER_RUNTIME).toBe("nodejs20.x");
  });
});

describe("shipperEnvironment", () => {
  it("sets every variable the SAM template sets, ENRICH only when given", () => {
    expect(shipperEnvironment({ token: "T", listenerUrl: "http://127.0.0.1:8070" })).toEqual({
      TOKEN: "T",
      LISTENER_URL: "http://127.0.0.1:8070",
      TYPE: "logzio_cloudwatch_lambda",
      FORMAT: "text",
      COMPRESS: "false",
      REQUEST_TIMEOUT: "15",
      SHIPPER_LOG_LEVEL: "INFO",
    });
    expect(
      shipperEnvironment({
        token: "T",
        listenerUrl: "u",
        type: "app",
        format: "json",
        compress: true,
        enrich: { env: "sim", team: "sre" },
        requestTimeoutSeconds: 5,
      }),
    ).toMatchObject({
      TYPE: "app",
      FORMAT: "json",
      COMPRESS: "true",
      ENRICH: "env=sim;team=sre",
      REQUEST_TIMEOUT: "5",
    });
  });
});
