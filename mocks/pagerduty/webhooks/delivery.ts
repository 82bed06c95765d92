import type { Clock, TimerHandle } from "../../../simulator/kernel/clock.js";
import type { Journal } from "../../../simulator/kernel/journal.js";
import {
  CONSECUTIVE_DROPS_TO_DISABLE,
  DELIVERY_TIMEOUT_MS,
  DISABLED_FOR_MS,
  MAX_WEBHOOK_BYTES,
  RETRY_FIRST_DELAY_MS,
  RETRY_MAX_DELAY_MS,
  RETRY_WINDOW_MS,
  USER_AGENT,
} from "./limits.js";
import { signatureHeader } from "./signature.js";
import type { StoredSubscription } from "./subscriptions.js";

/** How deliveries are retried and when a subscription is disabled; PagerDuty's by default. */
export interface DeliveryPolicy {
  /**
   * Real milliseconds a receiver has to answer. Virtual time stands still while a request is in
   * flight (DESIGN §6, quiescence), so this timeout can only be measured in real time.
   */
  timeoutMs: number;
  /** Delay after the first failed attempt; each later delay doubles, up to `retryMaxDelayMs`. */
  retryFirstDelayMs: number;
  retryMaxDelayMs: number;
  /** No attempt later than this after the first one; then the webhook is dropped. */
  retryWindowMs: number;
  /** Consecutive dropped webhooks that disable the subscription. */
  consecutiveDropsToDisable: number;
  /** How long it stays disabled before deliveries resume on their own; null: until enabled. */
  disabledForMs: number | null;
  /** Larger bodies are dropped without an attempt. */
  maxWebhookBytes: number;
}

export const DEFAULT_DELIVERY_POLICY: Readonly<DeliveryPolicy> = Object.freeze({
  timeoutMs: DELIVERY_TIMEOUT_MS,
  retryFirstDelayMs: RETRY_FIRST_DELAY_MS,
  retryMaxDelayMs: RETRY_MAX_DELAY_MS,
  retryWindowMs: RETRY_WINDOW_MS,
  consecutiveDropsToDisable: CONSECUTIVE_DROPS_TO_DISABLE,
  disabledForMs: DISABLED_FOR_MS,
  maxWebhookBytes: MAX_WEBHOOK_BYTES,
});

/** The wait after failed attempt number `attempt` (1-based) before the next one. */
export function retryDelayMs(policy: DeliveryPolicy, attempt: number): number {
  return Math.min(policy.retryFirstDelayMs * 2 ** (attempt - 1), policy.retryMaxDelayMs);
}

/** One event for one subscription: the unit PagerDuty delivers, retries and drops. */
export interface Webhook {
  /** `X-Webhook-Id`: "unique to the webhook but ... repeated for each delivery attempt". */
  webhookId: string;
  eventId: string;
  eventType: string;
  subscriptionId: string;
  /**
   * Webhooks of one subscription and one resource are sent in the order they were generated, a
   * later one waiting while an earlier one is retried (02-Behavior.md, "Ordering").
   */
  resourceKey: string;
  /** The exact bytes sent on every attempt, and signed. */
  body: string;
  correlation: Record<string, string>;
  attempts: number;
  firstAttemptAt?: number;
  retry?: TimerHandle;
  ended: boolean;
}

type Outcome =
  | { ok: true; status: number }
  | { ok: false; status?: number; error: string; retryable: boolean };

export interface PendingWebhook {
  subscriptionId: string;
  webhookId: string;
  eventId: string;
  event_type: string;
  attempts: number;
  /** ISO time of the retry it waits for; absent when it waits behind another or is due now. */
  nextAttemptAt?: string;
}

export interface DeliveryQueueOptions {
  clock: Clock;
  journal: Journal;
  /** A fetch that holds the clock while a delivery is in flight (createTrackedFetch). */
  fetch: typeof fetch;
  policy: DeliveryPolicy;
  subscription(id: string): StoredSubscription | undefined;
  source: string;
}

