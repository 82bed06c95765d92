import type { ServiceModule } from "../host/admin.js";
import type { FaultRegistry } from "../host/faults.js";
import type { Clock } from "../kernel/clock.js";
import { createIdFactory } from "../kernel/ids.js";
import type { Journal } from "../kernel/journal.js";
import type { Rng } from "../kernel/rng.js";
import type { AwsServiceContext, LambdaForLogs, LogsForLambda } from "./context.js";
import { createLambdaService, type LambdaOptions } from "./lambda/index.js";
import { createLogsService, type LogsOptions } from "./logs/index.js";
import { AwsError, requestContext, sendAwsJsonError, sendRestJsonError } from "./protocol.js";

export interface AwsEmulatorOptions {
  clock: Clock;
  journal: Journal;
  /** The run's rng: the emulator forks "aws" from it. */
  rng: Rng;
  logs?: LogsOptions;
  lambda?: LambdaOptions;
  /** Faults of target "lambda" make invocations fail or time out without running the handler. */
  faults?: FaultRegistry;
}

const LOGS_TARGET_PREFIX = "Logs_20140328.";
const LAMBDA_PATH =
  /^\/(2015-03-31|2016-08-19|2017-03-31|2017-10-31|2018-10-31|2019-09-25|2019-09-30|2020-04-22|2020-06-30|2021-10-31)\//;

/**
 * The embedded AWS emulator: CloudWatch Logs (awsJson1_1, `X-Amz-Target: Logs_20140328.*`) and
 * Lambda (restJson1, `/2015-03-31/functions/...`) on one port, as LocalStack serves them.
 */
export function createAwsEmulator(options: AwsEmulatorOptions): ServiceModule {
  const rng = options.rng.fork("aws");
  const ids = createIdFactory(rng.fork("ids"));
  let endpointUrl = "http://127.0.0.1:4566";
  const context: AwsServiceContext = {
    clock: options.clock,
    journal: options.journal,
    rng,
    ids,
    endpoint: () => endpointUrl,
    ...(options.faults ? { faults: options.faults } : {}),
  };

  // Each service reaches the other through a narrow internal interface, bound late.
  let lambdaInternal: LambdaForLogs | undefined;
  let logsInternal: LogsForLambda | undefined;
  const logs = createLogsService(context, options.logs ?? {}, {
    lambda: () => lambdaInternal as LambdaForLogs,
  });
  const lambda = createLambdaService(context, options.lambda ?? {}, {
    logs: () => logsInternal as LogsForLambda,
  });
  lambdaInternal = lambda.internal;
  logsInternal = logs.internal;

  return {
    handler: (req, res) => {
      const ctx = requestContext(req, ids.awsRequestId());
      const target = req.headers["x-amz-target"];
      const path = (req.url ?? "/").split("?")[0] ?? "/";
      const fail = (error: unknown, send: typeof sendAwsJsonError) => {
        if (res.headersSent) return void res.destroy();
        send(
          res,
          ctx,
          error instanceof AwsError
            ? error
            : new AwsError("ServiceException", `internal error: ${String(error)}`, 500),
        );
      };
      if (typeof target === "string") {
        if (target.startsWith(LOGS_TARGET_PREFIX)) {
          logs.handle(req, res, ctx).catch((e: unknown) => fail(e, sendAwsJsonError));
          return;
        }
        // What AWS answers for an action no service behind the endpoint knows.
        req.resume();
        return sendAwsJsonError(
          res,
          ctx,
          new AwsError("com.amazon.coral.service#UnknownOperationException", "", 400),
        );
      }
      if (LAMBDA_PATH.test(path)) {
        lambda.handle(req, res, ctx).catch((e: unknown) => fail(e, sendRestJsonError));
        return;
      }
      req.resume();
      sendRestJsonError(
        res,
        ctx,
        new AwsError("UnknownOperationException", `Unknown operation ${req.method} ${path}`, 404),
      );
    },
    reset: () => {
      logs.reset();
      lambda.reset();
    },
    state: () => ({ logs: logs.state(), lambda: lambda.state() }),
    localstackServices: () => ({ logs: "running", lambda: "running" }),
    onListening: (endpoint) => {
      endpointUrl = endpoint.url;
    },
    dispose: async () => {
      await lambda.dispose?.();
      await logs.dispose?.();
    },
  };
}
