import { createHmac } from "node:crypto";
import type { Rng } from "../../../simulator/kernel/rng.js";

/**
 * `X-PagerDuty-Signature` (developer-docs webhooks/04-Signatures.md): for each signing secret,
 * `v1=` and the lowercase hex HMAC-SHA256 of the raw body keyed by the secret, joined by commas
 * with no spaces ("sent as a single string without any new lines"). Several appear while a secret
 * is being rotated.
 */
export function signatureHeader(rawBody: string | Uint8Array, secrets: readonly string[]): string {
  return secrets
    .map((secret) => `v1=${createHmac("sha256", secret).update(rawBody).digest("hex")}`)
    .join(",");
}

/**
 * A subscription's secret: "a strong unique secret is generated and provided in the response".
 * Its form is not documented; 48 random bytes in base64 (64 characters) from the run's seed.
 */
export function newSecret(rng: Rng): string {
  return Buffer.from(rng.bytes(48)).toString("base64");
}
