import { z } from "zod";
import type { AwsError } from "../protocol.js";
import {
  type ConstraintFailure,
  constraintViolation,
  NULL_VALUE,
  serializationError,
} from "./errors.js";
import { RETENTION_DAYS } from "./limits.js";

/**
 * Input schemas of every operation, written from the Smithy model's constraints (length, range,
 * pattern, enum, required), member by member in the model's order so failures are listed as AWS
 * lists them. Each check carries AWS's constraint text; `parseInput` turns zod issues into the
 * "N validation errors detected" template, or a SerializationException for a wrong JSON type.
 */

const lengthMin = (n: number) => `Member must have length greater than or equal to ${n}`;
const lengthMax = (n: number) => `Member must have length less than or equal to ${n}`;
const valueMin = (n: number) => `Member must have value greater than or equal to ${n}`;
const valueMax = (n: number) => `Member must have value less than or equal to ${n}`;

function str(c: { min?: number; max?: number; pattern?: string } = {}) {
  let s = z.string();
  if (c.min !== undefined) s = s.min(c.min, lengthMin(c.min));
  if (c.max !== undefined) s = s.max(c.max, lengthMax(c.max));
  if (c.pattern !== undefined) {
    s = s.regex(
      new RegExp(`^${c.pattern}$`, "u"),
      `Member must satisfy regular expression pattern: ${c.pattern}`,
    );
  }
  return s;
}

function int(c: { min?: number; max?: number } = {}) {
  let n = z.number().int();
  if (c.min !== undefined) n = n.min(c.min, valueMin(c.min));
  if (c.max !== undefined) n = n.max(c.max, valueMax(c.max));
  return n;
}

function list<T extends z.ZodType>(item: T, c: { min?: number; max?: number } = {}) {
  let l = z.array(item);
  if (c.min !== undefined) l = l.min(c.min, lengthMin(c.min));
  if (c.max !== undefined) l = l.max(c.max, lengthMax(c.max));
  return l;
}

function enumOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { message: `Member must satisfy enum value set: [${values.join(", ")}]` });
}

// Shapes of the model (com.amazonaws.cloudwatchlogs#...).
const LogGroupName = str({ min: 1, max: 512, pattern: String.raw`[\.\-_/#A-Za-z0-9]+` });
const LogGroupNamePattern = str({ min: 0, max: 512, pattern: String.raw`[\.\-_/#A-Za-z0-9]*` });
const LogGroupIdentifier = str({ min: 1, max: 2048, pattern: String.raw`[\w#+=/:,.@-]*` });
const LogStreamName = str({ min: 1, max: 512, pattern: "[^:*]*" });
const FilterName = str({ min: 1, max: 512, pattern: "[^:*]*" });
const FilterPattern = str({ min: 0, max: 1024 });
const NextToken = str({ min: 1 });
const DescribeLimit = int({ min: 1, max: 50 });
const EventsLimit = int({ min: 1, max: 10000 });
const Timestamp = int({ min: 0 });
const KmsKeyId = str({ min: 0, max: 256 });
const LogGroupClass = enumOf(["STANDARD", "INFREQUENT_ACCESS"]);
const Tags = z
  .record(
    str({ min: 1, max: 128, pattern: String.raw`([\p{L}\p{Z}\p{N}_.:/=+\-@]+)` }),
    str({ min: 0, max: 256, pattern: String.raw`([\p{L}\p{Z}\p{N}_.:/=+\-@]*)` }),
  )
  .refine((t) => Object.keys(t).length >= 1, lengthMin(1))
  .refine((t) => Object.keys(t).length <= 50, lengthMax(50));
const MetricName = str({ min: 0, max: 255, pattern: "[^:*$]*" });
const MetricNamespace = str({ min: 0, max: 255, pattern: "[^:*$]*" });
const StandardUnit = enumOf([
  "Seconds",
  "Microseconds",
  "Milliseconds",
  "Bytes",
  "Kilobytes",
  "Megabytes",
  "Gigabytes",
  "Terabytes",
  "Bits",
  "Kilobits",
  "Megabits",
  "Gigabits",
  "Terabits",
  "Percent",
  "Count",
  "BytesSecond",
  "KilobytesSecond",
  "MegabytesSecond",
  "GigabytesSecond",
  "TerabytesSecond",
  "BitsSecond",
  "KilobitsSecond",
  "MegabitsSecond",
  "GigabitsSecond",
  "TerabitsSecond",
  "CountSecond",
  "None",
]);

