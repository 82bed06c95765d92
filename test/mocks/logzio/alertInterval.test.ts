import { afterEach, describe, expect, it } from "vitest";
import {
  createSimulator,
  type Simulator,
  SimulatorOptionsError,
} from "../../../simulator/cli/api.js";
import { startSimulator } from "./helpers.js";
import { ship } from "./searchHelpers.js";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup(alertEvaluationIntervalMs?: number): Promise<Simulator> {
  const { sim, close } = await startSimulator({
    seed: "alert-interval",
    ...(alertEvaluationIntervalMs === undefined ? {} : { logzio: { alertEvaluationIntervalMs } }),
  });
  cleanups.push(close);
  const res = await fetch(`${sim.endpoints.logzioApi.url}/v2/alerts`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "X-API-TOKEN": sim.env.LOGZIO_API_TOKEN as string,
    },
    body: JSON.stringify({
      title: "errors",
      searchTimeFrameMinutes: 5,
      subComponents: [
        {
          queryDefinition: { query: "level:ERROR" },
          trigger: { operator: "GREATER_THAN_OR_EQUALS", severityThresholdTiers: { HIGH: 1 } },
        },
      ],
    }),
  });
  expect(res.status).toBe(200);
  return sim;
}

/** Virtual ms after `t0` of each `logzio.alert.triggered`. */
const triggeredAt = (sim: Simulator, t0: number) =>
  sim.journal.byType("logzio.alert.triggered").map((e) => Date.parse(e.time) - t0);

describe("logzio.alertEvaluationIntervalMs", () => {
  it("evaluates every minute by default", async () => {
    const sim = await setup();
    const t0 = sim.clock.now();
    await ship(sim, [{ level: "ERROR", message: "boom" }]);
    await sim.clock.runFor(59_999);
    expect(triggeredAt(sim, t0)).toEqual([]);
    await sim.clock.runFor(1);
    expect(triggeredAt(sim, t0)).toEqual([60_000]);
  });

  it("evaluates on a shorter interval, keeping the waiting period in minutes", async () => {
    const sim = await setup(5_000);
    const t0 = sim.clock.now();
    await ship(sim, [{ level: "ERROR", message: "boom" }]);
    await sim.clock.runFor(4_999);
    expect(triggeredAt(sim, t0)).toEqual([]);
    await sim.clock.runFor(1);
    expect(triggeredAt(sim, t0)).toEqual([5_000]);
    // Within the five-minute waiting period later evaluations are journaled as suppressed.
    await sim.clock.runFor(10_000);
    const triggered = sim.journal.byType("logzio.alert.triggered");
    expect(triggered.map((e) => [Date.parse(e.time) - t0, e.data.suppressed])).toEqual([
      [5_000, false],
      [10_000, true],
      [15_000, true],
    ]);
  });

  it("is refused below 1 ms, naming the option", () => {
    // Refused while the options are read, before anything starts.
    expect(() => createSimulator({ logzio: { alertEvaluationIntervalMs: 0 } })).toThrow(
      SimulatorOptionsError,
    );
    expect(() => createSimulator({ logzio: { alertEvaluationIntervalMs: 0.5 } })).toThrow(
      /logzio\.alertEvaluationIntervalMs/,
    );
  });
});
