/**
 * "Nothing lost": every error the app logged, followed hop by hop by its trace id, from emission
 * to the page. Each stage's count comes from what the next hop observably holds (CloudWatch Logs
 * through its API, the journal for deliveries, indexing, alerts and pages); every difference
 * between two stages is explained by a journaled fact, or counted as unexplained, which fails
 * the run.
 */
import { type CloudWatchLogsClient, FilterLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import type { Journal, JournalEvent } from "../../simulator/kernel/journal.js";

export interface Difference {
  /** What became of the events or notifications that did not reach the next stage. */
  reason: string;
  count: number;
  /** False for a loss no journaled fact explains. */
  explained: boolean;
}

export interface Stage {
  stage: string;
  /** What is counted: error events (by trace id), alert triggers, events or incidents. */
  unit: string;
  count: number;
  /** Why the next stage differs from this one. */
  differences: Difference[];
}

export interface Accounting {
  stages: Stage[];
  unexplained: number;
  ok: boolean;
  /** "all": every stage observed; "apis": stages inside LocalStack observed only through its APIs. */
  observed: "all" | "apis";
}

const ERROR_PATTERN = '{ $.level = "error" }';

interface StoredError {
  traceId: string;
  eventId: string;
}

async function filterEvents(
  logs: CloudWatchLogsClient,
  logGroups: readonly string[],
  filterPattern: string,
): Promise<StoredError[]> {
  const out: StoredError[] = [];
  for (const logGroupName of logGroups) {
    let nextToken: string | undefined;
    do {
      const page = await logs.send(
        new FilterLogEventsCommand({
          logGroupName,
          filterPattern,
          ...(nextToken ? { nextToken } : {}),
        }),
      );
      for (const e of page.events ?? []) {
        const traceId = traceIdOf(e.message ?? "");
        if (traceId && e.eventId) out.push({ traceId, eventId: e.eventId });
      }
      nextToken = page.nextToken;
    } while (nextToken);
  }
  return out;
}

function traceIdOf(message: string): string | undefined {
  try {
    const parsed = JSON.parse(message) as { trace_id?: unknown };
    return typeof parsed.trace_id === "string" ? parsed.trace_id : undefined;
  } catch {
    return undefined;
  }
}

function add(list: Difference[], reason: string, count: number, explained = true): void {
  if (count <= 0) return;
  const existing = list.find((d) => d.reason === reason && d.explained === explained);
  if (existing) existing.count += count;
  else list.push({ reason, count, explained });
}

const data = (e: JournalEvent) => e.data as Record<string, unknown>;

export async function accountChain(options: {
  journal: Journal;
  logs: CloudWatchLogsClient;
  logGroups: readonly string[];
  filterPattern: string;
  observed: "all" | "apis";
}): Promise<Accounting> {
  const { journal } = options;
  const stages: Stage[] = [];

  // 1. Emitted by the app.
  const emitted = new Set(journal.byType("app.error.emitted").map((e) => String(data(e).traceId)));
  // 2. Stored in CloudWatch Logs, read back through its API.
  const storedEvents = await filterEvents(options.logs, options.logGroups, ERROR_PATTERN);
  const stored = new Set(storedEvents.map((e) => e.traceId));
  const emittedDiff: Difference[] = [];
  const notStored = [...emitted].filter((t) => !stored.has(t)).length;
  const failedBatches = journal.byType("app.logs.failed").length;
  add(
    emittedDiff,
    failedBatches > 0
      ? `given up by the app's agent (${failedBatches} batch(es) refused, app.logs.failed)`
      : "not found in CloudWatch Logs",
    notStored,
    failedBatches > 0,
  );
  stages.push({
    stage: "emitted by the app",
    unit: "error events",
    count: emitted.size,
    differences: emittedDiff,
  });

  // 3. Matched by the subscription filter pattern.
  const matchedEvents =
    options.filterPattern === ERROR_PATTERN
      ? storedEvents
      : await filterEvents(options.logs, options.logGroups, options.filterPattern);
  const matched = new Set(matchedEvents.map((e) => e.traceId).filter((t) => stored.has(t)));
  const storedDiff: Difference[] = [];
  add(
    storedDiff,
    "filtered out by design (the subscription filter pattern)",
    stored.size - matched.size,
  );
  stages.push({
    stage: "stored in CloudWatch Logs",
    unit: "error events",
    count: stored.size,
    differences: storedDiff,
  });

  // 4. Delivered by the subscription to the shipper.
  const traceOfEvent = new Map(matchedEvents.map((e) => [e.eventId, e.traceId]));
  const deliveredTo = new Map<string, string>(); // traceId -> invocation request id
  for (const e of journal.byType("logs.subscription.delivered")) {
    const d = data(e);
    for (const id of d.eventIds as string[]) {
      const trace = traceOfEvent.get(id);
      if (trace && !deliveredTo.has(trace)) deliveredTo.set(trace, String(d.requestId));
    }
  }
  const droppedBy = new Map<string, string>();
  for (const e of journal.byType("logs.subscription.dropped")) {
    const d = data(e);
    for (const id of d.eventIds as string[]) {
      const trace = traceOfEvent.get(id);
      if (trace) droppedBy.set(trace, String(d.reason));
    }
  }
  // LocalStack delivers inside itself: what it delivered shows only in what reached Logz.io.
  if (options.observed === "apis") {
    const indexedTraces = new Set(
      journal.byType("logzio.indexed").map((e) => e.correlation.traceId),
    );
    for (const trace of matched) if (indexedTraces.has(trace)) deliveredTo.set(trace, "");
  }
  const matchedDiff: Difference[] = [];
  for (const trace of matched) {
    if (deliveredTo.has(trace)) continue;
    const reason = droppedBy.get(trace);
    if (reason) add(matchedDiff, `dropped by CloudWatch Logs: ${reason}`, 1);
    else add(matchedDiff, "not delivered by the subscription", 1, options.observed === "apis");
  }
  stages.push({
    stage: "matched by the subscription filter",
    unit: "error events",
    count: matched.size,
    differences: matchedDiff,
  });

  // 5. Indexed by Logz.io (each time it was indexed: retries can ship an event twice).
  const indexedTimes = new Map<string, number>();
  for (const e of journal.byType("logzio.indexed")) {
    const trace = e.correlation.traceId;
    if (trace && deliveredTo.has(trace))
      indexedTimes.set(trace, (indexedTimes.get(trace) ?? 0) + 1);
  }
  const invocations = new Map<string, JournalEvent[]>();
  for (const e of journal.byType("lambda.invoked")) {
    const id = String(data(e).requestId);
    invocations.set(id, [...(invocations.get(id) ?? []), e]);
  }
  const deadLettered = new Set(
    journal
      .byType("lambda.invocation.dead_lettered")
      .map((e) => String(e.correlation.requestId ?? data(e).requestId)),
  );
  const deliveredDiff: Difference[] = [];
  let retried = 0;
  for (const [trace, requestId] of deliveredTo) {
    const runs = invocations.get(requestId) ?? [];
    if ((indexedTimes.get(trace) ?? 0) > 0) {
      if (runs.length > 1) retried++;
      continue;
    }
    const last = runs[runs.length - 1];
    if (deadLettered.has(requestId))
      add(
        deliveredDiff,
        "dead-lettered: the shipper failed every attempt Lambda made (lambda.invocation.dead_lettered)",
        1,
      );
    else if (!last) add(deliveredDiff, "still waiting for the shipper at the end of the run", 1);
    else if (data(last).outcome === "success")
      add(
        deliveredDiff,
        "dropped by the shipper: the listener refused the bulk (400)",
        1,
        hasListenerRefusal(journal),
      );
    else add(deliveredDiff, "a Lambda retry was still pending at the end of the run", 1);
  }
  if (retried > 0)
    add(deliveredDiff, `(not a loss) recovered by Lambda's asynchronous retries: ${retried}`, 0);
  const duplicates = [...indexedTimes.values()].reduce((n, times) => n + (times - 1), 0);
  stages.push({
    stage: "delivered to the shipper",
    unit: "error events",
    count: deliveredTo.size,
    differences: deliveredDiff,
  });

  const indexedDiff: Difference[] = [];
  if (retried > 0) {
    indexedDiff.push({
      reason: `recovered by Lambda's asynchronous retries after a failed attempt`,
      count: retried,
      explained: true,
    });
  }
  if (duplicates > 0) {
    indexedDiff.push({
      reason: "indexed more than once: a retried invocation shipped them again",
      count: duplicates,
      explained: true,
    });
  }
  stages.push({
    stage: "indexed by Logz.io",
    unit: "error events",
    count: indexedTimes.size,
    differences: indexedDiff,
  });

  // 6. Alerts: triggers, their notifications, and the PagerDuty events they became.
  const triggered = journal.byType("logzio.alert.triggered");
  const suppressed = triggered.filter((e) => data(e).suppressed === true).length;
  const alertDiff: Difference[] = [];
  add(alertDiff, "suppressed by the alert's notification suppression (by design)", suppressed);
  stages.push({
    stage: "alert triggers",
    unit: "triggers",
    count: triggered.length,
    differences: alertDiff,
  });

  const sent = journal.byType("logzio.notification.sent");
  const failed = journal.byType("logzio.notification.failed");
  const finalFailures = failed.filter(
    (e) => data(e).final === true || data(e).attempt === 0,
  ).length;
  const recovered = sent.filter((e) => Number(data(e).attempt) > 1).length;
  const pendingRetries = Math.max(0, triggered.length - suppressed - sent.length - finalFailures);
  const notifyDiff: Difference[] = [];
  add(
    notifyDiff,
    "given up by Logz.io after its retries (logzio.notification.failed, final)",
    finalFailures,
    faultsApplied(journal, "pagerdutyEvents"),
  );
  add(notifyDiff, "a Logz.io retry was still pending at the end of the run", pendingRetries);
  if (recovered > 0)
    notifyDiff.push({
      reason: "delivered after Logz.io retried through a PagerDuty fault",
      count: recovered,
      explained: true,
    });
  stages.push({
    stage: "notifications to PagerDuty",
    unit: "notifications",
    count: triggered.length - suppressed,
    differences: notifyDiff,
  });

  const accepted = journal
    .byType("pagerduty.event.accepted")
    .filter((e) => data(e).api !== "change");
  const deduplicated = journal.byType("pagerduty.event.deduplicated").length;
  const dropped = journal.byType("pagerduty.event.dropped");
  const incidents = journal.byType("pagerduty.incident.triggered");
  const eventDiff: Difference[] = [];
  add(eventDiff, "deduplicated into an open incident (by design)", deduplicated);
  for (const e of dropped) add(eventDiff, `dropped by PagerDuty: ${String(data(e).reason)}`, 1);
  const otherActions = accepted.length - deduplicated - dropped.length - incidents.length;
  add(eventDiff, "acknowledge or resolve events, or alerts added to an incident", otherActions);
  stages.push({
    stage: "events accepted by PagerDuty",
    unit: "events",
    count: accepted.length,
    differences: eventDiff,
  });

  const notified = new Set(
    journal.byType("responder.notified").map((e) => String(data(e).incident)),
  );
  const incidentDiff: Difference[] = [];
  const unpaged = incidents.filter((e) => !notified.has(String(data(e).id))).length;
  add(
    incidentDiff,
    "opened but nobody was notified (no one on call, or low urgency without rules)",
    unpaged,
    false,
  );
  stages.push({
    stage: "incidents opened",
    unit: "incidents",
    count: incidents.length,
    differences: incidentDiff,
  });
  stages.push({
    stage: "incidents that paged someone",
    unit: "incidents",
    count: incidents.length - unpaged,
    differences: [],
  });

  const unexplained = stages
    .flatMap((s) => s.differences)
    .filter((d) => !d.explained)
    .reduce((n, d) => n + d.count, 0);
  return { stages, unexplained, ok: unexplained === 0, observed: options.observed };
}

function hasListenerRefusal(journal: Journal): boolean {
  return journal
    .byType("fault.applied")
    .some((e) => data(e).target === "logzioListener" && data(e).status === 400);
}

function faultsApplied(journal: Journal, target: string): boolean {
  return journal.byType("fault.applied").some((e) => data(e).target === target);
}
