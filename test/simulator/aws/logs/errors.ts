import { expect } from "vitest";

interface SdkError {
  name: string;
  message: string;
  $fault: string;
  $metadata: { httpStatusCode?: number };
}

/** Awaits a rejected SDK call and checks what a user's catch block sees. */
export async function expectAwsError(
  call: Promise<unknown>,
  expected: { name: string; message?: string | RegExp; status?: number; fault?: string },
): Promise<SdkError> {
  const error = (await call.then(
    () => undefined,
    (e: unknown) => e,
  )) as SdkError | undefined;
  expect(error, `expected ${expected.name}, the call succeeded`).toBeDefined();
  const e = error as SdkError;
  expect(e.name).toBe(expected.name);
  expect(e.$fault).toBe(expected.fault ?? "client");
  expect(e.$metadata.httpStatusCode).toBe(expected.status ?? 400);
  if (typeof expected.message === "string") expect(e.message).toBe(expected.message);
  else if (expected.message) expect(e.message).toMatch(expected.message);
  return e;
}
