import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { zipSync } from "fflate";

/** The function's handler and runtime, for CreateFunction. */
export const SHIPPER_HANDLER = "index.handler";
export const SHIPPER_RUNTIME = "nodejs20.x";

/**
 * The zip's entry time. A fixed instant would read differently in each time zone (zip times are
 * local), so the fields are given as local ones: the same bytes on every machine.
 */
const ZIP_ENTRY_TIME = new Date(1980, 0, 1, 0, 0, 0);

/** handler.ts next to this module from sources (vitest, tsx); handler.js in dist/. */
function handlerEntry(): string {
  for (const name of ["handler.ts", "handler.js"]) {
    const file = fileURLToPath(new URL(`./${name}`, import.meta.url));
    if (existsSync(file)) return file;
  }
  throw new Error(
    `logzio-shipper: neither handler.ts nor handler.js next to ${fileURLToPath(import.meta.url)}`,
  );
}

async function bundle(): Promise<Uint8Array> {
  const result = await build({
    entryPoints: [handlerEntry()],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    outfile: "index.js",
    write: false,
    logLevel: "silent",
    legalComments: "none",
  });
  const [output] = result.outputFiles;
  if (!output) throw new Error("logzio-shipper: esbuild produced no output");
  return zipSync({ "index.js": [output.contents, { mtime: ZIP_ENTRY_TIME }] });
}

let cached: Promise<Uint8Array> | undefined;

/** The deployment package: `index.js` at the root, bundled once per process. */
export function buildShipperZip(): Promise<Uint8Array> {
  cached ??= bundle().catch((error: unknown) => {
    cached = undefined;
    throw error;
  });
  return cached;
}

export interface ShipperEnvironmentOptions {
  token: string;
  listenerUrl: string;
  type?: string;
  format?: "json" | "text";
  compress?: boolean;
  /** `k1=v1;k2=v2`, or the pairs as a record. */
  enrich?: string | Record<string, string>;
  requestTimeoutSeconds?: number;
  shipperLogLevel?: "DEBUG" | "INFO" | "WARNING" | "ERROR" | "CRITICAL";
}

/**
 * `Environment.Variables` for CreateFunction, as the SAM template sets them (COMPRESS,
 * REQUEST_TIMEOUT and SHIPPER_LOG_LEVEL always present, with the template's defaults, except
 * COMPRESS, which stays false unless asked for: the listener's journal reads plain bodies).
 */
export function shipperEnvironment(options: ShipperEnvironmentOptions): Record<string, string> {
  const enrich =
    typeof options.enrich === "object"
      ? Object.entries(options.enrich)
          .map(([key, value]) => `${key}=${value}`)
          .join(";")
      : options.enrich;
  return {
    TOKEN: options.token,
    LISTENER_URL: options.listenerUrl,
    TYPE: options.type ?? "logzio_cloudwatch_lambda",
    FORMAT: options.format ?? "text",
    COMPRESS: options.compress ? "true" : "false",
    REQUEST_TIMEOUT: String(options.requestTimeoutSeconds ?? 15),
    SHIPPER_LOG_LEVEL: options.shipperLogLevel ?? "INFO",
    ...(enrich ? { ENRICH: enrich } : {}),
  };
}
