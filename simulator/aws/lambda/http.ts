import type http from "node:http";
import { z } from "zod";
import { idleWhile } from "../../host/admin.js";
import type { AwsHandler } from "../context.js";
import { type AwsRequestContext, BodyTooLargeError, readBody, sendJsonBody } from "../protocol.js";
import { FUNCTION_NAME_PATTERN } from "./arns.js";
import type { Call, LambdaEnv } from "./env.js";
import {
  type ConstraintFailure,
  constraintViolation,
  NULL_VALUE,
  requestTooLargeForOperation,
  serializationError,
  unknownOperation,
} from "./errors.js";
import {
  MAX_CODE_REQUEST_BYTES,
  MAX_EVENT_AGE_SECONDS,
  MAX_JSON_REQUEST_BYTES,
  MAX_MEMORY_MB,
  MAX_RETRY_ATTEMPTS,
  MAX_STATEMENT_ID_LENGTH,
  MAX_TIMEOUT_SECONDS,
  MIN_EVENT_AGE_SECONDS,
  MIN_MEMORY_MB,
} from "./limits.js";
import { addPermission } from "./operations/addPermission.js";
import { createFunction } from "./operations/createFunction.js";
import { deleteFunction } from "./operations/deleteFunction.js";
import { deleteFunctionEventInvokeConfig } from "./operations/deleteFunctionEventInvokeConfig.js";
import { getFunction, getFunctionCodeZip } from "./operations/getFunction.js";
import { getFunctionConfiguration } from "./operations/getFunctionConfiguration.js";
import { getFunctionEventInvokeConfig } from "./operations/getFunctionEventInvokeConfig.js";
import { getPolicy } from "./operations/getPolicy.js";
import { invoke, payloadLimit, payloadTooLargeFor } from "./operations/invoke.js";
import { listFunctions } from "./operations/listFunctions.js";
import { putFunctionEventInvokeConfig } from "./operations/putFunctionEventInvokeConfig.js";
import { removePermission } from "./operations/removePermission.js";
import { updateFunctionCode } from "./operations/updateFunctionCode.js";
import { updateFunctionConfiguration } from "./operations/updateFunctionConfiguration.js";
import { updateFunctionEventInvokeConfig } from "./operations/updateFunctionEventInvokeConfig.js";

/**
 * The restJson1 transport of the Lambda API: the model's HTTP bindings (path labels, query,
 * headers, JSON body) mapped onto the operations, each input checked with zod against the
 * model's constraints and refused with AWS's "N validation error(s) detected" template.
 */

// --- Constraints, worded as AWS prints them ------------------------------------------------------

/** A model pattern and the text AWS shows for it (without the anchors Smithy adds). */
const pattern = (re: RegExp, text: string) => ({ re, text });

const PATTERNS = {
  functionName: pattern(
    /^(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\d{1}:)?(\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\$LATEST|[a-zA-Z0-9-_]+))?$/,
    "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?",
  ),
  namespacedFunctionName: pattern(
    FUNCTION_NAME_PATTERN,
    "(arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?",
  ),
  role: pattern(
    /^arn:(aws[a-zA-Z-]*)?:iam::\d{12}:role\/?[a-zA-Z_0-9+=,.@\-_/]+$/,
    "arn:(aws[a-zA-Z-]*)?:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+",
  ),
  handler: pattern(/^[^\s]+$/, "[^\\s]+"),
  qualifier: pattern(/^(|[a-zA-Z0-9$_-]+)$/, "(|[a-zA-Z0-9$_-]+)"),
  statementId: pattern(/^([a-zA-Z0-9-_]+)$/, "([a-zA-Z0-9-_]+)"),
  namespacedStatementId: pattern(/^([a-zA-Z0-9-_.]+)$/, "([a-zA-Z0-9-_.]+)"),
  action: pattern(/^(lambda:[*]|lambda:[a-zA-Z]+|[*])$/, "(lambda:[*]|lambda:[a-zA-Z]+|[*])"),
  principal: pattern(/^[^\s]+$/, "[^\\s]+"),
  arn: pattern(
    /^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)$/,
    "arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}(-gov)?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)",
  ),
  sourceOwner: pattern(/^\d{12}$/, "\\d{12}"),
  eventSourceToken: pattern(/^[a-zA-Z0-9._-]+$/, "[a-zA-Z0-9._\\-]+"),
  principalOrgId: pattern(/^o-[a-z0-9]{10,32}$/, "o-[a-z0-9]{10,32}"),
  destinationArn: pattern(
    /^$|^arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9-])+:([a-z]{2}(-gov)?-[a-z]+-\d{1})?:(\d{12})?:(.*)$/,
    "^$|arn:(aws[a-zA-Z0-9-]*):([a-zA-Z0-9\\-])+:([a-z]{2}(-gov)?-[a-z]+-\\d{1})?:(\\d{12})?:(.*)",
  ),
  resourceArn: pattern(
    /^(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()$/,
    "(arn:(aws[a-zA-Z-]*)?:[a-z0-9-.]+:.*)|()",
  ),
  masterRegion: pattern(/^ALL|[a-z]{2}(-gov)?-[a-z]+-\d{1}$/, "ALL|[a-z]{2}(-gov)?-[a-z]+-\\d{1}"),
  environmentKey: pattern(/^[a-zA-Z]([a-zA-Z0-9_])+$/, "[a-zA-Z]([a-zA-Z0-9_])+"),
};

