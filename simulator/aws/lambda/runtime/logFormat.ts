import { createHash } from "node:crypto";

/**
 * The platform's own lines in a function's log (AWS text format), with virtual durations only:
 * the journal must not depend on the machine.
 */

/** Lambda's REPORT gives what the process used; ours is a fixed figure, so logs stay reproducible. */
export const REPORTED_MAX_MEMORY_MB = 64;

export function startLine(requestId: string, version: string): string {
  return `START RequestId: ${requestId} Version: ${version}\n`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}\n`;
}

export interface ReportFigures {
  durationMs: number;
  memorySizeMb: number;
  initDurationMs?: number;
}

export function reportLine(requestId: string, figures: ReportFigures): string {
  const { durationMs, memorySizeMb, initDurationMs } = figures;
  // Since August 2025 the init phase of on-demand functions is billed too.
  const billed = Math.max(1, Math.ceil(durationMs + (initDurationMs ?? 0)));
  const used = Math.min(memorySizeMb, REPORTED_MAX_MEMORY_MB);
  const init =
    initDurationMs === undefined ? "" : `Init Duration: ${initDurationMs.toFixed(2)} ms\t`;
  return (
    `REPORT RequestId: ${requestId}\tDuration: ${durationMs.toFixed(2)} ms\t` +
    `Billed Duration: ${billed} ms\tMemory Size: ${memorySizeMb} MB\t` +
    `Max Memory Used: ${used} MB\t${init}\n`
  );
}

export function timeoutSeconds(timeoutSecondsConfigured: number): string {
  return timeoutSecondsConfigured.toFixed(2);
}

export function timeoutMessage(requestId: string, timeoutSecondsConfigured: number): string {
  return `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds(timeoutSecondsConfigured)} seconds`;
}

export function timeoutLine(at: number, requestId: string, timeoutSecondsConfigured: number) {
  return `${new Date(at).toISOString()} ${requestId} Task timed out after ${timeoutSeconds(timeoutSecondsConfigured)} seconds\n`;
}

/** "YYYY/MM/DD/[<version>]<32 hex>": the date is the virtual one, the hex from a digest. */
export function logStreamName(at: number, version: string, seed: string): string {
  const day = new Date(at).toISOString().slice(0, 10).replaceAll("-", "/");
  const hex = createHash("sha256").update(seed).digest("hex").slice(0, 32);
  return `${day}/[${version}]${hex}`;
}
