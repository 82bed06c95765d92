import { http, type RequestHandler } from "msw";
import type { FetchHandler } from "../../simulator/host/webHandler.js";
import type { Clock } from "../../simulator/kernel/clock.js";
import type { PagerDuty } from "./index.js";

/** The Events API hosts (US and EU service regions), any port, http or https. */
export const EVENTS_URL = /^https?:\/\/events(\.eu)?\.pagerduty\.com(:\d+)?\//;
/** The REST API hosts. */
export const API_URL = /^https?:\/\/api(\.eu)?\.pagerduty\.com(:\d+)?\//;

/**
 * msw handlers answering `events.pagerduty.com` and `api.pagerduty.com` with the transports the
 * servers use. Each request holds the clock while it is answered, as a served request does.
 */
export function pagerDutyHandlers(pagerduty: PagerDuty, clock: Clock): RequestHandler[] {
  return [
    http.all(EVENTS_URL, ({ request }) =>
      answer(clock, "pagerduty events", pagerduty.events.fetch, request),
    ),
    http.all(API_URL, ({ request }) =>
      answer(clock, "pagerduty api", pagerduty.api.fetch, request),
    ),
  ];
}

async function answer(
  clock: Clock,
  role: string,
  handler: FetchHandler,
  request: Request,
): Promise<Response> {
  const done = clock.beginWork(`${role} serving ${request.method} ${request.url}`);
  try {
    return await handler(request);
  } finally {
    done();
  }
}
