/**
 * A simulated on-call responder: their phone is the journal (`responder.notified` entries for
 * their PagerDuty user), their hands are PagerDuty's REST API (acknowledge, status updates,
 * resolve, with `From: <email>`), and their reaction times are drawn from the run's seed.
 */
import { type AnyActorRef, createActor } from "xstate";
import { z } from "zod";
import { createTrackedFetch } from "../../simulator/host/inflight.js";
import type { Clock } from "../../simulator/kernel/clock.js";
import type { Journal, JournalEvent } from "../../simulator/kernel/journal.js";
import type { Rng } from "../../simulator/kernel/rng.js";
import { toXStateClock } from "../../simulator/kernel/xstateClock.js";
import {
  type Distribution,
  distributionSchema,
  type ParsedDistribution,
  parseDistribution,
  sample,
} from "./distributions.js";
import { callPagerDuty, type PagerDutyRestOptions } from "./pagerdutyRest.js";
import {
  type CallOutcome,
  type PageEvent,
  type PagePlan,
  pageMachine,
  type ResponderAction,
  responderMachine,
} from "./responderMachine.js";

export interface ResponderProfile {
  /** The PagerDuty user's login email: the `From` header of their REST calls. */
  email: string;
  name?: string;
  /** From being notified to acknowledging. */
  acknowledgeAfter: Distribution;
  /** 0..1: the page is missed (no acknowledgement from this person for this incident). */
  missProbability?: number;
  /** After acknowledging, before resolving (default 20 minutes). */
  investigateFor?: Distribution;
  /** Posted while investigating: the first after `first`, then every `every` (default none). */
  statusUpdates?: { first: Distribution; every?: Distribution; message?: string } | false;
  /** Resolve after investigating (default true); false leaves the incident acknowledged. */
  resolve?: boolean;
}

export const DEFAULT_INVESTIGATE_FOR: Distribution = { fixed: "20m" };
export const DEFAULT_STATUS_UPDATE_MESSAGE =
  "We are investigating the issue and will post another update soon.";

/** A responder as a scenario declares one. */
export const responderProfileSchema = z
  .object({
    email: z.string().regex(/^[^\s@/]+@[^\s@/]+$/, "expected the user's login email"),
    name: z.string().min(1).optional(),
    acknowledgeAfter: distributionSchema,
    missProbability: z
      .number()
      .min(0, "expected a probability from 0 to 1")
      .max(1, "expected a probability from 0 to 1")
      .optional(),
    investigateFor: distributionSchema.optional(),
    statusUpdates: z
      .union([
        z
          .object({
            first: distributionSchema,
            every: distributionSchema.optional(),
            message: z
              .string()
              .trim()
              .min(1, "a status update's message can't be blank")
              .optional(),
          })
          .strict(),
        z.literal(false),
      ])
      .optional(),
    resolve: z.boolean().optional(),
  })
  .strict();

export interface ParsedResponderProfile {
  email: string;
  acknowledgeAfter: ParsedDistribution;
  missProbability: number;
  investigateFor: ParsedDistribution;
  statusUpdates: { first: ParsedDistribution; every?: ParsedDistribution; message: string } | null;
  resolve: boolean;
}

/** Checks a profile; throws one error naming the responder, the field and what was expected. */
export function parseResponderProfile(profile: ResponderProfile): ParsedResponderProfile {
  const where = `responder ${typeof profile?.email === "string" ? profile.email : "(no email)"}`;
  const parsed = responderProfileSchema.safeParse(profile);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => {
      const path = issue.path.map(String).join(".");
      return path === "" ? issue.message : `${path}: ${issue.message}`;
    });
    throw new RangeError(`${where}: ${issues.join("; ")}`);
  }
  const p = parsed.data;
  const updates = p.statusUpdates;
  return {
    email: p.email,
    acknowledgeAfter: p.acknowledgeAfter,
    missProbability: p.missProbability ?? 0,
    investigateFor: p.investigateFor ?? parseDistribution(DEFAULT_INVESTIGATE_FOR),
    statusUpdates:
      updates === undefined || updates === false
        ? null
        : {
            first: updates.first,
            ...(updates.every ? { every: updates.every } : {}),
            message: updates.message ?? DEFAULT_STATUS_UPDATE_MESSAGE,
          },
    resolve: p.resolve ?? true,
  };
}

/** A fork name from an id: fork names cannot hold "/". */
const forkName = (id: string) => id.replaceAll("/", "%2F");

/**
 * The plan for one page. Each page about an incident has its own stream (person, incident,
 * attempt), and each choice its own sub-stream, so changing one setting (the miss probability)
 * does not shift the others' draws, and incidents do not shift each other's.
 */
