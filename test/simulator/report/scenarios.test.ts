import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { JournalEvent } from "../../../simulator/kernel/journal.js";
import {
  type Report,
  renderReportHtml,
  renderReportText,
} from "../../../simulator/report/index.js";
import { bundled, reportOf } from "./helpers.js";

/**
 * The bundled scenarios through the real chain, reported from their journals: the watermelon is
 * SLA green and experience red for the reasons the report states, and an early status update
 * turns it green.
 */
describe("watermelon.yaml", () => {
  let report: Report;
  let events: readonly JournalEvent[];
  beforeAll(async () => {
    ({ report, events } = await reportOf(bundled("watermelon")));
  }, 120_000);

  it("is SLA green, experience red: a watermelon", () => {
    expect(report.incidents).toHaveLength(1);
    const i = report.incidents[0];
    expect(i?.tier).toBe("bronze");
    expect(i?.sla.acknowledge.status).toBe("met");
    expect(i?.sla.resolve.status).toBe("met");
    expect(i?.sla.green).toBe(true);
    expect(i?.experience.green).toBe(false);
    expect(i?.verdict.kind).toBe("watermelon");
    expect(report.services[0]?.verdict.kind).toBe("watermelon");
    expect(report.verdict).toMatchObject({
      kind: "watermelon",
      slaGreen: true,
      experienceGreen: false,
    });
  });

  it("says why: the silence, the status page that heard nothing, the customers who told us first", () => {
    const x = report.incidents[0]?.experience;
    expect(x?.statusUpdates).toBe(0);
    expect(x?.statusPageUpdates).toBe(0);
    expect(x?.statusPageDeliveryFailures).toBeGreaterThan(0);
    expect(x?.timeToFirstCommunicationMs).toBeUndefined();
    expect(x?.customerReports).toBeGreaterThanOrEqual(3);
    expect(x?.reportsBeforeCommunication).toBe(x?.customerReports);
    expect(x?.proactive).toBe(false);
    const reasons = report.incidents[0]?.verdict.reasons ?? [];
    expect(reasons[0]).toMatch(/^experience: experience score [\d.]+ \(green from 75\)$/);
    expect(reasons).toContainEqual(expect.stringMatching(/^experience: no status update in \d+m/));
    expect(reasons).toContainEqual(
      expect.stringMatching(
        /^experience: \d+ customers reported it before we said anything \(Big Basket Co, /,
      ),
    );
    expect(reasons).toContainEqual(
      expect.stringMatching(
        /^experience: the status page showed nothing: \d+ webhook deliveries to it failed$/,
      ),
    );
    expect(reasons).toContainEqual(
      expect.stringMatching(/^SLA: acknowledged in 6m, within the bronze P2 target 2h/),
    );
  });

  it("the terminal table shows the verdict and its reasons", () => {
    const text = renderReportText(report);
    expect(text).toMatch(/^Verdict: WATERMELON: SLA green, experience red$/m);
    expect(text).toMatch(/^ {2}shop \(bronze\): WATERMELON/m);
    expect(text).toMatch(/customers reported it before we said anything/);
  });

  it("the HTML timeline has every hop, the page, the ack, the failed deliveries and the reports", () => {
    const html = renderReportHtml(report, events);
    for (const hop of [
      "fault on shop: 500 CartServiceDown",
      "hop fault: webhooks",
      "CloudWatch Logs stored",
      "subscription filter &quot;logzio&quot; delivered",
      "logzio-shipper invoked",
      "Logz.io indexed",
      "alert &quot;shop errors&quot; fired HIGH",
      "Logz.io notified PagerDuty",
      "PagerDuty accepted a trigger event",
      "incident #1 triggered",
      "paged Edsger Dijkstra by email",
      "incident #1 acknowledged",
      "webhook incident.triggered failed",
      "Big Basket Co reported it before we said anything",
      "incident #1 resolved",
    ]) {
      expect(html).toContain(hop);
    }
  });

  const chromium = "/usr/bin/chromium";
  const playwright = import("playwright-core").catch(() => undefined);
  describe.skipIf(!existsSync(chromium))(
    `in headless Chromium (skipped without ${chromium} or playwright-core)`,
    () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "watermelon-report-html-"));
      afterAll(() => rmSync(dir, { recursive: true, force: true }));

      it("a reader sees the verdict, the timeline, the charts and the definitions, offline", async (ctx) => {
        const pw = await playwright;
        if (!pw) return ctx.skip("playwright-core is not installed");
        const file = path.join(dir, "report.html");
        writeFileSync(file, renderReportHtml(report, events));
        const browser = await pw.chromium.launch({
          executablePath: chromium,
          args: ["--headless", "--no-sandbox", "--disable-gpu"],
        });
        try {
          const context = await browser.newContext();
          const aborted: string[] = [];
          await context.route("**/*", (route) => {
            const url = route.request().url();
            if (url.startsWith("file:")) return route.continue();
            aborted.push(url);
            return route.abort();
          });
          const page = await context.newPage();
          await page.goto(pathToFileURL(file).href);
          expect(aborted).toEqual([]);

          expect(await page.title()).toBe("SLA/XLA report: watermelon");
          const banner = page.locator("#verdict");
          await expect.poll(() => banner.isVisible()).toBe(true);
          // biome-ignore lint/performance/useDomNodeTextContent: what a reader sees is the rendered text
          const bannerText = await banner.innerText();
          expect(bannerText).toMatch(/WATERMELON/);
          expect(bannerText).toMatch(/SLA green, experience red/);
          expect(bannerText).toMatch(/customers reported it before we said anything/);
          expect(bannerText).toMatch(/no status update in \d+m/);

          const incident = page.locator("section.incident").first();
          // biome-ignore lint/performance/useDomNodeTextContent: what a reader sees is the rendered text
          const incidentText = await incident.innerText();
          for (const seen of [
            "Timeline",
            "paged Edsger Dijkstra by email",
            "incident #1 acknowledged",
            "webhook incident.triggered failed",
            "Corner Store reported it",
          ])
            expect(incidentText).toContain(seen);
          expect(await incident.locator("svg circle.event").count()).toBeGreaterThan(10);

          const charts = page.locator("#charts svg.chart");
          expect(await charts.count()).toBeGreaterThanOrEqual(4);
          for (const label of [
            "MTTA and MTTR",
            "Error budget consumed",
            "Burn rate",
            "share of bad requests",
            "Experience score per incident",
          ])
            expect(await page.locator(`#charts svg[aria-label*="${label}"]`).count()).toBe(1);
          expect(await page.locator("#charts svg rect.bar").count()).toBeGreaterThanOrEqual(6);
          expect(await page.locator("#charts svg polygon.area").count()).toBe(1);
          // The bars have a size a reader can see.
          const box = await page.locator("#charts svg rect.bar").first().boundingBox();
          expect(box?.width).toBeGreaterThan(0);

          // biome-ignore lint/performance/useDomNodeTextContent: what a reader sees is the rendered text
          const definitions = await page.locator("#definitions").innerText();
          expect(definitions).toMatch(/experience score = 100 × \(0\.25·first communication/);
          expect(definitions).toMatch(/MTTR\s+Mean time to RESOLVE, from incident opened/);
          expect(definitions).toMatch(/time to recover/);
          await context.close();
        } finally {
          await browser.close();
        }
      }, 60_000);
    },
  );
});

