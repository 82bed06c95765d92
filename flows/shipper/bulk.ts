import { gzipSync } from "node:zlib";

/** The most a bulk may hold before it is sent (shipper.py MAX_BULK_SIZE_IN_BYTES). */
export const MAX_BULK_SIZE_IN_BYTES = 3 * 1024 * 1024;

/**
 * `sys.getsizeof(str)` of a compact ASCII string on 64-bit CPython: 49 bytes of object header
 * plus one per character. json.dumps escapes everything else, so its output is always ASCII.
 */
export const PY_ASCII_STR_OVERHEAD = 49;

export function pySizeOf(asciiText: string): number {
  return PY_ASCII_STR_OVERHEAD + asciiText.length;
}

/** One invocation's pending request body, as the Python StringLogRequest / GzipLogRequest. */
export interface LogRequest {
  readonly count: number;
  write(line: string): void;
  /** `decompress_size() > MAX` after a write: send now, the line that crossed included. */
  full(): boolean;
  /** `compress_size()` is non-zero at flush. */
  pending(): boolean;
  body(): Uint8Array;
  headers(): Record<string, string>;
  reset(): void;
}

/** Uncompressed: lines joined by "\n", sized with getsizeof. */
export function plainLogRequest(maxBytes = MAX_BULK_SIZE_IN_BYTES): LogRequest {
  let lines: string[] = [];
  let size = 0;
  return {
    get count() {
      return lines.length;
    },
    write(line) {
      lines.push(line);
      size += pySizeOf(line);
    },
    full: () => size > maxBytes,
    pending: () => size > 0,
    body: () => Buffer.from(lines.join("\n"), "utf8"),
    // urllib sends header names capitalize()d.
    headers: () => ({ "Content-type": "application/json" }),
    reset() {
      lines = [];
      size = 0;
    },
  };
}

/**
 * Gzip: the Python class never increments its decompressed-size counter, so it is never full
 * and a whole invocation goes in one request at the end. Its gzip header is written when the
 * writer is made, so even an empty one is "pending" and sent. Both quirks are reproduced.
 */
export function gzipLogRequest(): LogRequest {
  let lines: string[] = [];
  return {
    get count() {
      return lines.length;
    },
    write(line) {
      lines.push(line);
    },
    full: () => false,
    pending: () => true,
    body: () => gzipSync(Buffer.from(lines.join("\n"), "utf8"), { level: 9 }),
    headers: () => ({ "Content-encoding": "gzip", "Content-type": "application/json" }),
    reset() {
      lines = [];
    },
  };
}
