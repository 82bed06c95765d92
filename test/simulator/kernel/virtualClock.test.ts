import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createTrackedFetch, trackServerRequests } from "../../../simulator/host/inflight.js";
import { DEFAULT_START, QuiescenceTimeoutError } from "../../../simulator/kernel/clock.js";
import { createVirtualClock } from "../../../simulator/kernel/virtualClock.js";

describe("virtual clock", () => {
  it("starts on Monday 2026-01-05 09:00 UTC unless told otherwise", () => {
    expect(new Date(DEFAULT_START).toISOString()).toBe("2026-01-05T09:00:00.000Z");
    expect(createVirtualClock().now()).toBe(DEFAULT_START);
    expect(createVirtualClock({ start: 0 }).date().toISOString()).toBe("1970-01-01T00:00:00.000Z");
  });

  it("fires timers by due time, and ties in scheduling order", async () => {
    const clock = createVirtualClock({ start: 0 });
    const fired: string[] = [];
    clock.setTimeout(() => fired.push("b@20"), 20);
    clock.setTimeout(() => fired.push("a@10"), 10);
    clock.setTimeout(() => fired.push("c@20"), 20);
    clock.setTimeout(() => fired.push("d@10"), 10);
    clock.setTimeout(() => fired.push("e@0"), 0);
    await clock.runUntilIdle();
    expect(fired).toEqual(["e@0", "a@10", "d@10", "b@20", "c@20"]);
    expect(clock.now()).toBe(20);
  });

  it("each timer sees its own due time as now", async () => {
    const clock = createVirtualClock({ start: 1000 });
    const seen: number[] = [];
    for (const delay of [5, 1, 3]) clock.setTimeout(() => seen.push(clock.now()), delay);
    await clock.runFor(10);
    expect(seen).toEqual([1001, 1003, 1005]);
    expect(clock.now()).toBe(1010);
  });

  it("fires a timer re-armed while the clock advances, within the same run", async () => {
    const clock = createVirtualClock({ start: 0 });
    const ticks: number[] = [];
    const tick = () => {
      ticks.push(clock.now());
      if (ticks.length < 5) clock.setTimeout(tick, 100);
    };
    clock.setTimeout(tick, 100);
    await clock.runFor(1000);
    expect(ticks).toEqual([100, 200, 300, 400, 500]);
  });

  it("fires timers re-armed by async work after a timer", async () => {
    const clock = createVirtualClock({ start: 0 });
    const ticks: number[] = [];
    const tick = async () => {
      ticks.push(clock.now());
      await Promise.resolve();
      await new Promise((resolve) => setImmediate(resolve));
      if (ticks.length < 3) clock.setTimeout(() => void tick(), 50);
    };
    clock.setTimeout(() => void clock.track("tick", tick()), 50);
    await clock.runFor(1000);
    expect(ticks).toEqual([50, 100, 150]);
  });

  it("runUntil stops at its instant and leaves later timers pending", async () => {
    const clock = createVirtualClock({ start: 0 });
    const fired: number[] = [];
    for (const t of [10, 20, 30]) clock.setTimeout(() => fired.push(t), t);
    await clock.runUntil(20);
    expect(fired).toEqual([10, 20]);
    expect(clock.now()).toBe(20);
    expect(clock.pendingTimers()).toBe(1);
  });

  it("cancelled timers do not fire; intervals repeat without drift", async () => {
    const clock = createVirtualClock({ start: 0 });
    const fired: number[] = [];
    const cancelled = clock.setTimeout(() => fired.push(-1), 5);
    cancelled.cancel();
    const every = clock.setInterval(() => {
      fired.push(clock.now());
      if (fired.length === 4) clock.clearTimeout(every);
    }, 250);
    await clock.runUntilIdle();
    expect(fired).toEqual([250, 500, 750, 1000]);
  });

  it("cancelling a timer that already fired changes nothing", async () => {
    const clock = createVirtualClock({ start: 0 });
    const fired = clock.setTimeout(() => {}, 5);
    clock.setTimeout(() => {}, 50);
    await clock.runFor(10);
    fired.cancel();
    fired.cancel();
    expect(clock.pendingTimers()).toBe(1);
  });

  it("sleep resolves in virtual time", async () => {
    const clock = createVirtualClock({ start: 0 });
    let woke = -1;
    void clock.sleep(60_000).then(() => {
      woke = clock.now();
    });
    await clock.runFor(60_000);
    expect(woke).toBe(60_000);
  });

  it("refuses a timer loop that never ends instead of hanging", async () => {
    const clock = createVirtualClock({ start: 0 });
    clock.setInterval(() => {}, 1, "runaway");
    await expect(clock.runUntilIdle({ maxTimers: 100 })).rejects.toThrow(/runaway/);
  });

  it("refuses to be driven twice at once", async () => {
    const clock = createVirtualClock({ start: 0 });
    clock.setTimeout(() => {}, 10);
    const first = clock.runFor(100);
    await expect(clock.runFor(100)).rejects.toThrow(/already being driven/);
    await first;
  });

  it("names the work still in flight when nothing finishes before the watchdog", async () => {
    const clock = createVirtualClock({ start: 0, watchdogMs: 50 });
    clock.beginWork("lambda logzio-shipper invocation 1");
    clock.setTimeout(() => {}, 10);
    const error = await clock.runFor(100).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QuiescenceTimeoutError);
    expect((error as Error).message).toContain("lambda logzio-shipper invocation 1");
    expect(clock.now()).toBe(0);
  });
});

