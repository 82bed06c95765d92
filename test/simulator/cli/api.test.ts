import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  createSimulator,
  PortInUseError,
  type Simulator,
  type SimulatorOptions,
  SimulatorOptionsError,
} from "../../../simulator/cli/api.js";
import { createVirtualClock } from "../../../simulator/kernel/virtualClock.js";
import {
  canBind,
  freePortSet,
  httpsGet,
  makeTempDir,
  occupy,
  type PortSet,
  releaseAll,
} from "./helpers.js";

const SERVICE_ROLES = [
  "aws",
  "logzioListener",
  "logzioApi",
  "pagerdutyEvents",
  "pagerdutyApi",
] as const;

const simulators: Simulator[] = [];

/** A simulator whose CA lives in a fresh temp dir; disposed after the test. */
function start(options: SimulatorOptions = {}): Simulator {
  const sim = createSimulator({ home: makeTempDir("watermelon-api-"), ...options });
  simulators.push(sim);
  return sim;
}

afterEach(async () => {
  await Promise.all(simulators.splice(0).map((sim) => sim.dispose().catch(() => {})));
  await releaseAll();
});

function portOf(url: string): number {
  return Number(new URL(url).port);
}

describe("createSimulator", () => {
  it("starts every service on free ports and fills in endpoints and env", async () => {
    const sim = start();
    await sim.ready;

    const { proxy, ...services } = sim.endpoints;
    expect(Object.keys(services).sort()).toEqual([...SERVICE_ROLES].sort());
    for (const endpoint of [...Object.values(services), proxy]) {
      expect(portOf(endpoint.url)).toBeGreaterThan(0);
    }
    for (const endpoint of Object.values(services)) {
      expect(portOf(endpoint.httpsUrl)).toBeGreaterThan(0);
    }

    expect(sim.env.AWS_ENDPOINT_URL).toBe(sim.endpoints.aws.url);
    expect(sim.env.LOGZIO_LISTENER_URL).toBe(sim.endpoints.logzioListener.url);
    expect(sim.env.LOGZIO_API_URL).toBe(sim.endpoints.logzioApi.url);
    // PagerDuty's URLs are the https ones, as PagerDuty serves them.
    expect(sim.env.PAGERDUTY_EVENTS_URL).toBe(sim.endpoints.pagerdutyEvents.httpsUrl);
    expect(sim.env.PAGERDUTY_API_URL).toBe(sim.endpoints.pagerdutyApi.httpsUrl);
    expect(sim.env.PAGERDUTY_TOKEN).toMatch(/^[0-9a-zA-Z_\-+]{20}$/);
    expect(sim.env.HTTPS_PROXY).toBe(proxy.url);
    expect(sim.env.NODE_EXTRA_CA_CERTS).toMatch(/ca\.pem$/);

    const ca = readFileSync(sim.env.NODE_EXTRA_CA_CERTS as string);
    for (const role of SERVICE_ROLES) {
      const res = await fetch(`${sim.endpoints[role].url}/_watermelon/health`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ service: role, status: "running" });
      const secure = await httpsGet(`${sim.endpoints[role].httpsUrl}/_watermelon/health`, ca);
      expect(secure.status).toBe(200);
      expect(JSON.parse(secure.body)).toMatchObject({ service: role });
    }
    const proxyHealth = await fetch(`${proxy.url}/_watermelon/health`);
    expect(await proxyHealth.json()).toMatchObject({ service: "proxy", status: "running" });

    const started = sim.journal.byType("simulator.started");
    expect(started).toHaveLength(1);
    expect(started[0]).toMatchObject({ source: "host", data: { clock: "virtual" } });
    expect(started[0]?.data.services).toEqual([...SERVICE_ROLES]);
  });

  it("dispose() closes every port and is safe to call twice", async () => {
    const sim = start();
    await sim.ready;
    const urls = [...SERVICE_ROLES.map((role) => sim.endpoints[role].url), sim.endpoints.proxy.url];
    // Open keep-alive connections first: dispose must not wait for them or leave them serving.
    for (const url of urls) expect((await fetch(`${url}/_watermelon/health`)).status).toBe(200);

    await sim.dispose();
    for (const url of urls) {
      await expect(fetch(`${url}/_watermelon/health`)).rejects.toThrow();
      expect(await canBind(portOf(url))).toBe(true);
    }
    await expect(sim.dispose()).resolves.toBeUndefined();
    expect(sim.journal.byType("simulator.stopped")).toHaveLength(1);
  });

  it("dispose() frees the ports even when a journal listener throws on the last event", async () => {
    const sim = start();
    await sim.ready;
    sim.journal.subscribe((event) => {
      if (event.type === "simulator.stopped") throw new Error("listener broke");
    });
    await expect(sim.dispose()).rejects.toThrow();
    expect(await canBind(portOf(sim.endpoints.aws.url))).toBe(true);
  });

  it("dispose() before ready has resolved still releases the ports", async () => {
    const ports = await freePortSet();
    const sim = start({ ports });
    await sim.dispose();
    for (const port of Object.values(ports)) expect(await canBind(port)).toBe(true);
  });

  it("endpoints and env throw a clear error before ready has resolved", async () => {
    const sim = start();
    expect(() => sim.endpoints).toThrow(/endpoints.*ready/);
    expect(() => sim.env).toThrow(/env.*ready/);
    await sim.ready;
    expect(() => sim.endpoints).not.toThrow();
  });
});

