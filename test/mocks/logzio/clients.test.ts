import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../simulator/cli/api.js";
import { startSimulator, storedLogs } from "./helpers.js";
import { search } from "./searchHelpers.js";

const require = createRequire(import.meta.url);
const installed = existsSync(new URL("../../../node_modules/logzio-nodejs", import.meta.url));

/** winston comes with winston-logzio (its dependency), not as a package of ours. */
function resolvable(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}
const winstonInstalled = resolvable("winston-logzio") && resolvable("winston");

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

describe.skipIf(!winstonInstalled)(
  winstonInstalled
    ? "winston-logzio 5.2.0 (winston 3) against the listener, found through /v1/search"
    : "winston-logzio or winston is not installed",
  () => {
    let sim: Simulator;
    let close: () => Promise<void>;
    let winston: typeof import("winston");
    let LogzioWinstonTransport: typeof import("winston-logzio");

    beforeAll(async () => {
      // The transport stamps each log with wall time; starting virtual time there keeps those
      // stamps inside the search's default window (today and yesterday on the simulator clock).
      ({ sim, close } = await startSimulator({ seed: "winston-client", start: Date.now() }));
      winston = require("winston") as typeof import("winston");
      LogzioWinstonTransport = require("winston-logzio") as typeof import("winston-logzio");
    });
    afterAll(async () => close());

    it("ships levels and meta fields that search finds as fields", async () => {
      const transport = new LogzioWinstonTransport({
        // The transport's own level decides what it ships (winston 3 gives it precedence).
        level: "info",
        name: "winston_logzio",
        token: sim.env.LOGZIO_TOKEN as string,
        host: "127.0.0.1",
        port: new URL(sim.endpoints.logzioListener.url).port,
        protocol: "http",
        type: "checkout",
        sendIntervalMs: 600_000,
        supressErrors: true,
      });
      const logger = winston.createLogger({ level: "debug", transports: [transport] });
      let logged = 0;
      const allLogged = new Promise<void>((resolve) =>
        transport.on("logged", () => {
          logged += 1;
          if (logged === 3) resolve();
        }),
      );
      logger.error("payment failed", { orderId: 42, customer: { id: "c-7" } });
      logger.warn("slow response", { latencyMs: 1234 });
      logger.info("order placed", { orderId: 43 });
      logger.debug("below the transport's level: never shipped");
      await allLogged;
      // What a short-lived process does (the README's advice): close the logger, which sends.
      const closed = new Promise<void>((resolve) => transport.once("close", () => resolve()));
      logger.close();
      await closed;

      const all = await search(sim, { query: { query_string: { query: "name:winston_logzio" } } });
      expect(all.status).toBe(200);
      const sources = all.body.hits.hits.map(
        (h: { _source: Record<string, unknown> }) => h._source,
      );
      expect(sources.map((d: Record<string, unknown>) => [d.level, d.message])).toEqual([
        ["error", "payment failed"],
        ["warn", "slow response"],
        ["info", "order placed"],
      ]);
      expect(sources[0]).toMatchObject({
        orderId: 42,
        customer: { id: "c-7" },
        type: "checkout",
        name: "winston_logzio",
      });
      expect(sources[0]["@timestamp"]).toMatch(/^\d{4}-\d{2}-\d{2}T/);

      const errors = await search(sim, {
        query: { bool: { filter: [{ term: { level: "error" } }, { term: { orderId: 42 } }] } },
      });
      expect(errors.body.hits.total).toBe(1);
      expect(errors.body.hits.hits[0]._source.message).toBe("payment failed");
      const slow = await search(sim, {
        query: { range: { latencyMs: { gte: 1000 } } },
      });
      expect(
        slow.body.hits.hits.map((h: { _source: { message: string } }) => h._source.message),
      ).toEqual(["slow response"]);
    });
  },
);