export const schemas = {
  CreateLogGroup: z.object({
    logGroupName: LogGroupName,
    kmsKeyId: KmsKeyId.optional(),
    tags: Tags.optional(),
    logGroupClass: LogGroupClass.optional(),
  }),
  DeleteLogGroup: z.object({ logGroupName: LogGroupName }),
  DescribeLogGroups: z.object({
    accountIdentifiers: list(str({ min: 12, max: 12, pattern: String.raw`\d{12}` }), {
      min: 0,
      max: 20,
    }).optional(),
    logGroupNamePrefix: LogGroupName.optional(),
    logGroupNamePattern: LogGroupNamePattern.optional(),
    nextToken: NextToken.optional(),
    limit: DescribeLimit.optional(),
    includeLinkedAccounts: z.boolean().optional(),
    logGroupClass: LogGroupClass.optional(),
  }),
  CreateLogStream: z.object({ logGroupName: LogGroupName, logStreamName: LogStreamName }),
  DeleteLogStream: z.object({ logGroupName: LogGroupName, logStreamName: LogStreamName }),
  DescribeLogStreams: z.object({
    logGroupName: LogGroupName.optional(),
    logGroupIdentifier: LogGroupIdentifier.optional(),
    logStreamNamePrefix: LogStreamName.optional(),
    orderBy: enumOf(["LogStreamName", "LastEventTime"]).optional(),
    descending: z.boolean().optional(),
    nextToken: NextToken.optional(),
    limit: DescribeLimit.optional(),
  }),
  PutLogEvents: z.object({
    logGroupName: LogGroupName,
    logStreamName: LogStreamName,
    logEvents: list(z.object({ timestamp: Timestamp, message: str({ min: 1 }) }), {
      min: 1,
      max: 10000,
    }),
    sequenceToken: str({ min: 1 }).optional(),
    entity: z
      .object({
        keyAttributes: z.record(str({ min: 1, max: 32 }), str({ min: 1, max: 512 })).optional(),
        attributes: z.record(str({ min: 1, max: 256 }), str({ min: 1, max: 512 })).optional(),
      })
      .optional(),
  }),
  GetLogEvents: z.object({
    logGroupName: LogGroupName.optional(),
    logGroupIdentifier: LogGroupIdentifier.optional(),
    logStreamName: LogStreamName,
    startTime: Timestamp.optional(),
    endTime: Timestamp.optional(),
    nextToken: NextToken.optional(),
    limit: EventsLimit.optional(),
    startFromHead: z.boolean().optional(),
    unmask: z.boolean().optional(),
  }),
  FilterLogEvents: z.object({
    logGroupName: LogGroupName.optional(),
    logGroupIdentifier: LogGroupIdentifier.optional(),
    logStreamNames: list(LogStreamName, { min: 1, max: 100 }).optional(),
    logStreamNamePrefix: LogStreamName.optional(),
    startTime: Timestamp.optional(),
    endTime: Timestamp.optional(),
    filterPattern: FilterPattern.optional(),
    nextToken: NextToken.optional(),
    limit: EventsLimit.optional(),
    interleaved: z.boolean().optional(),
    unmask: z.boolean().optional(),
  }),
  PutRetentionPolicy: z.object({
    logGroupName: LogGroupName,
    // The model leaves Days unconstrained; AWS answers other values with the enum template.
    retentionInDays: z
      .number()
      .int()
      .refine(
        (d) => (RETENTION_DAYS as readonly number[]).includes(d),
        `Member must satisfy enum value set: [${RETENTION_DAYS.join(", ")}]`,
      ),
  }),
  DeleteRetentionPolicy: z.object({ logGroupName: LogGroupName }),
  PutSubscriptionFilter: z.object({
    logGroupName: LogGroupName,
    filterName: FilterName,
    filterPattern: FilterPattern,
    destinationArn: str({ min: 1 }),
    roleArn: str({ min: 1 }).optional(),
    distribution: enumOf(["Random", "ByLogStream"]).optional(),
    applyOnTransformedLogs: z.boolean().optional(),
  }),
  DescribeSubscriptionFilters: z.object({
    logGroupName: LogGroupName,
    filterNamePrefix: FilterName.optional(),
    nextToken: NextToken.optional(),
    limit: DescribeLimit.optional(),
  }),
  DeleteSubscriptionFilter: z.object({ logGroupName: LogGroupName, filterName: FilterName }),
  PutMetricFilter: z.object({
    logGroupName: LogGroupName,
    filterName: FilterName,
    filterPattern: FilterPattern,
    metricTransformations: list(
      z.object({
        metricName: MetricName,
        metricNamespace: MetricNamespace,
        metricValue: str({ min: 0, max: 100 }),
        defaultValue: z.number().optional(),
        dimensions: z.record(str({ min: 0, max: 255 }), str({ min: 0, max: 255 })).optional(),
        unit: StandardUnit.optional(),
      }),
      { min: 1, max: 1 },
    ),
    applyOnTransformedLogs: z.boolean().optional(),
  }),
  DescribeMetricFilters: z.object({
    logGroupName: LogGroupName.optional(),
    filterNamePrefix: FilterName.optional(),
    nextToken: NextToken.optional(),
    limit: DescribeLimit.optional(),
    metricName: MetricName.optional(),
    metricNamespace: MetricNamespace.optional(),
  }),
  DeleteMetricFilter: z.object({ logGroupName: LogGroupName, filterName: FilterName }),
  TestMetricFilter: z.object({
    filterPattern: FilterPattern,
    logEventMessages: list(str({ min: 1 }), { min: 1, max: 50 }),
  }),
} as const;

