import { describe, expect, it } from "vitest";
import { assign, createActor, setup } from "xstate";
import { createVirtualClock } from "../../../simulator/kernel/virtualClock.js";
import { toXStateClock } from "../../../simulator/kernel/xstateClock.js";

/** A page that is re-sent every 5 minutes until acknowledged: a delay re-armed on every loop. */
const paging = setup({
  types: { context: {} as { pages: number }, events: {} as { type: "ACK" } },
  actions: { page: assign({ pages: ({ context }) => context.pages + 1 }) },
  delays: { renotify: 5 * 60_000 },
}).createMachine({
  context: { pages: 0 },
  initial: "paging",
  states: {
    paging: {
      entry: "page",
      after: { renotify: { target: "paging", reenter: true } },
      on: { ACK: "acknowledged" },
    },
    acknowledged: { type: "final" },
  },
});

describe("xstate actors on the simulator clock", () => {
  it("re-armed `after` delays fire one by one across a long jump", async () => {
    const clock = createVirtualClock({ start: 0 });
    const actor = createActor(paging, { clock: toXStateClock(clock) }).start();
    await clock.runFor(60 * 60_000);
    // Entry at 0, then one re-entry every 5 minutes up to and including minute 60.
    expect(actor.getSnapshot().context.pages).toBe(13);
    actor.send({ type: "ACK" });
    await clock.runFor(60 * 60_000);
    expect(actor.getSnapshot().value).toBe("acknowledged");
    expect(actor.getSnapshot().context.pages).toBe(13);
    expect(clock.pendingTimers()).toBe(0);
  });

  it("an event before the delay cancels the pending timer", async () => {
    const clock = createVirtualClock({ start: 0 });
    const actor = createActor(paging, { clock: toXStateClock(clock) }).start();
    await clock.runFor(4 * 60_000);
    actor.send({ type: "ACK" });
    expect(clock.pendingTimers()).toBe(0);
    await clock.runUntilIdle();
    expect(actor.getSnapshot().context.pages).toBe(1);
  });
});