/**
 * Sends webhooks, one attempt at a time across all subscriptions, in the order they became due:
 * fan-out within one instant runs one after another in the order the webhooks were queued (the
 * subscriptions' order), so the journal never depends on which receiver answered first. The
 * queue holds the clock while it has attempts to make; retries wait on clock timers.
 */
export class DeliveryQueue {
  readonly #o: DeliveryQueueOptions;
  /** Per subscription, per resource: webhooks in order; the head is being attempted or retried. */
  readonly #lanes = new Map<string, Map<string, Webhook[]>>();
  readonly #ready: Webhook[] = [];
  readonly #drops = new Map<string, number>();
  readonly #reenable = new Map<string, TimerHandle>();
  #pumping = false;
  /** Bumped by reset: an attempt that was in flight then has nothing left to report to. */
  #generation = 0;

  constructor(options: DeliveryQueueOptions) {
    this.#o = options;
  }

  enqueue(w: Webhook): void {
    let lanes = this.#lanes.get(w.subscriptionId);
    if (!lanes) {
      lanes = new Map();
      this.#lanes.set(w.subscriptionId, lanes);
    }
    let lane = lanes.get(w.resourceKey);
    if (!lane) {
      lane = [];
      lanes.set(w.resourceKey, lane);
    }
    lane.push(w);
    if (lane.length === 1) this.#makeReady(w);
  }