describe("createSimulator options", () => {
  const invalid = (options: unknown) => () =>
    createSimulator({ home: makeTempDir("watermelon-api-"), ...(options as SimulatorOptions) });

  it("rejects an unknown option key, naming it", () => {
    expect(invalid({ bogus: 1 })).toThrow(SimulatorOptionsError);
    expect(invalid({ bogus: 1 })).toThrow(/bogus/);
  });

  it("rejects a negative port, naming the field", () => {
    expect(invalid({ ports: { aws: -1 } })).toThrow(SimulatorOptionsError);
    expect(invalid({ ports: { aws: -1 } })).toThrow(/ports\.aws/);
    expect(invalid({ ports: { proxy: 65536 } })).toThrow(/ports\.proxy/);
  });

  it("rejects an unknown port name", () => {
    expect(invalid({ ports: { smtp: 25 } })).toThrow(SimulatorOptionsError);
    expect(invalid({ ports: { smtp: 25 } })).toThrow(/ports/);
  });

  it('rejects clock: "sideways", naming the field', () => {
    expect(invalid({ clock: "sideways" })).toThrow(SimulatorOptionsError);
    expect(invalid({ clock: "sideways" })).toThrow(/clock/);
  });

  it("rejects a clock that is not a Clock (null, {}), before binding anything", () => {
    expect(invalid({ clock: null })).toThrow(/clock/);
    expect(invalid({ clock: {} })).toThrow(SimulatorOptionsError);
  });

  it("rejects a start that is not an instant", () => {
    expect(invalid({ start: "next tuesday" })).toThrow(SimulatorOptionsError);
    expect(invalid({ start: "next tuesday" })).toThrow(/start/);
  });

  it("the error has its own name", () => {
    try {
      invalid({ bogus: 1 })();
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).name).toBe("SimulatorOptionsError");
      expect((error as Error).message).toMatch(/^invalid simulator options: /);
    }
  });
});

describe("createSimulator clocks", () => {
  it("uses a virtual clock at 2026-01-05T09:00:00Z by default", async () => {
    const sim = start();
    expect(sim.clock.kind).toBe("virtual");
    expect(new Date(sim.clock.now()).toISOString()).toBe("2026-01-05T09:00:00.000Z");
    await sim.ready;
    expect(sim.journal.byType("simulator.started")[0]?.time).toBe("2026-01-05T09:00:00.000Z");
  });

  it("starts the virtual clock where `start` says (ISO or epoch ms)", () => {
    const iso = start({ start: "2027-03-01T12:30:00+02:00" });
    expect(iso.clock.kind).toBe("virtual");
    expect(new Date(iso.clock.now()).toISOString()).toBe("2027-03-01T10:30:00.000Z");
    const ms = start({ start: Date.UTC(2025, 5, 1) });
    expect(ms.clock.now()).toBe(Date.UTC(2025, 5, 1));
  });

  it('clock: "real" follows the wall clock', () => {
    const before = Date.now();
    const sim = start({ clock: "real" });
    const now = sim.clock.now();
    const after = Date.now();
    expect(sim.clock.kind).toBe("real");
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(after);
  });

  it("uses a clock object given to it", async () => {
    const clock = createVirtualClock({ start: Date.UTC(2030, 0, 1) });
    const sim = start({ clock });
    expect(sim.clock).toBe(clock);
    await sim.ready;
    expect(sim.journal.byType("simulator.started")[0]?.time).toBe("2030-01-01T00:00:00.000Z");
  });
});

