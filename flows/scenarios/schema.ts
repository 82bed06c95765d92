/**
 * The scenario format: one YAML file that declares a whole run of the chain, from the app's
 * services and traffic to the people who answer the page, and what must hold at the end.
 * The JSON Schema editors complete against (scenario.schema.json) is generated from this file.
 */
import { z } from "zod";
import { slaConfigSchema } from "../../simulator/report/config.js";
import { distributionSchema, durationSchema } from "../people/distributions.js";

export const TIERS = ["gold", "silver", "bronze"] as const;
export const LOGZIO_SEVERITIES = ["SEVERE", "HIGH", "MEDIUM", "LOW", "INFO"] as const;

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]*$/, "expected a lower-case name of letters, digits and dashes");
const email = z.email();
// Reserved paths of the app's HTTP API cannot name a service.
const RESERVED = ["faults", "health", "status", "support", "webhooks"];
const serviceName = name.refine((n) => !RESERVED.includes(n), {
  message: `the app reserves the names ${RESERVED.join(", ")}`,
});

const traffic = z
  .object({
    requestsPerMinute: z
      .number()
      .min(0)
      .describe("Simulated requests per minute (good unless a fault says otherwise)."),
    latencyMs: z.number().min(0).optional().describe("The logged latency of a good request."),
  })
  .strict();

const service = z
  .object({
    name: serviceName,
    tier: z.enum(TIERS).describe("The service tier: its SLA targets come from it."),
    routes: z.array(z.string().startsWith("/")).min(1).optional(),
    traffic: traffic.optional(),
    escalationPolicy: z
      .string()
      .optional()
      .describe(
        "The escalation policy (by name) of this service's PagerDuty service; default: the first one.",
      ),
    acknowledgementTimeout: durationSchema
      .nullable()
      .optional()
      .describe(
        "PagerDuty re-escalates an acknowledged incident after this long; null turns it off.",
      ),
    autoResolveTimeout: durationSchema.nullable().optional(),
  })
  .strict();

const shipper = z
  .object({
    filterPattern: z
      .string()
      .default('{ $.level = "error" }')
      .describe("The subscription filter pattern: only matching events reach the shipper."),
    format: z.enum(["json", "text"]).default("json"),
    compress: z.boolean().default(true),
    enrich: z.string().optional().describe("ENRICH: k1=v1;k2=v2 fields added to every log."),
    type: z.string().default("watermelon-app"),
    requestTimeout: durationSchema.optional(),
    timeout: durationSchema.default(60_000).describe("The Lambda function's timeout."),
    controlMessage: z.boolean().default(false),
  })
  .strict();

const agent = z
  .object({
    forceFlushInterval: durationSchema
      .default(5_000)
      .describe("The CloudWatch agent's force_flush_interval: how often buffered logs are sent."),
  })
  .strict();

const alert = z
  .object({
    title: z.string().min(1),
    service: z.string().describe("The app service whose PagerDuty service is paged."),
    query: z.string().min(1).describe("Lucene query over the shipped logs."),
    timeFrame: durationSchema.default(300_000).describe("searchTimeFrameMinutes, as a duration."),
    groupBy: z.array(z.string()).max(3).optional(),
    severityThresholds: z
      .partialRecord(z.enum(LOGZIO_SEVERITIES), z.number().min(0))
      .refine((t) => Object.keys(t).length > 0, { message: "expected at least one severity" })
      .describe("A count of matching logs at or above which each severity triggers."),
    suppressNotifications: durationSchema.default(1_800_000),
    description: z.string().optional(),
  })
  .strict();

const user = z
  .object({
    name: z.string().min(1),
    email,
    timeZone: z.string().default("UTC"),
  })
  .strict();

const schedule = z
  .object({
    name: z.string().min(1),
    timeZone: z.string().default("UTC"),
    rotation: z
      .enum(["daily", "weekly"])
      .default("weekly")
      .describe("How long each person in `users` is on call before the next takes over."),
    handoff: z.iso
      .datetime({ offset: true })
      .optional()
      .describe("When the rotation starts; default: the scenario's start."),
    users: z.array(email).min(1),
  })
  .strict();

const target = z.union([
  z.object({ schedule: z.string().min(1) }).strict(),
  z.object({ user: email }).strict(),
]);