function str(options: { min?: number; max?: number; pattern?: { re: RegExp; text: string } }) {
  let schema = z.string();
  if (options.min !== undefined) {
    schema = schema.min(
      options.min,
      `Member must have length greater than or equal to ${options.min}`,
    );
  }
  if (options.max !== undefined) {
    schema = schema.max(
      options.max,
      `Member must have length less than or equal to ${options.max}`,
    );
  }
  if (options.pattern) {
    schema = schema.regex(
      options.pattern.re,
      `Member must satisfy regular expression pattern: ${options.pattern.text}`,
    );
  }
  return schema;
}

function int(options: { min?: number; max?: number }) {
  let schema = z.number().int();
  if (options.min !== undefined) {
    schema = schema.min(
      options.min,
      `Member must have value greater than or equal to ${options.min}`,
    );
  }
  if (options.max !== undefined) {
    schema = schema.max(options.max, `Member must have value less than or equal to ${options.max}`);
  }
  return schema;
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `Member must satisfy enum value set: [${values.join(", ")}]` });
}

const functionName = str({ min: 1, max: 140, pattern: PATTERNS.functionName });
const namespacedFunctionName = str({ min: 1, max: 170, pattern: PATTERNS.namespacedFunctionName });
const qualifier = str({ min: 1, max: 128, pattern: PATTERNS.qualifier });
const environmentVariables = z
  .record(z.string(), z.string())
  .refine(
    (variables) => Object.keys(variables).every((key) => PATTERNS.environmentKey.re.test(key)),
    {
      message: `Map keys must satisfy constraint: [Member must satisfy regular expression pattern: ${PATTERNS.environmentKey.text}]`,
    },
  );
const environment = z.object({ Variables: environmentVariables.optional() });
const timeout = int({ min: 1, max: MAX_TIMEOUT_SECONDS });
const memorySize = int({ min: MIN_MEMORY_MB, max: MAX_MEMORY_MB });
const tracingConfig = z.object({ Mode: oneOf(["Active", "PassThrough"]).optional() });
const deadLetterConfig = z.object({ TargetArn: str({ pattern: PATTERNS.resourceArn }).optional() });
const ephemeralStorage = z.object({ Size: int({ min: 512, max: 10_240 }) });
const architectures = z
  .array(oneOf(["x86_64", "arm64"]))
  .min(1)
  .max(1);
const layers = z.array(z.string());
const zipSources = {
  ZipFile: z.string().optional(),
  S3Bucket: str({ min: 3, max: 63 }).optional(),
  S3Key: str({ min: 1, max: 1024 }).optional(),
  S3ObjectVersion: str({ min: 1, max: 1024 }).optional(),
  ImageUri: z.string().optional(),
};

