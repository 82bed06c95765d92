/**
 * The logzio-shipper Lambda: CloudWatch Logs subscription events to the Logz.io listener, as
 * Logz.io's Python CloudWatch shipper does it (reference/logzio.md §3). Node built-ins only:
 * bundle.ts packs this file and its imports into the function's index.js.
 */

import type { ShipperEnv } from "./config.js";
import { shipperSettings } from "./config.js";
import { keyError, typeError } from "./errors.js";
import { decodeAwsLogsEvent } from "./event.js";
import { consoleLogger, type ShipperLogger } from "./logger.js";
import { additionalLogData, parseCloudWatchLog, type ShipperContext } from "./logRecord.js";
import { LogzioShipper, type ShipperIo } from "./shipper.js";

export interface ShipOptions extends ShipperIo {
  env: ShipperEnv;
  log: ShipperLogger;
}

/**
 * `lambda_handler`, step by step: decode, the added fields (ENRICH errors fail here), the
 * shipper (a missing TOKEN fails here), then each log in turn. CONTROL_MESSAGE payloads get no
 * special treatment: their events are shipped like any other, as the original does.
 */
export async function ship(event: unknown, context: ShipperContext, options: ShipOptions) {
  const { env, log } = options;
  log.debug(`Handling event: ${JSON.stringify(event)}`);
  const payload = decodeAwsLogsEvent(event, log);
  const additional = additionalLogData(payload, context, env, log);
  const shipper = new LogzioShipper(shipperSettings(env, log), log, options);
  const logEvents = payload.get("logEvents");
  if (logEvents === undefined) throw keyError("logEvents");
  if (!Array.isArray(logEvents)) throw typeError(`'${typeof logEvents}' object is not iterable`);
  log.info(`About to send ${logEvents.length} logs`);
  for (const record of logEvents) {
    if (!(record instanceof Map)) {
      throw typeError("Expected log inside logEvents to be a dict but found another type");
    }
    parseCloudWatchLog(record, additional, env, log);
    await shipper.add(record);
  }
  await shipper.flush();
}

/** The Lambda entry point (Handler `index.handler`). Resolves to null, as the Python None. */
export async function handler(event: unknown, context: ShipperContext): Promise<null> {
  const env = process.env;
  await ship(event, context, { env, log: consoleLogger(env.SHIPPER_LOG_LEVEL) });
  return null;
}
