import { invalidNextToken } from "./errors.js";

/**
 * Pagination tokens. Opaque to clients, but each encodes a position rather than an offset, so a
 * page boundary survives events arriving (or expiring) between calls.
 */

/** A position between events: everything after (or before) the event with this key. */
export interface EventKey {
  timestamp: number;
  seq: number;
}

const TS_DIGITS = 15;
const SEQ_DIGITS = 20;
const PAD_DIGITS = 56 - TS_DIGITS - SEQ_DIGITS;

export const FIRST_KEY: EventKey = { timestamp: 0, seq: 0 };
export const LAST_KEY: EventKey = { timestamp: 10 ** TS_DIGITS - 1, seq: Number.MAX_SAFE_INTEGER };

/** GetLogEvents tokens look like AWS's: `f/<56 digits>/s` forward, `b/<56 digits>/s` backward. */
export function streamToken(direction: "f" | "b", key: EventKey): string {
  return (
    `${direction}/${String(key.timestamp).padStart(TS_DIGITS, "0")}` +
    `${String(key.seq).padStart(SEQ_DIGITS, "0")}${"0".repeat(PAD_DIGITS)}/s`
  );
}

export function parseStreamToken(token: string): { direction: "f" | "b"; key: EventKey } {
  const match = /^([fb])\/(\d{15})(\d{20})(\d{21})(?:\/s)?$/.exec(token);
  if (!match) throw invalidNextToken();
  return {
    direction: match[1] as "f" | "b",
    key: { timestamp: Number(match[2]), seq: Math.min(Number(match[3]), Number.MAX_SAFE_INTEGER) },
  };
}

/** FilterLogEvents: the key of the last event returned. */
export function filterToken(key: EventKey): string {
  return Buffer.from(`e1|${key.timestamp}|${key.seq}`).toString("base64url");
}

export function parseFilterToken(token: string): EventKey {
  const match = /^e1\|(\d{1,16})\|(\d{1,16})$/.exec(Buffer.from(token, "base64url").toString());
  if (!match) throw invalidNextToken();
  return { timestamp: Number(match[1]), seq: Number(match[2]) };
}

/** Describe* operations: the name of the last item returned (names are unique per listing). */
export function nameToken(name: string): string {
  return Buffer.from(`n1|${name}`).toString("base64url");
}

export function parseNameToken(token: string): string {
  const text = Buffer.from(token, "base64url").toString();
  if (!text.startsWith("n1|")) throw invalidNextToken();
  return text.slice(3);
}

/** Describe* listings whose order moves under the reader (LastEventTime): an offset. */
export function offsetToken(offset: number): string {
  return Buffer.from(`o1|${offset}`).toString("base64url");
}

export function parseOffsetToken(token: string): number {
  const match = /^o1\|(\d{1,9})$/.exec(Buffer.from(token, "base64url").toString());
  if (!match) throw invalidNextToken();
  return Number(match[1]);
}
