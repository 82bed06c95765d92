/**
 * The inputs from outside the chain, and their scheduling on replay. A scenario's own timeline
 * steps are run by the chain itself (they are the scenario's `timeline`); explicit inputs, from
 * imported exports, are log events put into CloudWatch Logs and people's actions on incidents
 * made through PagerDuty's REST API, each at its (shifted) time.
 */
import {
  CloudWatchLogsClient,
  CreateLogStreamCommand,
  type InputLogEvent,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { NodeHttpHandler } from "@smithy/node-http-handler";
import { z } from "zod";
import { createTrackedFetch, createTrackedHttpAgent } from "../../simulator/host/inflight.js";
import type { Scenario, ScenarioStep } from "../scenarios/schema.js";
import type { Chain } from "../wiring/chain.js";

const iso = z.iso.datetime({ offset: true });

export const inputSchema = z.discriminatedUnion("type", [
  z
    .object({
      type: z.literal("step"),
      /** The step's index in the scenario's timeline. */
      index: z.number().int().min(0),
      step: z.record(z.string(), z.unknown()),
    })
    .strict(),
  z
    .object({
      type: z.literal("log"),
      service: z.string().min(1),
      logStream: z.string().min(1),
      /** The event's own timestamp (ingestion is the line's `at`). */
      timestamp: iso,
      message: z.string(),
      /** Where the input came from: `file#events[3]`. */
      from: z.string().optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal("pagerduty"),
      action: z.enum(["acknowledge", "resolve", "note"]),
      /** The incident's number in the recording (incidents are numbered from 1, as a run does). */
      incidentNumber: z.number().int().min(1),
      /** The person acting, by name (`agent.summary` of a PagerDuty log entry). */
      user: z.string().min(1),
      content: z.string().optional(),
      from: z.string().optional(),
    })
    .strict(),
]);

export type Input = z.output<typeof inputSchema>;
export type LogInput = Extract<Input, { type: "log" }>;
export type PagerDutyInput = Extract<Input, { type: "pagerduty" }>;

export interface TimedInput {
  at: string;
  input: Input;
}

/** A scenario's timeline as the chain applies it: sorted by time, ties in declared order. */
export function timelineInputs(scenario: Scenario): TimedInput[] {
  const start = Date.parse(scenario.start);
  return scenario.timeline
    .map((step, index) => ({ step, index }))
    .sort((a, b) => a.step.at - b.step.at || a.index - b.index)
    .map(({ step, index }) => ({
      at: new Date(start + step.at).toISOString(),
      input: { type: "step", index, step: step as unknown as Record<string, unknown> },
    }));
}

/** The steps among `inputs`, back in their declared order, as a scenario's timeline. */
export function timelineOf(inputs: TimedInput[]): ScenarioStep[] {
  return inputs
    .flatMap((line) => (line.input.type === "step" ? [line.input] : []))
    .sort((a, b) => a.index - b.index)
    .map((s) => s.step as unknown as ScenarioStep);
}

const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
const ACCEPT = "application/vnd.pagerduty+json;version=2";

export interface ScheduledInputs {
  /** Inputs that could not be applied, each with its reason (also journaled). */
  readonly failures: string[];
  stop(): void;
}

/**
 * Schedules the explicit inputs on the chain's clock, `shiftMs` later than recorded. Call it
 * right after `startChain`, while the clock is at the scenario's start.
 */
export function scheduleInputs(
  chain: Chain,
  inputs: TimedInput[],
  options: { shiftMs?: number } = {},
): ScheduledInputs {
  const { clock, sim } = chain;
  const journal = sim.journal;
  const shift = options.shiftMs ?? 0;
  const trackedFetch = createTrackedFetch(clock);
  const logs = new CloudWatchLogsClient({
    endpoint: sim.endpoints.aws.url,
    region: "us-east-1",
    credentials: CREDENTIALS,
    requestHandler: new NodeHttpHandler({ httpAgent: createTrackedHttpAgent(clock) }),
  });
  const failures: string[] = [];
  const failed = (input: Input, reason: string) => {
    failures.push(`${describeInput(input)}: ${reason}`);
    journal.append("replay.input.failed", {
      source: "replay",
      correlation: correlationOf(input),
      data: {
        input: input.type,
        reason,
        ...(input.type === "step" ? {} : { from: input.from ?? "" }),
      },
    });
  };

  // Incident numbers of this run, to act on the incident a recorded action names.
  const incidents = new Map<number, string>();
  const unsubscribe = journal.subscribe((e) => {
    if (e.type === "pagerduty.incident.triggered")
      incidents.set(Number(e.data.incident_number), String(e.data.id));
  });

  // Log events at the same instant and stream go in one PutLogEvents, as an agent sends them.
  const batches = new Map<string, { at: number; inputs: LogInput[] }>();
  const actions: { at: number; input: PagerDutyInput }[] = [];
  for (const line of inputs) {
    const at = Date.parse(line.at) + shift;
    if (line.input.type === "log") {
      const key = `${at}\u0000${line.input.service}\u0000${line.input.logStream}`;
      const batch = batches.get(key) ?? { at, inputs: [] };
      batch.inputs.push(line.input);
      batches.set(key, batch);
    } else if (line.input.type === "pagerduty") {
      actions.push({ at, input: line.input });
    }
  }

  const streams = new Set<string>();
  const putBatch = async (batch: LogInput[]) => {
    const first = batch[0] as LogInput;
    const logGroupName = chain.wiring.aws.logGroups.get(first.service);
    if (!logGroupName) {
      for (const input of batch)
        failed(input, `service "${first.service}" is not in the scenario's services`);
      return;
    }
    const logStreamName = first.logStream;
    if (!streams.has(`${logGroupName}:${logStreamName}`)) {
      await logs
        .send(new CreateLogStreamCommand({ logGroupName, logStreamName }))
        .catch((error: { name?: string }) => {
          if (error.name !== "ResourceAlreadyExistsException") throw error;
        });
      streams.add(`${logGroupName}:${logStreamName}`);
    }
    const logEvents: InputLogEvent[] = batch
      .map((input) => ({ timestamp: Date.parse(input.timestamp) + shift, message: input.message }))
      .sort((a, b) => a.timestamp - b.timestamp);
    const result = await logs.send(
      new PutLogEventsCommand({ logGroupName, logStreamName, logEvents }),
    );
    const rejected = result.rejectedLogEventsInfo;
    journal.append("replay.input.applied", {
      source: "replay",
      correlation: { logGroup: logGroupName, logStream: logStreamName },
      data: {
        input: "log",
        events: logEvents.length,
        ...(rejected ? { rejected: { ...rejected } } : {}),
      },
    });
  };

  for (const [key, batch] of [...batches.entries()].sort(
    (a, b) => a[1].at - b[1].at || (a[0] < b[0] ? -1 : 1),
  )) {
    clock.setTimeout(
      () => {
        clock.track(`replay log input ${key}`, putBatch(batch.inputs)).catch((error: unknown) => {
          for (const input of batch.inputs) failed(input, messageOf(error));
        });
      },
      Math.max(0, batch.at - clock.now()),
      "replay log input",
    );
  }

  const act = async (input: PagerDutyInput) => {
    const id = incidents.get(input.incidentNumber);
    if (!id) return failed(input, `no incident #${input.incidentNumber} has opened in this run`);
    const person = chain.scenario.oncall.users.find(
      (u) => u.name.toLowerCase() === input.user.toLowerCase() || u.email === input.user,
    );
    if (!person) return failed(input, `"${input.user}" is not in the scenario's oncall.users`);
    const path =
      input.action === "note"
        ? `/incidents/${encodeURIComponent(id)}/notes`
        : `/incidents/${encodeURIComponent(id)}`;
    const body =
      input.action === "note"
        ? { note: { content: input.content ?? "" } }
        : {
            incident: {
              type: "incident_reference",
              status: input.action === "acknowledge" ? "acknowledged" : "resolved",
            },
          };
    const response = await trackedFetch(`${sim.endpoints.pagerdutyApi.url}${path}`, {
      method: input.action === "note" ? "POST" : "PUT",
      headers: {
        Authorization: `Token token=${sim.env.PAGERDUTY_TOKEN ?? ""}`,
        Accept: ACCEPT,
        "Content-Type": "application/json",
        From: person.email,
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok)
      return failed(input, `PagerDuty answered ${response.status}: ${text.slice(0, 200)}`);
    journal.append("replay.input.applied", {
      source: "replay",
      correlation: correlationOf(input),
      data: { input: "pagerduty", action: input.action, incident: id, email: person.email },
    });
  };

  for (const { at, input } of actions) {
    clock.setTimeout(
      () => {
        clock
          .track(`replay ${input.action} #${input.incidentNumber}`, act(input))
          .catch((error: unknown) => failed(input, messageOf(error)));
      },
      Math.max(0, at - clock.now()),
      "replay pagerduty input",
    );
  }

  return {
    failures,
    stop() {
      unsubscribe();
      logs.destroy();
    },
  };
}

function correlationOf(input: Input): Record<string, string> {
  if (input.type === "pagerduty")
    return { incidentNumber: String(input.incidentNumber), user: input.user };
  if (input.type === "log") return { service: input.service, logStream: input.logStream };
  return { step: String(input.index) };
}

export function describeInput(input: Input): string {
  if (input.type === "step") return `timeline[${input.index}]`;
  if (input.type === "log") return `log event ${input.from ?? `for ${input.service}`}`;
  return `${input.action} of incident #${input.incidentNumber} by ${input.user}${input.from ? ` (${input.from})` : ""}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
