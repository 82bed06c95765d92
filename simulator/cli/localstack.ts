/**
 * LocalStack as the second AWS backend. It runs in real time (it cannot follow a virtual clock)
 * in its own container; watermelon only points its clients and its proxy at it.
 */

/** The last tag of LocalStack's public repository; newer images need LOCALSTACK_AUTH_TOKEN. */
export const LOCALSTACK_IMAGE = "localstack/localstack:4.14.0";
export const LOCALSTACK_DEFAULT_ENDPOINT = "http://localhost:4566";
/** The AWS services the chain needs from it. */
export const LOCALSTACK_SERVICES = ["logs", "lambda"] as const;

const READY_STATES = new Set(["available", "running"]);

/**
 * Waits until LocalStack's health endpoint reports Logs and Lambda ready; fails naming what is
 * missing after `timeoutMs` of real time.
 */
export async function waitForLocalStack(endpoint: string, timeoutMs = 60_000): Promise<void> {
  const url = new URL("/_localstack/health", endpoint);
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  for (;;) {
    try {
      const response = await fetch(url);
      const body = (await response.json()) as { services?: Record<string, string> };
      const missing = LOCALSTACK_SERVICES.filter(
        (s) => !READY_STATES.has(body.services?.[s] ?? ""),
      );
      if (missing.length === 0) return;
      last = `services not ready: ${missing.map((s) => `${s}=${body.services?.[s] ?? "absent"}`).join(", ")}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline) {
      throw new Error(`LocalStack at ${endpoint} is not ready after ${timeoutMs} ms (${last})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}
