/**
 * The exceptions the Python shipper raises, by their Python names: a failed invocation reports
 * the name as its errorType, as the Python function does.
 */
export class PythonError extends Error {
  constructor(
    override readonly name: string,
    message: string,
  ) {
    super(message);
  }
}

/** `KeyError('TOKEN')`, whose text is the quoted key. */
export const keyError = (key: string) => new PythonError("KeyError", `'${key}'`);

export const indexError = () => new PythonError("IndexError", "list index out of range");

export const typeError = (message: string) => new PythonError("TypeError", message);

export const valueError = (message: string) => new PythonError("ValueError", message);

/** The shipper's own exceptions (shipper.py). */
export const maxRetries = () => new PythonError("MaxRetriesException", "");
export const unauthorized = () => new PythonError("UnauthorizedAccessException", "");
export const unknownUrl = () => new PythonError("UnknownURL", "");
export const badLogs = (reason: string) => new PythonError("BadLogsException", reason);

/** urllib's URLError: connection refused, unknown host, connect timeout, unknown scheme. */
export const urlError = (reason: string) =>
  new PythonError("URLError", `<urlopen error ${reason}>`);

/** A read that timed out after the connection was made: not caught by the retry loop. */
export const readTimeout = () => new PythonError("TimeoutError", "timed out");
