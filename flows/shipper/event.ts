import { gunzipSync } from "node:zlib";
import { keyError, PythonError, typeError, valueError } from "./errors.js";
import type { ShipperLogger } from "./logger.js";
import { loads, type PyDict, type PyValue } from "./pyjson.js";

/** The event CloudWatch Logs hands a subscribed function. */
export interface AwsLogsEvent {
  awslogs: { data: string };
}

const BASE64_CHAR = /^[A-Za-z0-9+/]$/;

/**
 * `base64.b64decode(text)` without validation, as binascii reads it: characters outside the
 * alphabet are skipped, padding ends the input once it completes a group, and a group left
 * incomplete is a ValueError.
 */
export function pythonB64decode(text: string): Buffer {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ASCII is the whole range
  if (!/^[\x00-\x7f]*$/.test(text)) {
    throw valueError("string argument should contain only ASCII characters");
  }
  const valid = [...text].filter((c) => c === "=" || BASE64_CHAR.test(c));
  let data = "";
  let complete = false;
  for (let i = 0; i < valid.length; i++) {
    const c = valid[i] as string;
    if (c !== "=") {
      data += c;
      continue;
    }
    const position = data.length % 4;
    if (position === 3 || (position === 2 && valid[i + 1] === "=")) {
      complete = true;
      break;
    }
  }
  const position = data.length % 4;
  if (!complete && position === 1) {
    throw valueError(
      `Invalid base64-encoded string: number of data characters (${data.length}) cannot be 1 more than a multiple of 4`,
    );
  }
  if (!complete && position !== 0) throw valueError("Incorrect padding");
  return Buffer.from(data, "base64");
}

function gunzip(bytes: Buffer): Buffer {
  if (bytes.length >= 2 && (bytes[0] !== 0x1f || bytes[1] !== 0x8b)) {
    const head = [...bytes.subarray(0, 2)].map((b) => `\\x${b.toString(16).padStart(2, "0")}`);
    throw new PythonError("BadGzipFile", `Not a gzipped file (b'${head.join("")}')`);
  }
  if (bytes.length === 0) return Buffer.alloc(0);
  try {
    return gunzipSync(bytes);
  } catch {
    throw new PythonError(
      "EOFError",
      "Compressed file ended before the end-of-stream marker was reached",
    );
  }
}

/**
 * `_extract_aws_logs_data`: base64, gunzip, JSON. Base64 and JSON failures are logged and
 * re-raised as ValueError("Exception: json loads"); a bad gzip stream is an OSError in Python,
 * not caught there, and fails the invocation under its own name.
 */
export function decodeAwsLogsEvent(event: unknown, log: ShipperLogger): PyDict {
  const awslogs = (event as { awslogs?: unknown } | null)?.awslogs;
  if (awslogs === undefined) throw keyError("awslogs");
  const data = (awslogs as { data?: unknown } | null)?.data;
  if (data === undefined) throw keyError("data");
  if (typeof data !== "string") {
    throw typeError(`argument should be a bytes-like object or ASCII string, not '${typeof data}'`);
  }
  let decoded: Buffer;
  try {
    decoded = pythonB64decode(data);
  } catch (error) {
    log.error(`Got exception while loading json, message: ${(error as Error).message}`);
    throw valueError("Exception: json loads");
  }
  const unzipped = gunzip(decoded);
  let payload: PyValue;
  try {
    let text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(unzipped);
    // json.loads(bytes) detects the encoding, and a UTF-8 BOM with it.
    if (text.startsWith("\ufeff")) text = text.slice(1);
    payload = loads(text);
  } catch (error) {
    log.error(`Got exception while loading json, message: ${(error as Error).message}`);
    throw valueError("Exception: json loads");
  }
  if (!(payload instanceof Map)) {
    throw typeError(`${Array.isArray(payload) ? "list" : "value"} indices must be integers`);
  }
  return payload;
}
