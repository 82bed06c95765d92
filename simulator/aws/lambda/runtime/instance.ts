import { performance } from "node:perf_hooks";
// Real time on purpose: the watchdog measures how long a worker has been unresponsive.
import { clearInterval as realClearInterval, setInterval as realSetInterval } from "node:timers";
import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";
import type { Clock, TimerHandle, WorkDone } from "../../../kernel/clock.js";
import { endLine, reportLine, startLine, timeoutLine, timeoutMessage } from "./logFormat.js";
import type { MainToWorker, WorkerBoot, WorkerToMain } from "./protocol.js";
import type { TaskRoot } from "./taskRoot.js";
import type {
  FunctionErrorPayload,
  FunctionInstanceConfig,
  InvocationOutcome,
  InvocationRequest,
} from "./types.js";

type LogLine = InvocationOutcome["logLines"][number];

/** Real milliseconds a new worker thread may take to start running its bootstrap. */
const STARTUP_ALLOWANCE_MS = 60_000;

export interface InstanceOptions {
  clock: Clock;
  config: FunctionInstanceConfig;
  /** Identifies the configuration this environment serves (warm reuse). */
  key: string;
  /** Per function, in creation order: the pool prefers the oldest idle environment. */
  number: number;
  bootstrap: string;
  taskRoot: TaskRoot;
  logStreamName: string;
  env: Record<string, string>;
  aliases: [string, string][];
  watchdogMs: number;
  /** The invocation finished and the environment may serve another one. */
  onIdle(instance: FunctionInstance): void;
  /** The environment is gone (terminated, crashed, timed out, retired). */
  onGone(instance: FunctionInstance): void;
}

interface Invocation {
  request: InvocationRequest;
  invokedFunctionArn: string;
  coldStart: boolean;
  lines: LogLine[];
  resolve(outcome: InvocationOutcome): void;
  reject(error: Error): void;
  startedAt?: number;
  deadline?: TimerHandle;
}

interface ArmedTimer {
  due: number;
  intervalMs?: number;
  order: number;
  handle?: TimerHandle;
}

interface Ending {
  result?: string;
  error?: FunctionErrorPayload;
  timedOut?: boolean;
  /** Platform lines written before END (a timeout, a runtime exit). */
  lines?: string[];
}

/**
 * One execution environment: a worker thread running the bootstrap, one invocation at a time.
 * Every message to the worker is work in flight on the clock until the worker reports it has
 * settled; the worker's timers live on the clock, and are frozen between invocations as Lambda
 * freezes an environment once it has answered.
 */
export class FunctionInstance {
  readonly config: FunctionInstanceConfig;
  readonly key: string;
  readonly number: number;
  readonly logStreamName: string;
  state: "starting" | "idle" | "busy" | "dead" = "starting";
  /** Set when the function changed: the environment ends after its current invocation. */
  retired = false;

  private readonly clock: Clock;
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly options: InstanceOptions;
  private readonly createdAt: number;
  private readonly terminated: Promise<void>;
  private initialized = false;
  private initDurationMs?: number;
  private seq = 0;
  private readonly openWork = new Map<number, WorkDone>();
  private readonly timers = new Map<number, ArmedTimer>();
  private timerOrder = 0;
  private frozen = false;
  private pendingLines: LogLine[] = [];
  private active?: Invocation;
  private crash?: Error;
  private lastHeard = performance.now();
  /** The worker's bootstrap has run (it beats from its first instant). */
  private alive = false;
  private watchdog?: ReturnType<typeof realSetInterval>;

