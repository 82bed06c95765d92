/**
 * A simulated customer of one service: they learn of a fault from the app's journal
 * (`app.fault.started` on their service), notice it after a seeded delay if it is still going on,
 * look at the app's status page (`GET /status`), and report it to the app's support desk
 * (`POST /support/reports`).
 */
import { type AnyActorRef, createActor } from "xstate";
import { z } from "zod";
import { createTrackedFetch } from "../../simulator/host/inflight.js";
import type { Clock } from "../../simulator/kernel/clock.js";
import type { Journal, JournalEvent } from "../../simulator/kernel/journal.js";
import type { Rng } from "../../simulator/kernel/rng.js";
import { toXStateClock } from "../../simulator/kernel/xstateClock.js";
import { customerMachine, type EncounterPlan, encounterMachine } from "./customerMachine.js";
import { type Distribution, distributionSchema, sample } from "./distributions.js";

export interface CustomerProfile {
  name: string;
  /** The app's service they use. */
  service: string;
  /** From the fault's start to noticing it. */
  noticeAfter: Distribution;
  /** Report to the support desk once noticed (default true). */
  reports?: boolean;
  message?: string;
}

/** A customer as a scenario declares one. */
export const customerProfileSchema = z
  .object({
    name: z.string().trim().min(1, "a customer needs a name"),
    service: z.string().trim().min(1, "expected the name of a service of the app"),
    noticeAfter: distributionSchema,
    reports: z.boolean().optional(),
    message: z.string().optional(),
  })
  .strict();

export function parseCustomerProfile(profile: CustomerProfile) {
  const parsed = customerProfileSchema.safeParse(profile);
  if (parsed.success) return parsed.data;
  const name = typeof profile?.name === "string" ? profile.name : "(no name)";
  const issues = parsed.error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    return path === "" ? issue.message : `${path}: ${issue.message}`;
  });
  throw new RangeError(`customer ${name}: ${issues.join("; ")}`);
}

export interface AppOptions {
  /** The app's base URL. */
  url: string;
  fetch?: typeof fetch;
}

/**
 * Whether the status page tells a customer of `service` about an open incident. Reads the app's
 * `GET /status` body (`{ services: [{ service, incidents: [{ id, status }] }] }`): any incident
 * of the service that is not resolved counts.
 */
export function openIncidentOnStatusPage(statusPage: unknown, service: string): string | null {
  const services = (statusPage as { services?: unknown })?.services;
  if (!Array.isArray(services)) return null;
  for (const entry of services) {
    if (entry?.service !== service || !Array.isArray(entry.incidents)) continue;
    for (const incident of entry.incidents) {
      if (incident?.status !== "resolved" && typeof incident?.id === "string") return incident.id;
    }
  }
  return null;
}

const forkName = (id: string) => id.replaceAll("/", "%2F");

export interface StartCustomerOptions {
  clock: Clock;
  rng: Rng;
  journal: Journal;
  app: AppOptions;
  profile: CustomerProfile;
}

export interface RunningCustomer {
  actor: AnyActorRef;
  stop(): void;
}

export const DEFAULT_REPORT_MESSAGE = (service: string) => `${service} is not working for me`;

export function startCustomer(options: StartCustomerOptions): RunningCustomer {
  const { clock, journal } = options;
  const profile = parseCustomerProfile(options.profile);
  const { name, service } = profile;
  const customerRng = options.rng.fork(`customer:${forkName(name)}`);
  const doFetch = createTrackedFetch(clock, options.app.fetch ?? fetch);
  const appUrl = options.app.url.replace(/\/+$/, "");

  const record = (type: string, faultId: string, data: Record<string, unknown> = {}) =>
    journal.append(type, {
      source: "people",
      // The app's correlation ids for the fault, and who.
      correlation: { service, fault: faultId, customer: name },
      data: { customer: name, service, faultId, ...data },
    });

  const plan = (faultId: string): EncounterPlan => ({
    noticeAfterMs: sample(profile.noticeAfter, customerRng.fork(forkName(faultId))),
    reports: profile.reports ?? true,
    message: profile.message ?? DEFAULT_REPORT_MESSAGE(service),
  });

  const encounter = encounterMachine.provide({
    actions: {
      journal: ({ context }, params) => record(params.type, context.faultId, params.data),
      call: ({ context, self }, params) => {
        const { faultId } = context;
        // Held until the answer has been journaled and handed to the encounter.
        const done = clock.beginWork(`customer ${name} ${params.action} ${faultId}`);
        const send = (event: Parameters<typeof self.send>[0]) => {
          if (self.getSnapshot().status === "active") self.send(event);
        };
        const work =
          params.action === "check_status"
            ? readStatusPage(doFetch, appUrl).then((page) => {
                const incidentId = openIncidentOnStatusPage(page, service);
                send({ type: "STATUS_CHECKED", informed: incidentId !== null, incidentId });
              })
            : postReport(doFetch, appUrl, {
                customer: name,
                service,
                message: params.message,
              }).then((answer) => {
                if (answer.ok) {
                  record("customer.reported", faultId, {
                    informedBeforeReport: params.informedBeforeReport,
                    ...(typeof answer.id === "string" ? { reportId: answer.id } : {}),
                  });
                } else {
                  record("customer.report.refused", faultId, {
                    status: answer.status,
                    body: answer.body,
                  });
                }
                send({ type: "REPORT_DONE", ok: answer.ok });
              });
        void work.finally(done);
      },
    },
  });

  const actor = createActor(customerMachine.provide({ actors: { encounter } }), {
    id: `customer:${name}`,
    clock: toXStateClock(clock, `customer ${name}`),
    input: { customer: name, service, plan },
  });
  actor.start();

  const onEvent = (event: JournalEvent) => {
    const { faultId, service: faulty } = event.data;
    if (typeof faultId !== "string") return;
    if (event.type === "app.fault.started" && typeof faulty === "string") {
      actor.send({ type: "FAULT_STARTED", faultId, service: faulty });
    } else if (event.type === "app.fault.ended") {
      actor.send({ type: "FAULT_ENDED", faultId });
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

/** The status page's JSON, or null when it cannot be read (the customer learns nothing). */
async function readStatusPage(doFetch: typeof fetch, appUrl: string): Promise<unknown> {
  try {
    const response = await doFetch(`${appUrl}/status`, { headers: { accept: "application/json" } });
    const text = await response.text();
    return response.ok ? JSON.parse(text) : null;
  } catch {
    return null;
  }
}

async function postReport(
  doFetch: typeof fetch,
  appUrl: string,
  report: { customer: string; service: string; message: string },
): Promise<{ ok: boolean; status: number; id?: unknown; body?: unknown }> {
  try {
    const response = await doFetch(`${appUrl}/support/reports`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify(report),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {}
    if (response.ok)
      return { ok: true, status: response.status, id: (body as { id?: unknown })?.id };
    return { ok: false, status: response.status, body };
  } catch (error) {
    return {
      ok: false,
      status: 0,
      body: { error: error instanceof Error ? error.message : String(error) },
    };
  }
}
