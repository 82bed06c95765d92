import path from "node:path";
import { z } from "zod";
import {
  createLogzio,
  defaultLogzioAccount,
  type LogzioAccount,
} from "../../mocks/logzio/index.js";
import {
  createPagerDuty,
  defaultPagerDutyService,
  PagerDutyConfigError,
  type PagerDutyServiceConfig,
  pagerDutyScheduleConfig,
  ROUTING_KEY_LENGTH,
} from "../../mocks/pagerduty/index.js";
import { type AwsEmulatorOptions, createAwsEmulator } from "../aws/index.js";
import type { ServiceModule } from "../host/admin.js";
import { loadOrCreateCa } from "../host/ca.js";
import { DEFAULT_PORTS, type PortName, type ServiceRole } from "../host/catalogue.js";
import {
  createFaultRegistry,
  type FaultRegistry,
  scheduledFaultSchema,
  splitFault,
} from "../host/faults.js";
import { userStateDir } from "../host/paths.js";
import { type Endpoints, type ServiceHost, startServiceHost } from "../host/serviceHost.js";
import { type Clock, DEFAULT_START } from "../kernel/clock.js";
import { Journal, openJsonlFileSink } from "../kernel/journal.js";
import { createRealClock } from "../kernel/realClock.js";
import { createRng, type Rng } from "../kernel/rng.js";
import { createVirtualClock } from "../kernel/virtualClock.js";
import { clientEnv } from "./clientEnv.js";
import { LOCALSTACK_DEFAULT_ENDPOINT, waitForLocalStack } from "./localstack.js";
import { packageVersion } from "./version.js";

export { DEFAULT_PORTS, PORT_FLAGS } from "../host/catalogue.js";
export {
  FAULT_TARGETS,
  type Fault,
  type FaultOptions,
  type FaultSpec,
  FaultSpecError,
  type FaultTarget,
  type ScheduledFault,
} from "../host/faults.js";
export {
  createTrackedFetch,
  createTrackedHttpAgent,
  createTrackedHttpsAgent,
} from "../host/inflight.js";
export { PortInUseError } from "../host/listening.js";
export type { Endpoints, ServiceEndpoint } from "../host/serviceHost.js";
export {
  type Clock,
  createIdFactory,
  createRealClock,
  createRng,
  createVirtualClock,
  type IdFactory,
  type Journal,
  type JournalEvent,
  QuiescenceTimeoutError,
  readJournalFile,
  toXStateClock,
} from "../kernel/index.js";

function isClock(value: unknown): value is Clock {
  const c = value as Partial<Record<keyof Clock, unknown>> | null;
  return (
    typeof c === "object" &&
    c !== null &&
    ["now", "setTimeout", "clearTimeout", "beginWork", "runUntil"].every(
      (method) => typeof c[method as keyof Clock] === "function",
    )
  );
}

const port = z.number().int().min(0).max(65535);
const portNames = Object.keys(DEFAULT_PORTS) as [PortName, ...PortName[]];

/** PagerDuty's ids: what pagerduty-cli accepts (reference/pagerduty.md §2.1). */
const pdId = z
  .string()
  .regex(/^[PQ][A-Z0-9]{6,13}$/, "expected a PagerDuty id: P or Q and 6 to 13 of A-Z, 0-9");
/** `{id, type}`: the rest is checked as the REST API checks it. */
const pdRef = z.object({ id: z.string().min(1), type: z.string().min(1).optional() }).strict();

