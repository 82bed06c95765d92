export { MAX_BULK_SIZE_IN_BYTES } from "./bulk.js";
export {
  buildShipperZip,
  SHIPPER_HANDLER,
  SHIPPER_RUNTIME,
  type ShipperEnvironmentOptions,
  shipperEnvironment,
} from "./bundle.js";
export {
  DEFAULT_LISTENER_URL,
  DEFAULT_REQUEST_TIMEOUT_SECONDS,
  DEFAULT_TYPE,
  regionListenerUrl,
  type ShipperEnv,
} from "./config.js";
export { handler, type ShipOptions, ship } from "./handler.js";
export { consoleLogger, memoryLogger, type ShipperLogger } from "./logger.js";
export type { ShipperContext } from "./logRecord.js";
