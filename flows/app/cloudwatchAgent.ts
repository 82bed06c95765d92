import {
  type CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import type { Clock, TimerHandle } from "../../simulator/kernel/clock.js";
import type { Journal } from "../../simulator/kernel/journal.js";
import type { Rng } from "../../simulator/kernel/rng.js";
import {
  EVENT_OVERHEAD_BYTES,
  MAX_BATCH_SPAN_MS,
  RETRY_BASE_DELAY_MS,
  RETRY_MAX_DELAY_MS,
  RETRY_MAX_DURATION_MS,
} from "./limits.js";
import type { ResolvedAgentOptions } from "./options.js";

export interface LogDestination {
  /** The app service whose lines go there (journal correlation). */
  service: string;
  logGroupName: string;
  logStreamName: string;
}

interface BufferedEvent {
  timestamp: number;
  message: string;
  /** UTF-8 bytes of the message plus the per-event overhead, as PutLogEvents counts them. */
  bytes: number;
  error: boolean;
}

interface Batch {
  events: BufferedEvent[];
  bytes: number;
  /** Stopped by a limit rather than by the end of the buffer. */
  full: boolean;
}

type PutOutcome =
  | { kind: "sent" }
  | { kind: "retry"; reason: string }
  | { kind: "give-up"; reason: string };

interface AwsErrorLike {
  name?: string;
  message?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number };
}

const RETRYABLE_NAMES = new Set([
  "ThrottlingException",
  "ServiceUnavailableException",
  "LimitExceededException",
  "RequestLimitExceeded",
]);

/** Throttling, 5xx and transport failures are worth another try; other client faults are not. */
function isRetryable(error: AwsErrorLike): boolean {
  if (error.name !== undefined && RETRYABLE_NAMES.has(error.name)) return true;
  const status = error.$metadata?.httpStatusCode;
  if (status === undefined) return error.$fault !== "client"; // no response: the network failed
  return status === 429 || status >= 500;
}

/**
 * The reason journaled for a failed call: the service's error code and message, or for a call
 * that got no answer only its error code (the message names the host and port of this run).
 */
function describe(error: unknown): string {
  const e = error as AwsErrorLike & { code?: string };
  if (e.$metadata?.httpStatusCode === undefined) {
    return `no response from CloudWatch Logs (${e.code ?? e.name ?? "unknown error"})`;
  }
  return `${e.name ?? "UnknownError"}: ${e.message ?? ""}`;
}

/**
 * One log stream's share of the CloudWatch agent: buffers lines, sends them with PutLogEvents in
 * chronological batches every `forceFlushIntervalMs` or as soon as a batch is full, backs off on
 * the clock when throttled, recreates the stream when it is gone. Nothing buffered, no timer.
 *
 * One call is in flight at a time per stream, as the agent's pusher does. A call is tracked by the
 * clock; a back-off is a clock timer between calls, so waiting never holds virtual time still.
 */
export class CloudWatchAgent {
  readonly destination: LogDestination;
  readonly #clock: Clock;
  readonly #journal: Journal;
  readonly #rng: Rng;
  readonly #client: CloudWatchLogsClient;
  readonly #options: ResolvedAgentOptions;
  #buffer: BufferedEvent[] = [];
  #bufferedBytes = 0;
  #sorted = true;
  #flushTimer: TimerHandle | undefined;
  #retryTimer: TimerHandle | undefined;
  #running: Promise<void> | undefined;
  /** Send everything buffered, not only full batches (set by the flush timer and `flush`). */
  #drainAll = false;
  #destinationReady = false;
  /** The head batch's failed attempts and when the first of them was. */
  #failures = 0;
  #firstFailureAt = 0;

  constructor(deps: {
    clock: Clock;
    journal: Journal;
    rng: Rng;
    client: CloudWatchLogsClient;
    options: ResolvedAgentOptions;
    destination: LogDestination;
  }) {
    this.destination = deps.destination;
    this.#clock = deps.clock;
    this.#journal = deps.journal;
    this.#rng = deps.rng;
    this.#client = deps.client;
    this.#options = deps.options;
  }

  get buffered(): number {
    return this.#buffer.length;
  }