describe("virtual clock and HTTP over loopback", () => {
  let server: http.Server | undefined;
  afterEach(async () => {
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
  });

  /** A server that answers after `realDelayMs` of real time: a slow hop. */
  async function slowServer(clock: ReturnType<typeof createVirtualClock>, realDelayMs: number) {
    server = http.createServer((_req, res) => {
      setTimeout(() => res.end("pong"), realDelayMs);
    });
    trackServerRequests(server, clock, "slow");
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}/ping`;
  }

  it("waits while a round trip is in flight, then advances", async () => {
    const clock = createVirtualClock({ start: 0 });
    const url = await slowServer(clock, 150);
    const tracked = createTrackedFetch(clock);
    const events: string[] = [];
    clock.setTimeout(() => {
      events.push(`request sent at ${clock.now()}`);
      void tracked(url)
        .then((r) => r.text())
        .then((body) => events.push(`${body} received at ${clock.now()}`));
    }, 0);
    clock.setTimeout(() => events.push(`next timer at ${clock.now()}`), 1);
    await clock.runFor(1000);
    expect(events).toEqual(["request sent at 0", "pong received at 0", "next timer at 1"]);
  });

  it("with nothing tracked the clock does not wait (the control case)", async () => {
    const clock = createVirtualClock({ start: 0 });
    server = http.createServer((_req, res) => {
      setTimeout(() => res.end("pong"), 150);
    });
    await new Promise<void>((resolve) => server?.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const events: string[] = [];
    clock.setTimeout(() => {
      void fetch(url)
        .then((r) => r.text())
        .then((body) => events.push(body));
    }, 0);
    clock.setTimeout(() => events.push("timer"), 1);
    await clock.runFor(1000);
    expect(events).toEqual(["timer"]);
    await new Promise((resolve) => setTimeout(resolve, 300));
  });
});

describe("virtual clock: timers already due", () => {
  it("fire on their own, like setTimeout(fn, 0), while time stands still", async () => {
    const clock = createVirtualClock({ start: 0 });
    const fired: string[] = [];
    clock.setTimeout(() => {
      fired.push(`now at ${clock.now()}`);
      clock.setTimeout(() => fired.push("chained"), 0);
    }, 0);
    clock.setTimeout(() => fired.push("later"), 10);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toEqual(["now at 0", "chained"]);
    expect(clock.now()).toBe(0);
    await clock.runFor(10);
    expect(fired).toEqual(["now at 0", "chained", "later"]);
  });

  it("do not fire on their own when runDueTimers is off", async () => {
    const clock = createVirtualClock({ start: 0, runDueTimers: false });
    const fired: string[] = [];
    clock.setTimeout(() => fired.push("due"), 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fired).toEqual([]);
    await clock.runUntilIdle();
    expect(fired).toEqual(["due"]);
  });

  it("an error in a timer that fired on its own surfaces at the next run", async () => {
    const clock = createVirtualClock({ start: 0 });
    clock.setTimeout(() => {
      throw new Error("boom in a due timer");
    }, 0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await expect(clock.runFor(1)).rejects.toThrow("boom in a due timer");
  });
});
