import { afterEach, describe, expect, it } from "vitest";
import { freePortSet, makeTempDir, portArgs, releaseAll, runCli, startUp } from "./helpers.js";

afterEach(releaseAll);

const pd = (token: string) => ({
  authorization: `Token token=${token}`,
  accept: "application/vnd.pagerduty+json;version=2",
});

describe("watermelon up --scenario", () => {
  it("wires the scenario's chain in real time, for curl and the real clients, until SIGTERM", async () => {
    const home = makeTempDir();
    const ports = await freePortSet();
    const up = await startUp(
      ["--scenario", "gold-outage", ...portArgs(ports), "--app-port", "0"],
      home,
    );
    const ready = up.ready as unknown as {
      ready: boolean;
      scenario: string;
      app: string;
      env: Record<string, string>;
      endpoints: Record<string, { url: string }>;
    };
    expect(ready).toMatchObject({ ready: true, scenario: "gold-outage" });
    expect(ready.endpoints.pagerdutyApi?.url).toBe(`http://127.0.0.1:${ports.pagerdutyApi}`);

    // The wiring happened through the APIs: PagerDuty has the scenario's service and users.
    const api = ready.endpoints.pagerdutyApi?.url;
    const services = (await (
      await fetch(`${api}/services`, { headers: pd(ready.env.PAGERDUTY_TOKEN ?? "") })
    ).json()) as {
      services: { name: string; tier: string }[];
    };
    expect(services.services).toEqual(
      expect.arrayContaining([expect.objectContaining({ name: "checkout", tier: "gold" })]),
    );

    // The app fails on demand, by hand, as with curl.
    const fault = await fetch(`${ready.app}/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ service: "checkout", status: 503, durationMs: 60_000 }),
    });
    expect(fault.status).toBe(201);
    const failing = await fetch(`${ready.app}/checkout/cart`);
    expect(failing.status).toBe(503);

    // `watermelon env` in another shell finds this simulator.
    const env = await runCli(["env", "--json"], home);
    expect(JSON.parse(env.stdout).PAGERDUTY_API_URL).toBe(ready.env.PAGERDUTY_API_URL);

    const stopped = await up.stop("SIGTERM");
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toBe("");
  }, 60_000);
});