  push(timestamp: number, message: string, error: boolean): void {
    const bytes = Buffer.byteLength(message, "utf8") + EVENT_OVERHEAD_BYTES;
    const last = this.#buffer[this.#buffer.length - 1];
    if (last !== undefined && timestamp < last.timestamp) this.#sorted = false;
    this.#buffer.push({ timestamp, message, bytes, error });
    this.#bufferedBytes += bytes;
    if (this.#running !== undefined || this.#retryTimer !== undefined) return;
    if (this.#hasFullBatch()) this.#start();
    else this.#armFlushTimer();
  }

  /** Creates the group and the stream, taking "already exists" as done. */
  async ensureDestination(): Promise<void> {
    const { logGroupName, logStreamName } = this.destination;
    await this.#clock.track(
      `app agent creating ${logGroupName}`,
      (async () => {
        await ignoreExisting(this.#client.send(new CreateLogGroupCommand({ logGroupName })));
        await ignoreExisting(
          this.#client.send(new CreateLogStreamCommand({ logGroupName, logStreamName })),
        );
      })(),
    );
    this.#destinationReady = true;
  }

  /**
   * Sends everything buffered now, a pending back-off included. Resolves once the buffer is empty,
   * or once a batch failed again and waits for its back-off on the clock.
   */
  async flush(): Promise<void> {
    if (this.#retryTimer !== undefined) {
      this.#clock.clearTimeout(this.#retryTimer);
      this.#retryTimer = undefined;
    }
    this.#drainAll = true;
    while (this.#running !== undefined) await this.#running;
    if (this.#buffer.length > 0 && this.#retryTimer === undefined) {
      this.#start();
      while (this.#running !== undefined) await this.#running;
    }
  }

  /** Flushes, then gives up whatever could not be sent, so nothing is dropped silently. */
  async close(): Promise<void> {
    await this.flush();
    this.#clock.clearTimeout(this.#retryTimer);
    this.#clock.clearTimeout(this.#flushTimer);
    this.#retryTimer = undefined;
    this.#flushTimer = undefined;
    if (this.#buffer.length > 0) {
      const batch = { events: this.#buffer, bytes: this.#bufferedBytes, full: false };
      this.#buffer = [];
      this.#bufferedBytes = 0;
      this.#journalFailed(batch, "the app closed before these events could be sent");
    }
  }

  #hasFullBatch(): boolean {
    return (
      this.#buffer.length >= this.#options.maxBatchEvents ||
      this.#bufferedBytes >= this.#options.maxBatchBytes
    );
  }

  #armFlushTimer(): void {
    if (this.#flushTimer !== undefined || this.#buffer.length === 0) return;
    this.#flushTimer = this.#clock.setTimeout(
      () => {
        this.#flushTimer = undefined;
        this.#drainAll = true;
        if (this.#running === undefined && this.#retryTimer === undefined) this.#start();
      },
      this.#options.forceFlushIntervalMs,
      `app agent flush ${this.destination.logGroupName}`,
    );
  }

  #start(): void {
    const run: Promise<void> = this.#clock
      .track(`app agent PutLogEvents ${this.destination.logGroupName}`, this.#run())
      .finally(() => {
        if (this.#running === run) this.#running = undefined;
      });
    this.#running = run;
    // `flush` awaits the same promise and sees a failure; a timer-started run has nobody else.
    run.catch(() => {});
  }

  async #run(): Promise<void> {
    for (;;) {
      const batch = this.#takeBatch();
      if (batch === undefined) break;
      const outcome = await this.#put(batch);
      if (outcome.kind === "retry") {
        const delay = this.#backOff();
        if (this.#clock.now() - this.#firstFailureAt + delay > RETRY_MAX_DURATION_MS) {
          this.#resetFailures();
          this.#journalFailed(batch, `retries exhausted: ${outcome.reason}`);
          continue;
        }
        this.#putBack(batch);
        // The retry sends everything buffered: no interval flush is due until it is over.
        this.#clock.clearTimeout(this.#flushTimer);
        this.#flushTimer = undefined;
        this.#retryTimer = this.#clock.setTimeout(
          () => {
            this.#retryTimer = undefined;
            this.#drainAll = true;
            if (this.#running === undefined) this.#start();
          },
          delay,
          `app agent retry ${this.destination.logGroupName}`,
        );
        return;
      }
      this.#resetFailures();
      if (outcome.kind === "give-up") this.#journalFailed(batch, outcome.reason);
    }
    this.#drainAll = false;
    if (this.#buffer.length === 0) {
      // Idle costs nothing: no flush is due for an empty buffer.
      this.#clock.clearTimeout(this.#flushTimer);
      this.#flushTimer = undefined;
    } else {
      this.#armFlushTimer();
    }
  }

  /**
   * The next batch, out of the buffer: the oldest events in chronological order, up to the event,
   * byte and 24-hour limits. Only a full batch unless the whole buffer is being drained.
   */
  #takeBatch(): Batch | undefined {
    if (this.#buffer.length === 0) return undefined;
    if (!this.#drainAll && !this.#hasFullBatch()) return undefined;
    if (!this.#sorted) {
      // Stable: lines stamped in the same millisecond keep the order they were logged in.
      this.#buffer.sort((a, b) => a.timestamp - b.timestamp);
      this.#sorted = true;
    }
    const { maxBatchEvents, maxBatchBytes } = this.#options;
    const first = this.#buffer[0] as BufferedEvent;
    let count = 0;
    let bytes = 0;
    let full = false;
    for (const event of this.#buffer) {
      if (
        count === maxBatchEvents ||
        bytes + event.bytes > maxBatchBytes ||
        event.timestamp - first.timestamp > MAX_BATCH_SPAN_MS
      ) {
        full = true;
        break;
      }
      count += 1;
      bytes += event.bytes;
    }
    // An event larger than a whole batch goes alone, and is refused as PutLogEvents would.
    if (count === 0) {
      count = 1;
      bytes = first.bytes;
    }
    const events = this.#buffer.splice(0, count);
    this.#bufferedBytes -= bytes;
    return { events, bytes, full };
  }

  #putBack(batch: Batch): void {
    const next = this.#buffer[0];
    const last = batch.events[batch.events.length - 1] as BufferedEvent;
    if (next !== undefined && next.timestamp < last.timestamp) this.#sorted = false;
    this.#buffer = batch.events.concat(this.#buffer);
    this.#bufferedBytes += batch.bytes;
  }

  async #put(batch: Batch): Promise<PutOutcome> {
    if (batch.bytes > this.#options.maxBatchBytes) {
      return {
        kind: "give-up",
        reason: `log event too large: ${batch.bytes} bytes exceeds the batch limit of ${this.#options.maxBatchBytes}`,
      };
    }
    const { logGroupName, logStreamName } = this.destination;
    let recreated = false;
    for (;;) {
      try {
        if (!this.#destinationReady) await this.ensureDestination();
        const response = await this.#client.send(
          new PutLogEventsCommand({
            logGroupName,
            logStreamName,
            logEvents: batch.events.map((e) => ({ timestamp: e.timestamp, message: e.message })),
          }),
        );
        this.#journalFlushed(batch, response.rejectedLogEventsInfo);
        return { kind: "sent" };
      } catch (error) {
        const e = error as AwsErrorLike;
        if (e.name === "ResourceNotFoundException" && !recreated) {
          // The group or stream was deleted under the agent: create them again, then resend.
          recreated = true;
          this.#destinationReady = false;
          continue;
        }
        if (isRetryable(e) || e.name === "ResourceNotFoundException") {
          return { kind: "retry", reason: describe(error) };
        }
        return { kind: "give-up", reason: describe(error) };
      }
    }
  }

  /** 200 ms doubling to a minute, each delay drawn in its upper half so writers spread out. */
  #backOff(): number {
    if (this.#failures === 0) this.#firstFailureAt = this.#clock.now();
    this.#failures += 1;
    const ceiling = Math.min(RETRY_MAX_DELAY_MS, RETRY_BASE_DELAY_MS * 2 ** (this.#failures - 1));
    return Math.round(ceiling / 2 + (this.#rng.float() * ceiling) / 2);
  }

  #resetFailures(): void {
    this.#failures = 0;
    this.#firstFailureAt = 0;
  }

  #summary(batch: Batch) {
    return {
      logGroup: this.destination.logGroupName,
      logStream: this.destination.logStreamName,
      events: batch.events.length,
      errors: batch.events.reduce((n, e) => n + (e.error ? 1 : 0), 0),
      bytes: batch.bytes,
    };
  }

  #journalFlushed(batch: Batch, rejected: unknown): void {
    this.#journal.append("app.logs.flushed", {
      source: "app",
      correlation: { service: this.destination.service },
      data: {
        ...this.#summary(batch),
        ...(rejected === undefined ? {} : { rejectedLogEventsInfo: rejected }),
      },
    });
  }

  #journalFailed(batch: Batch, reason: string): void {
    this.#journal.append("app.logs.failed", {
      source: "app",
      correlation: { service: this.destination.service },
      data: { ...this.#summary(batch), reason },
    });
  }
}

async function ignoreExisting(call: Promise<unknown>): Promise<void> {
  try {
    await call;
  } catch (error) {
    if ((error as AwsErrorLike).name !== "ResourceAlreadyExistsException") throw error;
  }
}
