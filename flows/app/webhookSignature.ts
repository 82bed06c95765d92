import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * `X-PagerDuty-Signature` (PagerDuty developer-docs webhooks/04-Signatures.md): comma-separated
 * `v1=<lowercase hex HMAC-SHA256 of the raw body>`, several while a secret rotates. The body is
 * genuine if any v1 value matches, compared in constant time.
 */
export function verifyPagerDutySignature(
  rawBody: Uint8Array,
  header: string | undefined,
  secret: string,
): boolean {
  if (header === undefined) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  return header.split(",").some((part) => {
    const value = part.trim();
    if (!value.startsWith("v1=")) return false;
    const hex = value.slice(3);
    if (!/^[0-9a-f]{64}$/.test(hex)) return false;
    return timingSafeEqual(Buffer.from(hex, "hex"), expected);
  });
}
