import { HttpResponse, http, type RequestHandler } from "msw";
import type { FetchHandler } from "../../simulator/host/webHandler.js";
import type { Clock } from "../../simulator/kernel/clock.js";
import type { Logzio } from "./index.js";

/** Every listener host (any region, any port, http or https), as the proxy routes them. */
export const LISTENER_URL = /^https?:\/\/listener(-[a-z0-9]+)?\.logz\.io(:\d+)?\//;
/** Every API host (any region). */
export const API_URL = /^https?:\/\/api(-[a-z0-9]+)?\.logz\.io(:\d+)?\//;

/**
 * msw handlers answering `listener.logz.io` and `api.logz.io` with the same transports the
 * servers use, so a test needs no port. Each request holds the clock while it is answered, as a
 * served request does.
 */
export function logzioHandlers(logzio: Logzio, clock: Clock): RequestHandler[] {
  return [
    http.all(LISTENER_URL, ({ request }) =>
      answer(clock, "logzio listener", logzio.listener.fetch, request),
    ),
    http.all(API_URL, ({ request }) => answer(clock, "logzio api", logzio.api.fetch, request)),
  ];
}

async function answer(
  clock: Clock,
  role: string,
  handler: FetchHandler | undefined,
  request: Request,
): Promise<Response> {
  if (!handler) return HttpResponse.text(`${role} has no handler`, { status: 501 });
  const done = clock.beginWork(`${role} serving ${request.method} ${request.url}`);
  try {
    return await handler(request);
  } finally {
    done();
  }
}
