/**
 * One factory per listener error, with Logz.io's status and body (reference/logzio.md §1). The
 * listener answers in plain text, except the 400 for bad lines, which is JSON counts.
 */

export interface ListenerError {
  status: number;
  contentType: "text/plain" | "application/json";
  body: string;
}

const text = (status: number, body: string): ListenerError => ({
  status,
  contentType: "text/plain",
  body,
});

/** 401 when the query has no `token`. */
export const tokenMissing = () => text(401, "Logging token is missing");

/** 401 when the token belongs to no account (also what a wrong-region listener answers). */
export const tokenNotValid = () => text(401, "Logging token is not valid");

/** 413 over the request limit; Logz.io documents the status only, so the body is the reason. */
export const requestTooLarge = (limit: number) =>
  text(413, `Request Entity Too Large: the body exceeds ${limit} bytes`);

/** Not documented: a body that says gzip and is not, or grows past the decompressed cap. */
export const badGzip = (reason: string) => text(400, `Could not decompress the body: ${reason}`);

/** The listener takes POST only (http.md); the wording is ours. */
export const methodNotAllowed = (method: string) =>
  text(405, `${method} is not supported: send logs with POST /?token=<LOG-SHIPPING-TOKEN>`);

export interface LineCounts {
  malformedLines: number;
  successfulLines: number;
  oversizedLines: number;
  emptyLogLines: number;
}

/** 400 when some lines were bad; the good ones are indexed all the same. */
export const badLines = (counts: LineCounts): ListenerError => ({
  status: 400,
  contentType: "application/json",
  body: JSON.stringify({
    malformedLines: counts.malformedLines,
    successfulLines: counts.successfulLines,
    oversizedLines: counts.oversizedLines,
    emptyLogLines: counts.emptyLogLines,
  }),
});