  constructor(options: InstanceOptions) {
    this.options = options;
    this.clock = options.clock;
    this.config = options.config;
    this.key = options.key;
    this.number = options.number;
    this.logStreamName = options.logStreamName;
    this.createdAt = this.clock.now();

    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const boot: WorkerBoot = {
      taskRoot: options.taskRoot.dir,
      handler: this.config.handler,
      now: this.createdAt,
      virtualTime: this.clock.kind === "virtual",
      heartbeatMs: Math.max(5, Math.floor(options.watchdogMs / 4)),
      aliases: options.aliases,
    };
    // The environment's work starts before the thread does: loading the code is part of it.
    this.openWork.set(0, this.clock.beginWork(`lambda ${this.config.functionName} init`));
    this.worker = new Worker(options.bootstrap, {
      workerData: { port: port2, boot },
      transferList: [port2],
      env: options.env,
      execArgv: [],
      stdout: false,
      stderr: false,
      name: `lambda ${this.config.functionName} #${this.number}`,
      resourceLimits: { maxOldGenerationSizeMb: Math.max(64, this.config.memorySizeMb) },
    });
    this.terminated = new Promise((resolve) => this.worker.once("exit", () => resolve()));
    this.port.on("message", (message: WorkerToMain) => this.onMessage(message));
    this.port.unref();
    this.worker.on("error", (error) => {
      this.crash = error;
    });
    this.worker.on("exit", (code) => this.onExit(code));
    this.ensureWatchdog();
  }

  /** Runs one invocation; the caller has made this environment busy. */
  invoke(request: InvocationRequest, coldStart: boolean): Promise<InvocationOutcome> {
    this.state = "busy";
    this.worker.ref();
    return new Promise<InvocationOutcome>((resolve, reject) => {
      this.active = {
        request,
        invokedFunctionArn: request.invokedFunctionArn ?? this.config.functionArn,
        coldStart,
        lines: [],
        resolve,
        reject,
      };
      if (this.initialized) this.dispatch();
    });
  }

  /** Terminates the worker; an invocation still running fails with `reason`. */
  kill(reason?: Error): Promise<void> {
    if (this.state !== "dead") {
      this.state = "dead";
      const active = this.active;
      this.active = undefined;
      active?.deadline?.cancel();
      if (active && reason) active.reject(reason);
      for (const timer of this.timers.values()) timer.handle?.cancel();
      this.timers.clear();
      for (const done of this.openWork.values()) done();
      this.openWork.clear();
      this.stopWatchdog();
      void this.worker.terminate();
      this.port.close();
      void this.options.taskRoot.release();
      this.options.onGone(this);
    }
    return this.terminated;
  }

  private dispatch(): void {
    const active = this.active;
    if (!active || active.startedAt !== undefined || this.state === "dead") return;
    const now = this.clock.now();
    active.startedAt = now;
    const { requestId } = active.request;
    active.lines = [
      ...this.pendingLines,
      { timestamp: now, message: startLine(requestId, this.config.version) },
    ];
    this.pendingLines = [];
    this.thaw();
    const timeoutMs = this.config.timeoutSeconds * 1000;
    active.deadline = this.clock.setTimeout(
      () => this.timeOut(active),
      timeoutMs,
      `lambda ${this.config.functionName} timeout ${requestId}`,
    );
    const clientContext = active.request.clientContext;
    this.send({
      kind: "invoke",
      seq: ++this.seq,
      now,
      requestId,
      payload: active.request.payload,
      deadlineMs: now + timeoutMs,
      invokedFunctionArn: active.invokedFunctionArn,
      clientContext: clientContext === undefined ? undefined : JSON.stringify(clientContext),
    });
  }

  private send(message: MainToWorker): void {
    if (this.state === "dead") return;
    if (this.openWork.size === 0) this.lastHeard = performance.now();
    const what = message.kind === "invoke" ? `invoke ${message.requestId}` : "timer";
    this.openWork.set(
      message.seq,
      this.clock.beginWork(`lambda ${this.config.functionName} ${what}`),
    );
    this.port.postMessage(message);
    this.ensureWatchdog();
  }

  private onMessage(message: WorkerToMain): void {
    if (this.state === "dead") return;
    this.lastHeard = performance.now();
    this.alive = true;
    switch (message.kind) {
      case "log":
        (this.active?.startedAt !== undefined ? this.active.lines : this.pendingLines).push({
          timestamp: message.timestamp,
          message: message.message,
        });
        return;
      case "timerSet":
        this.setTimer(message.timerId, message.delayMs, message.intervalMs);
        return;
      case "timerClear":
        this.timers.get(message.timerId)?.handle?.cancel();
        this.timers.delete(message.timerId);
        return;
      case "initDone":
        this.initialized = true;
        this.initDurationMs = this.clock.now() - this.createdAt;
        if (message.error) this.failInit(message.error);
        else this.dispatch();
        return;
      case "result": {
        const active = this.active;
        if (!active || active.request.requestId !== message.requestId) return;
        if (active.startedAt === undefined) return;
        this.finish(active, { result: message.result, error: message.error }, false);
        return;
      }
      case "fatal":
        this.onFatal(message.error, message.exitCode);
        return;
      case "settled":
        for (const [seq, done] of this.openWork) {
          if (seq > message.seq) continue;
          done();
          this.openWork.delete(seq);
        }
        if (this.openWork.size === 0) {
          this.stopWatchdog();
          if (!this.active) this.worker.unref();
        }
        return;
      case "heartbeat":
        return;
    }
  }

