import {
  CloudWatchLogsClient,
  DeleteSubscriptionFilterCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { describe, expect, it } from "vitest";
import { bundled, withChain } from "./helpers.js";

const pd = (token: string) => ({
  authorization: `Token token=${token}`,
  accept: "application/vnd.pagerduty+json;version=2",
});

describe("the chain through its public interfaces", () => {
  it("carries one trace id from the app's log line to the PagerDuty incident's details", async () => {
    await withChain(bundled("gold-outage"), async (chain) => {
      // Ask the app for one failing request by hand, as the POC did with curl.
      await fetch(`${chain.appUrl}/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ service: "checkout", status: 500, error: "HandMade", errorRate: 1 }),
      });
      const response = await fetch(`${chain.appUrl}/checkout/pay`);
      expect(response.status).toBe(500);
      const traceId = response.headers.get("x-trace-id");
      expect(traceId).toMatch(/^[0-9a-f]{32}$/);
      await chain.advance(3 * 60_000);

      const triggered = chain.sim.journal.byType("pagerduty.incident.triggered");
      expect(triggered).toHaveLength(1);
      const incidentId = String(triggered[0]?.data.id);
      const api = chain.sim.endpoints.pagerdutyApi.url;
      const headers = pd(chain.sim.env.PAGERDUTY_TOKEN ?? "");
      const { alerts } = (await (
        await fetch(`${api}/incidents/${incidentId}/alerts`, { headers })
      ).json()) as {
        alerts: {
          body: { details: { samples: { trace_id: string; service: string; level: string }[] } };
        }[];
      };
      const samples = alerts[0]?.body.details.samples ?? [];
      expect(samples.map((s) => s.trace_id)).toContain(traceId);
      expect(samples.every((s) => s.service === "checkout" && s.level === "error")).toBe(true);
      // The hops in between saw the same trace id.
      expect(chain.sim.journal.byCorrelation(traceId as string).map((e) => e.type)).toEqual(
        expect.arrayContaining(["app.error.emitted", "logzio.indexed"]),
      );
    });
  }, 120_000);

  it("fails the run on a loss nobody can explain: the subscription filter removed behind its back", async () => {
    const scenario = bundled("gold-outage");
    await withChain(scenario, async (chain) => {
      await chain.advance(12 * 60_000);
      const logs = new CloudWatchLogsClient({
        endpoint: chain.sim.endpoints.aws.url,
        region: "us-east-1",
        credentials: { accessKeyId: "test", secretAccessKey: "test" },
      });
      await logs.send(
        new DeleteSubscriptionFilterCommand({
          logGroupName: "/watermelon/app/checkout",
          filterName: "logzio",
        }),
      );
      logs.destroy();
      const result = await chain.run();
      const matched = result.accounting.stages.find(
        (s) => s.stage === "matched by the subscription filter",
      );
      const lost = matched?.differences.find((d) => !d.explained);
      expect(lost?.reason).toBe("not delivered by the subscription");
      expect(lost?.count).toBeGreaterThan(100);
      expect(result.accounting.ok).toBe(false);
      expect(result.verdict.checks.find((c) => c.name === "nothing lost")?.ok).toBe(false);
      expect(result.ok).toBe(false);
    });
  }, 120_000);

  it("a Lambda fault longer than Lambda's retries dead-letters events, explained, not lost", async () => {
    const scenario = bundled("gold-outage");
    scenario.timeline.push({
      at: 9 * 60_000,
      hop: { target: "lambda", kind: "error", duration: 8 * 60_000 },
    });
    scenario.expect = { nothingLost: true };
    await withChain(scenario, async (chain) => {
      const result = await chain.run();
      const delivered = result.accounting.stages.find(
        (s) => s.stage === "delivered to the shipper",
      );
      const dead = delivered?.differences.find((d) => d.reason.startsWith("dead-lettered"));
      expect(dead?.explained).toBe(true);
      expect(dead?.count).toBeGreaterThan(0);
      expect(result.accounting.unexplained).toBe(0);
      expect(chain.sim.journal.byType("lambda.invocation.dead_lettered").length).toBeGreaterThan(0);
      expect(result.ok).toBe(true);
    });
  }, 120_000);
});