describe("gold-outage.yaml", () => {
  it("is green/green: acknowledged, updated every 10 minutes, the status page told first", async () => {
    const { report } = await reportOf(bundled("gold-outage"));
    const i = report.incidents[0];
    expect(report.incidents).toHaveLength(1);
    expect(i?.tier).toBe("gold");
    expect(i?.sla.green).toBe(true);
    expect(i?.experience.proactive).toBe(true);
    expect(i?.experience.statusUpdates).toBeGreaterThanOrEqual(1);
    expect(i?.experience.green).toBe(true);
    expect(i?.verdict.kind).toBe("green/green");
    expect(report.verdict.kind).toBe("green/green");
    expect(report.tiers[0]).toMatchObject({
      tier: "gold",
      compliancePercent: 100,
      complianceMet: true,
    });
  }, 120_000);
});

describe("the watermelon flips", () => {
  it("with an early status update, a regular cadence and the status page up, experience is green", async () => {
    const scenario = bundled("watermelon");
    const responder = scenario.responders[0];
    if (!responder) throw new Error("watermelon has a responder");
    responder.statusUpdates = { first: { fixed: 60_000 }, every: { fixed: 600_000 } };
    scenario.timeline = scenario.timeline.filter(
      (s) => !("hop" in s && s.hop.target === "webhooks"),
    );
    const { report } = await reportOf(scenario);
    const i = report.incidents[0];
    expect(i?.sla.green).toBe(true);
    expect(i?.experience.statusUpdates).toBeGreaterThanOrEqual(4);
    expect(i?.experience.proactive).toBe(true);
    expect(i?.experience.longestSilenceMs).toBeLessThanOrEqual(20 * 60_000);
    expect(i?.experience.green).toBe(true);
    expect(i?.verdict.kind).toBe("green/green");
    expect(report.verdict.kind).toBe("green/green");
  }, 120_000);
});

describe("escalation-nobody-acks.yaml with a tight gold target", () => {
  it("an acknowledgement after the escalation breaches a 5-minute P1 target: SLA red", async () => {
    const { report } = await reportOf(bundled("escalation-nobody-acks"), {
      gold: { targets: { P1: { acknowledge: "5m" } } },
    });
    const i = report.incidents[0];
    expect(i?.priority).toBe("P1"); // the alert fired SEVERE: critical
    expect(i?.escalations).toBeGreaterThanOrEqual(1);
    expect(i?.sla.acknowledge.status).toBe("breached");
    expect(i?.sla.green).toBe(false);
    expect(i?.verdict.kind).toMatch(/^red\//);
    expect(i?.verdict.reasons[0]).toMatch(
      /^SLA: acknowledged in \d+m\d*s?, over the gold P1 target 5m$/,
    );
    expect(report.tiers[0]).toMatchObject({
      acknowledgeBreaches: 1,
      compliancePercent: 0,
      complianceMet: false,
    });
    expect(report.verdict.slaGreen).toBe(false);
  }, 120_000);
});