const escalationPolicy = z
  .object({
    name: z.string().min(1),
    numLoops: z.number().int().min(0).max(9).default(0),
    rules: z
      .array(
        z
          .object({
            escalateAfter: durationSchema.describe(
              "escalation_delay_in_minutes, as a duration (at least 1m).",
            ),
            targets: z.array(target).min(1),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

const oncall = z
  .object({
    users: z.array(user).min(1),
    schedules: z.array(schedule).default([]),
    escalationPolicies: z.array(escalationPolicy).min(1),
  })
  .strict();

const responder = z
  .object({
    email,
    acknowledgeAfter: distributionSchema,
    missProbability: z.number().min(0).max(1).default(0),
    investigateFor: distributionSchema.optional(),
    statusUpdates: z
      .union([
        z.literal(false),
        z
          .object({
            first: distributionSchema,
            every: distributionSchema.optional(),
            message: z.string().optional(),
          })
          .strict(),
      ])
      .optional(),
    resolve: z.boolean().default(true),
  })
  .strict();

const customer = z
  .object({
    name: z.string().min(1),
    service: z.string(),
    noticeAfter: distributionSchema,
    reports: z.boolean().default(true),
    message: z.string().optional(),
  })
  .strict();

const appFault = z
  .object({
    service: z.string(),
    status: z.number().int().min(400).max(599).default(500),
    error: z.string().default("InternalError"),
    message: z.string().optional(),
    errorRate: z.number().min(0).max(1).default(1),
    latencyMs: z.number().min(0).optional(),
    burst: z.number().int().min(1).optional().describe("Error requests logged at once."),
    duration: durationSchema.optional(),
  })
  .strict();

const HOPS = [
  "logzioListener",
  "logzioApi",
  "pagerdutyEvents",
  "pagerdutyApi",
  "lambda",
  "webhooks",
] as const;

const hopFault = z
  .object({
    target: z.enum(HOPS).describe("The hop that fails."),
    kind: z
      .enum(["down", "status", "error", "timeout"])
      .describe("down: connections dropped; status: answers `status`; error/timeout: Lambda only."),
    status: z.number().int().min(400).max(599).optional(),
    duration: durationSchema,
    probability: z.number().min(0).max(1).optional(),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.kind === "status" && f.status === undefined)
      ctx.addIssue({ code: "custom", path: ["status"], message: 'kind "status" needs a status' });
    if ((f.kind === "error" || f.kind === "timeout") !== (f.target === "lambda"))
      ctx.addIssue({
        code: "custom",
        path: ["kind"],
        message: 'kinds "error" and "timeout" are for target "lambda", and only they are',
      });
  });

const step = z.union([
  z.object({ at: durationSchema, fault: appFault }).strict(),
  z.object({ at: durationSchema, hop: hopFault }).strict(),
  z
    .object({
      at: durationSchema,
      request: z
        .object({
          service: z.string(),
          route: z.string().startsWith("/").default("/"),
          count: z.number().int().min(1).default(1),
        })
        .strict(),
    })
    .strict(),
]);

const countRange = z.union([
  z.number().int().min(0),
  z
    .object({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() })
    .strict(),
]);

const expectations = z
  .object({
    incidents: countRange.optional().describe("How many PagerDuty incidents open."),
    paged: z.array(email).optional().describe("Exactly these people are notified, in any order."),
    notPaged: z.array(email).optional(),
    escalations: countRange.optional(),
    deduplicatedEvents: countRange
      .optional()
      .describe("Events PagerDuty folded into an open incident."),
    acknowledgedWithin: durationSchema
      .optional()
      .describe("Every incident acknowledged within this of opening."),
    resolvedWithin: durationSchema.optional(),
    pagedWithin: durationSchema.optional().describe("First page within this of the first error."),
    customerReports: countRange.optional(),
    statusUpdates: countRange.optional(),
    allResolved: z.boolean().optional(),
    nothingLost: z.boolean().default(true),
  })
  .strict();

export const scenarioSchema = z
  .object({
    $schema: z.string().optional(),
    name,
    title: z.string().optional(),
    lesson: z.string().optional().describe("What this scenario teaches, in a sentence or two."),
    start: z.iso.datetime({ offset: true }).default("2026-01-05T09:00:00Z"),
    duration: durationSchema.describe("How long the run lasts in (virtual) time."),
    seed: z.union([z.string(), z.number().int()]).default("watermelon"),
    services: z.array(service).min(1),
    agent: agent.default(agent.parse({})),
    shipper: shipper.default(shipper.parse({})),
    alerts: z.array(alert).min(1),
    oncall,
    responders: z.array(responder).default([]),
    customers: z.array(customer).default([]),
    timeline: z.array(step).default([]),
    expect: expectations.default(expectations.parse({})),
    sla: slaConfigSchema
      .optional()
      .describe("SLA and experience targets per tier, over the defaults the report prints."),
  })
  .strict()
  .superRefine((s, ctx) => {
    const services = new Set(s.services.map((x) => x.name));
    const emails = new Set(s.oncall.users.map((u) => u.email));
    const schedules = new Set(s.oncall.schedules.map((x) => x.name));
    const policies = new Set(s.oncall.escalationPolicies.map((p) => p.name));
    const unknown = (path: (string | number)[], what: string, value: string, known: Set<string>) =>
      ctx.addIssue({
        code: "custom",
        path,
        message: `unknown ${what} "${value}"; expected one of: ${[...known].join(", ") || "(none declared)"}`,
      });
    duplicates(
      s.services.map((x) => x.name),
      ["services"],
      "service",
      ctx,
    );
    duplicates(
      s.oncall.users.map((x) => x.email),
      ["oncall", "users"],
      "user",
      ctx,
    );
    s.services.forEach((x, i) => {
      if (x.escalationPolicy !== undefined && !policies.has(x.escalationPolicy))
        unknown(
          ["services", i, "escalationPolicy"],
          "escalation policy",
          x.escalationPolicy,
          policies,
        );
    });
    s.alerts.forEach((a, i) => {
      if (!services.has(a.service))
        unknown(["alerts", i, "service"], "service", a.service, services);
    });
    for (const [i, x] of s.oncall.schedules.entries()) {
      for (const [j, e] of x.users.entries()) {
        if (!emails.has(e)) unknown(["oncall", "schedules", i, "users", j], "user", e, emails);
      }
    }
    for (const [i, p] of s.oncall.escalationPolicies.entries()) {
      for (const [j, r] of p.rules.entries()) {
        for (const [k, t] of r.targets.entries()) {
          const path = ["oncall", "escalationPolicies", i, "rules", j, "targets", k];
          if ("schedule" in t && !schedules.has(t.schedule))
            unknown([...path, "schedule"], "schedule", t.schedule, schedules);
          if ("user" in t && !emails.has(t.user))
            unknown([...path, "user"], "user", t.user, emails);
        }
      }
    }
    s.responders.forEach((r, i) => {
      if (!emails.has(r.email)) unknown(["responders", i, "email"], "user", r.email, emails);
    });
    s.customers.forEach((c, i) => {
      if (!services.has(c.service))
        unknown(["customers", i, "service"], "service", c.service, services);
    });
    s.timeline.forEach((t, i) => {
      const svc = "fault" in t ? t.fault.service : "request" in t ? t.request.service : undefined;
      const key = "fault" in t ? "fault" : "request";
      if (svc !== undefined && !services.has(svc))
        unknown(["timeline", i, key, "service"], "service", svc, services);
    });
    for (const [key, list] of [
      ["paged", s.expect.paged],
      ["notPaged", s.expect.notPaged],
    ] as const) {
      list?.forEach((e, i) => {
        if (!emails.has(e)) unknown(["expect", key, i], "user", e, emails);
      });
    }
  });

function duplicates(
  values: string[],
  path: (string | number)[],
  what: string,
  ctx: z.RefinementCtx,
): void {
  const seen = new Set<string>();
  values.forEach((v, i) => {
    if (seen.has(v))
      ctx.addIssue({ code: "custom", path: [...path, i], message: `duplicate ${what} "${v}"` });
    seen.add(v);
  });
}

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type ScenarioService = Scenario["services"][number];
export type ScenarioAlert = Scenario["alerts"][number];
export type ScenarioStep = Scenario["timeline"][number];
export type ScenarioExpectations = Scenario["expect"];
