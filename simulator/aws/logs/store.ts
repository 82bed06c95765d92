import type { AccountScope } from "../context.js";
import type { FilterPattern } from "./filterPattern/index.js";
import { DAY_MS } from "./limits.js";

/**
 * CloudWatch Logs state, per account and region as on AWS. Plain data; events of a stream are
 * kept in one array sorted by (timestamp, seq), so time ranges are binary searches and several
 * streams merge without sorting.
 */

export interface StoredEvent {
  readonly timestamp: number;
  readonly message: string;
  readonly ingestionTime: number;
  /** 56 digits; string order is (timestamp, issue order). */
  readonly eventId: string;
  /** Emulator-wide ingest order: the tie-breaker after timestamp, as AWS orders by ingestion. */
  readonly seq: number;
  /** UTF-8 bytes of the message. */
  readonly bytes: number;
}

export interface LogStream {
  readonly name: string;
  readonly arn: string;
  readonly creationTime: number;
  events: StoredEvent[];
  firstEventTimestamp?: number;
  lastEventTimestamp?: number;
  lastIngestionTime?: number;
  /** Counts accepted PutLogEvents calls; feeds the (ignored) sequence token. */
  uploads: number;
}

export interface SubscriptionFilter {
  readonly filterName: string;
  readonly logGroupName: string;
  readonly filterPattern: string;
  readonly destinationArn: string;
  readonly roleArn?: string;
  readonly distribution: "Random" | "ByLogStream";
  readonly applyOnTransformedLogs: boolean;
  readonly creationTime: number;
  readonly pattern: FilterPattern;
  /** Set after a delivery could not be handed over: events until then are dropped. */
  disabledUntil?: number;
}

export interface MetricTransformation {
  metricName: string;
  metricNamespace: string;
  metricValue: string;
  defaultValue?: number;
  dimensions?: Record<string, string>;
  unit?: string;
}

export interface MetricFilter {
  readonly filterName: string;
  readonly logGroupName: string;
  readonly filterPattern: string;
  readonly metricTransformations: MetricTransformation[];
  readonly applyOnTransformedLogs: boolean;
  readonly creationTime: number;
  readonly pattern: FilterPattern;
  /** What the filter would have published: there is no CloudWatch metrics service here. */
  matchedEvents: number;
  valueSum: number;
}

export interface LogGroup {
  readonly name: string;
  readonly creationTime: number;
  readonly logGroupClass: "STANDARD" | "INFREQUENT_ACCESS";
  readonly kmsKeyId?: string;
  readonly tags: Record<string, string>;
  retentionInDays?: number;
  streams: Map<string, LogStream>;
  subscriptionFilters: Map<string, SubscriptionFilter>;
  metricFilters: Map<string, MetricFilter>;
  storedBytes: number;
}

export interface RegionState {
  readonly accountId: string;
  readonly region: string;
  readonly groups: Map<string, LogGroup>;
}

export function logGroupArn(scope: AccountScope, name: string): string {
  return `arn:aws:logs:${scope.region}:${scope.accountId}:log-group:${name}`;
}

export function logStreamArn(scope: AccountScope, group: string, stream: string): string {
  return `${logGroupArn(scope, group)}:log-stream:${stream}`;
}

