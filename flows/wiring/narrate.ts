/**
 * The demo's story: each hop told as it happens, from the journal, with the payload it carried,
 * so a newcomer sees how an error becomes a page. Repetitive hops are told a few times and then
 * counted, so the story stays readable.
 */
import type { Journal, JournalEvent } from "../../simulator/kernel/journal.js";

const REPEATS = 2;
/** Hops that happen many times per incident: told twice, then counted in the summary. */
const REPETITIVE = new Set([
  "app.error.emitted",
  "logzio.indexed",
  "app.logs.flushed",
  "lambda.invoked",
  "logs.subscription.delivered",
]);

type Teller = (
  e: JournalEvent,
  d: Record<string, unknown>,
) => { hop: string; text: string; payload?: unknown } | undefined;

const TELLERS: Record<string, Teller> = {
  "app.fault.started": (_e, d) => ({
    hop: "app",
    text:
      d.target === "webhooks"
        ? `the webhook receiver fails (${d.status ?? "down"})`
        : `${d.service} starts failing: ${d.status} ${d.error} for ${Math.round(Number(d.errorRate ?? 1) * 100)}% of requests`,
  }),
  "app.fault.ended": (_e, d) => ({
    hop: "app",
    text: `${d.service ?? d.target} recovers (${d.reason})`,
  }),
  "app.error.emitted": (_e, d) => ({
    hop: "app",
    text: `logs an error for ${d.service} ${d.route}: ${d.status} ${d.error}`,
    payload: d,
  }),
  "app.logs.flushed": (_e, d) => ({
    hop: "app -> CloudWatch Logs",
    text: `PutLogEvents: ${d.events} events (${d.errors} errors) into ${d.logGroup}`,
  }),
  "logs.subscription.delivered": (_e, d) => ({
    hop: "CloudWatch Logs -> Lambda",
    text: `subscription filter "${d.filterName}" matched ${(d.eventIds as unknown[]).length} events: invoking ${String(d.destinationArn).split(":").pop()} (gzip + base64 awslogs.data)`,
  }),
  "lambda.invoked": (_e, d) => ({
    hop: "Lambda",
    text: `${d.functionName} ran, attempt ${d.attempt}: ${d.outcome}${d.errorType ? ` (${d.errorType})` : ""} in ${d.durationMs} ms`,
  }),
  "lambda.invocation.dead_lettered": (_e, d) => ({
    hop: "Lambda",
    text: `gave up on ${d.requestId ?? "an event"} after its retries`,
  }),
  "logzio.indexed": (e, d) => ({
    hop: "shipper -> Logz.io",
    text: `the listener indexed a ${d.type} log${e.correlation.traceId ? ` (trace ${e.correlation.traceId})` : ""}`,
    payload: d.message,
  }),
  "logzio.alert.triggered": (_e, d) => ({
    hop: "Logz.io",
    text: `alert "${d.title}" ${d.suppressed ? "matched again (suppressed)" : "fired"}: ${d.severity}, ${d.value} matching logs`,
  }),
  "logzio.notification.sent": (_e, d) => ({
    hop: "Logz.io -> PagerDuty",
    text: `Events API accepted the notification (attempt ${d.attempt})`,
  }),
  "logzio.notification.failed": (_e, d) => ({
    hop: "Logz.io -> PagerDuty",
    text: `notification failed (attempt ${d.attempt}: ${d.status ?? d.error})${d.retryInMs ? `, retrying in ${Number(d.retryInMs) / 1000} s` : ", giving up"}`,
  }),
  "pagerduty.event.deduplicated": (e) => ({
    hop: "PagerDuty",
    text: `deduplicated an event into the open incident (dedup key ${e.correlation.dedupKey})`,
  }),
  "pagerduty.incident.triggered": (e, d) => ({
    hop: "PagerDuty",
    text: `opened incident #${d.incident_number} "${d.title}" (${d.urgency} urgency)${e.correlation.traceId ? `, trace ${e.correlation.traceId}` : ""}`,
  }),
  "responder.notified": (_e, d) => ({
    hop: "PagerDuty -> person",
    text: `paged ${d.user_name} by ${(d.contact_method as { type?: string } | undefined)?.type?.replace(/_contact_method$/, "") ?? "phone"} (level ${d.level})`,
  }),
  "pagerduty.incident.escalated": (_e, d) => ({
    hop: "PagerDuty",
    text: `incident #${d.incident_number} escalated to level ${d.escalation_level}`,
  }),
  "pagerduty.incident.acknowledged": (_e, d) => ({
    hop: "person -> PagerDuty",
    text: `incident #${d.incident_number} acknowledged`,
  }),
  "responder.status_update.posted": (_e, d) => ({
    hop: "person -> PagerDuty",
    text: `status update: "${d.message}"`,
  }),
  "pagerduty.incident.resolved": (_e, d) => ({
    hop: "person -> PagerDuty",
    text: `incident #${d.incident_number} resolved`,
  }),
  "responder.missed": (_e, d) => ({ hop: "person", text: `${d.email ?? d.user} missed the page` }),
  "app.webhook.received": (_e, d) => ({
    hop: "PagerDuty -> status page",
    text: `webhook ${d.eventType}: status page shows ${d.service} ${d.status}`,
  }),
  "customer.reported": (_e, d) => ({
    hop: "customer -> support",
    text: `${d.customer} reports ${d.service} is broken${d.informedBeforeReport ? " (already saw the status page)" : " before hearing anything from us"}`,
  }),
  "fault.injected": (_e, d) => ({
    hop: "fault",
    text: `${d.target} ${d.kind}${d.status ? ` ${d.status}` : ""} begins`,
  }),
  "fault.cleared": (_e, d) => ({ hop: "fault", text: `${d.target} fault over (${d.reason})` }),
};

function clip(value: unknown, max = 240): string {
  const text = typeof value === "string" ? value : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** Subscribes a narrator; returns the unsubscribe function. */
export function narrate(journal: Journal, write: (line: string) => void): () => void {
  const told = new Map<string, number>();
  const key = (e: JournalEvent) =>
    `${e.type}:${e.correlation.service ?? e.correlation.incidentId ?? ""}:${e.data.suppressed === true}`;
  const unsubscribe = journal.subscribe((e) => {
    const teller = TELLERS[e.type];
    if (!teller) return;
    const k = key(e);
    const n = (told.get(k) ?? 0) + 1;
    told.set(k, n);
    const repetitive =
      REPETITIVE.has(e.type) || (e.type === "logzio.alert.triggered" && e.data.suppressed === true);
    if (repetitive && n > REPEATS) {
      if (n === REPEATS + 1) {
        const hop = teller(e, e.data as Record<string, unknown>)?.hop ?? e.type;
        write(
          `${e.time.slice(11, 19)}  ${hop.padEnd(26)}  (more of these follow; the summary counts them)`,
        );
      }
      return;
    }
    const told1 = teller(e, e.data as Record<string, unknown>);
    if (!told1) return;
    write(`${e.time.slice(11, 19)}  ${told1.hop.padEnd(26)}  ${told1.text}`);
    if (told1.payload !== undefined)
      write(`${"".padEnd(10)}${"".padEnd(28)}${clip(told1.payload)}`);
  });
  return unsubscribe;
}
