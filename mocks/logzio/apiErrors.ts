/**
 * One factory per Logz.io public API error (reference/logzio.md §4). The API answers JSON; the
 * auth failure code is undocumented for search, and 401 `{"message": ...}` is what clients expect.
 */

export interface ApiError {
  status: number;
  body: unknown;
  /** Why a request was refused when the body Logz.io sends does not say; journaled, not sent. */
  reason?: string;
}

/** 401 when `X-API-TOKEN` is absent. */
export const apiTokenMissing = (): ApiError => ({
  status: 401,
  body: { message: "Missing X-API-TOKEN header" },
});

/** 401 when `X-API-TOKEN` belongs to no account. */
export const apiTokenNotValid = (): ApiError => ({
  status: 401,
  body: { message: "Invalid API token" },
});

/** Any route the simulator does not serve: the body Logz.io's fixtures show for unknown endpoints. */
export const unknownEndpoint = (requestId: string): ApiError => ({
  status: 404,
  body: {
    errorCode: "endpoints/UNKNOWN_ENDPOINT",
    message: "The endpoint doesn't exist",
    requestId,
    parameters: {},
  },
});

/** 400 for a body that is not a valid search (bad JSON, bad query, unsupported clause). */
export const badRequest = (message: string): ApiError => ({ status: 400, body: { message } });

/** 413 over the simulator's body cap (no Logz.io limit is documented for API requests). */
export const apiRequestTooLarge = (limit: number): ApiError => ({
  status: 413,
  body: { message: `Request body exceeds ${limit} bytes` },
});