const createFunctionSchema = z.object({
  FunctionName: functionName,
  Runtime: z.string().optional(),
  Role: str({ pattern: PATTERNS.role }),
  Handler: str({ max: 128, pattern: PATTERNS.handler }).optional(),
  Code: z.object(zipSources),
  Description: str({ max: 256 }).optional(),
  Timeout: timeout.optional(),
  MemorySize: memorySize.optional(),
  Publish: z.boolean().optional(),
  PackageType: oneOf(["Zip", "Image"]).optional(),
  DeadLetterConfig: deadLetterConfig.optional(),
  Environment: environment.optional(),
  TracingConfig: tracingConfig.optional(),
  Tags: z.record(z.string(), z.string()).optional(),
  Layers: layers.optional(),
  Architectures: architectures.optional(),
  EphemeralStorage: ephemeralStorage.optional(),
});

const functionTarget = z.object({
  FunctionName: namespacedFunctionName,
  Qualifier: qualifier.optional(),
});

const listFunctionsSchema = z.object({
  MasterRegion: str({ pattern: PATTERNS.masterRegion }).optional(),
  FunctionVersion: oneOf(["ALL"]).optional(),
  Marker: z.string().optional(),
  MaxItems: int({ min: 1, max: 10_000 }).optional(),
});

const updateFunctionCodeSchema = z.object({
  FunctionName: functionName,
  ...zipSources,
  Publish: z.boolean().optional(),
  DryRun: z.boolean().optional(),
  RevisionId: z.string().optional(),
  Architectures: architectures.optional(),
});

const updateFunctionConfigurationSchema = z.object({
  FunctionName: functionName,
  Role: str({ pattern: PATTERNS.role }).optional(),
  Handler: str({ max: 128, pattern: PATTERNS.handler }).optional(),
  Description: str({ max: 256 }).optional(),
  Timeout: timeout.optional(),
  MemorySize: memorySize.optional(),
  Environment: environment.optional(),
  Runtime: z.string().optional(),
  DeadLetterConfig: deadLetterConfig.optional(),
  TracingConfig: tracingConfig.optional(),
  RevisionId: z.string().optional(),
  Layers: layers.optional(),
  EphemeralStorage: ephemeralStorage.optional(),
});

const deleteFunctionSchema = z.object({
  FunctionName: functionName,
  Qualifier: qualifier.optional(),
});

const addPermissionSchema = z.object({
  FunctionName: functionName,
  StatementId: str({ min: 1, max: MAX_STATEMENT_ID_LENGTH, pattern: PATTERNS.statementId }),
  Action: str({ pattern: PATTERNS.action }),
  Principal: str({ pattern: PATTERNS.principal }),
  SourceArn: str({ pattern: PATTERNS.arn }).optional(),
  SourceAccount: str({ max: 12, pattern: PATTERNS.sourceOwner }).optional(),
  EventSourceToken: str({ max: 256, pattern: PATTERNS.eventSourceToken }).optional(),
  Qualifier: qualifier.optional(),
  RevisionId: z.string().optional(),
  PrincipalOrgID: str({ min: 12, max: 34, pattern: PATTERNS.principalOrgId }).optional(),
  FunctionUrlAuthType: oneOf(["NONE", "AWS_IAM"]).optional(),
});

const removePermissionSchema = z.object({
  FunctionName: functionName,
  StatementId: str({
    min: 1,
    max: MAX_STATEMENT_ID_LENGTH,
    pattern: PATTERNS.namespacedStatementId,
  }),
  Qualifier: qualifier.optional(),
  RevisionId: z.string().optional(),
});

const destination = z.object({
  Destination: str({ max: 350, pattern: PATTERNS.destinationArn }).optional(),
});
const eventInvokeConfigSchema = z.object({
  FunctionName: functionName,
  Qualifier: qualifier.optional(),
  MaximumRetryAttempts: int({ min: 0, max: MAX_RETRY_ATTEMPTS }).optional(),
  MaximumEventAgeInSeconds: int({
    min: MIN_EVENT_AGE_SECONDS,
    max: MAX_EVENT_AGE_SECONDS,
  }).optional(),
  DestinationConfig: z
    .object({ OnSuccess: destination.optional(), OnFailure: destination.optional() })
    .optional(),
});
const eventInvokeConfigTarget = z.object({
  FunctionName: functionName,
  Qualifier: qualifier.optional(),
});

