/**
 * The chain with LocalStack as the AWS backend: the same shipper zip deployed to LocalStack's
 * Lambda, whose containers reach the Logz.io listener on the host. Real time (LocalStack cannot
 * follow a virtual clock), so the scenario is minutes long. Runs only where a Docker engine answers.
 */
import { describe, expect, it } from "vitest";
import { parseScenario } from "../../../flows/scenarios/load.js";
import { LOCALSTACK_IMAGE } from "../../../simulator/cli/localstack.js";
import { whyNoDocker } from "../../support/docker.js";
import { withChain } from "./helpers.js";

const dockerMissing = await whyNoDocker();

const SHORT = parseScenario(`
name: localstack-short
duration: 3m
services:
  - { name: checkout, tier: gold, traffic: { requestsPerMinute: 60 } }
agent: { forceFlushInterval: 2s }
alerts:
  - { title: checkout errors, service: checkout, query: "service:checkout AND level:error", timeFrame: 5m, severityThresholds: { HIGH: 3 } }
oncall:
  users: [{ name: Ada, email: ada@example.com }]
  escalationPolicies: [{ name: P, rules: [{ escalateAfter: 5m, targets: [{ user: ada@example.com }] }] }]
responders:
  - { email: ada@example.com, acknowledgeAfter: { fixed: 10s }, investigateFor: { fixed: 30s } }
timeline:
  - { at: 10s, fault: { service: checkout, status: 503, duration: 1m } }
expect: { incidents: 1, paged: [ada@example.com], allResolved: true, nothingLost: true }
`);

if (dockerMissing) {
  describe("the chain on LocalStack", () => {
    it.skip(`skipped: ${dockerMissing}; the LocalStack backend runs only where a Docker engine answers`, () => {});
  });
} else {
  describe("the chain on LocalStack", () => {
    it("pages through LocalStack's Lambda, observing its stages through the APIs", async () => {
      const { LocalstackContainer } = await import("@testcontainers/localstack");
      const container = await new LocalstackContainer(LOCALSTACK_IMAGE)
        .withEnvironment({
          SERVICES: "logs,lambda,iam,sts",
          SKIP_SSL_CERT_DOWNLOAD: "1",
          LAMBDA_DOCKER_FLAGS: "--add-host=host.docker.internal:host-gateway",
        })
        .start();
      try {
        const result = await withChain(SHORT, (chain) => chain.run(), {
          aws: { backend: "localstack", endpoint: container.getConnectionUri() },
          host: "0.0.0.0",
          advertisedHost: "host.docker.internal",
          alertEvaluationIntervalMs: 5_000,
          drainMs: 60_000,
        });
        expect(result.clock).toBe("real");
        expect(result.accounting.observed).toBe("apis");
        expect(result.verdict.checks.filter((c) => !c.ok)).toEqual([]);
      } finally {
        await container.stop();
      }
    }, 600_000);
  });
}
