import { keyError } from "./errors.js";
import type { ShipperLogger } from "./logger.js";

/** The environment variables the shipper reads (reference/logzio.md §3.1). */
export type ShipperEnv = Readonly<Record<string, string | undefined>>;

export const DEFAULT_LISTENER_URL = "https://listener.logz.io:8071";
export const DEFAULT_TYPE = "logzio_cloudwatch_lambda";
export const DEFAULT_REQUEST_TIMEOUT_SECONDS = 15;

export interface ShipperSettings {
  /** `{base}/?token={TOKEN}`, the token as given (not URL-encoded, as the Python format). */
  url: string;
  compress: boolean;
  requestTimeoutSeconds: number;
}

/** "us" has no suffix; any other region code becomes `listener-<code>.logz.io`. */
export function regionListenerUrl(region: string): string {
  const code = region !== "us" && region !== "" ? `-${region}` : "";
  return DEFAULT_LISTENER_URL.replace("listener.", `listener${code}.`);
}

/**
 * Python's `int(text)`: surrounding whitespace, a sign, digits with single underscores
 * between them. Anything else is a ValueError.
 */
function pythonInt(text: string): number | undefined {
  const trimmed = text.trim();
  return /^[+-]?\d+(?:_\d+)*$/.test(trimmed) ? Number(trimmed.replaceAll("_", "")) : undefined;
}

/**
 * REQUEST_TIMEOUT in seconds. shipper.py's `_get_timeout` catches the ValueError of a
 * non-integer and falls back to 15 with a warning (the reference note says the invocation
 * fails; the code says otherwise, and the code is followed here). Unset, Python would call
 * `int(None)` and fail with a TypeError; the SAM template always sets it, so unset means 15.
 */
export function requestTimeoutSeconds(text: string | undefined, log: ShipperLogger): number {
  const fallback = DEFAULT_REQUEST_TIMEOUT_SECONDS;
  if (text === undefined || text === "") return fallback;
  const timeout = pythonInt(text);
  if (timeout === undefined) {
    log.warning(`Could not parse timeout input ${text}, reverting to default value ${fallback}`);
    return fallback;
  }
  if (timeout > 0) return timeout;
  log.warning(`Timeout input from user is invalid, reverting to default value ${fallback}`);
  return fallback;
}

/** What `LogzioShipper.__init__` reads, in its order (a missing TOKEN is a KeyError). */
export function shipperSettings(env: ShipperEnv, log: ShipperLogger): ShipperSettings {
  let base = DEFAULT_LISTENER_URL;
  if (env.LISTENER_URL) {
    base = env.LISTENER_URL;
    log.warning(
      "Environment variable URL is deprecated and will not be supported in the future. Use REGION instead",
    );
  }
  if (env.REGION) base = regionListenerUrl(env.REGION);
  const token = env.TOKEN;
  if (token === undefined) {
    log.error("Missing logz.io account token environment variable: 'TOKEN'");
    throw keyError("TOKEN");
  }
  return {
    url: `${base}/?token=${token}`,
    compress: env.COMPRESS !== undefined && env.COMPRESS.toLowerCase() === "true",
    requestTimeoutSeconds: requestTimeoutSeconds(env.REQUEST_TIMEOUT, log),
  };
}