const pagerdutyService = z
  .object({
    id: pdId,
    name: z.string().min(1),
    description: z.string().nullable(),
    /** A disabled service drops every event. */
    disabled: z.boolean(),
    /** In maintenance for good: a maintenance window that never ends drops triggers. */
    maintenance: z.boolean(),
    /** The tier the SLA/XLA report reads: gold, silver or bronze. */
    tier: z.enum(["gold", "silver", "bronze"]),
    /** The incident urgency rule (default "severity_based"). */
    urgency: z.enum(["high", "low", "severity_based"]),
    alertGrouping: z.discriminatedUnion("type", [
      /** Alerts within `timeoutMinutes` of an incident's first alert join it (0: until resolved). */
      z
        .object({ type: z.literal("time"), timeoutMinutes: z.number().int().min(0).max(1440) })
        .strict(),
      /** PagerDuty's content-based grouping: same values in `fields`, within the window. */
      z
        .object({
          type: z.literal("content_based"),
          aggregate: z.enum(["all", "any"]),
          fields: z.array(z.string().min(1)).min(1),
          timeWindowSeconds: z.number().int().min(300).max(86_400),
        })
        .strict(),
    ]),
    /** REST fields, as POST /services takes them (checked as the REST API checks them). */
    escalation_policy: pdRef,
    teams: z.array(pdRef),
    incident_urgency_rule: z.record(z.string(), z.unknown()),
    alert_grouping_parameters: z.record(z.string(), z.unknown()).nullable(),
    auto_resolve_timeout: z.number().int().min(0).nullable(),
    acknowledgement_timeout: z.number().int().min(0).nullable(),
    status: z.enum(["active", "disabled"]),
    autoResolveTimeout: z.number().int().positive().nullable(),
    acknowledgementTimeout: z.number().int().positive().nullable(),
    integrations: z
      .array(
        z
          .object({
            key: z
              .string()
              .regex(
                new RegExp(`^[A-Za-z0-9]{${ROUTING_KEY_LENGTH}}$`),
                `expected an integration key of ${ROUTING_KEY_LENGTH} letters and digits`,
              ),
            api: z.enum(["v2", "v1"]),
            name: z.string().min(1),
          })
          .partial({ api: true, name: true })
          .strict(),
      )
      .min(1),
  })
  .partial()
  .required({ name: true, integrations: true })
  .strict();

const pagerdutyUser = z
  .object({
    id: pdId,
    type: z.literal("user"),
    name: z.string().min(1).max(100),
    email: z.email().min(6).max(100),
    role: z.enum([
      "admin",
      "limited_user",
      "observer",
      "owner",
      "read_only_user",
      "restricted_access",
      "read_only_limited_user",
      "user",
    ]),
    time_zone: z.string().min(1),
    color: z.string().min(1),
    description: z.string().nullable(),
    job_title: z.string().max(100).nullable(),
    /** Default: PagerDuty's, one email contact method with the user's email. */
    contact_methods: z.array(
      z
        .object({
          id: pdId,
          type: z.enum(["email_contact_method", "phone_contact_method", "sms_contact_method"]),
          label: z.string().min(1),
          address: z.string().min(1),
          country_code: z.number().int().positive(),
        })
        .partial({ id: true, country_code: true })
        .strict(),
    ),
    /** Default: every contact method at once, for high and low urgency. */
    notification_rules: z.array(
      z
        .object({
          id: pdId,
          start_delay_in_minutes: z.number().int().min(0),
          urgency: z.enum(["high", "low"]),
          /** One of the user's contact methods, by id or label. */
          contact_method: z
            .object({ id: z.string().min(1), label: z.string().min(1) })
            .partial()
            .strict(),
        })
        .partial({ id: true })
        .strict(),
    ),
  })
  .partial()
  .required({ name: true, email: true })
  .strict();

const pagerdutyTeam = z
  .object({
    id: pdId,
    type: z.literal("team"),
    name: z.string().min(1),
    description: z.string().nullable(),
    default_role: z.enum(["manager", "none"]),
    parent: pdRef.nullable(),
    members: z.array(
      z
        .object({ user: pdRef, role: z.enum(["observer", "responder", "manager"]) })
        .partial({ role: true })
        .strict(),
    ),
  })
  .partial()
  .required({ name: true })
  .strict();

const pagerdutyEscalationPolicy = z
  .object({
    id: pdId,
    type: z.literal("escalation_policy"),
    name: z.string().min(1),
    description: z.string().nullable(),
    num_loops: z.number().int().min(0),
    on_call_handoff_notifications: z.enum(["if_has_services", "always"]),
    escalation_rules: z
      .array(
        z
          .object({
            escalation_delay_in_minutes: z.number().int(),
            targets: z.array(z.object({ id: z.string().min(1), type: z.string().min(1) }).strict()),
          })
          .strict(),
      )
      .min(1),
    teams: z.array(pdRef),
  })
  .partial()
  .required({ name: true, escalation_rules: true })
  .strict();