  private setTimer(timerId: number, delayMs: number, intervalMs?: number): void {
    this.timers.get(timerId)?.handle?.cancel();
    const timer: ArmedTimer = {
      due: this.clock.now() + delayMs,
      intervalMs,
      order: ++this.timerOrder,
    };
    this.timers.set(timerId, timer);
    if (!this.frozen) this.arm(timerId, timer);
  }

  private arm(timerId: number, timer: ArmedTimer): void {
    timer.handle = this.clock.setTimeout(
      () => this.fireTimer(timerId, timer),
      Math.max(0, timer.due - this.clock.now()),
      `lambda ${this.config.functionName} timer`,
    );
  }

  private fireTimer(timerId: number, timer: ArmedTimer): void {
    if (this.timers.get(timerId) !== timer || this.state === "dead") return;
    timer.handle = undefined;
    if (timer.intervalMs === undefined) this.timers.delete(timerId);
    else {
      // Like Node, an interval is re-armed from when it ran: no burst after a freeze.
      timer.due = this.clock.now() + Math.max(1, timer.intervalMs);
      this.arm(timerId, timer);
    }
    this.send({ kind: "timer", seq: ++this.seq, now: this.clock.now(), timerId });
  }

  /** Lambda freezes an environment between invocations: its timers wait, and do not hold the clock. */
  private freeze(): void {
    this.frozen = true;
    for (const timer of this.timers.values()) {
      timer.handle?.cancel();
      timer.handle = undefined;
    }
  }

  /**
   * Timers that fell due while frozen fire first thing, in due order, before the invocation
   * reaches the worker (Node runs due timers before it polls for the next event).
   */
  private thaw(): void {
    if (!this.frozen) return;
    this.frozen = false;
    const now = this.clock.now();
    const waiting = [...this.timers].sort(([, a], [, b]) => a.due - b.due || a.order - b.order);
    for (const [timerId, timer] of waiting) {
      if (timer.due <= now) this.fireTimer(timerId, timer);
      else this.arm(timerId, timer);
    }
  }

  private finish(active: Invocation, ending: Ending, discard: boolean): void {
    if (this.active !== active) return;
    this.active = undefined;
    active.deadline?.cancel();
    const now = this.clock.now();
    const startedAt = active.startedAt ?? now;
    const durationMs = now - startedAt;
    const { requestId } = active.request;
    const initDurationMs = active.coldStart ? (this.initDurationMs ?? 0) : undefined;
    const lines = [...active.lines];
    for (const message of ending.lines ?? []) lines.push({ timestamp: now, message });
    lines.push({ timestamp: now, message: endLine(requestId) });
    lines.push({
      timestamp: now,
      message: reportLine(requestId, {
        durationMs,
        memorySizeMb: this.config.memorySizeMb,
        initDurationMs,
      }),
    });
    const outcome: InvocationOutcome = {
      timedOut: ending.timedOut ?? false,
      logLines: lines,
      logStreamName: this.logStreamName,
      durationMs,
      coldStart: active.coldStart,
    };
    if (ending.error) outcome.error = ending.error;
    else outcome.result = ending.result ?? "null";
    if (initDurationMs !== undefined) outcome.initDurationMs = initDurationMs;

    if (discard || this.retired) void this.kill();
    else if (this.state !== "dead") {
      this.freeze();
      this.state = "idle";
      this.options.onIdle(this);
    }
    active.resolve(outcome);
  }

