/**
 * Customers on the simulator clock: the journal tells them of faults (`app.fault.started` and
 * `app.fault.ended`, appended here as the app appends them), and a small local server stands in
 * for the app's status page and support desk.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type CustomerProfile,
  openIncidentOnStatusPage,
  startCustomer,
  startPeople,
} from "../../../flows/people/index.js";
import { trackServerRequests } from "../../../simulator/host/inflight.js";
import type { Clock } from "../../../simulator/kernel/clock.js";
import { Journal } from "../../../simulator/kernel/journal.js";
import { createRng } from "../../../simulator/kernel/rng.js";
import { createVirtualClock } from "../../../simulator/kernel/virtualClock.js";

const MINUTE = 60_000;

/** The app's side: what /status shows, what /support/reports received, how it answers. */
const app = {
  statusPage: { services: [] } as unknown,
  reports: [] as unknown[],
  reportStatus: 201,
  statusReads: 0,
};
let server: http.Server | undefined;
let url: string;
let clock: Clock;
let journal: Journal;
const running: { stop(): void }[] = [];

function appHandler(req: http.IncomingMessage, res: http.ServerResponse) {
  let body = "";
  req.on("data", (chunk) => {
    body += chunk;
  });
  req.on("end", () => {
    res.setHeader("content-type", "application/json");
    if (req.method === "GET" && req.url === "/status") {
      app.statusReads++;
      res.end(JSON.stringify(app.statusPage));
    } else if (req.method === "POST" && req.url === "/support/reports") {
      if (app.reportStatus !== 201) {
        res.statusCode = app.reportStatus;
        res.end(JSON.stringify({ error: "InvalidRequest", message: "service: unknown" }));
        return;
      }
      app.reports.push(JSON.parse(body));
      res.statusCode = 201;
      res.end(JSON.stringify({ id: `report-${app.reports.length}` }));
    } else {
      res.statusCode = 404;
      res.end("{}");
    }
  });
}

async function closeServer(): Promise<void> {
  for (const r of running.splice(0)) r.stop();
  const s = server;
  server = undefined;
  if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
}

