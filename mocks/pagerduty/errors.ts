/**
 * One factory per Events API answer that is not a success, with PagerDuty's status and body
 * (reference/pagerduty.md §1 and its corrections). Where a text was seen in a real response, the
 * comment names where; texts marked "by analogy" follow the pattern of the seen ones, since no
 * real response was found.
 */

export type EventsApi = "v2" | "change" | "v1";

export interface EventsError {
  status: number;
  contentType: "application/json" | "text/plain";
  body: string;
  /** The texts of `errors[]` (or the plain body), for the journal. */
  errors: readonly string[];
}

const json = (status: number, body: { status: string; message: string; errors: string[] }) => ({
  status,
  contentType: "application/json" as const,
  body: JSON.stringify(body),
  errors: body.errors,
});

/**
 * 400 for an event that breaks the rules, every broken rule at once (the corrections: "all
 * validation errors of one event are reported together"). v1 and v2 share the shape
 * (events-API-v1/02-Trigger-Events.md, developer.pagerduty.com's v2 400 example).
 */
export const invalidEvent = (errors: string[]) =>
  json(400, { status: "invalid event", message: "Event object is invalid", errors });

/**
 * 400 for a body that is not a JSON object: the example response of the published specs, whose v1
 * copy spells the status in lower case.
 */
export const unrecognizedObject = (api: EventsApi) =>
  json(400, {
    status: api === "v1" ? "unrecognized object" : "Unrecognized object",
    message: "Event object format is unrecognized",
    errors: ["JSON parse error"],
  });

/**
 * 400 for a well-formed routing key that belongs to no integration: a real answer logged in
 * robusta-dev/robusta#571 (`400, Bad Request, Invalid routing key`, the body printed as text),
 * and relied on by clients that validate keys with a no-op resolve.
 */
export const invalidRoutingKey = (): EventsError => ({
  status: 400,
  contentType: "text/plain",
  body: "Invalid routing key",
  errors: ["Invalid routing key"],
});

/**
 * Over the per-key rate: 429 on v2 and change events, 403 on v1 (05-Rate-Limits.md, the v1
 * response table). PagerDuty documents no body; this is the one in PagerDuty/go-pagerduty's
 * tests of a throttled answer.
 */
export const rateLimited = (api: EventsApi) =>
  json(api === "v1" ? 403 : 429, {
    status: "throttle exceeded",
    message: "Requests for this service are arriving too quickly.  Please retry later.",
    errors: ["Enhance Your Calm."],
  });

/** Over 512 KB. The limit is documented, its answer is not: a 400 in the invalid-event shape. */
export const eventTooLarge = (limitBytes: number) =>
  invalidEvent([`Event object is too large (maximum is ${limitBytes} bytes)`]);

/** An unknown path: the body of PagerDuty/go-pagerduty's tests of a 404 from the Events API. */
export const notFound = () =>
  json(404, { status: "Not Found", message: "Not Found", errors: ["Not Found"] });

/** A known path with another method than POST; not documented, so the shape of the 404. */
export const methodNotAllowed = (method: string) =>
  json(405, {
    status: "Method Not Allowed",
    message: "Method Not Allowed",
    errors: [`${method} is not allowed here; events are sent with POST`],
  });

// The texts of `errors[]`, one function per rule.

/** v2 (and change events) field checks. */
export const v2 = {
  /** Seen answering an empty POST, next to "'event_action' is missing or blank". */
  routingKeyBlank: () => "'routing_key' cannot be blank",
  /** Alertmanager's and go-pdagent's tests; developer.pagerduty.com's 400 example. */
  routingKeyLength: (n: number) =>
    `Length of 'routing_key' is incorrect (should be ${n} characters)`,
  /** blockpane/tenderduty#10, reported together with the length error, final period included. */
  routingKeyCharacters: () => "'routing_key' cannot contain non-alphanumeric characters.",
  /** PagerDuty/go-pagerduty's tests of a 400. */
  eventActionBlank: () => "'event_action' is missing or blank",
  /** By analogy with the severity enum's text. */
  eventActionInvalid: () =>
    "'event_action' is invalid (must be one of the following: 'trigger', 'acknowledge' or 'resolve')",
  /** By analogy with the payload fields' text. */
  dedupKeyBlank: () => "'dedup_key' is missing or blank",
  /** By analogy with the summary's text. */
  dedupKeyNotString: () => "'dedup_key' is invalid (must be a string)",
  /** `'payload.source' is missing or blank` and `'payload.severity' ...` were seen (SigNoz#9536, checkmk). */
  fieldBlank: (path: string) => `'${path}' is missing or blank`,
  /**
   * Seen for the summary, typo included ("maiximum"; dagster-io/dagster#19567, livepeer's
   * stream-tester#354), and naming the field without `payload.`; other fields by analogy.
   */
  tooLong: (field: string, max: number) => `'${field}' is too long (maiximum is ${max} characters)`,
  /** support.pagerduty.com dynamic-notifications; go-pdagent's tests. */
  severityInvalid: () =>
    "'payload.severity' is invalid (must be one of the following: 'critical', 'warning', 'error' or 'info')",
};

/** v1 field checks (the v1 API words its errors differently). */
export const v1 = {
  /** By analogy with the description's text. */
  serviceKeyBlank: () => "Service key is missing or blank",
  /** The envato/pagerduty gem's README, quoting a real 400. */
  serviceKeyLength: (n: number) => `Service key is the wrong length (should be ${n} characters)`,
  /** events-API-v1/02-Trigger-Events.md's 400 example; used for a missing event_type too. */
  eventTypeInvalid: () => "event_type is invalid (must be one of: trigger acknowledge resolve)",
  /** By analogy with the description's text. */
  incidentKeyBlank: () => "Incident key is missing or blank",
  /** By analogy with the description's text. */
  incidentKeyTooLong: (max: number) => `Incident key is too long (maximum is ${max} characters)`,
  /** vmw-loginsight/webhook-shims#60. */
  descriptionBlank: () => "Description is missing or blank",
  /** prometheus/alertmanager#1840, YelpArchive/sensu_handlers#38. */
  descriptionTooLong: (max: number) => `Description is too long (maximum is ${max} characters)`,
};