  private failInit(error: FunctionErrorPayload): void {
    const active = this.active;
    if (!active) {
      void this.kill();
      return;
    }
    // An environment whose code does not load is discarded; the invocation reports why.
    const now = this.clock.now();
    active.startedAt = now;
    active.lines = [
      ...this.pendingLines,
      { timestamp: now, message: startLine(active.request.requestId, this.config.version) },
    ];
    this.pendingLines = [];
    this.finish(active, { error }, true);
  }

  private onFatal(error: FunctionErrorPayload, exitCode: number): void {
    if (!this.initialized) {
      this.initialized = true;
      this.initDurationMs = this.clock.now() - this.createdAt;
      this.failInit(error);
      return;
    }
    const active = this.active;
    if (active && active.startedAt !== undefined) {
      const exit = `RequestId: ${active.request.requestId} Error: Runtime exited with error: exit status ${exitCode}\nRuntime.ExitError\n`;
      this.finish(active, { error, lines: [exit] }, true);
    } else void this.kill();
  }

  private onExit(code: number): void {
    if (this.state === "dead") return;
    const active = this.active;
    if (!active) {
      void this.kill();
      return;
    }
    const { requestId } = active.request;
    const outOfMemory =
      (this.crash as { code?: unknown } | undefined)?.code === "ERR_WORKER_OUT_OF_MEMORY";
    const reason = outOfMemory
      ? "Runtime exited with error: signal: killed"
      : code === 0
        ? "Runtime exited without providing a reason"
        : `Runtime exited with error: exit status ${code}`;
    const errorType = outOfMemory ? "Runtime.OutOfMemory" : "Runtime.ExitError";
    const errorMessage = `RequestId: ${requestId} Error: ${reason}`;
    active.startedAt ??= this.clock.now();
    if (active.lines.length === 0) {
      active.lines = [
        ...this.pendingLines,
        { timestamp: active.startedAt, message: startLine(requestId, this.config.version) },
      ];
    }
    this.finish(
      active,
      { error: { errorType, errorMessage, trace: [] }, lines: [`${errorMessage}\n${errorType}\n`] },
      true,
    );
  }

  /** The invocation ran past its timeout (virtual), or its worker stopped answering (real). */
  private timeOut(active: Invocation): void {
    if (this.active !== active) return;
    // Called by the deadline itself: a fired timer is not cancelled again.
    if (active.deadline && active.deadline.due <= this.clock.now()) active.deadline = undefined;
    const { requestId } = active.request;
    const now = this.clock.now();
    active.startedAt ??= now;
    if (active.lines.length === 0) {
      active.lines = [
        ...this.pendingLines,
        { timestamp: now, message: startLine(requestId, this.config.version) },
      ];
    }
    const { timeoutSeconds } = this.config;
    this.finish(
      active,
      {
        timedOut: true,
        error: {
          errorType: "Sandbox.Timedout",
          errorMessage: timeoutMessage(requestId, timeoutSeconds),
          trace: [],
        },
        lines: [timeoutLine(now, requestId, timeoutSeconds)],
      },
      true,
    );
  }

  private ensureWatchdog(): void {
    if (this.watchdog || this.state === "dead") return;
    const { watchdogMs } = this.options;
    const every = Math.max(5, Math.floor(watchdogMs / 4));
    let lastCheck = performance.now();
    this.watchdog = realSetInterval(() => {
      const now = performance.now();
      const late = now - lastCheck > 2 * every;
      lastCheck = now;
      if (this.openWork.size === 0) {
        this.stopWatchdog();
        return;
      }
      // A check that comes late means this thread was blocked, not the worker: its heartbeats
      // may be waiting in the queue. Start the count again.
      if (late) this.lastHeard = now;
      // Until the worker has said anything, it is still starting (a slow thread start under
      // load is not a stuck function).
      const allowance = this.alive ? watchdogMs : Math.max(watchdogMs, STARTUP_ALLOWANCE_MS);
      if (now - this.lastHeard < allowance) return;
      // Stuck in synchronous code: only terminating the thread stops it.
      if (this.active) this.timeOut(this.active);
      else void this.kill();
    }, every);
    this.watchdog.unref();
  }

  private stopWatchdog(): void {
    if (this.watchdog) realClearInterval(this.watchdog);
    this.watchdog = undefined;
  }
}
