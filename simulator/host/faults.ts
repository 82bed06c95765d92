import { z } from "zod";
import type { Clock, TimerHandle } from "../kernel/clock.js";
import type { Journal } from "../kernel/journal.js";
import type { Rng } from "../kernel/rng.js";
import type { ServiceRole } from "./catalogue.js";

/**
 * Hop faults, in the manner of LocalStack's Chaos API and Toxiproxy: a registry the simulator
 * owns, consulted by every service before a request reaches its API (and by Lambda before an
 * invocation runs its handler). Faults start and end on the simulator clock; a probability below
 * 1 is a seeded draw per request, so a run with the same seed fails the same requests.
 */

export type FaultTarget = ServiceRole | "lambda";

export const FAULT_TARGETS = [
  "aws",
  "logzioListener",
  "logzioApi",
  "pagerdutyEvents",
  "pagerdutyApi",
  "lambda",
] as const satisfies readonly FaultTarget[];

export type FaultSpec =
  /** The connection is dropped without an answer: clients see ECONNRESET / "socket hang up". */
  | { kind: "down" }
  /** The service answers `status`; without `body`, with the service's own body for it. */
  | {
      kind: "status";
      status: number;
      body?: string;
      headers?: Record<string, string>;
      /** Sent as `Retry-After` (seconds). */
      retryAfterSeconds?: number;
    }
  /** Target "lambda" only: the invocation fails as an unhandled function error would. */
  | { kind: "error"; functionName?: string; errorType?: string; errorMessage?: string }
  /** Target "lambda" only: the invocation runs to the function's Timeout and times out. */
  | { kind: "timeout"; functionName?: string };

export type FaultKind = FaultSpec["kind"];

export interface Fault {
  /** `fault-1`, `fault-2`, ... in injection order. */
  id: string;
  target: FaultTarget;
  spec: FaultSpec;
  /** Chance that a matching request is answered by the fault, 0..1 (default 1). */
  probability: number;
  /** Only requests whose path starts with one of these. */
  paths?: string[];
  /** Epoch ms (simulator clock) it started. */
  from: number;
  /** Epoch ms it ends; absent: until cleared. */
  until?: number;
}

export interface FaultOptions {
  /** Virtual (or real, with a real clock) ms after which the fault ends by itself. */
  durationMs?: number;
  probability?: number;
  paths?: string[];
}

/** What a service tells the registry about the request or invocation at hand. */
export interface FaultRequest {
  method: string;
  path: string;
  /** For target "lambda": the function invoked, matched against a spec's functionName. */
  functionName?: string;
  /** Ids to put on the `fault.applied` entry (a Lambda request id). */
  correlation?: Record<string, string>;
}

export interface FaultRegistry {
  /** Starts a fault now; throws FaultSpecError naming the field when the spec is wrong. */
  inject(target: FaultTarget, spec: FaultSpec, options?: FaultOptions): Fault;
  /** Starts a fault at `at` (epoch ms on the clock); at or before now, at once. */
  schedule(at: number, target: FaultTarget, spec: FaultSpec, options?: FaultOptions): void;
  /** Ends one fault, or every fault (and scheduled one) without an id. Unknown ids are ignored. */
  clear(id?: string): void;
  /** The faults in force, oldest first; only those of `target` when given. */
  list(target?: FaultTarget): Fault[];
  /**
   * The fault that answers this request, if any: the oldest in force whose target, paths and
   * function match and whose draw hits. Journals `fault.applied` for it.
   */
  match(target: FaultTarget, request: FaultRequest): Fault | undefined;
  /** Cancels the registry's timers (scheduled starts and ends). */
  dispose(): void;
}

/** A fault description that breaks a rule: the message names the field and what was expected. */
export class FaultSpecError extends Error {
  readonly issues: readonly { path: string; message: string }[];

