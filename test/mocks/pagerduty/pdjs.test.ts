/**
 * PagerDuty's own JavaScript client, @pagerduty/pdjs 2.2.4, unchanged. Its events calls build
 * `https://${server}/v2/enqueue` (reference/pagerduty.md §5.1): https only, so it talks to the
 * simulator's https port and trusts the simulator's CA, either through its own fetch options
 * (`agent`, passed through to node-fetch) in this process, or through NODE_EXTRA_CA_CERTS in a
 * process started with the ready line's env, as a user's program would be.
 */
import { spawn } from "node:child_process";
import https from "node:https";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../../../simulator/cli/api.js";
import { reset, routingKey, startSimulator, state } from "./helpers.js";

const require = createRequire(import.meta.url);
const pdjs = require("@pagerduty/pdjs") as typeof import("@pagerduty/pdjs");
const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

let sim: Simulator;
let ca: Buffer;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ sim, ca, close } = await startSimulator({ seed: "pagerduty-pdjs" }));
});
afterAll(async () => close());
beforeEach(async () => reset(sim));

/** host:port of the https URL, with the leading segment pdjs needs against a non-PagerDuty host. */
const server = () => `${new URL(sim.endpoints.pagerdutyEvents.httpsUrl).host}/events.pagerduty.com`;

describe("@pagerduty/pdjs 2.2.4 in this process, trusting the CA through its agent option", () => {
  const options = () => ({ server: server(), agent: new https.Agent({ ca }) }) as const;

  it("triggers, acknowledges and resolves an incident, reading the dedup_key back", async () => {
    const triggered = await pdjs.trigger({
      ...options(),
      data: {
        routing_key: routingKey(sim),
        event_action: "trigger",
        payload: {
          summary: "checkout latency over 2 s",
          source: "checkout-api",
          severity: "error",
          custom_details: { traceId: "pdjs-trace" },
        },
        links: [{ href: "https://grafana.example.com/d/checkout", text: "Dashboard" }],
      },
    } as never);
    expect(triggered.status).toBe(202);
    expect(triggered.data).toMatchObject({ status: "success", message: "Event processed" });
    const dedupKey = triggered.data.dedup_key as string;
    expect(dedupKey).toMatch(/^[0-9a-f]{32}$/);
    expect((await state(sim)).incidents[0]).toMatchObject({
      status: "triggered",
      urgency: "high",
      title: "checkout latency over 2 s",
      incident_key: dedupKey,
    });

    const data = { routing_key: routingKey(sim), dedup_key: dedupKey };
    const acked = await pdjs.acknowledge({ ...options(), data } as never);
    expect(acked.status).toBe(202);
    expect((await state(sim)).incidents[0].status).toBe("acknowledged");
    const resolved = await pdjs.resolve({ ...options(), data } as never);
    expect(resolved.data.dedup_key).toBe(dedupKey);
    expect((await state(sim)).incidents[0].status).toBe("resolved");
    expect(sim.journal.byCorrelation("pdjs-trace").map((e) => e.type)).toContain(
      "pagerduty.incident.resolved",
    );
  });

  it("sends change events", async () => {
    const sent = await pdjs.change({
      ...options(),
      data: {
        routing_key: routingKey(sim),
        payload: { summary: "deployed checkout v42", source: "ci", custom_details: {} },
        links: [],
      },
    } as never);
    expect(sent.status).toBe(202);
    expect(sent.data).toEqual({ status: "success", message: "Change event processed" });
    expect((await state(sim)).change_events).toHaveLength(1);
  });

  it("gets PagerDuty's 400 body for a bad event, as JSON it can read", async () => {
    const refused = await pdjs.trigger({
      ...options(),
      data: {
        routing_key: routingKey(sim),
        event_action: "trigger",
        payload: { summary: "s", source: "h", severity: "fatal" },
      },
    } as never);
    expect(refused.status).toBe(400);
    expect(refused.data).toEqual({
      status: "invalid event",
      message: "Event object is invalid",
      errors: [
        "'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')",
      ],
    });
  });

  it("works without the leading segment too: events need none", async () => {
    const sent = await pdjs.trigger({
      server: new URL(sim.endpoints.pagerdutyEvents.httpsUrl).host,
      agent: new https.Agent({ ca }),
      data: {
        routing_key: routingKey(sim),
        event_action: "trigger",
        payload: { summary: "s", source: "h", severity: "info" },
      },
    } as never);
    expect(sent.status).toBe(202);
  });
});

/** Runs a pdjs script in a fresh node with the given env; its stdout parsed as JSON. */
function runNode(script: string, env: Record<string, string>) {
  const clean: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (!/_proxy$/i.test(k) && k !== "NODE_EXTRA_CA_CERTS" && k !== "NODE_OPTIONS") clean[k] = v;
  }
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", script], {
      cwd: repoRoot,
      env: { ...clean, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

const SCRIPT = `
const pdjs = require("@pagerduty/pdjs");
const server = process.env.EVENTS_SERVER;
const routing_key = process.env.PAGERDUTY_ROUTING_KEY;
(async () => {
  try {
    const t = await pdjs.trigger({ server, data: { routing_key, event_action: "trigger",
      dedup_key: "from-child", payload: { summary: "from a child process", source: "child", severity: "warning" } } });
    const r = await pdjs.resolve({ server, data: { routing_key, dedup_key: "from-child" } });
    console.log(JSON.stringify({ trigger: [t.status, t.data], resolve: [r.status, r.data] }));
  } catch (error) {
    console.log(JSON.stringify({ error: String(error && (error.code || error.message)) }));
  }
  // pdjs arms a 30 s request timer that a failed request leaves running.
  process.exit(0);
})();
`;

describe("@pagerduty/pdjs 2.2.4 in its own process, trusting the CA through NODE_EXTRA_CA_CERTS", () => {
  it("sends events with nothing but the ready line's env", async () => {
    const run = await runNode(SCRIPT, {
      EVENTS_SERVER: server(),
      PAGERDUTY_ROUTING_KEY: routingKey(sim),
      NODE_EXTRA_CA_CERTS: sim.env.NODE_EXTRA_CA_CERTS as string,
    });
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual({
      trigger: [202, { status: "success", message: "Event processed", dedup_key: "from-child" }],
      resolve: [202, { status: "success", message: "Event processed", dedup_key: "from-child" }],
    });
    expect((await state(sim)).incidents[0]).toMatchObject({
      status: "resolved",
      urgency: "low",
      incident_key: "from-child",
    });
  });

  it("fails the TLS handshake without the CA", async () => {
    const run = await runNode(SCRIPT, {
      EVENTS_SERVER: server(),
      PAGERDUTY_ROUTING_KEY: routingKey(sim),
    });
    expect(JSON.parse(run.stdout).error).toMatch(/CERT|certificate|self.signed|VERIFY/i);
    expect((await state(sim)).incidents).toEqual([]);
  });
});
