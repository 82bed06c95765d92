/**
 * One factory per REST API error, with PagerDuty's status, `code` and `message`
 * (developer-docs REST-API/14-Errors.md, reference/pagerduty.md §2.1). Every error body has the
 * one shape of the spec's `components.responses.*`:
 *
 *   {"error":{"message":"Not Found","code":2100,"errors":["..."]}}
 *
 * `errors` (human-readable details) is present only when there are details, as in PagerDuty's
 * own examples (`{"error":{"message":"Unauthorized","code":2006}}`). Handlers throw these; the
 * router turns them into responses.
 */

export class RestError extends Error {
  readonly status: number;
  readonly code: number;
  readonly errors: readonly string[];
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: number,
    message: string,
    errors: readonly string[] = [],
    headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "RestError";
    this.status = status;
    this.code = code;
    this.errors = errors;
    this.headers = headers;
  }

  get body(): { error: { message: string; code: number; errors?: string[] } } {
    return {
      error: {
        message: this.message,
        code: this.code,
        ...(this.errors.length > 0 ? { errors: [...this.errors] } : {}),
      },
    };
  }
}

/** 400 2001: a field breaks a rule; `errors` says which and how ("Name can't be blank"). */
export const invalidInput = (errors: readonly string[] = []) =>
  new RestError(400, 2001, "Invalid Input Provided", errors);

/** 400 2002: the arguments are well-formed but cannot be carried out together. */
export const argumentsCausedError = (errors: readonly string[] = []) =>
  new RestError(400, 2002, "Arguments Caused Error", errors);

/** 400 2003: a required argument is absent. */
export const missingArguments = (errors: readonly string[] = []) =>
  new RestError(400, 2003, "Missing Arguments", errors);

/** 400 2004: `since`/`until` are unreadable, reversed or too far apart. */
export const invalidSinceUntil = (errors: readonly string[] = []) =>
  new RestError(400, 2004, "Invalid Since or Until Parameter Values", errors);

/**
 * 400 2016: a write that needs an acting user got no `From` header, with an account-level
 * token. Code and text as a real answer quoted in quintoandar/airflow-pagerduty-plugin#1
 * ("BadRequest (2016): You must specify a user's email address in the “From” header to perform
 * this action"), written with straight quotes as pdpyras#78 quotes it.
 */
export const fromHeaderRequired = () =>
  new RestError(
    400,
    2016,
    'You must specify a user\'s email address in the "From" header to perform this action',
  );

/** 400 1028: a `From` header that is not an email address (go-pagerduty#336). */
export const malformedFrom = () => new RestError(400, 1028, 'Malformed "From" header');

/** 400 1008: a `From` header naming no user of the account (errors table). */
export const requesterNotFound = () => new RestError(400, 1008, "Requester User Not Found");

/**
 * 401 2006: no `Authorization`, a malformed one, or an unknown token. The body PagerDuty sends,
 * exactly: `{"error":{"message":"Unauthorized","code":2006}}`.
 */
export const unauthorized = () => new RestError(401, 2006, "Unauthorized");

/** 403 2010: the token may not do this (an observer's or read-only user's key writing). */
export const accessDenied = (errors: readonly string[] = []) =>
  new RestError(403, 2010, "Access Denied", errors);

/** 404 2100: no such route, or no object with that id. */
export const notFound = (errors: readonly string[] = []) =>
  new RestError(404, 2100, "Not Found", errors);

/**
 * 429 2020: over the per-key rate (04-Rate-Limits.md). `resetSeconds` goes in the
 * `ratelimit-reset` header, as PagerDuty's rate limit headers do.
 */
export const rateLimited = (headers: Record<string, string>) =>
  new RestError(429, 2020, "Rate Limit Exceeded", [], headers);

/**
 * 405 for an action the object's state forbids, such as deleting a maintenance window that has
 * ended (the spec's deleteMaintenanceWindow 405). PagerDuty documents the status, not the body:
 * the shape of 2002 Arguments Caused Error, with the spec's text as the detail.
 */
export const notAllowed = (errors: readonly string[]) =>
  new RestError(405, 2002, "Arguments Caused Error", errors);
