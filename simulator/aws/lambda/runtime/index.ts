import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Clock } from "../../../kernel/clock.js";
import { bootstrapFile } from "./bootstrap.js";
import { FunctionInstance } from "./instance.js";
import { endLine, logStreamName, reportLine, startLine } from "./logFormat.js";
import { LAMBDA_RUNTIME_ENTRY, LAMBDA_TASK_ROOT } from "./protocol.js";
import { RuntimeFault, type TaskRoot, TaskRoots } from "./taskRoot.js";
import type {
  FunctionInstanceConfig,
  FunctionRuntime,
  InvocationOutcome,
  InvocationRequest,
} from "./types.js";

export type * from "./types.js";

export interface FunctionRuntimeOptions {
  clock: Clock;
  /**
   * Real milliseconds a busy worker may go without answering (a synchronous endless loop)
   * before it is terminated and its invocation reported as timed out. Default 10 s.
   */
  watchdogMs?: number;
  /** The emulator's own endpoint, injected as AWS_ENDPOINT_URL as LocalStack does. */
  endpointUrl(): string;
  /** Where the functions' code is unpacked (default: the system's temporary directory). */
  tempRoot?: string;
}

export const DEFAULT_WATCHDOG_MS = 10_000;

/** Lambda's PATH and LANG for Node.js runtimes; a function may override these two. */
const DEFAULT_PATH = "/var/lang/bin:/usr/local/bin:/usr/bin/:/bin:/opt/bin";

/**
 * Runs Node.js functions as Lambda does: each execution environment a worker thread loaded from
 * the function's unpacked code, reused warm per (function, code, configuration), one invocation
 * at a time, with the function's Date and timers on the simulator clock.
 *
 * Clock protocol: every message to a worker (an invocation, a timer firing) carries the virtual
 * now and is work in flight on the clock until the worker reports it has settled: handled, and
 * two macrotask turns with no outgoing HTTP exchange, fetch or libuv request (file system, DNS,
 * crypto, zlib) pending. Timers the function sets are clock timers, so a function waiting on one
 * is idle and the clock may move; one with a request in flight holds it.
 */
