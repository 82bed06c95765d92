import type http from "node:http";
import { readLimitedBody } from "../host/body.js";

/**
 * What every AWS request carries, whichever service it is for: the region from the SigV4
 * credential scope and the account from the access key (LocalStack's rule), and a request id.
 */
export interface AwsRequestContext {
  requestId: string;
  region: string;
  accountId: string;
  accessKeyId: string;
}

/** Used when a request is unsigned (curl) or its scope cannot be read. */
export const DEFAULT_REGION = "us-east-1";
/** LocalStack's default account: any access key that is not itself a 12-digit account id. */
export const DEFAULT_ACCOUNT_ID = "000000000000";

/**
 * An error the real service would return. Operations throw these; the protocol layer renders
 * them in the service's wire shape (awsJson1_1 `__type` or restJson1 `x-amzn-ErrorType`).
 */
export class AwsError extends Error {
  constructor(
    /** The error code, e.g. "ResourceNotFoundException". */
    readonly code: string,
    message: string,
    readonly status = 400,
    /** Extra members of the error body (restJson1 `Type`, `retryAfterSeconds`, ...). */
    readonly fields: Record<string, unknown> = {},
    /** Body member holding the message: most shapes use `message`, some `Message`. */
    readonly messageMember: "message" | "Message" = "message",
  ) {
    super(message);
    this.name = code;
  }
}

/** A member that is absent: AWS prints `Value null` without quotes. */
export const NULL_VALUE = Symbol("null");

export interface ConstraintFailure {
  /** The value as sent, or NULL_VALUE for a missing member. */
  value: unknown;
  /** The member as AWS prints it: `logEvents.1.member.message`, `functionName`. */
  member: string;
  constraint: string;
}

/** AWS's template for a constraint violation, e.g. on a name longer than allowed. */
export function validationMessage(failures: ConstraintFailure[]) {
  const show = (value: unknown) =>
    value === NULL_VALUE
      ? "null"
      : `'${typeof value === "string" ? value : JSON.stringify(value)}'`;
  const parts = failures.map(
    (f) => `Value ${show(f.value)} at '${f.member}' failed to satisfy constraint: ${f.constraint}`,
  );
  const count = failures.length;
  return `${count} validation error${count === 1 ? "" : "s"} detected: ${parts.join("; ")}`;
}

const CREDENTIAL = /Credential=([^/,\s]+)\/\d{8}\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request/;

/** Reads the SigV4 credential scope (header or presigned query); signatures are not verified. */
export function requestContext(req: http.IncomingMessage, requestId: string): AwsRequestContext {
  const auth = req.headers.authorization ?? "";
  let match = CREDENTIAL.exec(auth);
  if (!match) {
    const query = new URL(req.url ?? "/", "http://localhost").searchParams.get("X-Amz-Credential");
    if (query) match = CREDENTIAL.exec(`Credential=${query}`);
  }
  const accessKeyId = match?.[1] ?? "";
  return {
    requestId,
    region: match?.[2] ?? DEFAULT_REGION,
    accountId: /^\d{12}$/.test(accessKeyId) ? accessKeyId : DEFAULT_ACCOUNT_ID,
    accessKeyId,
  };
}

/** A body larger than the operation allows: answered before it is all read. */
export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`request body exceeds ${limit} bytes`);
  }
}

/** Reads the whole request body, failing with BodyTooLargeError once it passes `limit`. */
export async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const body = await readLimitedBody(req, limit);
  if (!body) throw new BodyTooLargeError(limit);
  return body;
}

export function sendJsonBody(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string>,
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, { ...headers, "content-length": String(Buffer.byteLength(text)) });
  res.end(text);
}

/** awsJson1_1 (CloudWatch Logs): `{"__type": code, "message": text}`. */
export function sendAwsJsonError(
  res: http.ServerResponse,
  ctx: { requestId: string },
  error: AwsError,
) {
  sendJsonBody(
    res,
    error.status,
    {
      __type: error.code,
      // Some errors (UnknownOperationException) carry no message at all on the real service.
      ...(error.message ? { [error.messageMember]: error.message } : {}),
      ...error.fields,
    },
    { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": ctx.requestId },
  );
}

/** restJson1 (Lambda): the code in `x-amzn-ErrorType`, the message and extra members in the body. */
export function sendRestJsonError(
  res: http.ServerResponse,
  ctx: { requestId: string },
  error: AwsError,
) {
  sendJsonBody(
    res,
    error.status,
    { ...error.fields, [error.messageMember]: error.message },
    {
      "content-type": "application/json",
      "x-amzn-errortype": error.code,
      "x-amzn-requestid": ctx.requestId,
    },
  );
}