/** A fresh clock and journal, and the app's stand-in holding that clock while it serves. */
async function setUp(): Promise<void> {
  await closeServer();
  clock = createVirtualClock();
  journal = new Journal({ clock });
  const s = http.createServer(appHandler);
  trackServerRequests(s, clock, "app");
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(s.address() as AddressInfo).port}`;
  server = s;
  app.statusPage = { services: [] };
  app.reports = [];
  app.reportStatus = 201;
  app.statusReads = 0;
}

beforeEach(setUp);
afterEach(closeServer);

function start(profile: CustomerProfile, seed = "customers") {
  const customer = startCustomer({ clock, rng: createRng(seed), journal, app: { url }, profile });
  running.push(customer);
  return customer;
}

function faultStarted(faultId: string, service: string) {
  journal.append("app.fault.started", {
    source: "app",
    correlation: { service, fault: faultId },
    data: {
      faultId,
      service,
      status: 503,
      error: "ServiceUnavailable",
      errorRate: 1,
      startedAt: clock.date().toISOString(),
    },
  });
}

function faultEnded(faultId: string, service: string) {
  journal.append("app.fault.ended", {
    source: "app",
    correlation: { service, fault: faultId },
    data: { faultId, service, reason: "expired" },
  });
}

const t0 = () => createVirtualClock().now();
function people() {
  return journal
    .all()
    .filter((e) => e.source === "people")
    .map(
      (e) =>
        `${e.type} ${e.data.customer} ${e.data.faultId} @${(Date.parse(e.time) - t0()) / MINUTE}`,
    );
}

function statusPageWith(service: string, status: "open" | "acknowledged" | "resolved") {
  return {
    services: [
      {
        service,
        status: status === "resolved" ? "operational" : "degraded",
        incidents: [{ id: "PINC001", number: 1, service, status }],
        latestStatusUpdate: null,
      },
    ],
  };
}

describe("a customer of the faulty service", () => {
  it("notices after noticeAfter, finds nothing on the status page, and reports once", async () => {
    start({ name: "Dana", service: "checkout", noticeAfter: { fixed: "4m" } });
    faultStarted("fault-1", "checkout");
    await clock.runFor(30 * MINUTE);
    expect(people()).toEqual([
      "customer.noticed Dana fault-1 @4",
      "customer.reported Dana fault-1 @4",
    ]);
    expect(app.reports).toEqual([
      { customer: "Dana", service: "checkout", message: "checkout is not working for me" },
    ]);
    const reported = journal.byType("customer.reported")[0];
    expect(reported).toMatchObject({
      source: "people",
      correlation: { service: "checkout", fault: "fault-1", customer: "Dana" },
      data: {
        customer: "Dana",
        service: "checkout",
        faultId: "fault-1",
        informedBeforeReport: false,
        reportId: "report-1",
      },
    });
  });

  it.each(["open", "acknowledged"] as const)(
    "is informed when the status page shows an %s incident for the service, and says so in the report",
    async (status) => {
      app.statusPage = statusPageWith("checkout", status);
      start({
        name: "Dana",
        service: "checkout",
        noticeAfter: { fixed: "2m" },
        message: "Card declined?",
      });
      faultStarted("fault-1", "checkout");
      await clock.runFor(10 * MINUTE);
      expect(people()).toEqual([
        "customer.noticed Dana fault-1 @2",
        "customer.informed Dana fault-1 @2",
        "customer.reported Dana fault-1 @2",
      ]);
      expect(journal.byType("customer.informed")[0]?.data).toMatchObject({ incidentId: "PINC001" });
      expect(journal.byType("customer.reported")[0]?.data).toMatchObject({
        informedBeforeReport: true,
      });
      expect(app.reports).toEqual([
        { customer: "Dana", service: "checkout", message: "Card declined?" },
      ]);
    },
  );

  it("is not informed by a resolved incident, nor by one on another service", async () => {
    app.statusPage = {
      services: [
        ...statusPageWith("checkout", "resolved").services,
        ...statusPageWith("search", "open").services,
      ],
    };
    start({ name: "Dana", service: "checkout", noticeAfter: { fixed: "1m" } });
    faultStarted("fault-1", "checkout");
    await clock.runFor(5 * MINUTE);
    expect(journal.byType("customer.informed")).toEqual([]);
    expect(journal.byType("customer.reported")[0]?.data.informedBeforeReport).toBe(false);
  });

  it("reads the status page when they notice, not when the fault starts", async () => {
    start({ name: "Dana", service: "checkout", noticeAfter: { fixed: "6m" } });
    faultStarted("fault-1", "checkout");
    await clock.runFor(5 * MINUTE);
    expect(app.statusReads).toBe(0);
    app.statusPage = statusPageWith("checkout", "open");
    await clock.runFor(5 * MINUTE);
    expect(app.statusReads).toBe(1);
    expect(journal.byType("customer.reported")[0]?.data.informedBeforeReport).toBe(true);
  });

  it("never notices a fault that ends before the delay is over", async () => {
    start({ name: "Dana", service: "checkout", noticeAfter: { fixed: "4m" } });
    faultStarted("fault-1", "checkout");
    await clock.runFor(3 * MINUTE);
    faultEnded("fault-1", "checkout");
    await clock.runFor(30 * MINUTE);
    expect(people()).toEqual([]);
    expect(app.reports).toEqual([]);
    expect(app.statusReads).toBe(0);
  });

  it("reports one fault once, even when it is journaled twice, and each new fault again", async () => {
    start({ name: "Dana", service: "checkout", noticeAfter: { fixed: "2m" } });
    faultStarted("fault-1", "checkout");
    await clock.runFor(MINUTE);
    faultStarted("fault-1", "checkout");
    await clock.runFor(10 * MINUTE);
    faultEnded("fault-1", "checkout");
    faultStarted("fault-2", "checkout");
    await clock.runFor(10 * MINUTE);
    expect(people()).toEqual([
      "customer.noticed Dana fault-1 @2",
      "customer.reported Dana fault-1 @2",
      "customer.noticed Dana fault-2 @13",
      "customer.reported Dana fault-2 @13",
    ]);
    expect(app.reports).toHaveLength(2);
  });

  it("with reports false, notices and reads the status page but does not report", async () => {
    app.statusPage = statusPageWith("checkout", "open");
    start({ name: "Dana", service: "checkout", noticeAfter: { fixed: "1m" }, reports: false });
    faultStarted("fault-1", "checkout");
    await clock.runFor(5 * MINUTE);
    expect(people()).toEqual([
      "customer.noticed Dana fault-1 @1",
      "customer.informed Dana fault-1 @1",
    ]);
    expect(app.reports).toEqual([]);
  });

  it("journals a refused report instead of throwing", async () => {
    app.reportStatus = 400;
    start({ name: "Dana", service: "checkout", noticeAfter: { fixed: "1m" } });
    faultStarted("fault-1", "checkout");
    await clock.runFor(5 * MINUTE);
    expect(journal.byType("customer.reported")).toEqual([]);
    expect(journal.byType("customer.report.refused")[0]?.data).toEqual({
      customer: "Dana",
      service: "checkout",
      faultId: "fault-1",
      status: 400,
      body: { error: "InvalidRequest", message: "service: unknown" },
    });
  });
});

describe("a customer of another service", () => {
  it("does not notice", async () => {
    start({ name: "Dana", service: "search", noticeAfter: { fixed: "1m" } });
    faultStarted("fault-1", "checkout");
    await clock.runFor(10 * MINUTE);
    expect(people()).toEqual([]);
  });
});

describe("seeded delays", () => {
  async function noticeTimes(seed: string): Promise<string[]> {
    await setUp();
    for (const name of ["Dana", "Eli", "Fay"]) {
      start({ name, service: "checkout", noticeAfter: { exponential: { mean: "5m" } } }, seed);
    }
    faultStarted("fault-1", "checkout");
    faultStarted("fault-2", "checkout");
    await clock.runFor(120 * MINUTE);
    for (const r of running.splice(0)) r.stop();
    return journal
      .byType("customer.noticed")
      .map((e) => `${e.time} ${e.data.customer} ${e.data.faultId}`);
  }

  it("each customer draws their own delay per fault, the same for the same seed", async () => {
    const a = await noticeTimes("seed-1");
    expect(a).toHaveLength(6);
    expect(new Set(a.map((line) => line.split(" ")[0])).size).toBeGreaterThan(1);
    expect(await noticeTimes("seed-1")).toEqual(a);
    expect(await noticeTimes("seed-2")).not.toEqual(a);
  });
});

describe("openIncidentOnStatusPage", () => {
  it("finds an unresolved incident of the service, and nothing in pages it cannot read", () => {
    expect(openIncidentOnStatusPage(statusPageWith("checkout", "open"), "checkout")).toBe(
      "PINC001",
    );
    expect(openIncidentOnStatusPage(statusPageWith("checkout", "resolved"), "checkout")).toBeNull();
    expect(openIncidentOnStatusPage(statusPageWith("search", "open"), "checkout")).toBeNull();
    expect(openIncidentOnStatusPage(null, "checkout")).toBeNull();
    expect(openIncidentOnStatusPage({ services: "none" }, "checkout")).toBeNull();
    expect(
      openIncidentOnStatusPage({ services: [{ service: "checkout" }] }, "checkout"),
    ).toBeNull();
  });
});

describe("startPeople", () => {
  const pagerduty = { apiUrl: "http://127.0.0.1:9", token: "unused" };

  it("starts everyone in a declared order (customers by name), whatever order they are listed in", async () => {
    const everyone = startPeople({
      clock,
      rng: createRng("people"),
      journal,
      pagerduty,
      app: { url },
      customers: [
        { name: "Zoe", service: "checkout", noticeAfter: { fixed: "1m" } },
        { name: "Abe", service: "checkout", noticeAfter: { fixed: "1m" } },
      ],
    });
    running.push(everyone);
    expect([...everyone.customers.keys()]).toEqual(["Abe", "Zoe"]);
    faultStarted("fault-1", "checkout");
    await clock.runFor(5 * MINUTE);
    expect(journal.byType("customer.noticed").map((e) => e.data.customer)).toEqual(["Abe", "Zoe"]);
    // Stopped with a notice pending: its timer is cancelled, and later faults go unseen.
    faultStarted("fault-2", "checkout");
    expect(clock.pendingTimers()).toBe(2);
    everyone.stop();
    expect(clock.pendingTimers()).toBe(0);
    faultStarted("fault-3", "checkout");
    await clock.runFor(5 * MINUTE);
    expect(journal.byType("customer.noticed")).toHaveLength(2);
  });

  it("refuses two customers with one name and two responders with one email, naming them", () => {
    expect(() =>
      startPeople({
        clock,
        rng: createRng("people"),
        journal,
        pagerduty,
        app: { url },
        customers: [
          { name: "Abe", service: "checkout", noticeAfter: { fixed: "1m" } },
          { name: "Abe", service: "search", noticeAfter: { fixed: "1m" } },
        ],
      }),
    ).toThrow("customers: Abe is declared twice");
    const bob = {
      email: "bob@watermelon.example",
      acknowledgeAfter: { fixed: "1m" },
      userId: "PBOB001",
    };
    expect(() =>
      startPeople({
        clock,
        rng: createRng("people"),
        journal,
        pagerduty,
        app: { url },
        responders: [bob, bob],
      }),
    ).toThrow("responders: bob@watermelon.example is declared twice");
  });

  it("a refused profile names the customer and the field", () => {
    expect(() =>
      start({ name: "Abe", service: "checkout", noticeAfter: { fixed: "5 minutes" } }),
    ).toThrow(
      'customer Abe: noticeAfter.fixed: expected a duration like "90s", "5m" or "1h30m", got "5 minutes"',
    );
  });
});
