/**
 * The REST framework through HTTP: authentication, the Accept version, the optional host
 * segment, routing, pagination, JSON bodies, the From header, the rate limit and the journal.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRestHandler, ok } from "../../../../mocks/pagerduty/rest/router.js";
import type { Simulator } from "../../../../simulator/cli/api.js";
import { ACCEPT, api, reset, startSimulator, token } from "./helpers.js";

let sim: Simulator;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ sim, close } = await startSimulator({ seed: "rest-framework" }));
});
afterAll(async () => close());
beforeEach(async () => reset(sim));

describe("authentication", () => {
  it.each([
    ["no Authorization", null],
    ["an unknown key", "Token token=abcdefghijklmnopqrst"],
    ["a malformed header", `token ${"x"}`],
    ["the right key as a Bearer token", "BEARER"],
  ])("answers 401 Unauthorized (2006) for %s", async (_what, auth) => {
    const reply = await api(sim, "GET", "/priorities", {
      auth: auth === "BEARER" ? `Bearer ${token(sim)}` : auth,
    });
    expect(reply.status).toBe(401);
    expect(reply.json).toEqual({ error: { message: "Unauthorized", code: 2006 } });
    expect(reply.headers.get("content-type")).toMatch(/^application\/json/);
  });

  it("serves the ready line's key, with or without the Accept header", async () => {
    const reply = await api(sim, "GET", "/priorities");
    expect(reply.status).toBe(200);
    const bare = await api(sim, "GET", "/priorities", { headers: { accept: "*/*" } });
    expect(bare.status).toBe(200);
    expect(bare.json).toEqual(reply.json);
  });
});

describe("OAuth-style tokens", () => {
  it("serves a key configured as a bearer token with Bearer only", async () => {
    const bearer = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    const { sim: oauth, close: closeOauth } = await startSimulator({
      seed: "rest-bearer",
      pagerduty: {
        apiTokens: [{ token: bearer, user: "owner@watermelon.example", type: "bearer" }],
      },
    });
    try {
      const me = await api(oauth, "GET", "/users/me", { auth: `Bearer ${bearer}` });
      expect(me.status).toBe(200);
      expect(me.json.user.email).toBe("owner@watermelon.example");
      const asKey = await api(oauth, "GET", "/users/me", { auth: `Token token=${bearer}` });
      expect(asKey.status).toBe(401);
    } finally {
      await closeOauth();
    }
  });
});

describe("route registration", () => {
  it("refuses a method and path registered twice", () => {
    const route = {
      method: "GET",
      path: "/things/{id}",
      operationId: "getThing",
      handler: () => ok({}),
    } as const;
    const runtime = {
      store: {} as never,
      nowMs: () => 0,
      newId: () => "PAAAAAA",
      journal: () => {},
    };
    expect(() =>
      createRestHandler({ ...runtime, store: { subdomain: "x" } as never }, [
        route,
        { ...route, path: "/things/{thing_id}" },
      ]),
    ).toThrow(/registered twice/);
  });
});

describe("the Accept header", () => {
  it("refuses another API version with 400 Invalid Input Provided", async () => {
    const reply = await api(sim, "GET", "/priorities", {
      headers: { accept: "application/vnd.pagerduty+json;version=1" },
    });
    expect(reply.status).toBe(400);
    expect(reply.json.error).toMatchObject({ message: "Invalid Input Provided", code: 2001 });
    expect(reply.json.error.errors[0]).toContain("version=2");
  });
});

describe("routing", () => {
  it("accepts a leading /api.pagerduty.com segment, as pdjs sends against another host", async () => {
    const plain = await api(sim, "GET", "/priorities");
    const prefixed = await api(sim, "GET", "/api.pagerduty.com/priorities");
    expect(prefixed.status).toBe(200);
    expect(prefixed.json).toEqual(plain.json);
  });

  it("answers 404 Not Found (2100) for an unknown path or method", async () => {
    for (const [method, path] of [
      ["GET", "/nothing-here"],
      ["DELETE", "/priorities"],
    ] as const) {
      const reply = await api(sim, method, path);
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(reply.json.error).toMatchObject({ message: "Not Found", code: 2100 });
    }
  });

  it("still serves the admin endpoints without a key", async () => {
    const res = await fetch(`${sim.endpoints.pagerdutyApi.url}/_watermelon/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ service: "pagerdutyApi" });
  });
});

describe("pagination", () => {
  it("pages with limit and offset, says whether there is more, and counts total only when asked", async () => {
    const all = await api(sim, "GET", "/priorities");
    expect(all.json).toMatchObject({ limit: 25, offset: 0, more: false, total: null });
    expect(all.json.priorities.map((p: { name: string }) => p.name)).toEqual([
      "P1",
      "P2",
      "P3",
      "P4",
      "P5",
    ]);
    const page = await api(sim, "GET", "/priorities?limit=2&offset=2&total=true");
    expect(page.json).toMatchObject({ limit: 2, offset: 2, more: true, total: 5 });
    expect(page.json.priorities).toEqual(all.json.priorities.slice(2, 4));
    const last = await api(sim, "GET", "/priorities?limit=2&offset=4");
    expect(last.json).toMatchObject({ more: false, total: null });
    expect(last.json.priorities).toHaveLength(1);
  });

  it("serves at most 100 a page and refuses offset + limit over 10,000", async () => {
    const big = await api(sim, "GET", "/priorities?limit=500");
    expect(big.json.limit).toBe(100);
    const far = await api(sim, "GET", "/priorities?offset=9950&limit=100");
    expect(far.status).toBe(400);
    expect(far.json.error.code).toBe(2001);
    const bad = await api(sim, "GET", "/priorities?limit=ten");
    expect(bad.status).toBe(400);
    expect(bad.json.error.errors).toEqual(["limit must be a non-negative integer"]);
    const notBool = await api(sim, "GET", "/priorities?total=maybe");
    expect(notBool.status).toBe(400);
  });
});

describe("the rate limit", () => {
  it("sends PagerDuty's rate limit headers and answers 429 (2020) past the limit", async () => {
    const { sim: limited, close: closeLimited } = await startSimulator({
      seed: "rest-limited",
      pagerduty: { apiRateLimit: { limit: 2, windowMs: 60_000 } },
    });
    try {
      const first = await api(limited, "GET", "/priorities");
      expect(first.headers.get("ratelimit-limit")).toBe("2");
      expect(first.headers.get("ratelimit-remaining")).toBe("1");
      await api(limited, "GET", "/priorities");
      const third = await api(limited, "GET", "/priorities");
      expect(third.status).toBe(429);
      expect(third.json).toEqual({ error: { message: "Rate Limit Exceeded", code: 2020 } });
      expect(Number(third.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
      await limited.clock.runFor(60_000);
      expect((await api(limited, "GET", "/priorities")).status).toBe(200);
    } finally {
      await closeLimited();
    }
  });
});

describe("request headers clients send", () => {
  it("sends the default Accept back as JSON with charset", async () => {
    const reply = await api(sim, "GET", "/priorities", { headers: { accept: ACCEPT } });
    expect(reply.headers.get("content-type")).toBe("application/json; charset=utf-8");
  });
});
