import { z } from "zod";

export const SEVERITIES = ["SEVERE", "HIGH", "MEDIUM", "LOW", "INFO"] as const;
export type Severity = (typeof SEVERITIES)[number];

const Operator = z.enum([
  "GREATER_THAN",
  "GREATER_THAN_OR_EQUALS",
  "LESS_THAN",
  "LESS_THAN_OR_EQUALS",
  "EQUALS",
  "NOT_EQUALS",
]);
export type Operator = z.infer<typeof Operator>;

/** The spec's aggregation types; the last two are not evaluated by the simulator. */
const AggregationType = z.enum([
  "COUNT",
  "NONE",
  "SUM",
  "MIN",
  "MAX",
  "AVG",
  "UNIQUE_COUNT",
  "PERCENTAGE",
  "PERCENTILE",
]);
const NOT_EMULATED_AGGREGATIONS = new Set(["PERCENTAGE", "PERCENTILE"]);

// Strict objects: a misspelt field (`suppressNotificationMinutes`) is refused, never ignored.
const SubComponent = z.strictObject({
  queryDefinition: z.strictObject({
    // A query_string text, or an ES query object (also accepted as its JSON text).
    query: z.union([z.string().min(1), z.record(z.string(), z.unknown())]),
    filters: z.record(z.string(), z.unknown()).optional(),
    groupBy: z.array(z.string()).max(3).optional(),
    aggregation: z
      .strictObject({
        aggregationType: AggregationType,
        fieldToAggregateOn: z.string().optional(),
        valueToAggregateOn: z.string().optional(),
      })
      .optional(),
    shouldQueryOnAllAccounts: z.boolean().optional(),
    accountIdsToQueryOn: z.array(z.number().int()).optional(),
  }),
  trigger: z.strictObject({
    operator: Operator,
    severityThresholdTiers: z.partialRecord(z.enum(SEVERITIES), z.number()),
  }),
  output: z.record(z.string(), z.unknown()).optional(),
});

export const AlertRequest = z.strictObject({
  title: z.string().min(1),
  description: z.string().optional(),
  tags: z.array(z.string()).max(10).optional(),
  // 5–1440 is a recommendation the API does not enforce.
  searchTimeFrameMinutes: z.number().int().positive().optional(),
  subComponents: z.array(SubComponent).min(1),
  correlations: z.record(z.string(), z.unknown()).optional(),
  schedule: z.record(z.string(), z.unknown()).optional(),
  // The Go client sends "true"/"false" strings.
  enabled: z.union([z.boolean(), z.enum(["true", "false"])]).optional(),
  output: z
    .strictObject({
      recipients: z
        .strictObject({
          emails: z.array(z.string()).optional(),
          notificationEndpointIds: z.array(z.number().int()).optional(),
        })
        .optional(),
      suppressNotificationsMinutes: z.number().int().min(0).optional(),
      type: z.enum(["JSON", "TABLE"]).optional(),
    })
    .optional(),
});
export type AlertRequest = z.infer<typeof AlertRequest>;

/** A stored alert definition: the request as given plus what the server adds. */
export interface Alert {
  id: number;
  accountId: number;
  createdAt: number;
  updatedAt: number;
  enabled: boolean;
  request: AlertRequest;
}

/**
 * Why a create/update body was refused: `invalid` where Logz.io refuses it too, `unsupported`
 * where Logz.io would accept it but the simulator cannot evaluate it (said so, never run wrong).
 */
export type AlertRequestProblem = { kind: "invalid" | "unsupported"; message: string };

/** Validates a create/update body; returns the first problem found. */
export function parseAlertRequest(
  json: unknown,
): { ok: true; value: AlertRequest } | ({ ok: false } & AlertRequestProblem) {
  const invalid = (message: string) => ({ ok: false as const, kind: "invalid" as const, message });
  const unsupported = (what: string) => ({
    ok: false as const,
    kind: "unsupported" as const,
    message: `${what} is not supported by the Logz.io simulator`,
  });
  const parsed = AlertRequest.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return invalid(`Invalid [${issue?.path.join(".") ?? ""}]: ${issue?.message}`);
  }
  for (const sc of parsed.data.subComponents) {
    const agg = sc.queryDefinition.aggregation;
    if (agg && NOT_EMULATED_AGGREGATIONS.has(agg.aggregationType)) {
      return unsupported(`Aggregation ${agg.aggregationType}`);
    }
    const needsField = agg && agg.aggregationType !== "COUNT" && agg.aggregationType !== "NONE";
    if (needsField && !agg.fieldToAggregateOn) {
      return invalid(`${agg.aggregationType} needs fieldToAggregateOn`);
    }
    if (Object.keys(sc.trigger.severityThresholdTiers).length === 0) {
      return invalid("trigger.severityThresholdTiers needs at least one tier");
    }
  }
  if (parsed.data.subComponents.length > 1) {
    return unsupported("A correlated alert (more than one subComponent)");
  }
  return { ok: true, value: parsed.data };
}

export const enabledOf = (v: AlertRequest["enabled"]): boolean =>
  v === undefined || v === true || v === "true";

const iso = (ms: number) => new Date(ms).toISOString();
const USER = "watermelon@simulator.local";

/** Whether a value carries anything: absent, `{}`, `[]` and objects of empties do not. */
function isEmpty(value: unknown): boolean {
  if (value === undefined || value === null) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === "object") return Object.values(value).every(isEmpty);
  return false;
}

/**
 * The response shape of `tf-client-fixtures/alerts_v2/*.json` and of the spec's AlertV2Response.
 * The Go client always sends empty `output.recipients`, `filters.bool`, `correlations` and
 * sub-component `output` objects; the fixture answering its create shows the empty ones left
 * out and the defaults filled in (`correlationOperators: ["AND"]`, `shouldUseAllFields: true`).
 */
export function alertResponse(alert: Alert) {
  const r = alert.request;
  const recipients = r.output?.recipients;
  return {
    id: alert.id,
    updatedAt: iso(alert.updatedAt),
    updatedBy: USER,
    createdAt: iso(alert.createdAt),
    createdBy: USER,
    enabled: alert.enabled,
    title: r.title,
    description: r.description ?? "",
    tags: r.tags ?? [],
    output: {
      ...(isEmpty(recipients) ? {} : { recipients }),
      suppressNotificationsMinutes: r.output?.suppressNotificationsMinutes ?? 5,
      type: r.output?.type ?? "JSON",
    },
    searchTimeFrameMinutes: r.searchTimeFrameMinutes ?? 5,
    subComponents: r.subComponents.map((sc) => {
      const { query, filters, ...rest } = sc.queryDefinition;
      return {
        queryDefinition: {
          // The spec types the query as a string: an ES query object goes back as its JSON text.
          query: typeof query === "string" ? query : JSON.stringify(query),
          ...(isEmpty(filters) ? {} : { filters }),
          ...rest,
          aggregation: sc.queryDefinition.aggregation ?? { aggregationType: "COUNT" },
          shouldQueryOnAllAccounts: sc.queryDefinition.shouldQueryOnAllAccounts ?? true,
        },
        trigger: sc.trigger,
        output: { shouldUseAllFields: true, ...sc.output },
      };
    }),
    correlations: { correlationOperators: ["AND"], ...r.correlations },
    ...(r.schedule ? { schedule: r.schedule } : {}),
  };
}
