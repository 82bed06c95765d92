/**
 * Secrets out of recordings. Known values (the run's tokens, routing keys, webhook secret) are
 * replaced wherever they occur, inside longer strings too; any string under a key whose name
 * says it is a secret is replaced whatever its value (a catch-all for fields nobody listed).
 * Values are not guessed from their shape: a routing key and a trace id are both 32 hex digits.
 * A placeholder names the kind of secret and a number per distinct value, so the same secret
 * reads the same everywhere and a replay, whose fresh secrets are registered in the same order,
 * produces the same placeholders.
 */
import type { JournalEvent } from "../../simulator/kernel/journal.js";
import type { Chain } from "../wiring/chain.js";

const SECRET_KEY =
  /(token|secret|signature|password|passwd|authorization|api[_-]?key|routing[_-]?key|service[_-]?key|integration[_-]?key|credential)/i;
export const PLACEHOLDER = /^<redacted:[a-z0-9_.-]+#\d+>$/i;
/** Shorter values ("test") would match ordinary text; they are left alone. */
const MIN_SECRET_LENGTH = 8;

export class Redactor {
  readonly #known = new Map<string, string>();
  readonly #counts = new Map<string, number>();

  /** Registers a secret under its kind (`pagerduty.routing_key`); returns its placeholder. */
  register(kind: string, value: string | undefined): string | undefined {
    if (!value || value.length < MIN_SECRET_LENGTH) return undefined;
    const existing = this.#known.get(value);
    if (existing) return existing;
    const n = (this.#counts.get(kind) ?? 0) + 1;
    this.#counts.set(kind, n);
    const placeholder = `<redacted:${kind}#${n}>`;
    this.#known.set(value, placeholder);
    return placeholder;
  }

  /** How many distinct values have been replaced. */
  get size(): number {
    return this.#known.size;
  }

  redactString(text: string): string {
    let out = text;
    for (const [value, placeholder] of this.#known)
      if (out.includes(value)) out = out.split(value).join(placeholder);
    return out;
  }

  redactValue(value: unknown, key?: string): unknown {
    if (typeof value === "string") {
      if (key !== undefined && SECRET_KEY.test(key) && !PLACEHOLDER.test(value) && value !== "")
        return this.register(`field.${key.toLowerCase()}`, value) ?? "<redacted:field#0>";
      return this.redactString(value);
    }
    if (Array.isArray(value)) return value.map((v) => this.redactValue(v));
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = this.redactValue(v, k);
      return out;
    }
    return value;
  }

  redactEvent(event: JournalEvent): JournalEvent {
    return {
      seq: event.seq,
      time: event.time,
      type: event.type,
      source: event.source,
      correlation: this.redactValue(event.correlation) as Record<string, string>,
      data: this.redactValue(event.data) as Record<string, unknown>,
    };
  }
}

/** A redactor that knows every secret of this chain, registered in a fixed order. */
export function redactorFor(chain: Chain): Redactor {
  const redactor = new Redactor();
  const env = chain.sim.env;
  redactor.register("logzio.token", env.LOGZIO_TOKEN);
  redactor.register("logzio.api_token", env.LOGZIO_API_TOKEN);
  redactor.register("pagerduty.token", env.PAGERDUTY_TOKEN);
  redactor.register("pagerduty.routing_key", env.PAGERDUTY_ROUTING_KEY);
  for (const service of chain.wiring.pagerduty.services.values())
    redactor.register("pagerduty.routing_key", service.routingKey);
  redactor.register("pagerduty.webhook_secret", chain.wiring.pagerduty.webhookSecret);
  redactor.register("aws.secret_access_key", env.AWS_SECRET_ACCESS_KEY);
  return redactor;
}