const invokeSchema = z.object({
  FunctionName: namespacedFunctionName,
  Qualifier: qualifier.optional(),
  InvocationType: oneOf(["Event", "RequestResponse", "DryRun"]),
  LogType: oneOf(["None", "Tail"]),
  ClientContext: z.string().optional(),
});

// --- Reading a request -----------------------------------------------------------------------------

/** AWS names members in lowerCamelCase, list items as `name.N.member`. */
function memberPath(path: readonly PropertyKey[]): string {
  const parts: string[] = [];
  for (const key of path) {
    if (typeof key === "number") parts.push(`${key + 1}`, "member");
    else {
      const name = String(key);
      parts.push(name.charAt(0).toLowerCase() + name.slice(1));
    }
  }
  return parts.join(".");
}

function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Checks an input; constraint failures become AWS's template, type mismatches a SerializationException. */
function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const failures: ConstraintFailure[] = [];
  for (const issue of parsed.error.issues) {
    const value = valueAt(input, issue.path);
    const member = memberPath(issue.path);
    if (value === undefined) {
      failures.push({ value: NULL_VALUE, member, constraint: "Member must not be null" });
    } else if (issue.code === "invalid_type") {
      throw serializationError(
        `Unexpected value type at '${member}': expected ${issue.expected}, got ${Array.isArray(value) ? "array" : typeof value}`,
      );
    } else {
      failures.push({ value, member, constraint: issue.message });
    }
  }
  throw constraintViolation(failures);
}

function decodeLabel(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw serializationError(`Malformed percent-encoding in path segment '${raw}'`);
  }
}