  constructor(issues: readonly { path: string; message: string }[]) {
    super(`invalid fault: ${issues.map((i) => `${i.path || "(fault)"}: ${i.message}`).join("; ")}`);
    this.name = "FaultSpecError";
    this.issues = issues;
  }
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

const specFields = {
  down: z.object({ kind: z.literal("down") }),
  status: z.object({
    kind: z.literal("status"),
    status: z.number().int().min(200, "expected an HTTP status 200..599").max(599),
    body: z.string().optional(),
    headers: z
      .record(z.string().regex(HEADER_NAME, "expected an HTTP header name"), z.string())
      .optional(),
    retryAfterSeconds: z.number().int().min(0).optional(),
  }),
  error: z.object({
    kind: z.literal("error"),
    functionName: z.string().min(1).optional(),
    errorType: z.string().min(1).optional(),
    errorMessage: z.string().optional(),
  }),
  timeout: z.object({
    kind: z.literal("timeout"),
    functionName: z.string().min(1).optional(),
  }),
};

const optionFields = {
  durationMs: z.number().int().positive("expected a positive number of ms").optional(),
  probability: z.number().min(0).max(1).optional(),
  paths: z.array(z.string().startsWith("/", 'expected a path starting with "/"')).min(1).optional(),
};

const targetSchema = z.enum(FAULT_TARGETS);

const LAMBDA_KINDS: readonly FaultKind[] = ["error", "timeout"];

/** Lambda faults act on invocations; the other kinds on a service's HTTP requests. */
function checkTargetKind(
  target: FaultTarget | undefined,
  kind: FaultKind,
  ctx: z.RefinementCtx,
): void {
  if (target === undefined) return;
  const lambdaKind = LAMBDA_KINDS.includes(kind);
  if (target === "lambda" && !lambdaKind) {
    ctx.addIssue({
      code: "custom",
      path: ["kind"],
      message: `target "lambda" takes kind "error" or "timeout", got "${kind}"`,
      input: kind,
    });
  } else if (target !== "lambda" && lambdaKind) {
    ctx.addIssue({
      code: "custom",
      path: ["kind"],
      message: `kind "${kind}" applies to target "lambda" only, got target "${target}"`,
      input: kind,
    });
  }
}

/** A fault spec with its options and, where needed, its target and start. */
function faultSchema<T extends Record<string, z.ZodType>>(extra: T) {
  return z
    .discriminatedUnion("kind", [
      specFields.down.extend(optionFields).extend(extra).strict(),
      specFields.status.extend(optionFields).extend(extra).strict(),
      specFields.error.extend(optionFields).extend(extra).strict(),
      specFields.timeout.extend(optionFields).extend(extra).strict(),
    ])
    .superRefine((value, ctx) => {
      const v = value as { kind: FaultKind; target?: FaultTarget };
      checkTargetKind(v.target, v.kind, ctx);
    });
}

/** `createSimulator({ faults: [...] })`: a target, the spec, and when it starts. */
export const scheduledFaultSchema = faultSchema({
  target: targetSchema,
  /** When it starts on the clock: epoch ms or an ISO 8601 instant (default: at once). */
  at: z.union([z.number().int(), z.iso.datetime({ offset: true })]).optional(),
});

export type ScheduledFault = z.input<typeof scheduledFaultSchema>;

/** `POST /_watermelon/faults`: the spec, its options, and optionally the target. */
const adminFaultSchema = faultSchema({ target: targetSchema.optional() });

const plainSpecSchema = z
  .discriminatedUnion("kind", [
    specFields.down.strict(),
    specFields.status.strict(),
    specFields.error.strict(),
    specFields.timeout.strict(),
  ])
  .superRefine((value, ctx) => checkTargetKind(undefined, value.kind, ctx));

const optionsSchema = z.object(optionFields).strict();

function issuesOf(error: z.ZodError, prefix: (string | number)[] = []) {
  return error.issues.map((i) => ({
    path: [...prefix, ...i.path].map(String).join("."),
    message: i.message,
  }));
}

/** Splits a flat `{kind, ..., durationMs?, probability?, paths?}` into spec and options. */
export function splitFault(flat: Record<string, unknown>): {
  spec: FaultSpec;
  options: FaultOptions;
} {
  const { durationMs, probability, paths, target: _t, at: _a, ...spec } = flat;
  return {
    spec: spec as FaultSpec,
    options: {
      ...(durationMs !== undefined ? { durationMs: durationMs as number } : {}),
      ...(probability !== undefined ? { probability: probability as number } : {}),
      ...(paths !== undefined ? { paths: paths as string[] } : {}),
    },
  };
}

/**
 * Reads the body of `POST /_watermelon/faults` on a service: the target defaults to the service's
 * own role, or "lambda" for the Lambda kinds on the AWS service; a target the service does not
 * own is refused.
 */
export function parseAdminFault(
  body: unknown,
  role: ServiceRole,
): { target: FaultTarget; spec: FaultSpec; options: FaultOptions } {
  const parsed = adminFaultSchema.safeParse(body);
  if (!parsed.success) throw new FaultSpecError(issuesOf(parsed.error));
  const value = parsed.data;
  const owned = targetsOf(role);
  const target: FaultTarget =
    value.target ?? (role === "aws" && LAMBDA_KINDS.includes(value.kind) ? "lambda" : role);
  if (!owned.includes(target)) {
    throw new FaultSpecError([
      {
        path: "target",
        message: `this is the ${role} service: expected ${owned.map((t) => `"${t}"`).join(" or ")}, got "${target}"`,
      },
    ]);
  }
  const { spec, options } = splitFault(value as Record<string, unknown>);
  if (target !== "lambda" && LAMBDA_KINDS.includes(spec.kind)) {
    throw new FaultSpecError([
      { path: "kind", message: `kind "${spec.kind}" applies to target "lambda" only` },
    ]);
  }
  return { target, spec, options };
}

/** The targets a service's admin endpoint manages: its own role, and Lambda on the AWS one. */
export function targetsOf(role: ServiceRole): FaultTarget[] {
  return role === "aws" ? ["aws", "lambda"] : [role];
}

function validate(target: FaultTarget, spec: FaultSpec, options: FaultOptions): void {
  const issues: { path: string; message: string }[] = [];
  const t = targetSchema.safeParse(target);
  if (!t.success) issues.push(...issuesOf(t.error, ["target"]));
  const s = plainSpecSchema.safeParse(spec);
  if (!s.success) issues.push(...issuesOf(s.error));
  const o = optionsSchema.safeParse(options);
  if (!o.success) issues.push(...issuesOf(o.error));
  if (t.success && s.success) {
    const lambdaKind = LAMBDA_KINDS.includes(spec.kind);
    if (target === "lambda" && !lambdaKind) {
      issues.push({
        path: "kind",
        message: `target "lambda" takes kind "error" or "timeout", got "${spec.kind}"`,
      });
    } else if (target !== "lambda" && lambdaKind) {
      issues.push({
        path: "kind",
        message: `kind "${spec.kind}" applies to target "lambda" only, got target "${target}"`,
      });
    }
  }
  if (issues.length > 0) throw new FaultSpecError(issues);
}

interface Active {
  fault: Fault;
  /** Its own stream: one fault's draws never shift another's. */
  draws: Rng;
  end?: TimerHandle;
}

export function createFaultRegistry(options: {
  clock: Clock;
  journal: Journal;
  rng: Rng;
}): FaultRegistry {
  const { clock, journal } = options;
  const rng = options.rng.fork("faults");
  const active: Active[] = [];
  const starts = new Set<TimerHandle>();
  let counter = 0;

  const copy = (fault: Fault): Fault => ({
    ...fault,
    spec: { ...fault.spec },
    ...(fault.paths ? { paths: [...fault.paths] } : {}),
  });

  const end = (at: number, reason: "expired" | "cleared") => {
    const [entry] = active.splice(at, 1);
    if (!entry) return;
    if (reason === "cleared") entry.end?.cancel();
    journal.append("fault.cleared", {
      source: "faults",
      data: { id: entry.fault.id, target: entry.fault.target, reason },
    });
  };

  const inject = (target: FaultTarget, spec: FaultSpec, opts: FaultOptions = {}): Fault => {
    validate(target, spec, opts);
    counter += 1;
    const id = `fault-${counter}`;
    const from = clock.now();
    const fault: Fault = {
      id,
      target,
      spec: { ...spec },
      probability: opts.probability ?? 1,
      ...(opts.paths ? { paths: [...opts.paths] } : {}),
      from,
      ...(opts.durationMs !== undefined ? { until: from + opts.durationMs } : {}),
    };
    const entry: Active = { fault, draws: rng.fork(id) };
    active.push(entry);
    journal.append("fault.injected", {
      source: "faults",
      data: {
        id,
        target,
        kind: spec.kind,
        ...(spec.kind === "status" ? { status: spec.status } : {}),
        ...("functionName" in spec && spec.functionName !== undefined
          ? { functionName: spec.functionName }
          : {}),
        ...(fault.probability !== 1 ? { probability: fault.probability } : {}),
        ...(fault.paths ? { paths: [...fault.paths] } : {}),
        ...(fault.until !== undefined ? { until: new Date(fault.until).toISOString() } : {}),
      },
    });
    if (opts.durationMs !== undefined) {
      entry.end = clock.setTimeout(
        () => {
          const at = active.indexOf(entry);
          if (at !== -1) end(at, "expired");
        },
        opts.durationMs,
        `fault ${id} ends`,
      );
    }
    return copy(fault);
  };

  const applies = (entry: Active, target: FaultTarget, request: FaultRequest): boolean => {
    const { fault } = entry;
    if (fault.target !== target) return false;
    if (fault.until !== undefined && clock.now() >= fault.until) return false;
    if (fault.paths && !fault.paths.some((p) => request.path.startsWith(p))) return false;
    const fn = "functionName" in fault.spec ? fault.spec.functionName : undefined;
    if (fn !== undefined && fn !== request.functionName) return false;
    if (fault.probability >= 1) return true;
    // Drawn only for requests the fault could answer, so unrelated traffic never shifts it.
    return entry.draws.float() < fault.probability;
  };

  return {
    inject,
    schedule(at, target, spec, opts = {}) {
      // Checked now, so a wrong fault fails where it is declared, not when it is due.
      validate(target, spec, opts);
      const delay = at - clock.now();
      if (delay <= 0) {
        inject(target, spec, opts);
        return;
      }
      const handle = clock.setTimeout(
        () => {
          starts.delete(handle);
          inject(target, spec, opts);
        },
        delay,
        `fault ${target} ${spec.kind} starts`,
      );
      starts.add(handle);
    },
    clear(id) {
      if (id === undefined) {
        for (const handle of starts) handle.cancel();
        starts.clear();
        while (active.length > 0) end(0, "cleared");
        return;
      }
      const at = active.findIndex((e) => e.fault.id === id);
      if (at !== -1) end(at, "cleared");
    },
    list(target) {
      return active
        .filter((e) => target === undefined || e.fault.target === target)
        .map((e) => copy(e.fault));
    },
    match(target, request) {
      for (const entry of active) {
        if (!applies(entry, target, request)) continue;
        const { fault } = entry;
        journal.append("fault.applied", {
          source: "faults",
          correlation: request.correlation ?? {},
          data: {
            id: fault.id,
            target,
            kind: fault.spec.kind,
            method: request.method,
            path: request.path,
          },
        });
        return copy(fault);
      }
      return undefined;
    },
    dispose() {
      for (const handle of starts) handle.cancel();
      starts.clear();
      for (const entry of active) entry.end?.cancel();
    },
  };
}
