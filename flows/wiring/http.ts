/**
 * The wiring's one way to call a service: JSON over HTTP with the service's own auth, and a
 * refusal reported with what was asked and what the service answered.
 */
export class WiringError extends Error {
  constructor(
    readonly service: string,
    readonly request: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`${service} refused ${request}: ${status} ${body.slice(0, 500)}`);
    this.name = "WiringError";
  }
}

export interface JsonClient {
  call<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
}

export function jsonClient(
  service: string,
  baseUrl: string,
  headers: Record<string, string>,
  fetchImpl: typeof fetch = fetch,
): JsonClient {
  const base = baseUrl.replace(/\/+$/, "");
  return {
    async call<T>(method: string, path: string, body?: unknown): Promise<T> {
      const response = await fetchImpl(`${base}${path}`, {
        method,
        headers: {
          ...headers,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      if (!response.ok) throw new WiringError(service, `${method} ${path}`, response.status, text);
      return (text ? JSON.parse(text) : undefined) as T;
    },
  };
}
