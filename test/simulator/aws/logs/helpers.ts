import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type {
  AccountScope,
  LambdaForLogs,
  LogsForLambda,
} from "../../../../simulator/aws/context.js";
import { createLogsService, type LogsOptions } from "../../../../simulator/aws/logs/index.js";
import { AwsError, requestContext } from "../../../../simulator/aws/protocol.js";
import { createSimulator } from "../../../../simulator/cli/api.js";
import { trackServerRequests } from "../../../../simulator/host/inflight.js";
import { type Clock, DEFAULT_START } from "../../../../simulator/kernel/clock.js";
import { createIdFactory } from "../../../../simulator/kernel/ids.js";
import { Journal } from "../../../../simulator/kernel/journal.js";
import { createRng } from "../../../../simulator/kernel/rng.js";
import { createVirtualClock } from "../../../../simulator/kernel/virtualClock.js";

export const REGION = "us-east-1";
export const ACCOUNT = "000000000000";

export interface LogsHarness {
  /** http URL of the AWS port. */
  endpoint: string;
  clock: Clock;
  journal: Journal;
  /** POST /_watermelon/reset on the AWS port. */
  reset(): Promise<void>;
  dispose(): Promise<void>;
}

/** An SDK v3 client as a user configures it for a local endpoint; no retries, so errors are direct. */
export function logsClient(
  endpoint: string,
  options: { accessKeyId?: string; region?: string } = {},
): CloudWatchLogsClient {
  return new CloudWatchLogsClient({
    endpoint,
    region: options.region ?? REGION,
    credentials: { accessKeyId: options.accessKeyId ?? "test", secretAccessKey: "test" },
    maxAttempts: 1,
  });
}

/** The real simulator in-process (createSimulator, AWS emulator included), its CA in a temp home. */
export async function startLogsSimulator(
  options: { logs?: LogsOptions; start?: number } = {},
): Promise<LogsHarness> {
  const home = await mkdtemp(path.join(os.tmpdir(), "watermelon-logs-"));
  const sim = createSimulator({
    home,
    aws: { logs: options.logs ?? {} },
    ...(options.start !== undefined ? { start: options.start } : {}),
  });
  await sim.ready;
  const endpoint = sim.endpoints.aws.url;
  return {
    endpoint,
    clock: sim.clock,
    journal: sim.journal,
    reset: () => postReset(endpoint),
    dispose: async () => {
      await sim.dispose();
      await rm(home, { recursive: true, force: true });
    },
  };
}

async function postReset(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/_watermelon/reset`, { method: "POST" });
  if (res.status !== 200) throw new Error(`reset answered ${res.status}`);
}

// ---------------------------------------------------------------------------------------------
// CloudWatch Logs alone, with a fake Lambda that records what it is handed.

export interface RecordedInvocation {
  scope: AccountScope;
  functionArn: string;
  payload: string;
  correlation: Record<string, string>;
  requestId: string;
  /** Virtual time of the hand-over. */
  at: number;
}

export interface FakeLambda extends LambdaForLogs {
  invocations: RecordedInvocation[];
  /** Functions by ARN, with the principals their policy allows. */
  functions: Map<string, { principals: string[]; sourceArn?: string }>;
  /** ARNs whose invokeAsync throws (the function was deleted after the filter was put). */
  failing: Set<string>;
  allowsInvokeCalls: {
    functionArn: string;
    principal: string;
    sourceArn: string;
    sourceAccount: string;
  }[];
}

export function createFakeLambda(clock: Clock): FakeLambda {
  let counter = 0;
  const fake: FakeLambda = {
    invocations: [],
    functions: new Map(),
    failing: new Set(),
    allowsInvokeCalls: [],
    functionExists: (_scope, arn) => fake.functions.has(arn),
    allowsInvoke: (_scope, functionArn, principal, sourceArn, sourceAccount) => {
      fake.allowsInvokeCalls.push({ functionArn, principal, sourceArn, sourceAccount });
      const fn = fake.functions.get(functionArn);
      if (!fn) return false;
      // The Lambda side also accepts the regional principal for the same grant.
      const principals = new Set(
        fn.principals.flatMap((p) =>
          p === "logs.us-east-1.amazonaws.com" ? [p, "logs.amazonaws.com"] : [p],
        ),
      );
      return (
        principals.has(principal) && (fn.sourceArn === undefined || fn.sourceArn === sourceArn)
      );
    },
    invokeAsync: (scope, functionArn, payload, correlation) => {
      if (fake.failing.has(functionArn)) {
        throw new AwsError("ResourceNotFoundException", `Function not found: ${functionArn}`, 404);
      }
      counter += 1;
      const requestId = `00000000-0000-4000-8000-${String(counter).padStart(12, "0")}`;
      fake.invocations.push({
        scope,
        functionArn,
        payload,
        correlation,
        requestId,
        at: clock.now(),
      });
      return { requestId };
    },
  };
  return fake;
}

export interface DirectLogs {
  endpoint: string;
  clock: Clock;
  journal: Journal;
  lambda: FakeLambda;
  internal: LogsForLambda;
  state(): unknown;
  dispose(): Promise<void>;
}

/** createLogsService behind a bare http server, with a virtual clock and a fake Lambda. */
export async function startDirectLogs(options: LogsOptions = {}): Promise<DirectLogs> {
  const clock = createVirtualClock({ start: DEFAULT_START });
  const journal = new Journal({ clock });
  const rng = createRng("logs-test").fork("aws");
  const ids = createIdFactory(rng.fork("ids"));
  const lambda = createFakeLambda(clock);
  const logs = createLogsService({ clock, journal, rng, ids, endpoint: () => "" }, options, {
    lambda: () => lambda,
  });
  const server = http.createServer((req, res) => {
    logs.handle(req, res, requestContext(req, ids.awsRequestId())).catch((error: unknown) => {
      res.writeHead(500).end(String(error));
    });
  });
  trackServerRequests(server, clock, "aws");
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    clock,
    journal,
    lambda,
    internal: logs.internal,
    state: () => logs.state(),
    dispose: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await logs.dispose?.();
    },
  };
}

export interface DecodedPayload {
  messageType: string;
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: {
    id: string;
    timestamp: number;
    message: string;
    extractedFields?: Record<string, string>;
  }[];
  policyLevel?: string;
}

/** What a Lambda function receiving CloudWatch Logs does first: unwrap, base64, gunzip, parse. */
export function decodePayload(payload: string): DecodedPayload {
  const event = JSON.parse(payload) as { awslogs: { data: string } };
  return JSON.parse(gunzipSync(Buffer.from(event.awslogs.data, "base64")).toString("utf8"));
}

/** A raw awsJson1_1 call, for what the SDK would never send (bad JSON, unknown operations). */
export async function rawCall(
  endpoint: string,
  target: string,
  body: string,
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const res = await fetch(endpoint, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": target,
      authorization:
        "AWS4-HMAC-SHA256 Credential=test/20260105/us-east-1/logs/aws4_request, SignedHeaders=host, Signature=0",
    },
    body,
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : {} };
}
