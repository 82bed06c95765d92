import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../simulator/cli/api.js";
import { startSimulator, storedLogs } from "./helpers.js";

const require = createRequire(import.meta.url);
const installed = existsSync(new URL("../../../node_modules/logzio-nodejs", import.meta.url));

type LogzioLogger = import("logzio-nodejs").ILogzioLogger;

/** Sends what the logger holds and resolves with the error its callback got, if any. */
function sendAndClose(logger: LogzioLogger): Promise<Error | undefined> {
  return new Promise((resolve) => logger.sendAndClose((error) => resolve(error ?? undefined)));
}

describe.skipIf(!installed)(
  installed ? "logzio-nodejs 2.5.0 against the listener" : "logzio-nodejs is not installed",
  () => {
    let sim: Simulator;
    let close: () => Promise<void>;
    let createLogger: typeof import("logzio-nodejs").createLogger;

    beforeAll(async () => {
      ({ sim, close } = await startSimulator());
      ({ createLogger } = require("logzio-nodejs") as typeof import("logzio-nodejs"));
    });
    afterAll(async () => close());
    beforeEach(async () => {
      await fetch(`${sim.endpoints.logzioListener.url}/_watermelon/reset`, { method: "POST" });
    });

    const options = (extra: Partial<Parameters<typeof createLogger>[0]> = {}) => ({
      token: sim.env.LOGZIO_TOKEN as string,
      host: "127.0.0.1",
      port: new URL(sim.endpoints.logzioListener.url).port,
      protocol: "http",
      type: "nodejs-app",
      // The client's own timer must not flush mid-test; sendAndClose does.
      sendIntervalMs: 600_000,
      supressErrors: true,
      ...extra,
    });

    it("ships a bulk the listener indexes, with the client's type and @timestamp", async () => {
      const logger = createLogger(options());
      logger.log("plain text");
      logger.log({ message: "an object", traceId: "t-1", type: "own-type" });
      expect(await sendAndClose(logger)).toBeUndefined();
      const logs = await storedLogs(sim);
      expect(logs.map((l) => [l.fields.message, l.type])).toEqual([
        ["plain text", "nodejs-app"],
        ["an object", "own-type"],
      ]);
      // The client stamps each log itself (wall time); the listener keeps that stamp.
      expect(logs[0]?.fields["@timestamp"]).toMatch(/^\d{4}-\d{2}-\d{2}T/);
      expect(sim.journal.byCorrelation("t-1").map((e) => e.type)).toContain("logzio.indexed");
    });

    it("ships gzip bodies when compress is on", async () => {
      const logger = createLogger(options({ compress: true }));
      logger.log({ message: "compressed" });
      expect(await sendAndClose(logger)).toBeUndefined();
      expect((await storedLogs(sim)).map((l) => l.fields.message)).toEqual(["compressed"]);
      // One axios instance is shared by every logger: switch compression back off for the next.
      createLogger(options({ compress: false })).close();
    });

    it("gets the 401 for an unknown token and drops the bulk", async () => {
      const logger = createLogger(options({ token: "wrongwrongwrongwrongwrongwrongwr" }));
      logger.log({ message: "lost" });
      const error = await sendAndClose(logger);
      expect(String(error)).toMatch(/401/);
      expect(await storedLogs(sim)).toEqual([]);
    });
  },
);
