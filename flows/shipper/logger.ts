/** The shipper's own log, at SHIPPER_LOG_LEVEL (Python logging levels, default INFO). */
export interface ShipperLogger {
  debug(message: string): void;
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
}

const LEVELS: Record<string, number> = {
  DEBUG: 10,
  INFO: 20,
  WARN: 30,
  WARNING: 30,
  ERROR: 40,
  CRITICAL: 50,
  FATAL: 50,
};

/** Python's `logging.getLevelName`: names are case-sensitive; an unknown one means INFO. */
export function levelOf(name: string | undefined): number {
  return LEVELS[name ?? "INFO"] ?? 20;
}

/** Writes through console, which the Lambda runtime turns into the function's log lines. */
export function consoleLogger(levelName: string | undefined): ShipperLogger {
  const threshold = levelOf(levelName);
  const at =
    (level: number, write: (message: string) => void) =>
    (message: string): void => {
      if (level >= threshold) write(message);
    };
  return {
    debug: at(10, (m) => console.debug(m)),
    info: at(20, (m) => console.info(m)),
    warning: at(30, (m) => console.warn(m)),
    error: at(40, (m) => console.error(m)),
  };
}

/** Keeps what was logged as "LEVEL message", for tests and callers that want the lines. */
export function memoryLogger(levelName?: string): ShipperLogger & { lines: string[] } {
  const lines: string[] = [];
  const threshold = levelOf(levelName);
  const keep = (level: string) => (message: string) => {
    if ((LEVELS[level] ?? 0) >= threshold) lines.push(`${level} ${message}`);
  };
  return {
    lines,
    debug: keep("DEBUG"),
    info: keep("INFO"),
    warning: keep("WARNING"),
    error: keep("ERROR"),
  };
}
