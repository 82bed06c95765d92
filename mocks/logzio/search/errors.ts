/**
 * Search errors. Logz.io's legacy Search doc (public-api search/readme.md) answers 400 for
 * disallowed top-level elements, leading wildcards, invalid syntax and Elasticsearch failures;
 * the simulator also answers 400 for whatever it does not emulate, naming the clause, so a query
 * it cannot evaluate never gets a wrong answer.
 */
export class SearchError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** A clause, parameter or aggregation the simulator does not emulate. */
export const unsupported = (what: string, where?: string) =>
  new SearchError(
    400,
    `${what} is not supported by the Logz.io simulator${where ? ` (in ${where})` : ""}`,
  );

/** The query is well-formed JSON but not a valid query. */
export const invalidQuery = (reason: string) => new SearchError(400, `Invalid query: ${reason}`);

/** Legacy Search doc: top-level elements other than the allowed ones. */
export const notAllowedElements = (names: readonly string[]) =>
  new SearchError(400, `Found JSON elements which are not allowed: ${names.join(", ")}`);

/** Legacy Search doc: leading wildcards are refused. */
export const leadingWildcard = (term: string) =>
  new SearchError(400, `Leading wildcards are not allowed: ${term}`);

/** Elasticsearch refuses sorting and aggregating on analyzed text fields. */
export const fielddataDisabled = (field: string) =>
  new SearchError(
    400,
    `Fielddata is disabled on text fields by default. Set fielddata=true on [${field}] in order to load fielddata in memory`,
  );
