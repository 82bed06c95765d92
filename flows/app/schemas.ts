import { z } from "zod";
import { MAX_BURST } from "./limits.js";

/** Bodies of the app's HTTP API; each issue names its field and what was expected. */

const DAY_MS = 24 * 60 * 60 * 1000;

const intBetween = (min: number, max: number, what = `an integer from ${min} to ${max}`) =>
  z
    .number({ error: `expected ${what}` })
    .int({ error: `expected ${what}` })
    .min(min, { error: `expected ${what}` })
    .max(max, { error: `expected ${what}` });

const text = (max: number) =>
  z
    .string({ error: `expected a string of 1 to ${max} characters` })
    .min(1, { error: `expected a string of 1 to ${max} characters` })
    .max(max, { error: `expected a string of 1 to ${max} characters` });

const durationMs = intBetween(1, 30 * DAY_MS, "a whole number of milliseconds from 1 to 30 days");

export const serviceFaultSchema = z.strictObject(
  {
    service: text(100),
    status: intBetween(400, 599, "an HTTP error status from 400 to 599").default(500),
    error: text(100).default("InternalError"),
    message: text(1000).optional(),
    errorRate: z
      .number({ error: "expected a number from 0 to 1" })
      .min(0, { error: "expected a number from 0 to 1" })
      .max(1, { error: "expected a number from 0 to 1" })
      .default(1),
    latencyMs: intBetween(
      0,
      3_600_000,
      "a whole number of milliseconds from 0 to 3,600,000",
    ).default(0),
    durationMs: durationMs.optional(),
    burst: intBetween(0, MAX_BURST, `a number of requests from 0 to ${MAX_BURST}`).optional(),
  },
  { error: (issue) => (issue.code === "unrecognized_keys" ? "unknown field" : undefined) },
);

export const webhookFaultSchema = z
  .strictObject({
    target: z.literal("webhooks", { error: 'expected "webhooks"' }),
    status: intBetween(400, 599, "an HTTP error status from 400 to 599").optional(),
    down: z.boolean({ error: "expected true or false" }).optional(),
    durationMs: durationMs.optional(),
  })
  .refine((f) => !(f.down === true && f.status !== undefined), {
    error: "expected either status or down: true, not both",
    path: ["down"],
  });

export const supportReportSchema = z.strictObject({
  customer: text(200),
  service: text(100),
  message: text(4000).optional(),
});

/** The v3 envelope; `data`'s shape depends on the event type and is read defensively. */
export const webhookEnvelopeSchema = z.object({
  event: z.object(
    {
      id: z.string().optional(),
      event_type: z.string({ error: "expected a string such as incident.triggered" }).min(1),
      resource_type: z.string({ error: "expected a string such as incident" }).min(1),
      occurred_at: z.iso.datetime({ offset: true, error: "expected an ISO 8601 date-time" }),
      data: z.record(z.string(), z.unknown(), { error: "expected an object" }),
    },
    { error: "expected the webhook's event object" },
  ),
});

/** "field: expected ..., got <value>" for the first issue. */
export function describeIssue(error: z.ZodError, body: unknown): string {
  const issue = error.issues[0];
  if (issue === undefined) return "body: invalid";
  if (issue.code === "unrecognized_keys") {
    return `${issue.keys.map((k) => [...issue.path, k].join(".")).join(", ")}: unknown field`;
  }
  const field = issue.path.length === 0 ? "body" : issue.path.join(".");
  const value = valueAt(body, issue.path);
  const got = value === undefined ? "" : `, got ${JSON.stringify(value)}`;
  return `${field}: ${issue.message}${got}`;
}

function valueAt(body: unknown, path: readonly PropertyKey[]): unknown {
  let value = body;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}
