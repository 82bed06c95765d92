import type { Rng } from "./rng.js";

export interface IdFactory {
  /** A PagerDuty object id: "P" + 6 of [A-Z0-9]; never repeats within one factory. */
  pagerDutyId(): string;
  /**
   * A CloudWatch Logs event id: 56 decimal digits, first digit not 0. Ids for later timestamps
   * compare greater as strings (real ids sort by time); ids for one timestamp sort in issue order.
   */
  cloudWatchEventId(timestampMs: number): string;
  /** A Lambda/AWS request id: lowercase UUID v4. */
  awsRequestId(): string;
  /** Named counters starting at 1 (incident numbers, ...). */
  sequence(name: string): number;
}

const PD_ALPHABET = [..."ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"];
const PD_ID_LENGTH = 6;
const PD_ID_SPACE = PD_ALPHABET.length ** PD_ID_LENGTH;

// Event id layout, 56 digits: "1" | timestamp, 15 digits | counter, 10 digits | 30 random digits.
// The leading "1" keeps the first digit non-zero; fixed widths make string order equal numeric order.
const CW_TIMESTAMP_DIGITS = 15;
const CW_COUNTER_DIGITS = 10;
const CW_RANDOM_DIGITS = 30;
const CW_MAX_TIMESTAMP = 10 ** CW_TIMESTAMP_DIGITS - 1;
const CW_MAX_COUNTER = 10 ** CW_COUNTER_DIGITS - 1;

/** Ten decimal digits from a 32-bit avalanche mix (murmur3's finalizer) of counter and salt. */
function cwDigits(counter: number, salt: number): string {
  let x = (counter ^ salt) >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  x = (x ^ (x >>> 16)) >>> 0;
  return String(x).padStart(CW_RANDOM_DIGITS / 3, "0");
}

/**
 * Each kind of id draws from its own fork of `rng`, so issuing more ids of one kind never shifts
 * the ids of another.
 */
export function createIdFactory(rng: Rng): IdFactory {
  const pdRng = rng.fork("pagerduty-id");
  const cwRng = rng.fork("cloudwatch-event-id");
  const requestRng = rng.fork("aws-request-id");
  const issuedPagerDutyIds = new Set<string>();
  const counters = new Map<string, number>();
  let cwCounter = 0;
  const cwSalt = [cwRng.nextUint32(), cwRng.nextUint32(), cwRng.nextUint32()] as const;

  return {
    pagerDutyId() {
      if (issuedPagerDutyIds.size >= PD_ID_SPACE) throw new Error("PagerDuty id space exhausted");
      for (;;) {
        let id = "P";
        for (let i = 0; i < PD_ID_LENGTH; i++) id += pdRng.pick(PD_ALPHABET);
        if (!issuedPagerDutyIds.has(id)) {
          issuedPagerDutyIds.add(id);
          return id;
        }
      }
    },

    cloudWatchEventId(timestampMs) {
      if (!Number.isSafeInteger(timestampMs) || timestampMs < 0 || timestampMs > CW_MAX_TIMESTAMP) {
        throw new Error(
          `cloudWatchEventId needs an integer timestamp in ms within [0, ${CW_MAX_TIMESTAMP}], got ${timestampMs}`,
        );
      }
      if (cwCounter >= CW_MAX_COUNTER) throw new Error("CloudWatch event id counter exhausted");
      // The counter, not the random part, guarantees uniqueness.
      cwCounter += 1;
      // Hashed from the counter with a salt drawn once: an rng draw per event dominated ingest.
      const random =
        cwDigits(cwCounter, cwSalt[0]) +
        cwDigits(cwCounter, cwSalt[1]) +
        cwDigits(cwCounter, cwSalt[2]);
      return (
        "1" +
        String(timestampMs).padStart(CW_TIMESTAMP_DIGITS, "0") +
        String(cwCounter).padStart(CW_COUNTER_DIGITS, "0") +
        random
      );
    },

    awsRequestId() {
      const b = requestRng.bytes(16);
      // RFC 9562: version 4 in the high nibble of byte 6, variant 0b10 in the top bits of byte 8.
      b[6] = ((b[6] ?? 0) & 0x0f) | 0x40;
      b[8] = ((b[8] ?? 0) & 0x3f) | 0x80;
      const hex = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
      return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
    },

    sequence(name) {
      const next = (counters.get(name) ?? 0) + 1;
      counters.set(name, next);
      return next;
    },
  };
}