export type OperationName = keyof typeof schemas;
export type InputOf<Op extends OperationName> = z.output<(typeof schemas)[Op]>;

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(schemas, name);
}

/** Members whose value is a map: AWS reports their keys and values against the map itself. */
const MAP_MEMBERS = new Set(["tags", "dimensions", "keyAttributes", "attributes"]);

/**
 * JSON null means "absent" in awsJson1_1: dropped from objects before validation. Copies only
 * the objects that hold a null somewhere, so a large clean batch is not rebuilt.
 */
function withoutNulls(value: unknown): unknown {
  if (typeof value !== "object" || value === null) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const cleaned = withoutNulls(item);
      if (cleaned !== item) {
        copy ??= value.slice();
        copy[i] = cleaned;
      }
    }
    return copy ?? value;
  }
  let copy: Record<string, unknown> | undefined;
  const record = value as Record<string, unknown>;
  for (const key in record) {
    if (!Object.hasOwn(record, key)) continue;
    const item = record[key];
    if (item === null) {
      copy ??= { ...value };
      delete copy[key];
      continue;
    }
    const cleaned = withoutNulls(item);
    if (cleaned !== item) {
      copy ??= { ...value };
      copy[key] = cleaned;
    }
  }
  return copy ?? value;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let current = root;
  for (const key of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** `["logEvents", 0, "message"]` -> `logEvents.1.member.message`, as AWS names list members. */
function memberPath(path: readonly PropertyKey[]): { member: string; mapEntry: boolean } {
  const parts: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    if (typeof key === "number") parts.push(`${key + 1}.member`);
    else {
      parts.push(String(key));
      if (MAP_MEMBERS.has(String(key)) && i < path.length - 1)
        return { member: parts.join("."), mapEntry: true };
    }
  }
  return { member: parts.join("."), mapEntry: false };
}

/** How Coral names a JSON value it cannot bind to the model's type. */
function serializationText(value: unknown, expected: string): string {
  if (Array.isArray(value)) return "Start of list found where not expected";
  if (typeof value === "object" && value !== null)
    return "Start of structure or map found where not expected.";
  const kind =
    typeof value === "string"
      ? "STRING_VALUE"
      : typeof value === "boolean"
        ? value
          ? "TRUE_VALUE"
          : "FALSE_VALUE"
        : "NUMBER_VALUE";
  const target =
    expected === "int" || expected === "number"
      ? "Long"
      : expected === "boolean"
        ? "Boolean"
        : expected === "array"
          ? "List"
          : expected === "object" || expected === "record"
            ? "Structure"
            : "String";
  return `${kind} can not be converted to a ${target}`;
}

/** Validates a decoded body against an operation's schema; throws the AwsError AWS would send. */
export function parseInput<Op extends OperationName>(op: Op, body: unknown): InputOf<Op> {
  const data = withoutNulls(body);
  const result = schemas[op].safeParse(data);
  if (result.success) return result.data as InputOf<Op>;
  const failures: ConstraintFailure[] = [];
  let serialization: AwsError | undefined;
  for (const issue of result.error.issues) {
    const value = valueAt(data, issue.path);
    const { member, mapEntry } = memberPath(issue.path);
    if (issue.code === "invalid_type") {
      if (value === undefined || value === null) {
        failures.push({ value: NULL_VALUE, member, constraint: "Member must not be null" });
      } else {
        serialization ??= serializationError(serializationText(value, String(issue.expected)));
      }
      continue;
    }
    if (issue.code === "invalid_key") {
      const inner = issue.issues.map((i) => i.message).join(", ");
      failures.push({
        value: valueAt(data, issue.path.slice(0, -1)),
        member,
        constraint: `Map keys must satisfy constraint: [${inner}]`,
      });
      continue;
    }
    if (mapEntry) {
      failures.push({
        value: valueAt(data, issue.path.slice(0, -1)),
        member,
        constraint: `Map value must satisfy constraint: [${issue.message}]`,
      });
      continue;
    }
    failures.push({ value, member, constraint: issue.message });
  }
  if (serialization) throw serialization;
  throw constraintViolation(failures);
}