export function createFunctionRuntime(options: FunctionRuntimeOptions): FunctionRuntime {
  const { clock } = options;
  const watchdogMs = options.watchdogMs ?? DEFAULT_WATCHDOG_MS;
  let baseDir: Promise<string> | undefined;
  const base = () => {
    baseDir ??= (async () => {
      const dir = await mkdtemp(path.join(options.tempRoot ?? tmpdir(), "watermelon-lambda-"));
      // A neutral package scope: code is CommonJS unless its own package.json says otherwise,
      // whatever package.json sits above the temporary directory.
      await writeFile(path.join(dir, "package.json"), "{}\n");
      return dir;
    })();
    return baseDir;
  };
  const roots = new TaskRoots(base);
  const instances = new Set<FunctionInstance>();
  const idle = new Map<string, FunctionInstance[]>();
  const created = new Map<string, number>();
  /** How many times each function was retired: a start that raced a retire is retired too. */
  const retirements = new Map<string, number>();
  let disposed = false;

  function takeIdle(key: string): FunctionInstance | undefined {
    const list = idle.get(key);
    const instance = list?.shift();
    if (list && list.length === 0) idle.delete(key);
    return instance;
  }

  function onIdle(instance: FunctionInstance): void {
    if (disposed || instance.retired) {
      void instance.kill();
      return;
    }
    const list = idle.get(instance.key) ?? [];
    list.push(instance);
    list.sort((a, b) => a.number - b.number);
    idle.set(instance.key, list);
  }

  function onGone(instance: FunctionInstance): void {
    instances.delete(instance);
    const list = idle.get(instance.key);
    if (!list) return;
    const at = list.indexOf(instance);
    if (at !== -1) list.splice(at, 1);
    if (list.length === 0) idle.delete(instance.key);
  }

  function environment(config: FunctionInstanceConfig, stream: string, root: TaskRoot) {
    return {
      PATH: DEFAULT_PATH,
      LANG: "en_US.UTF-8",
      TZ: ":UTC",
      AWS_ENDPOINT_URL: options.endpointUrl(),
      ...config.environment,
      // Reserved: Lambda refuses them in Environment.Variables, so these always win.
      _HANDLER: config.handler,
      LAMBDA_TASK_ROOT: root.dir,
      LAMBDA_RUNTIME_DIR: "/var/runtime",
      AWS_EXECUTION_ENV: `AWS_Lambda_${config.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: config.functionName,
      AWS_LAMBDA_FUNCTION_VERSION: config.version,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(config.memorySizeMb),
      AWS_LAMBDA_LOG_GROUP_NAME: config.logGroupName,
      AWS_LAMBDA_LOG_STREAM_NAME: stream,
      AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
      AWS_REGION: config.region,
      AWS_DEFAULT_REGION: config.region,
      // A 12-digit access key names the account to the emulator (LocalStack's rule).
      AWS_ACCESS_KEY_ID: config.accountId,
      AWS_SECRET_ACCESS_KEY: "test",
      AWS_SESSION_TOKEN: "test",
    };
  }

  /** The code could not even be unpacked: no environment, the invocation fails. */
  function faultOutcome(
    config: FunctionInstanceConfig,
    request: InvocationRequest,
    fault: RuntimeFault,
    stream: string,
  ): InvocationOutcome {
    const now = clock.now();
    const lines = [
      startLine(request.requestId, config.version),
      endLine(request.requestId),
      reportLine(request.requestId, {
        durationMs: 0,
        memorySizeMb: config.memorySizeMb,
        initDurationMs: 0,
      }),
    ];
    return {
      error: fault.payload,
      timedOut: false,
      logLines: lines.map((message) => ({ timestamp: now, message })),
      logStreamName: stream,
      durationMs: 0,
      initDurationMs: 0,
      coldStart: true,
    };
  }

  /** Starts a new environment; resolves once it holds the invocation (not when that ends). */
  async function coldStart(
    config: FunctionInstanceConfig,
    key: string,
    request: InvocationRequest,
  ): Promise<{ outcome: Promise<InvocationOutcome> }> {
    const generation = retirements.get(config.functionArn) ?? 0;
    const number = (created.get(config.functionArn) ?? 0) + 1;
    created.set(config.functionArn, number);
    const stream = logStreamName(clock.now(), config.version, `${config.functionArn}#${number}`);
    let root: TaskRoot;
    try {
      root = await roots.acquire(config.functionArn, config.code);
    } catch (error) {
      if (error instanceof RuntimeFault) {
        return { outcome: Promise.resolve(faultOutcome(config, request, error, stream)) };
      }
      throw error;
    }
    let bootstrap: string;
    try {
      bootstrap = await bootstrapFile(await base());
      if (disposed) throw disposedError();
    } catch (error) {
      await root.release();
      throw error;
    }
    const aliases: [string, string][] = [
      [root.realDir, LAMBDA_TASK_ROOT],
      [root.dir, LAMBDA_TASK_ROOT],
      [bootstrap, LAMBDA_RUNTIME_ENTRY],
    ];
    aliases.sort(([a], [b]) => b.length - a.length);
    const instance = new FunctionInstance({
      clock,
      config,
      key,
      number,
      bootstrap,
      taskRoot: root,
      logStreamName: stream,
      env: environment(config, stream, root),
      aliases,
      watchdogMs,
      onIdle,
      onGone,
    });
    instance.retired = (retirements.get(config.functionArn) ?? 0) !== generation;
    instances.add(instance);
    return { outcome: instance.invoke(request, true) };
  }

  return {
    async invoke(config, request) {
      if (disposed) throw disposedError();
      // Held until the environment has taken the invocation over with work of its own.
      const setup = clock.beginWork(`lambda ${config.functionName} start ${request.requestId}`);
      let started: { outcome: Promise<InvocationOutcome> };
      try {
        const key = instanceKey(config);
        const warm = takeIdle(key);
        started = warm
          ? { outcome: warm.invoke(request, false) }
          : await coldStart(config, key, request);
      } finally {
        setup();
      }
      return started.outcome;
    },

    async retire(functionArn) {
      retirements.set(functionArn, (retirements.get(functionArn) ?? 0) + 1);
      const stopping: Promise<void>[] = [];
      for (const instance of instances) {
        if (instance.config.functionArn !== functionArn) continue;
        instance.retired = true;
        if (instance.state === "idle") stopping.push(instance.kill());
      }
      await Promise.all(stopping);
      await roots.retire(functionArn);
    },

    async dispose() {
      disposed = true;
      await Promise.all(
        [...instances].map((instance) =>
          instance.kill(new Error("the function runtime was disposed during the invocation")),
        ),
      );
      if (baseDir) {
        const dir = await baseDir.catch(() => undefined);
        if (dir) await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

function disposedError(): Error {
  return new Error("the function runtime has been disposed");
}

/** Environments are reused only for the same function, code and configuration. */
function instanceKey(config: FunctionInstanceConfig): string {
  const environment = Object.keys(config.environment)
    .sort()
    .map((name) => [name, config.environment[name]]);
  return JSON.stringify([
    config.functionArn,
    config.code.sha256,
    config.version,
    config.runtime,
    config.handler,
    config.memorySizeMb,
    config.timeoutSeconds,
    config.region,
    config.accountId,
    config.logGroupName,
    config.functionName,
    environment,
  ]);
}
