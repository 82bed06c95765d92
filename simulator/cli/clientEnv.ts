import type { Endpoints } from "../host/serviceHost.js";

/** The region clients are told to use; any region's host name reaches the same emulator. */
export const DEFAULT_REGION = "us-east-1";

/**
 * The variables a client needs to reach the running simulator: endpoints for clients that take
 * a URL, the proxy for clients with hard-coded hosts, and the CA for both.
 */
export function clientEnv(
  endpoints: Endpoints,
  caPath: string,
  logzio?: { shippingToken: string; apiToken: string },
  pagerduty?: { routingKey: string | undefined; token?: string | undefined },
): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: endpoints.aws.url,
    // LocalStack's conventional dummy credentials: signatures are not verified.
    AWS_ACCESS_KEY_ID: "test",
    AWS_SECRET_ACCESS_KEY: "test",
    AWS_REGION: DEFAULT_REGION,
    AWS_DEFAULT_REGION: DEFAULT_REGION,
    LOGZIO_LISTENER_URL: endpoints.logzioListener.url,
    LOGZIO_API_URL: endpoints.logzioApi.url,
    // The first account's tokens: the one `watermelon up` starts without a scenario.
    ...(logzio ? { LOGZIO_TOKEN: logzio.shippingToken, LOGZIO_API_TOKEN: logzio.apiToken } : {}),
    // https, as PagerDuty serves them (its REST API refuses http); the plain http URLs are in
    // the endpoints for clients that cannot trust the CA.
    PAGERDUTY_EVENTS_URL: endpoints.pagerdutyEvents.httpsUrl,
    PAGERDUTY_API_URL: endpoints.pagerdutyApi.httpsUrl,
    // The default service's Events API v2 integration key: `routing_key` in events.
    ...(pagerduty?.routingKey ? { PAGERDUTY_ROUTING_KEY: pagerduty.routingKey } : {}),
    // The REST API key of the default user: `Authorization: Token token=<key>`.
    ...(pagerduty?.token ? { PAGERDUTY_TOKEN: pagerduty.token } : {}),
    HTTPS_PROXY: endpoints.proxy.url,
    HTTP_PROXY: endpoints.proxy.url,
    // curl reads only the lower-case http_proxy; set both spellings of each.
    https_proxy: endpoints.proxy.url,
    http_proxy: endpoints.proxy.url,
    NO_PROXY: "localhost,127.0.0.1",
    no_proxy: "localhost,127.0.0.1",
    NODE_EXTRA_CA_CERTS: caPath,
    AWS_CA_BUNDLE: caPath,
  };
}

/** POSIX shell `export` lines, single-quoted so any value survives `eval`. */
export function toShellExports(env: Record<string, string>): string {
  const quote = (value: string) => `'${value.replaceAll("'", `'"'"'`)}'`;
  return Object.entries(env)
    .map(([key, value]) => `export ${key}=${quote(value)}`)
    .join("\n");
}