/** ASCII order, as AWS sorts names (not locale order). */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class LogsStore {
  readonly #regions = new Map<string, RegionState>();

  region(scope: AccountScope): RegionState {
    const key = `${scope.accountId}/${scope.region}`;
    let state = this.#regions.get(key);
    if (!state) {
      state = { accountId: scope.accountId, region: scope.region, groups: new Map() };
      this.#regions.set(key, state);
    }
    return state;
  }

  regions(): RegionState[] {
    return [...this.#regions.values()];
  }

  reset(): void {
    this.#regions.clear();
  }

  /** Groups, streams and filters as plain data (events counted, not listed). */
  snapshot(): unknown {
    const regions = [...this.#regions.entries()].sort(([a], [b]) => compareNames(a, b));
    return regions.map(([, r]) => ({
      accountId: r.accountId,
      region: r.region,
      logGroups: [...r.groups.values()]
        .sort((a, b) => compareNames(a.name, b.name))
        .map((g) => ({
          logGroupName: g.name,
          creationTime: g.creationTime,
          retentionInDays: g.retentionInDays,
          logGroupClass: g.logGroupClass,
          storedBytes: g.storedBytes,
          logStreams: [...g.streams.values()]
            .sort((a, b) => compareNames(a.name, b.name))
            .map((s) => ({
              logStreamName: s.name,
              creationTime: s.creationTime,
              firstEventTimestamp: s.firstEventTimestamp,
              lastEventTimestamp: s.lastEventTimestamp,
              lastIngestionTime: s.lastIngestionTime,
              storedEvents: s.events.length,
            })),
          subscriptionFilters: [...g.subscriptionFilters.values()].map((f) => ({
            filterName: f.filterName,
            filterPattern: f.filterPattern,
            destinationArn: f.destinationArn,
            creationTime: f.creationTime,
            disabledUntil: f.disabledUntil,
          })),
          metricFilters: [...g.metricFilters.values()].map((f) => ({
            filterName: f.filterName,
            filterPattern: f.filterPattern,
            metricTransformations: f.metricTransformations,
            matchedEvents: f.matchedEvents,
            valueSum: f.valueSum,
          })),
        })),
    }));
  }
}

// ---------------------------------------------------------------------------------------------
// Event arrays: sorted by (timestamp, seq).

/** First index whose timestamp is >= `timestamp`. */
export function lowerBound(events: readonly StoredEvent[], timestamp: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((events[mid] as StoredEvent).timestamp < timestamp) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose (timestamp, seq) is greater than the given key. */
export function indexAfter(events: readonly StoredEvent[], timestamp: number, seq: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = events[mid] as StoredEvent;
    if (e.timestamp < timestamp || (e.timestamp === timestamp && e.seq <= seq)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Adds a batch (sorted, with seqs above every stored one) to a stream. Batches usually arrive in
 * time order and are appended; an earlier batch is merged into the tail it overlaps.
 */
export function insertEvents(stream: LogStream, batch: readonly StoredEvent[]): void {
  const first = batch[0];
  if (!first) return;
  const events = stream.events;
  const last = events[events.length - 1];
  if (!last || last.timestamp <= first.timestamp) {
    for (const e of batch) events.push(e);
    return;
  }
  // Equal timestamps keep ingestion order: the batch goes after stored events of its instant.
  const from = indexAfter(events, first.timestamp, Number.MAX_SAFE_INTEGER);
  const tail = events.splice(from);
  let i = 0;
  let j = 0;
  while (i < tail.length && j < batch.length) {
    const a = tail[i] as StoredEvent;
    const b = batch[j] as StoredEvent;
    if (a.timestamp <= b.timestamp) {
      events.push(a);
      i++;
    } else {
      events.push(b);
      j++;
    }
  }
  while (i < tail.length) events.push(tail[i++] as StoredEvent);
  while (j < batch.length) events.push(batch[j++] as StoredEvent);
}

/** The earliest timestamp a group still keeps, or undefined when it keeps everything. */
export function retentionCutoff(group: LogGroup, now: number): number | undefined {
  return group.retentionInDays === undefined ? undefined : now - group.retentionInDays * DAY_MS;
}

/** Drops events older than the group's retention: AWS deletes them once they expire. */
export function expireEvents(group: LogGroup, stream: LogStream, now: number): void {
  const cutoff = retentionCutoff(group, now);
  if (cutoff === undefined) return;
  const first = stream.events[0];
  if (!first || first.timestamp >= cutoff) return;
  const end = lowerBound(stream.events, cutoff);
  let freed = 0;
  for (let i = 0; i < end; i++) freed += (stream.events[i] as StoredEvent).bytes;
  stream.events.splice(0, end);
  group.storedBytes -= freed;
}

export function expireGroup(group: LogGroup, now: number): void {
  if (group.retentionInDays === undefined) return;
  for (const stream of group.streams.values()) expireEvents(group, stream, now);
}
