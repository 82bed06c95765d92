/**
 * The LocalStack backend's plumbing, without Docker: a stand-in answers LocalStack's health probe
 * and records what reaches it, so readiness, endpoints and proxy forwarding are checked here; the
 * conformance suite runs the real LocalStack where a Docker engine answers.
 */
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  createSimulator,
  type Simulator,
  SimulatorOptionsError,
} from "../../../simulator/cli/api.js";

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A LocalStack stand-in: its health answer changes from "starting" to "running" on the second probe. */
async function fakeLocalStack() {
  const seen: string[] = [];
  let probes = 0;
  const server = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} host=${req.headers.host}`);
    if (req.url === "/_localstack/health") {
      probes++;
      const state = probes > 1 ? "running" : "starting";
      res.setHeader("content-type", "application/json");
      return res.end(
        JSON.stringify({ services: { logs: state, lambda: state }, edition: "community" }),
      );
    }
    res.setHeader("content-type", "application/x-amz-json-1.1");
    res.end(JSON.stringify({ logGroups: [] }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, probes: () => probes };
}

function start(options: Parameters<typeof createSimulator>[0]): Simulator {
  const home = mkdtempSync(path.join(os.tmpdir(), "watermelon-localstack-"));
  const sim = createSimulator({ home, ...options });
  cleanups.push(async () => {
    await sim.dispose();
    rmSync(home, { recursive: true, force: true });
  });
  return sim;
}

describe("LocalStack as the AWS backend", () => {
  it("refuses a virtual clock: LocalStack runs in real time", () => {
    expect(() => createSimulator({ aws: { backend: "localstack" } })).toThrow(
      SimulatorOptionsError,
    );
    expect(() => createSimulator({ aws: { backend: "localstack" } })).toThrow(/real/);
  });

  it("waits for LocalStack's services, then points AWS clients at it", async () => {
    const localstack = await fakeLocalStack();
    const sim = start({ clock: "real", aws: { backend: "localstack", endpoint: localstack.url } });
    await sim.ready;
    expect(localstack.probes()).toBeGreaterThanOrEqual(2);
    expect(sim.endpoints.aws.url).toBe(localstack.url);
    expect(sim.env.AWS_ENDPOINT_URL).toBe(localstack.url);
  });

  it("the proxy forwards real AWS host names to LocalStack", async () => {
    const localstack = await fakeLocalStack();
    const sim = start({ clock: "real", aws: { backend: "localstack", endpoint: localstack.url } });
    await sim.ready;
    const reply = await new Promise<string>((resolve, reject) => {
      const req = http.request(
        {
          host: "127.0.0.1",
          port: Number(new URL(sim.endpoints.proxy.url).port),
          method: "POST",
          path: "http://logs.eu-west-1.amazonaws.com/",
          headers: {
            host: "logs.eu-west-1.amazonaws.com",
            "x-amz-target": "Logs_20140328.DescribeLogGroups",
          },
        },
        (res) => {
          let body = "";
          res.on("data", (c) => {
            body += c;
          });
          res.on("end", () => resolve(body));
        },
      );
      req.on("error", reject);
      req.end("{}");
    });
    expect(JSON.parse(reply)).toEqual({ logGroups: [] });
    expect(localstack.seen).toContain(`POST / host=${new URL(localstack.url).host}`);
  });

  it("fails ready naming LocalStack when it never answers", async () => {
    const sim = start({
      clock: "real",
      aws: { backend: "localstack", endpoint: "http://127.0.0.1:9", readyTimeoutMs: 600 },
    });
    await expect(sim.ready).rejects.toThrow(/LocalStack at http:\/\/127\.0\.0\.1:9 is not ready/);
  });
});