describe("createSimulator: port in use", () => {
  it("ready rejects with PortInUseError naming the port, and no other port stays bound", async () => {
    const ports = await freePortSet();
    await occupy(ports.pagerdutyApi);
    const sim = start({ ports });

    const error = await sim.ready.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PortInUseError);
    expect(error).toMatchObject({
      name: "PortInUseError",
      portName: "pagerdutyApi",
      port: ports.pagerdutyApi,
    });
    expect(String((error as Error).message)).toContain(String(ports.pagerdutyApi));

    const others = (Object.keys(ports) as (keyof PortSet)[]).filter((k) => k !== "pagerdutyApi");
    for (const key of others) {
      expect({ port: key, free: await canBind(ports[key]) }).toEqual({ port: key, free: true });
    }
    expect(() => sim.endpoints).toThrow(/ready/);
    await expect(sim.dispose()).resolves.toBeUndefined();
  });
});

describe("createSimulator seeds", () => {
  it("two simulators with the same seed write the same journal", async () => {
    const a = start({ seed: "alpha" });
    const b = start({ seed: "alpha" });
    await Promise.all([a.ready, b.ready]);
    await a.dispose();
    await b.dispose();
    expect(a.journal.toJsonl()).not.toBe("");
    expect(a.journal.toJsonl()).toBe(b.journal.toJsonl());
    expect(a.rng.nextUint32()).toBe(b.rng.nextUint32());
  });

  it("a different seed shows in the started event", async () => {
    const a = start({ seed: "alpha" });
    const b = start({ seed: 42 });
    await Promise.all([a.ready, b.ready]);
    expect(a.journal.byType("simulator.started")[0]?.data.seed).toBe("alpha");
    expect(b.journal.byType("simulator.started")[0]?.data.seed).toBe("42");
    expect(a.journal.toJsonl()).not.toBe(b.journal.toJsonl());
    expect(b.seed).toBe(42);
  });

  it('the default seed is "watermelon"', async () => {
    const sim = start();
    await sim.ready;
    expect(sim.journal.byType("simulator.started")[0]?.data.seed).toBe("watermelon");
  });
});

describe("createSimulator services", () => {
  it("routes a service module's handler, state and reset", async () => {
    const reset = vi.fn();
    const sim = start({
      services: {
        pagerdutyApi: {
          handler: (_req, res) => res.end("hi"),
          state: () => ({ incidents: 2 }),
          reset,
        },
      },
    });
    await sim.ready;
    const base = sim.endpoints.pagerdutyApi.url;

    const api = await fetch(`${base}/incidents?limit=1`);
    expect(api.status).toBe(200);
    expect(await api.text()).toBe("hi");

    const state = await fetch(`${base}/_watermelon/state`);
    expect(state.status).toBe(200);
    expect(await state.json()).toEqual({ service: "pagerdutyApi", state: { incidents: 2 } });

    expect(reset).not.toHaveBeenCalled();
    const posted = await fetch(`${base}/_watermelon/reset`, { method: "POST" });
    expect(posted.status).toBe(200);
    expect(await posted.json()).toEqual({ service: "pagerdutyApi", reset: true });
    expect(reset).toHaveBeenCalledTimes(1);

    const wrongMethod = await fetch(`${base}/_watermelon/reset`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("POST");
    await wrongMethod.body?.cancel();
    expect(reset).toHaveBeenCalledTimes(1);
  });

  it("answers only the admin endpoints for a role whose module has no handler", async () => {
    const sim = start({ services: { pagerdutyApi: {} } });
    await sim.ready;
    const other = await fetch(`${sim.endpoints.pagerdutyApi.url}/incidents`);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ service: "pagerdutyApi" });
    const otherState = await fetch(`${sim.endpoints.pagerdutyApi.url}/_watermelon/state`);
    expect(await otherState.json()).toEqual({ service: "pagerdutyApi", state: {} });
  });

  it("rejects a service module for an unknown role", () => {
    expect(() =>
      createSimulator({
        home: makeTempDir("watermelon-api-"),
        services: { smtp: {} } as unknown as SimulatorOptions["services"],
      }),
    ).toThrow(/services/);
  });
});
