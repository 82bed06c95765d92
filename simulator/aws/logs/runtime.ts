import type { AccountScope, AwsServiceContext, LambdaForLogs } from "../context.js";
import type { SubscriptionDelivery } from "./delivery.js";
import {
  logGroupNotFound,
  logStreamNotFound,
  nameAndIdentifierExclusive,
  nameOrIdentifierRequired,
} from "./errors.js";
import type { LogGroup, LogStream, LogsStore } from "./store.js";

/** Options after defaults: what operations read. */
export interface ResolvedLogsOptions {
  subscriptionDelayMs: number;
  controlMessage: boolean;
  journalEachEvent: boolean;
}

/** What every operation gets: the store, the kernel services and its neighbours. */
export interface LogsRuntime {
  readonly ctx: AwsServiceContext;
  readonly options: ResolvedLogsOptions;
  readonly store: LogsStore;
  readonly lambda: () => LambdaForLogs;
  readonly delivery: SubscriptionDelivery;
  /** Next emulator-wide ingest sequence number. */
  nextSeq(): number;
}

export const JOURNAL_SOURCE = "aws";

export function requireGroup(rt: LogsRuntime, scope: AccountScope, name: string): LogGroup {
  const group = rt.store.region(scope).groups.get(name);
  if (!group) throw logGroupNotFound();
  return group;
}

export function requireStream(group: LogGroup, name: string): LogStream {
  const stream = group.streams.get(name);
  if (!stream) throw logStreamNotFound();
  return stream;
}

/**
 * The group named by `logGroupName` or `logGroupIdentifier` (a name or an ARN, with or without
 * the trailing `:*`), for the operations that accept either.
 */
export function groupNameFrom(identifier: string): string {
  const match = /^arn:aws[\w-]*:logs:[^:]*:\d{12}:log-group:([^:]+)(?::\*)?$/.exec(identifier);
  return match ? (match[1] as string) : identifier;
}

/** For operations taking `logGroupName` xor `logGroupIdentifier`. */
export function groupNameOf(input: { logGroupName?: string; logGroupIdentifier?: string }): string {
  if (input.logGroupName !== undefined && input.logGroupIdentifier !== undefined) {
    throw nameAndIdentifierExclusive();
  }
  const name = input.logGroupName ?? input.logGroupIdentifier;
  if (name === undefined) throw nameOrIdentifierRequired();
  return groupNameFrom(name);
}
