import { describe, expect, it } from "vitest";
import { bundledScenarioFile, loadScenario, startChain } from "watermelon/chain";

describe("checkout's alerting", () => {
  it("pages the on-call engineer within five minutes of the first 503", async () => {
    // A bundled scenario, or your own YAML file: loadScenario("alerting/checkout.yaml").
    const scenario = loadScenario(bundledScenarioFile("gold-outage") as string);
    scenario.timeline = []; // this test makes the app fail itself
    const chain = await startChain({ scenario }); // virtual time, free ports, in-process
    try {
      // Drive the app over HTTP, as a user would with curl.
      const fault = await fetch(`${chain.appUrl}/faults`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ service: "checkout", status: 503, durationMs: 600_000 }),
      });
      expect(fault.status).toBe(201);

      // Five minutes of virtual time take well under a second.
      await chain.advance(5 * 60_000);

      // Query the journal...
      const [incident] = chain.sim.journal.byType("pagerduty.incident.triggered");
      expect(incident?.data.title).toBe("checkout errors");
      const [page] = chain.sim.journal.byType("responder.notified");
      expect(page?.data.user_name).toBe("Ada Lovelace");

      // ...or any service through its real API.
      const response = await fetch(`${chain.sim.endpoints.pagerdutyApi.url}/incidents`, {
        headers: {
          authorization: `Token token=${chain.sim.env.PAGERDUTY_TOKEN}`,
          accept: "application/vnd.pagerduty+json;version=2",
        },
      });
      const { incidents } = (await response.json()) as { incidents: { status: string }[] };
      expect(incidents.map((i) => i.status)).toEqual(["triggered"]);

      // Finish the run: every error accounted for, and the scenario's expectations checked.
      const result = await chain.finish();
      expect(result.accounting.ok).toBe(true);
    } finally {
      await chain.dispose();
    }
  }, 60_000);
});