function parseJsonBody(body: Buffer): Record<string, unknown> {
  const text = body.toString("utf8");
  if (text.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw serializationError(
      `Request body is not JSON: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw serializationError("Request body must be a JSON object");
  }
  return parsed as Record<string, unknown>;
}

async function readLimited(
  req: http.IncomingMessage,
  limit: number,
  tooLarge: () => Error,
): Promise<Buffer> {
  try {
    return await readBody(req, limit);
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw tooLarge();
    throw error;
  }
}

/** Query members: numbers arrive as text; anything else that is not a number is left to fail. */
function queryValue(query: URLSearchParams, name: string, numeric = false): unknown {
  const value = query.get(name);
  if (value === null) return undefined;
  return numeric && /^-?\d+$/.test(value) ? Number(value) : value;
}

// --- Writing a response ----------------------------------------------------------------------------

function sendJson(
  res: http.ServerResponse,
  ctx: AwsRequestContext,
  status: number,
  body?: unknown,
): void {
  sendJsonBody(res, status, body, {
    "content-type": "application/json",
    "x-amzn-requestid": ctx.requestId,
  });
}

// --- Routes ----------------------------------------------------------------------------------------

interface Exchange {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  ctx: AwsRequestContext;
  call: Call;
  /** Decoded path labels, in order. */
  labels: string[];
  query: URLSearchParams;
}

interface Route {
  method: string;
  path: RegExp;
  operation: string;
  handle(env: LambdaEnv, exchange: Exchange): Promise<void>;
}

const FUNCTIONS = "/2015-03-31/functions";
const EVENT_INVOKE_CONFIG = /^\/2019-09-25\/functions\/([^/]+)\/event-invoke-config\/?$/;
const fnPath = (suffix = "") => new RegExp(`^${FUNCTIONS}/([^/]+)${suffix}/?$`);

/** A JSON operation: body (and labels, query) in, JSON out with the operation's status code. */
function jsonRoute(
  method: string,
  path: RegExp,
  operation: string,
  status: number,
  run: (env: LambdaEnv, exchange: Exchange, body: Record<string, unknown>) => unknown,
  bodyLimit = MAX_JSON_REQUEST_BYTES,
): Route {
  return {
    method,
    path,
    operation,
    async handle(env, exchange) {
      const raw = await readLimited(exchange.req, bodyLimit, () =>
        requestTooLargeForOperation(bodyLimit, operation),
      );
      const body = method === "GET" || method === "DELETE" ? {} : parseJsonBody(raw);
      const output = await run(env, exchange, body);
      sendJson(exchange.res, exchange.ctx, status, status === 204 ? undefined : output);
    },
  };
}

const label = (exchange: Exchange, index = 0) => exchange.labels[index] ?? "";

const ROUTES: Route[] = [
  jsonRoute(
    "POST",
    new RegExp(`^${FUNCTIONS}/?$`),
    "CreateFunction",
    201,
    (env, { call }, body) => createFunction(env, call, parseInput(createFunctionSchema, body)),
    MAX_CODE_REQUEST_BYTES,
  ),
  jsonRoute("GET", new RegExp(`^${FUNCTIONS}/?$`), "ListFunctions", 200, (env, x) =>
    listFunctions(
      env,
      x.call,
      parseInput(listFunctionsSchema, {
        MasterRegion: queryValue(x.query, "MasterRegion"),
        FunctionVersion: queryValue(x.query, "FunctionVersion"),
        Marker: queryValue(x.query, "Marker"),
        MaxItems: queryValue(x.query, "MaxItems", true),
      }),
    ),
  ),
  jsonRoute("GET", fnPath(), "GetFunction", 200, (env, x) =>
    getFunction(
      env,
      x.call,
      parseInput(functionTarget, {
        FunctionName: label(x),
        Qualifier: queryValue(x.query, "Qualifier"),
      }),
    ),
  ),
  jsonRoute("DELETE", fnPath(), "DeleteFunction", 204, (env, x) =>
    deleteFunction(
      env,
      x.call,
      parseInput(deleteFunctionSchema, {
        FunctionName: label(x),
        Qualifier: queryValue(x.query, "Qualifier"),
      }),
    ),
  ),
  jsonRoute("GET", fnPath("/configuration"), "GetFunctionConfiguration", 200, (env, x) =>
    getFunctionConfiguration(
      env,
      x.call,
      parseInput(functionTarget, {
        FunctionName: label(x),
        Qualifier: queryValue(x.query, "Qualifier"),
      }),
    ),
  ),
  jsonRoute("PUT", fnPath("/configuration"), "UpdateFunctionConfiguration", 200, (env, x, body) =>
    updateFunctionConfiguration(
      env,
      x.call,
      parseInput(updateFunctionConfigurationSchema, { ...body, FunctionName: label(x) }),
    ),
  ),
  jsonRoute(
    "PUT",
    fnPath("/code"),
    "UpdateFunctionCode",
    200,
    (env, x, body) =>
      updateFunctionCode(
        env,
        x.call,
        parseInput(updateFunctionCodeSchema, { ...body, FunctionName: label(x) }),
      ),
    MAX_CODE_REQUEST_BYTES,
  ),
  {
    // Not an AWS operation: where GetFunction's Code.Location points, so the package can be fetched.
    method: "GET",
    path: fnPath("/code"),
    operation: "GetFunctionCode",
    async handle(env, x) {
      x.req.resume();
      const zip = getFunctionCodeZip(
        env,
        x.call,
        parseInput(functionTarget, { FunctionName: label(x) }),
      );
      x.res.writeHead(200, {
        "content-type": "application/zip",
        "content-length": String(zip.length),
        "x-amzn-requestid": x.ctx.requestId,
      });
      x.res.end(Buffer.from(zip));
    },
  },
  {
    method: "POST",
    path: fnPath("/invocations"),
    operation: "Invoke",
    async handle(env, x) {
      const header = (name: string) => {
        const value = x.req.headers[name];
        return Array.isArray(value) ? value[0] : value;
      };
      // SDK v3 leaves the header out for the default type (reference/aws-sim.md §0.8).
      const invocationType = header("x-amz-invocation-type") ?? "RequestResponse";
      const type = invocationType === "Event" ? "Event" : "RequestResponse";
      const payload = await readLimited(x.req, payloadLimit(type), () => payloadTooLargeFor(type));
      const input = parseInput(invokeSchema, {
        FunctionName: label(x),
        Qualifier: queryValue(x.query, "Qualifier"),
        InvocationType: invocationType,
        LogType: header("x-amz-log-type") ?? "None",
        ClientContext: header("x-amz-client-context"),
      });
      // The runtime holds the clock while the function is busy; a function sleeping on a virtual
      // timer must let time move, so the request's own hold is lent out meanwhile.
      const output = await idleWhile(x.req, invoke(env, x.call, { ...input, Payload: payload }));
      const body = output.Payload ?? "";
      x.res.writeHead(output.StatusCode, {
        "content-type": "application/json",
        "content-length": String(Buffer.byteLength(body)),
        "x-amzn-requestid": x.ctx.requestId,
        ...(output.ExecutedVersion ? { "x-amz-executed-version": output.ExecutedVersion } : {}),
        ...(output.FunctionError ? { "x-amz-function-error": output.FunctionError } : {}),
        ...(output.LogResult !== undefined ? { "x-amz-log-result": output.LogResult } : {}),
      });
      x.res.end(body);
    },
  },
  jsonRoute("POST", fnPath("/policy"), "AddPermission", 201, (env, x, body) =>
    addPermission(
      env,
      x.call,
      parseInput(addPermissionSchema, {
        ...body,
        FunctionName: label(x),
        Qualifier: queryValue(x.query, "Qualifier"),
      }),
    ),
  ),
  jsonRoute("GET", fnPath("/policy"), "GetPolicy", 200, (env, x) =>
    getPolicy(
      env,
      x.call,
      parseInput(functionTarget, {
        FunctionName: label(x),
        Qualifier: queryValue(x.query, "Qualifier"),
      }),
    ),
  ),
  jsonRoute("DELETE", fnPath("/policy/([^/]+)"), "RemovePermission", 204, (env, x) =>
    removePermission(
      env,
      x.call,
      parseInput(removePermissionSchema, {
        FunctionName: label(x),
        StatementId: label(x, 1),
        Qualifier: queryValue(x.query, "Qualifier"),
        RevisionId: queryValue(x.query, "RevisionId"),
      }),
    ),
  ),
  jsonRoute("PUT", EVENT_INVOKE_CONFIG, "PutFunctionEventInvokeConfig", 200, (env, x, body) =>
    putFunctionEventInvokeConfig(
      env,
      x.call,
      parseInput(eventInvokeConfigSchema, {
        ...body,
        FunctionName: label(x),
        Qualifier: queryValue(x.query, "Qualifier"),
      }),
    ),
  ),
  jsonRoute("POST", EVENT_INVOKE_CONFIG, "UpdateFunctionEventInvokeConfig", 200, (env, x, body) =>
    updateFunctionEventInvokeConfig(
      env,
      x.call,
      parseInput(eventInvokeConfigSchema, {
        ...body,
        FunctionName: label(x),
        Qualifier: queryValue(x.query, "Qualifier"),
      }),
    ),
  ),
  jsonRoute("GET", EVENT_INVOKE_CONFIG, "GetFunctionEventInvokeConfig", 200, (env, x) =>
    getFunctionEventInvokeConfig(
      env,
      x.call,
      parseInput(eventInvokeConfigTarget, {
        FunctionName: label(x),
        Qualifier: queryValue(x.query, "Qualifier"),
      }),
    ),
  ),
  jsonRoute("DELETE", EVENT_INVOKE_CONFIG, "DeleteFunctionEventInvokeConfig", 204, (env, x) =>
    deleteFunctionEventInvokeConfig(
      env,
      x.call,
      parseInput(eventInvokeConfigTarget, {
        FunctionName: label(x),
        Qualifier: queryValue(x.query, "Qualifier"),
      }),
    ),
  ),
];

/** The Lambda API's request handler; errors it throws are rendered by the emulator as restJson1. */
export function createLambdaHandler(env: LambdaEnv): AwsHandler {
  return async (req, res, ctx) => {
    const url = new URL(req.url ?? "/", "http://lambda.invalid");
    const method = req.method ?? "GET";
    for (const route of ROUTES) {
      if (route.method !== method) continue;
      const match = route.path.exec(url.pathname);
      if (!match) continue;
      await route.handle(env, {
        req,
        res,
        ctx,
        call: { scope: { accountId: ctx.accountId, region: ctx.region }, requestId: ctx.requestId },
        labels: match.slice(1).map((raw) => decodeLabel(raw ?? "")),
        query: url.searchParams,
      });
      return;
    }
    req.resume();
    throw unknownOperation(method, url.pathname);
  };
}
