import { DEFAULT_TYPE, type ShipperEnv } from "./config.js";
import { dateutilParseError } from "./dateutilParse.js";
import { indexError, keyError, PythonError, typeError } from "./errors.js";
import type { ShipperLogger } from "./logger.js";
import { loads, type PyDict, type PyValue, pyStr, pyTypeName } from "./pyjson.js";

/** The log group prefixes the shipper maps to a `namespace` field, first match wins. */
export const LOG_GROUP_TO_PREFIX: readonly (readonly [string, string])[] = [
  ["/aws/apigateway/", "aws/apigateway"],
  ["/aws/rds/cluster/", "aws/rds"],
  ["/aws/cloudhsm/", "aws/cloudhsm"],
  ["aws-cloudtrail-logs-", "aws/cloudtrail"],
  ["/aws/codebuild/", "aws/codebuild"],
  ["/aws/connect/", "aws/connect"],
  ["/aws/elasticbeanstalk/", "aws/elasticbeanstalk"],
  ["/aws/ecs/", "aws/ecs"],
  ["/aws/eks/", "aws/eks"],
  ["/aws-glue/", "glue"],
  ["AWSIotLogsV2", "aws/iot"],
  ["/aws/lambda/", "aws/lambda"],
  ["/aws/macie/", "aws/macie"],
  ["/aws/amazonmq/broker/", "aws/amazonmq"],
];

export const LOG_LEVELS: ReadonlySet<string> = new Set([
  "ALERT",
  "TRACE",
  "DEBUG",
  "NOTICE",
  "INFO",
  "WARN",
  "WARNING",
  "ERROR",
  "ERR",
  "CRITICAL",
  "CRIT",
  "FATAL",
  "SEVERE",
  "EMERG",
  "EMERGENCY",
]);

const LAMBDA_LOG_GROUP = "/aws/lambda/";
const PYTHON_EVENT_SIZE = 3;
const NODEJS_EVENT_SIZE = 4;

/** The parts of the Lambda context the shipper reads. */
export interface ShipperContext {
  functionVersion?: string;
  invokedFunctionArn?: string;
}

/** The namespace of a log group, or "" when no prefix matches. */
export function namespaceOf(logGroup: string): string {
  for (const [prefix, namespace] of LOG_GROUP_TO_PREFIX) {
    if (logGroup.startsWith(prefix)) return namespace;
  }
  return "";
}

/**
 * `_get_additional_logs_data`: the fields added to every log of the payload. ENRICH is split
 * on ";" then "=", keeping the first two parts: "a=b=c" adds a = "b", and an entry without "="
 * (a trailing ";" included) is an IndexError that fails the invocation.
 */
export function additionalLogData(
  payload: PyDict,
  context: ShipperContext,
  env: ShipperEnv,
  log: ShipperLogger,
): PyDict {
  const additional: PyDict = new Map();
  for (const key of ["logGroup", "logStream", "messageType", "owner"]) {
    if (!payload.has(key)) throw keyError(key);
    additional.set(key, payload.get(key) as PyValue);
  }
  const logGroup = additional.get("logGroup");
  if (typeof logGroup === "string") {
    const namespace = namespaceOf(logGroup);
    if (namespace === "") {
      log.info(`Mapping from log group to namespace does not exist for log group ${logGroup}`);
    } else {
      additional.set("namespace", namespace);
    }
  } else {
    log.warning(
      `Error while trying to get namespace: '${pyTypeName(logGroup)}' object has no attribute 'startswith'`,
    );
  }
  // The shipper's own function, not the one whose logs these are.
  additional.set("function_version", context.functionVersion ?? null);
  additional.set("invoked_function_arn", context.invokedFunctionArn ?? null);

  if (env.ENRICH) {
    for (const property of env.ENRICH.split(";")) {
      const [key, value] = property.split("=");
      if (key === undefined || value === undefined) throw indexError();
      additional.set(key, value);
    }
  }
  if (env.TYPE !== undefined) {
    additional.set("type", env.TYPE);
  } else {
    log.info(`Using default TYPE '${DEFAULT_TYPE}'.`);
    additional.set("type", DEFAULT_TYPE);
  }
  return additional;
}

