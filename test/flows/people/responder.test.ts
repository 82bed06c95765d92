/**
 * Responders against a whole simulator: PagerDuty pages them, they answer over its REST API on
 * the virtual clock, and the incident's REST record and log entries show what they did.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startResponder } from "../../../flows/people/index.js";
import type { Simulator } from "../../../simulator/cli/api.js";
import {
  ALICE,
  BOB,
  logEntries,
  MINUTE,
  pagerduty,
  resetPagerDuty,
  rest,
  startSimulator,
  triggerIncident,
  watch,
} from "./helpers.js";

let sim: Simulator;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ sim, close } = await startSimulator("people-responder"));
});
afterAll(async () => close());
beforeEach(async () => resetPagerDuty(sim));

function start(profile: Parameters<typeof startResponder>[0]["profile"], userId: string) {
  return startResponder({
    clock: sim.clock,
    rng: sim.rng,
    journal: sim.journal,
    pagerduty: pagerduty(sim),
    profile,
    userId,
  });
}

describe("a responder who answers", () => {
  it("acknowledges 3 minutes after the page, posts status updates at the cadence, resolves after investigating", async () => {
    const w = watch(sim);
    const alice = start(
      {
        email: ALICE.email,
        acknowledgeAfter: { fixed: "3m" },
        investigateFor: { fixed: "24m" },
        statusUpdates: { first: "5m", every: "10m", message: "Rolling back the deploy" },
      },
      ALICE.id,
    );
    try {
      const id = await triggerIncident(sim, "people-ack-1");
      await sim.clock.runFor(60 * MINUTE);
      console.log(w.timeline("responder.", "pagerduty.incident."));
      const { incident } = await rest(sim, "GET", `/incidents/${id}`);
      console.log(incident.status, incident.acknowledgements, incident.resolved_at);
    } finally {
      alice.stop();
    }
  });
});