export function planPage(
  profile: ParsedResponderProfile,
  personRng: Rng,
  incident: string,
  attempt: number,
): PagePlan {
  const rng = personRng.fork(`${forkName(incident)}#${attempt}`);
  const missed = profile.missProbability > 0 && rng.fork("miss").float() < profile.missProbability;
  const updates = profile.statusUpdates;
  const updateRng = rng.fork("status_updates");
  return {
    decision: missed ? "miss" : "acknowledge",
    acknowledgeAfterMs: sample(profile.acknowledgeAfter, rng.fork("acknowledge")),
    investigateForMs: sample(profile.investigateFor, rng.fork("investigate")),
    statusUpdates: updates
      ? {
          firstMs: sample(updates.first, updateRng),
          nextMs: updates.every
            ? () => sample(updates.every as ParsedDistribution, updateRng)
            : null,
          message: updates.message,
        }
      : null,
    resolve: profile.resolve,
  };
}

export interface StartResponderOptions {
  clock: Clock;
  rng: Rng;
  journal: Journal;
  pagerduty: PagerDutyRestOptions;
  profile: ResponderProfile;
  /** The PagerDuty user id whose notifications this person answers. */
  userId: string;
}

export interface RunningResponder {
  actor: AnyActorRef;
  /** Stops answering: pending acknowledgements, updates and resolutions are dropped. */
  stop(): void;
}

const DONE_EVENT: Record<ResponderAction, Extract<PageEvent, { outcome: CallOutcome }>["type"]> = {
  acknowledge: "ACKNOWLEDGE_DONE",
  status_update: "STATUS_UPDATE_DONE",
  resolve: "RESOLVE_DONE",
};

const OUTCOME_TYPE: Record<ResponderAction, string> = {
  acknowledge: "responder.acknowledged",
  status_update: "responder.status_update.posted",
  resolve: "responder.resolved",
};

export function startResponder(options: StartResponderOptions): RunningResponder {
  const { clock, journal, userId } = options;
  if (typeof userId !== "string" || userId === "") {
    throw new RangeError(`responder ${options.profile?.email}: userId must be a PagerDuty user id`);
  }
  const profile = parseResponderProfile(options.profile);
  const { email } = profile;
  const personRng = options.rng.fork(`responder:${email}`);
  const doFetch = createTrackedFetch(clock, options.pagerduty.fetch ?? fetch);

  const record = (type: string, incident: string, data: Record<string, unknown> = {}) =>
    journal.append(type, {
      source: "people",
      correlation: { incidentId: incident, user: userId },
      data: { incident, user: userId, email, ...data },
    });

  const page = pageMachine.provide({
    actions: {
      journal: ({ context }, params) => record(params.type, context.incident, params.data),
      call: ({ context, self }, params) => {
        const { incident } = context;
        // Held until the outcome is journaled and the page has moved on, so the clock cannot
        // jump between PagerDuty's answer and the timers it leads to.
        const done = clock.beginWork(`responder ${email} ${params.action} ${incident}`);
        void callPagerDuty(
          options.pagerduty,
          doFetch,
          email,
          params.action,
          incident,
          params.message,
        )
          .then((outcome) => {
            if (outcome.ok) {
              record(
                OUTCOME_TYPE[params.action],
                incident,
                params.action === "status_update" ? { message: params.message } : {},
              );
            } else {
              record("responder.action.refused", incident, {
                action: params.action,
                status: outcome.status,
                body: outcome.body,
              });
            }
            if (self.getSnapshot().status === "active") {
              self.send({ type: DONE_EVENT[params.action], outcome });
            }
          })
          .finally(done);
      },
    },
  });

  const actor = createActor(responderMachine.provide({ actors: { page } }), {
    id: `responder:${email}`,
    clock: toXStateClock(clock, `responder ${email}`),
    input: {
      user: userId,
      email,
      plan: (incident, attempt) => planPage(profile, personRng, incident, attempt),
    },
  });
  actor.start();

  const onEvent = (event: JournalEvent) => {
    const data = event.data;
    switch (event.type) {
      case "responder.notified":
        if (data.user === userId && typeof data.incident === "string") {
          actor.send({ type: "NOTIFIED", incident: data.incident, user: userId });
        }
        break;
      case "pagerduty.incident.acknowledged":
      case "pagerduty.incident.resolved":
        if (typeof data.id === "string") {
          actor.send({
            type:
              event.type === "pagerduty.incident.acknowledged"
                ? "INCIDENT_ACKNOWLEDGED"
                : "INCIDENT_RESOLVED",
            incident: data.id,
            by: typeof data.by === "string" ? data.by : null,
          });
        }
        break;
    }
  };
  const unsubscribe = journal.subscribe(onEvent);

  return {
    actor,
    stop() {
      unsubscribe();
      actor.stop();
    },
  };
}
