import type { ApiError } from "../apiErrors.js";
import type { LogzioAccount } from "../store.js";
import {
  ENDPOINT_TYPES,
  type EndpointPathType,
  endpointResponse,
  parseEndpointRequest,
} from "./model.js";
import type { EndpointsService } from "./service.js";

const ok = (body: unknown, status = 200): ApiError => ({ status, body });
const invalid = (message: string): ApiError => ({ status: 400, body: { message } });

/** The body of the Go client's fixtures for a missing endpoint (`get_endpoint_not_exist.json`). */
function endpointNotFound(requestId: string): ApiError {
  return {
    status: 404,
    body: {
      errorCode: "endpoints/UNKNOWN_ENDPOINT",
      message: "The endpoint doesn't exist",
      requestId,
      parameters: {},
    },
  };
}

const isType = (t: string): t is EndpointPathType => Object.hasOwn(ENDPOINT_TYPES, t);

/**
 * `/v1/endpoints[...]`; undefined when the path or method is not one of them. `requestId`
 * numbers error bodies deterministically (Logz.io sends a random UUID there).
 */
export async function routeEndpoints(
  endpoints: EndpointsService,
  account: LogzioAccount,
  method: string,
  path: string,
  json: unknown,
  test: boolean,
  requestId: () => string,
): Promise<ApiError | undefined> {
  if (path === "/v1/endpoints") return method === "GET" ? ok(endpoints.list(account)) : undefined;
  const m = /^\/v1\/endpoints\/([^/]+)(?:\/([^/]+))?$/.exec(path);
  if (!m) return undefined;
  const first = m[1] ?? "";
  const second = m[2];
  const lookup = (raw: string) =>
    /^\d+$/.test(raw) ? endpoints.get(account, Number(raw)) : undefined;

  if (second === undefined && /^\d+$/.test(first) && (method === "GET" || method === "DELETE")) {
    const endpoint = lookup(first);
    if (!endpoint) return endpointNotFound(requestId());
    if (method === "GET") return ok(endpointResponse(endpoint));
    endpoints.delete(endpoint);
    // The spec answers 204; the Go client accepts 200 or 204.
    return { status: 204, body: undefined };
  }

  const creating = second === undefined && method === "POST";
  const updating = second !== undefined && method === "PUT";
  if (!creating && !updating) return undefined;
  // Slack, Opsgenie and the other types exist at Logz.io but are not simulated: say so.
  if (!isType(first)) return invalid(`Endpoint type '${first}' is not supported by the simulator`);
  const existing = updating ? lookup(second ?? "") : undefined;
  if (updating && !existing) return endpointNotFound(requestId());
  const parsed = parseEndpointRequest(first, json);
  if (!parsed.ok) return invalid(parsed.message);
  if (test) {
    const error = await endpoints.sendTest(account, parsed.value);
    return error === undefined ? ok({ id: -1 }) : invalid(`Test notification failed: ${error}`);
  }
  const saved = existing
    ? endpoints.update(existing, parsed.value)
    : endpoints.create(account, parsed.value);
  return ok({ id: saved.id });
}