  /** Journals a webhook that is not sent at all (subscription disabled, body too large). */
  refuse(w: Webhook, reason: string): void {
    w.ended = true;
    this.#journal("pagerduty.webhook.dropped", w.correlation, {
      event_type: w.eventType,
      reason,
      attempts: 0,
    });
  }

  /** Drops every webhook still queued for a subscription, journaling each. */
  flush(subscriptionId: string, reason: string): void {
    const lanes = this.#lanes.get(subscriptionId);
    if (!lanes) return;
    this.#lanes.delete(subscriptionId);
    for (const lane of lanes.values()) {
      for (const w of lane) {
        if (w.ended) continue;
        w.ended = true;
        w.retry?.cancel();
        w.retry = undefined;
        const i = this.#ready.indexOf(w);
        if (i >= 0) this.#ready.splice(i, 1);
        this.#journal("pagerduty.webhook.dropped", w.correlation, {
          event_type: w.eventType,
          reason,
          attempts: w.attempts,
        });
      }
    }
  }

  /** Forgets a deleted subscription: its queue (journaled as dropped), counters and timers. */
  forget(subscriptionId: string): void {
    this.flush(subscriptionId, "subscription deleted");
    this.#drops.delete(subscriptionId);
    this.#reenable.get(subscriptionId)?.cancel();
    this.#reenable.delete(subscriptionId);
  }

  /** Lifts a temporary disable; false when the subscription was not disabled. */
  enable(sub: StoredSubscription, reason: string): boolean {
    this.#reenable.get(sub.id)?.cancel();
    this.#reenable.delete(sub.id);
    if (!sub.delivery_method.temporarily_disabled) return false;
    sub.delivery_method.temporarily_disabled = false;
    this.#drops.set(sub.id, 0);
    this.#journal("pagerduty.webhook.enabled", { subscriptionId: sub.id }, { reason });
    return true;
  }

  reset(): void {
    this.#generation += 1;
    for (const lanes of this.#lanes.values()) {
      for (const lane of lanes.values()) for (const w of lane) w.retry?.cancel();
    }
    for (const timer of this.#reenable.values()) timer.cancel();
    this.#lanes.clear();
    this.#ready.length = 0;
    this.#drops.clear();
    this.#reenable.clear();
  }

  /** Consecutive webhooks dropped for a subscription since its last delivery. */
  consecutiveDrops(subscriptionId: string): number {
    return this.#drops.get(subscriptionId) ?? 0;
  }

  pending(): PendingWebhook[] {
    const out: PendingWebhook[] = [];
    for (const lanes of this.#lanes.values()) {
      for (const lane of lanes.values()) {
        for (const w of lane) {
          out.push({
            subscriptionId: w.subscriptionId,
            webhookId: w.webhookId,
            eventId: w.eventId,
            event_type: w.eventType,
            attempts: w.attempts,
            ...(w.retry ? { nextAttemptAt: new Date(w.retry.due).toISOString() } : {}),
          });
        }
      }
    }
    return out;
  }

  #makeReady(w: Webhook): void {
    this.#ready.push(w);
    this.#pump();
  }

  #pump(): void {
    if (this.#pumping) return;
    this.#pumping = true;
    const done = this.#o.clock.beginWork("pagerduty webhooks: delivering");
    void (async () => {
      try {
        for (let w = this.#ready.shift(); w !== undefined; w = this.#ready.shift()) {
          try {
            await this.#run(w);
          } catch (error) {
            // A bug here (or a journal listener that threw) must not stall the other webhooks;
            // it is still reported, as an uncaught error.
            queueMicrotask(() => {
              throw error;
            });
          }
        }
      } finally {
        this.#pumping = false;
        done();
      }
    })();
  }

  async #run(w: Webhook): Promise<void> {
    const sub = this.#o.subscription(w.subscriptionId);
    if (w.ended || !sub) return;
    const generation = this.#generation;
    const { clock, policy } = this.#o;
    w.attempts += 1;
    w.firstAttemptAt ??= clock.now();
    const outcome = await this.#send(w, sub);
    if (generation !== this.#generation || w.ended) return;
    const attempt = w.attempts;

    if (outcome.ok) {
      this.#journal("pagerduty.webhook.delivered", w.correlation, {
        event_type: w.eventType,
        attempt,
        status: outcome.status,
      });
      this.#drops.set(sub.id, 0);
      this.#advance(w);
      return;
    }

    const delay = outcome.retryable ? retryDelayMs(policy, attempt) : undefined;
    const retry =
      delay !== undefined && clock.now() + delay - w.firstAttemptAt <= policy.retryWindowMs;
    this.#journal("pagerduty.webhook.failed", w.correlation, {
      event_type: w.eventType,
      attempt,
      ...(outcome.status === undefined ? {} : { status: outcome.status }),
      error: outcome.error,
      ...(retry ? { retryInMs: delay } : { final: true }),
    });
    if (retry && delay !== undefined) {
      w.retry = clock.setTimeout(
        () => {
          w.retry = undefined;
          this.#makeReady(w);
        },
        delay,
        `pagerduty.webhook.retry ${w.subscriptionId} ${w.webhookId}`,
      );
      return;
    }
    this.#journal("pagerduty.webhook.dropped", w.correlation, {
      event_type: w.eventType,
      reason: outcome.retryable ? "retries exhausted" : "permanent error",
      attempts: attempt,
    });
    this.#advance(w);
    const drops = this.consecutiveDrops(sub.id) + 1;
    this.#drops.set(sub.id, drops);
    if (drops >= policy.consecutiveDropsToDisable) this.#disable(sub, drops);
  }

  /** The webhook is done: the next one of its subscription and resource becomes due. */
  #advance(w: Webhook): void {
    w.ended = true;
    const lanes = this.#lanes.get(w.subscriptionId);
    const lane = lanes?.get(w.resourceKey);
    if (!lanes || !lane) return;
    const i = lane.indexOf(w);
    if (i >= 0) lane.splice(i, 1);
    const next = lane[0];
    if (next) this.#makeReady(next);
    else {
      lanes.delete(w.resourceKey);
      if (lanes.size === 0) this.#lanes.delete(w.subscriptionId);
    }
  }

  #disable(sub: StoredSubscription, drops: number): void {
    const { clock, policy } = this.#o;
    sub.delivery_method.temporarily_disabled = true;
    const until = policy.disabledForMs === null ? undefined : clock.now() + policy.disabledForMs;
    this.#journal(
      "pagerduty.webhook.disabled",
      { subscriptionId: sub.id },
      {
        consecutiveDrops: drops,
        ...(until === undefined ? {} : { until: new Date(until).toISOString() }),
      },
    );
    this.flush(sub.id, "subscription temporarily disabled");
    if (policy.disabledForMs === null) return;
    this.#reenable.get(sub.id)?.cancel();
    this.#reenable.set(
      sub.id,
      clock.setTimeout(
        () => {
          this.#reenable.delete(sub.id);
          const current = this.#o.subscription(sub.id);
          if (current) this.enable(current, "disabled period over");
        },
        policy.disabledForMs,
        `pagerduty.webhook.reenable ${sub.id}`,
      ),
    );
  }

  /** One attempt: PagerDuty's headers, the subscription's own, the same signed bytes each time. */
  async #send(w: Webhook, sub: StoredSubscription): Promise<Outcome> {
    const target = new URL(sub.delivery_method.url);
    const headers: Record<string, string> = {};
    for (const h of sub.delivery_method.custom_headers) headers[h.name] = h.value;
    // "add the username and password to the URL before the host address" (02-Behavior.md,
    // "Basic Authentication"): fetch refuses credentials in a URL, so they become the header.
    if (target.username !== "" || target.password !== "") {
      const hasAuthorization = Object.keys(headers).some(
        (k) => k.toLowerCase() === "authorization",
      );
      if (!hasAuthorization) {
        const user = decodeURIComponent(target.username);
        const password = decodeURIComponent(target.password);
        headers.Authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
      }
      target.username = "";
      target.password = "";
    }
    Object.assign(headers, {
      "Content-Type": "application/json",
      Accept: "application/json",
      "User-Agent": USER_AGENT,
      "X-Webhook-Id": w.webhookId,
      "X-Webhook-Subscription": sub.id,
      "X-PagerDuty-Signature": signatureHeader(w.body, sub.secrets),
    });
    try {
      const res = await this.#o.fetch(target, {
        method: "POST",
        headers,
        body: w.body,
        // PagerDuty documents 2xx as success and no redirects; a 3xx is not followed.
        redirect: "manual",
        signal: AbortSignal.timeout(this.#o.policy.timeoutMs),
      });
      await res.arrayBuffer().catch(() => undefined);
      const status = res.status;
      if (status >= 200 && status < 300) return { ok: true, status };
      return { ok: false, status, error: `HTTP ${status}`, retryable: retryableStatus(status) };
    } catch (error) {
      return { ok: false, ...failureOf(error) };
    }
  }

  #journal(type: string, correlation: Record<string, string>, data: Record<string, unknown>) {
    this.#o.journal.append(type, { source: this.#o.source, correlation, data });
  }
}