const pagerdutyMaintenanceWindow = z
  .object({
    id: pdId,
    type: z.literal("maintenance_window"),
    start_time: z.iso.datetime({ offset: true }),
    end_time: z.iso.datetime({ offset: true }),
    description: z.string().nullable(),
    services: z.array(pdRef).min(1),
  })
  .partial({ id: true, type: true, description: true })
  .strict();

function uniqueEmails(users: { email: string }[], ctx: z.RefinementCtx): void {
  const seen = new Map<string, number>();
  users.forEach((user, i) => {
    const first = seen.get(user.email.toLowerCase());
    if (first !== undefined) {
      ctx.addIssue({
        code: "custom",
        path: [i, "email"],
        message: `the same email is already used at users.${first}`,
        input: user.email,
      });
    } else seen.set(user.email.toLowerCase(), i);
  });
}

function uniqueIntegrationKeys(
  services: { integrations: { key: string }[] }[],
  ctx: z.RefinementCtx,
): void {
  const seen = new Map<string, string>();
  services.forEach((service, s) => {
    service.integrations.forEach((integration, i) => {
      const first = seen.get(integration.key);
      if (first !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: [s, "integrations", i, "key"],
          message: `the same integration key is already used at services.${first}`,
          input: integration.key,
        });
      } else seen.set(integration.key, `${s}.integrations.${i}`);
    });
  });
}

