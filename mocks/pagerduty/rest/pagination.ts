/**
 * Classic offset pagination (09-Pagination.md): `limit` (default 25, at most 100), `offset`
 * (default 0), `total=true` to have `total` counted (otherwise `"total": null`); the answer
 * echoes `limit` and `offset` and says whether there is `more`. `offset + limit` over 10,000 is
 * refused. pdjs follows `more` with `offset + limit`; pagerduty-cli asks `total=true` and fetches
 * the remaining pages in parallel.
 */
import { invalidInput } from "./errors.js";
import { DEFAULT_PAGE_LIMIT, MAX_OFFSET_PLUS_LIMIT, MAX_PAGE_LIMIT } from "./limits.js";
import type { RestQuery } from "./query.js";

export interface Page {
  limit: number;
  offset: number;
  total: boolean;
}

export interface PageFields {
  limit: number;
  offset: number;
  more: boolean;
  total: number | null;
}

/** Reads `limit`, `offset` and `total` from the query. */
export function readPage(query: RestQuery): Page {
  const asked = query.integer("limit");
  // limit=0 is read as the default: PagerDuty documents no empty page.
  const limit = Math.min(
    asked === undefined || asked === 0 ? DEFAULT_PAGE_LIMIT : asked,
    MAX_PAGE_LIMIT,
  );
  const offset = query.integer("offset") ?? 0;
  if (offset + limit > MAX_OFFSET_PLUS_LIMIT) {
    throw invalidInput([
      `Offset plus limit must be less than or equal to ${MAX_OFFSET_PLUS_LIMIT} (use cursor-based pagination or narrower filters)`,
    ]);
  }
  return { limit, offset, total: query.boolean("total", false) };
}

/**
 * One page of `items` under `key`, rendered with `render`, with the pagination fields:
 * `{[key]: [...], limit, offset, more, total}`.
 */
export function paginate<T, R>(
  page: Page,
  key: string,
  items: readonly T[],
  render: (item: T) => R,
): Record<string, R[]> & PageFields {
  const slice = items.slice(page.offset, page.offset + page.limit).map(render);
  return {
    [key]: slice,
    limit: page.limit,
    offset: page.offset,
    more: page.offset + page.limit < items.length,
    total: page.total ? items.length : null,
  } as Record<string, R[]> & PageFields;
}