/**
 * Retried: "5XX (server error) response" and "429 (rate limit error) response". Any other answer
 * that is not a 2xx is dropped at once: "4XX response from the server (except for 429)" is
 * documented; 1xx and 3xx are not, and are treated like it.
 */
function retryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

const TLS_ERROR = /CERT|SELF_SIGNED|SIGNATURE|^ERR_TLS_|^ERR_SSL_|^EPROTO$/;

/**
 * A request that got no answer. Retried: "No response / timeout", "Connection cannot be
 * established (except for most TLS errors)", "TLS certificate expired errors", "DNS errors".
 * Dropped: "TLS errors when establishing a connection (except for expired certificates)", and a
 * request fetch itself refused to build (it would fail the same way every time). The journal gets
 * the error's code, never its message, which names the receiver's port.
 */
function failureOf(error: unknown): { error: string; retryable: boolean } {
  const name = (error as { name?: unknown } | null)?.name;
  if (name === "TimeoutError" || name === "AbortError")
    return { error: "timeout", retryable: true };
  const code = causeCode(error);
  if (code === undefined) {
    return { error: error instanceof Error ? error.name : "error", retryable: false };
  }
  if (code === "CERT_HAS_EXPIRED") return { error: code, retryable: true };
  return { error: code, retryable: !TLS_ERROR.test(code) };
}

function causeCode(error: unknown): string | undefined {
  let current: unknown = (error as { cause?: unknown } | null)?.cause;
  for (let depth = 0; current && depth < 5; depth++) {
    const c = current as { code?: unknown; errors?: unknown[]; cause?: unknown; name?: unknown };
    if (typeof c.code === "string") return c.code;
    const first = Array.isArray(c.errors) ? (c.errors[0] as { code?: unknown }) : undefined;
    if (typeof first?.code === "string") return first.code;
    if (c.cause === undefined && typeof c.name === "string") return c.name;
    current = c.cause;
  }
  return undefined;
}