const optionsSchema = z
  .object({
    /** "virtual" (default: deterministic, time moves when you drive it), "real", or your own. */
    clock: z.union([
      z.enum(["virtual", "real"]),
      z.custom<Clock>(isClock, { message: 'expected "virtual", "real" or a Clock object' }),
    ]),
    /** Where virtual time starts: epoch ms or an ISO 8601 instant. */
    start: z.union([z.number().int(), z.iso.datetime({ offset: true })]),
    seed: z.union([z.string(), z.number().int()]),
    /** Address every service binds (default 127.0.0.1). */
    host: z.string().min(1),
    /** Ports by name; 0 (the default here) picks a free one. The CLI uses the fixed defaults. */
    ports: z.partialRecord(z.enum(portNames), port),
    /** Keep state (the journal) in this directory; without it everything is ephemeral. */
    stateDir: z.string().min(1),
    /** The per-user directory holding the local CA (default: userStateDir()). */
    home: z.string().min(1),
    /** Also write the journal to this JSONL file. */
    journalFile: z.string().min(1),
    /** Real milliseconds the virtual clock waits on stuck work before failing the run. */
    watchdogMs: z.number().int().positive(),
    /** Options of the embedded AWS emulator (CloudWatch Logs and Lambda). */
    aws: z
      .object({
        /** "embedded" (default) or "localstack" (real time only; it runs in its own container). */
        backend: z.enum(["embedded", "localstack"]),
        /** LocalStack's URL (default http://localhost:4566). */
        endpoint: z.url(),
        /** Real ms to wait for LocalStack's Logs and Lambda to report ready (default 60 s). */
        readyTimeoutMs: z.number().int().positive(),
        logs: z.custom<AwsEmulatorOptions["logs"]>((v) => typeof v === "object" && v !== null),
        lambda: z.custom<AwsEmulatorOptions["lambda"]>((v) => typeof v === "object" && v !== null),
      })
      .partial()
      .strict(),
    /** Logz.io accounts and their tokens (default: one account with tokens from the seed). */
    logzio: z
      .object({
        accounts: z
          .array(
            z
              .object({
                accountId: z.number().int().positive(),
                accountName: z.string().min(1),
                shippingToken: z.string().min(1),
                apiToken: z.string().min(1),
              })
              .strict(),
          )
          .min(1),
        /** Where Logz.io's PagerDuty endpoints deliver (default: the simulator's PagerDuty Events). */
        pagerdutyEventsUrl: z.url(),
        /** Which PagerDuty Events API those endpoints speak: "v2" (default) or "v1". */
        pagerdutyEventsApiVersion: z.enum(["v1", "v2"]),
        /**
         * Clock ms between two evaluations of the alert engine (default 60_000, Logz.io's one
         * minute). Shorter only to measure end-to-end latency without the minute's granularity:
         * windows and waiting periods keep their minutes.
         */
        alertEvaluationIntervalMs: z.number().int().min(1),
      })
      .partial()
      .strict(),
    /** PagerDuty's account: services and their integration keys, the Events API's limits. */
    pagerduty: z
      .object({
        /** html_urls point at https://<subdomain>.pagerduty.com (default "watermelon"). */
        subdomain: z
          .string()
          .regex(/^[a-z0-9][a-z0-9-]*$/, "expected a host label: lower-case letters, digits, -"),
        /** Default: one service "watermelon" with one Events API v2 key from the seed. */
        services: z.array(pagerdutyService).min(1).superRefine(uniqueIntegrationKeys),
        /** Events per routing key per window, on the simulator clock; false turns it off. */
        rateLimit: z.union([
          z.literal(false),
          z
            .object({ limit: z.number().int().positive(), windowMs: z.number().int().positive() })
            .strict(),
        ]),
        /** A well-formed key of no integration: "reject" (default, 400 as PagerDuty) or "accept". */
        unknownRoutingKeys: z.enum(["reject", "accept"]),
        /** The account's users, as `POST /users` bodies (default: one owner). */
        users: z.array(pagerdutyUser).min(1).superRefine(uniqueEmails),
        /** Teams, as `POST /teams` bodies, with their members. */
        teams: z.array(pagerdutyTeam),
        /** Escalation policies, as `POST /escalation_policies` bodies (default: "Default"). */
        escalationPolicies: z.array(pagerdutyEscalationPolicy).min(1),
        /** Maintenance windows, as `POST /maintenance_windows` bodies. */
        maintenanceWindows: z.array(pagerdutyMaintenanceWindow),
        /** On-call schedules, as `POST /schedules` bodies with optional `id` and `overrides`. */
        schedules: z.array(pagerDutyScheduleConfig),
        /** REST API keys (default: one 20-character key of the first user, PAGERDUTY_TOKEN). */
        apiTokens: z
          .array(
            z
              .object({
                token: z.string().regex(/^\S+$/, "expected a token without spaces"),
                /** The email of the user the key belongs to; absent: an account-level key. */
                user: z.string().min(1),
                /** "token" (default, `Token token=`) or "bearer" (OAuth-style). */
                type: z.enum(["token", "bearer"]),
              })
              .partial({ user: true, type: true })
              .strict(),
          )
          .min(1),
        /** REST requests per API key per window, on the simulator clock; false turns it off. */
        apiRateLimit: z.union([
          z.literal(false),
          z
            .object({ limit: z.number().int().positive(), windowMs: z.number().int().positive() })
            .strict(),
        ]),
      })
      .partial()
      .strict(),
    /**
     * Hop faults on the clock: `{ target, kind, ..., at?, durationMs?, probability?, paths? }`,
     * each starting at `at` (epoch ms or ISO 8601; default at once) and ending after
     * `durationMs` (default: until cleared). Targets: a service role, or "lambda" for the
     * function error and timeout kinds.
     */
    faults: z.array(scheduledFaultSchema),
    /** Service implementations by role, replacing the built-in ones. */
    services: z.partialRecord(
      z.enum(["aws", "logzioListener", "logzioApi", "pagerdutyEvents", "pagerdutyApi"]),
      z.custom<ServiceModule>((v) => typeof v === "object" && v !== null),
    ),
  })
  .partial()
  .strict();

export type SimulatorOptions = z.input<typeof optionsSchema>;

export interface Simulator {
  /** Resolves once every service listens; rejects with the reason (e.g. PortInUseError). */
  readonly ready: Promise<void>;
  /** URLs of every service. Available once `ready` has resolved. */
  readonly endpoints: Endpoints;
  /** The variables a client needs (AWS_ENDPOINT_URL, HTTPS_PROXY, NODE_EXTRA_CA_CERTS, ...). */
  readonly env: Record<string, string>;
  readonly clock: Clock;
  readonly journal: Journal;
  /** The run's root generator; components fork their own stream from it by name. */
  readonly rng: Rng;
  readonly seed: string | number;
  /**
   * Hop faults, in-process: what `/_watermelon/faults` on each service manages over HTTP.
   * `inject` throws FaultSpecError naming the field when a spec is wrong.
   */
  readonly faults: Pick<FaultRegistry, "inject" | "clear" | "list">;
  /** Stops every server and closes the journal. Safe to call more than once. */
  dispose(): Promise<void>;
}