/** `_add_timestamp`: the event's epoch milliseconds as a string, unless @timestamp is there. */
export function addTimestamp(record: PyDict): void {
  if (record.has("@timestamp")) return;
  if (!record.has("timestamp")) throw keyError("timestamp");
  record.set("@timestamp", pyStr(record.get("timestamp") as PyValue));
  record.delete("timestamp");
}

/**
 * `_extract_lambda_log_message`: a Lambda runtime's line "ts\trequestId\tmsg" (Python) or
 * "ts\trequestId\tLEVEL\tmsg" (Node.js), optionally after "[LEVEL]\t". The first "[" and the
 * first "]" anywhere in the text are taken as the level's brackets, so a known level in
 * brackets mid-message cuts what comes before it (a quirk of the original). Lines with another
 * number of tab-separated parts, or whose first part is not a date, are left as they are.
 */
export function extractLambdaLogMessage(record: PyDict, log: ShipperLogger): void {
  if (!record.has("message")) throw keyError("message");
  const text = pyStr(record.get("message") as PyValue);
  let startSplit = 0;
  const startLevel = text.indexOf("[");
  const endLevel = text.indexOf("]");
  if (startLevel !== -1 && endLevel !== -1) {
    const level = text.slice(startLevel + 1, endLevel).toUpperCase();
    if (LOG_LEVELS.has(level)) {
      record.set("log_level", level);
      startSplit = endLevel + 2;
    }
  }
  const parts = text.slice(startSplit).split("\t");
  const size = parts.length;
  if (size !== PYTHON_EVENT_SIZE && size !== NODEJS_EVENT_SIZE) return;
  const notADate = dateutilParseError(parts[0] as string);
  if (notADate !== undefined) {
    log.warning(`Error occurred while trying to parse log time: ${notADate}.`);
    return;
  }
  record.set("@timestamp", parts[0] as string);
  record.set("requestID", parts[1] as string);
  record.set("message", parts[size - 1] as string);
  if (size === NODEJS_EVENT_SIZE) record.set("log_level", parts[2] as string);
}

/**
 * `_parse_to_json`: with FORMAT=json, a message that is a JSON object has its keys merged at the
 * top level, over everything (type and @timestamp included). A list, or anything that fails, is
 * left as text with a log line. With FORMAT unset the lookup itself fails, so the original logs
 * "Error occurred ... 'FORMAT'" for every log; that is reproduced.
 */
export function parseToJson(record: PyDict, format: string | undefined, log: ShipperLogger): void {
  try {
    if (format === undefined) throw keyError("FORMAT");
    if (format.toLowerCase() !== "json") return;
    if (!record.has("message")) throw keyError("message");
    const message = record.get("message") as PyValue;
    if (typeof message !== "string") {
      throw typeError(
        `the JSON object must be str, bytes or bytearray, not ${pyTypeName(message)}`,
      );
    }
    const parsed = loads(message);
    if (Array.isArray(parsed)) {
      log.info("Field message is a list and cannot be parsed to JSON");
      return;
    }
    if (!(parsed instanceof Map)) {
      throw new PythonError(
        "AttributeError",
        `'${pyTypeName(parsed)}' object has no attribute 'items'`,
      );
    }
    for (const [key, value] of parsed) record.set(key, value);
  } catch (error) {
    log.warning(
      `Error occurred while trying to parse log to JSON: ${(error as Error).message}. Field will be passed as string.`,
    );
  }
}

/** `_parse_cloudwatch_log`, in its order: timestamp, Lambda line, added fields, JSON merge. */
export function parseCloudWatchLog(
  record: PyDict,
  additional: PyDict,
  env: ShipperEnv,
  log: ShipperLogger,
): void {
  addTimestamp(record);
  const logGroup = additional.get("logGroup");
  if (typeof logGroup !== "string") {
    throw typeError(`argument of type '${pyTypeName(logGroup)}' is not iterable`);
  }
  if (logGroup.includes(LAMBDA_LOG_GROUP)) extractLambdaLogMessage(record, log);
  for (const [key, value] of additional) record.set(key, value);
  parseToJson(record, env.FORMAT, log);
}