/** Options problems name the field and what was expected. */
export class SimulatorOptionsError extends Error {
  constructor(issues: z.core.$ZodIssue[]) {
    super(
      `invalid simulator options: ${issues
        .map((i) => `${i.path.join(".") || "(options)"}: ${i.message}`)
        .join("; ")}`,
    );
    this.name = "SimulatorOptionsError";
  }
}

/** The key clients are told to use: the first Events API v2 integration's, else the first one's. */
function defaultRoutingKey(services: PagerDutyServiceConfig[]): string | undefined {
  const all = services.flatMap((s) => s.integrations);
  return (all.find((i) => (i.api ?? "v2") === "v2") ?? all[0])?.key;
}

/** createPagerDuty, with the REST API's refusals of the configuration as options errors. */
function createPagerDutyChecked(options: Parameters<typeof createPagerDuty>[0]) {
  try {
    return createPagerDuty(options);
  } catch (error) {
    if (!(error instanceof PagerDutyConfigError)) throw error;
    throw new SimulatorOptionsError([
      {
        code: "custom",
        path: ["pagerduty", ...error.path],
        message: error.errors.join("; "),
        input: undefined,
      },
    ]);
  }
}

function parseStart(start: number | string | undefined): number {
  if (start === undefined) return DEFAULT_START;
  return typeof start === "number" ? start : Date.parse(start);
}

/** An instant given as epoch ms or ISO 8601. */
function instant(at: number | string): number {
  return typeof at === "number" ? at : Date.parse(at);
}

/**
 * Starts the whole simulator in-process, the way a test suite uses it:
 *
 *   const sim = createSimulator();
 *   await sim.ready;
 *   // point clients at sim.endpoints / sim.env, drive time with sim.clock
 *   await sim.dispose();
 */
export function createSimulator(input: SimulatorOptions = {}): Simulator {
  const parsed = optionsSchema.safeParse(input);
  if (!parsed.success) throw new SimulatorOptionsError(parsed.error.issues);
  const options = parsed.data;
  const localstack = options.aws?.backend === "localstack";
  if (localstack && options.clock !== "real") {
    throw new SimulatorOptionsError([
      {
        code: "custom",
        path: ["clock"],
        message:
          'LocalStack cannot follow a virtual clock: use clock: "real" with aws.backend "localstack"',
        input: options.clock,
      },
    ]);
  }

  const clock: Clock =
    typeof options.clock === "object"
      ? options.clock
      : options.clock === "real"
        ? createRealClock()
        : createVirtualClock({ start: parseStart(options.start), watchdogMs: options.watchdogMs });
  const seed = options.seed ?? "watermelon";
  const rng = createRng(seed);
  const journal = new Journal({ clock });
  if (options.journalFile) journal.addSink(openJsonlFileSink(options.journalFile));
  if (options.stateDir)
    journal.addSink(openJsonlFileSink(path.join(options.stateDir, "journal.jsonl")));

  const faults = createFaultRegistry({ clock, journal, rng });

  const logzioAccounts: LogzioAccount[] = options.logzio?.accounts ?? [defaultLogzioAccount(rng)];
  // The host binds after the modules exist, so the default PagerDuty URL is read at delivery time.
  const logzio = createLogzio({
    clock,
    journal,
    rng,
    accounts: logzioAccounts,
    pagerdutyEventsUrl:
      options.logzio?.pagerdutyEventsUrl ?? (() => host?.endpoints.pagerdutyEvents?.url),
    pagerdutyEventsApiVersion: options.logzio?.pagerdutyEventsApiVersion,
    alertEvaluationIntervalMs: options.logzio?.alertEvaluationIntervalMs,
  });
  const pagerdutyServices: PagerDutyServiceConfig[] = options.pagerduty?.services ?? [
    defaultPagerDutyService(rng),
  ];
  const pagerduty = createPagerDutyChecked({
    clock,
    journal,
    rng,
    services: pagerdutyServices,
    ...(options.pagerduty?.subdomain ? { subdomain: options.pagerduty.subdomain } : {}),
    ...(options.pagerduty?.rateLimit === undefined
      ? {}
      : { rateLimit: options.pagerduty.rateLimit }),
    ...(options.pagerduty?.unknownRoutingKeys
      ? { unknownRoutingKeys: options.pagerduty.unknownRoutingKeys }
      : {}),
    ...(options.pagerduty?.users ? { users: options.pagerduty.users } : {}),
    ...(options.pagerduty?.teams ? { teams: options.pagerduty.teams } : {}),
    ...(options.pagerduty?.escalationPolicies
      ? { escalationPolicies: options.pagerduty.escalationPolicies }
      : {}),
    ...(options.pagerduty?.maintenanceWindows
      ? { maintenanceWindows: options.pagerduty.maintenanceWindows }
      : {}),
    ...(options.pagerduty?.apiTokens ? { apiTokens: options.pagerduty.apiTokens } : {}),
    ...(options.pagerduty?.schedules ? { schedules: options.pagerduty.schedules } : {}),
    ...(options.pagerduty?.apiRateLimit === undefined
      ? {}
      : { apiRateLimit: options.pagerduty.apiRateLimit }),
  });
  const modules: Partial<Record<ServiceRole, ServiceModule>> = {
    aws: localstack
      ? { external: { url: options.aws?.endpoint ?? LOCALSTACK_DEFAULT_ENDPOINT } }
      : createAwsEmulator({
          clock,
          journal,
          rng,
          logs: options.aws?.logs,
          lambda: options.aws?.lambda,
          faults,
        }),
    logzioListener: logzio.listener,
    logzioApi: logzio.api,
    pagerdutyEvents: pagerduty.events,
    pagerdutyApi: pagerduty.api,
    ...(options.services as Partial<Record<ServiceRole, ServiceModule>> | undefined),
  };
  let host: ServiceHost | undefined;
  let env: Record<string, string> | undefined;
  let disposed = false;

  const ready = (async () => {
    const home = options.home ?? userStateDir();
    const ca = await loadOrCreateCa(home);
    if (localstack) {
      await waitForLocalStack(
        options.aws?.endpoint ?? LOCALSTACK_DEFAULT_ENDPOINT,
        options.aws?.readyTimeoutMs,
      );
    }
    const ports = Object.fromEntries(
      portNames.map((name) => [name, options.ports?.[name] ?? 0]),
    ) as Record<PortName, number>;
    host = await startServiceHost({
      clock,
      ca,
      bindHost: options.host ?? "127.0.0.1",
      ports,
      modules,
      version: packageVersion(),
      faults,
    });
    env = clientEnv(host.endpoints, ca.certPath, logzioAccounts[0], {
      routingKey: defaultRoutingKey(pagerdutyServices),
      token: pagerduty.apiTokens[0]?.token,
    });
    journal.append("simulator.started", {
      source: "host",
      data: {
        clock: clock.kind,
        seed: String(seed),
        services: Object.keys(host.endpoints).filter((role) => role !== "proxy"),
      },
    });
    // Declared faults start on the clock from here on; one due at the start is in force at once.
    for (const declared of options.faults ?? []) {
      const { spec, options: faultOptions } = splitFault(declared as Record<string, unknown>);
      faults.schedule(
        declared.at === undefined ? clock.now() : instant(declared.at),
        declared.target,
        spec,
        faultOptions,
      );
    }
  })();
  // Callers see the failure through `ready`; this keeps Node from reporting it a second time.
  ready.catch(() => {});

  const notReady = (what: string): never => {
    throw new Error(`simulator.${what} is available once simulator.ready has resolved`);
  };

  return {
    ready,
    get endpoints() {
      return host?.endpoints ?? notReady("endpoints");
    },
    get env() {
      return env ?? notReady("env");
    },
    clock,
    journal,
    rng,
    seed,
    faults: {
      inject: (target, spec, faultOptions) => faults.inject(target, spec, faultOptions),
      clear: (id) => faults.clear(id),
      list: (target) => faults.list(target),
    },
    async dispose() {
      if (disposed) return;
      disposed = true;
      await ready.catch(() => {});
      faults.dispose();
      try {
        if (host) journal.append("simulator.stopped", { source: "host" });
      } finally {
        // Ports are freed even if a journal listener or sink throws on the last event.
        if (host) await host.close();
        else await Promise.all(Object.values(modules).map((m) => m?.dispose?.()));
        journal.close();
      }
    },
  };
}
