/**
 * One lifecycle actor per incident, on the simulator clock, and what its effects do to the
 * account: the store (status, assignments, acknowledgements, urgency, pending actions, log
 * entries), the journal (`pagerduty.incident.*`, `responder.notified`) and webhooks.
 *
 * The actor's actions only queue their effects. Once a transition is over (the actor has its
 * new snapshot), the incident record is brought in line with the snapshot and the queued effects
 * are carried out one after another in the order the machine asked for them, so every journal
 * entry and webhook of one instant comes out in a declared order and sees the incident as the
 * transition left it (DESIGN §6 "Determinism").
 */
import { type Actor, createActor, transition } from "xstate";
import type { Clock } from "../../../simulator/kernel/clock.js";
import type { Journal } from "../../../simulator/kernel/journal.js";
import { toXStateClock } from "../../../simulator/kernel/xstateClock.js";
import {
  type Agent,
  type EscalationPolicySnapshot,
  type IncidentLifecycleEvent,
  type IncidentLifecycleSnapshot,
  incidentLifecycleMachine,
  incidentStatus,
  type LifecycleEffect,
  type LogEntryParams,
  type NotifyUserParams,
  type OnCallUsers,
  pendingActions,
  type StatusChangedParams,
  type Urgency,
} from "../lifecycle/index.js";
import type {
  Alert,
  Incident,
  LogEntry,
  PagerDutyStore,
  Reference,
  Service,
  User,
} from "../store.js";
import type { PagerDutyWebhooks, WebhookEventType } from "../webhooks/index.js";
import { agentRef, logEntryOf, userName } from "./logEntries.js";
import { DelayedNotifications, notificationOf, notificationPlan } from "./notifications.js";
import { createReferences, type References } from "./references.js";
import { incidentWebhookData } from "./webhookData.js";

export interface RuntimeOptions {
  store: PagerDutyStore;
  clock: Clock;
  journal: Journal;
  /** Absent: no webhooks are published. */
  webhooks?: PagerDutyWebhooks;
  newId(): string;
  onCallUsers: OnCallUsers;
  /** The trace id a trigger's details carry, if any. */
  traceIdOf(details: unknown): string | undefined;
}

/** What the REST API or the Events API says about one change, beyond the lifecycle event. */
export interface ChangeContext {
  /** The alert an Events API event applied to. */
  alert?: Alert;
  /** Ids for the journal that win over the incident's own (the event's dedup key, trace id). */
  correlation?: Record<string, string>;
}

/** How an incident starts. */
export interface StartOptions {
  incident: Incident;
  service: Service;
  policy: EscalationPolicySnapshot;
  /** "api" for the Events API, "web_trigger" for `POST /incidents`. */
  triggerChannel: string;
  /** Who created it: null for an event (the service). */
  by: Agent;
  /** `POST /incidents` assignments: notified instead of the policy's first level. */
  assignees?: readonly string[];
  /** The trigger entry of a REST-created incident: its channel's summary and details. */
  trigger?: { summary: string; details: string | null };
  correlation?: Record<string, string>;
}

interface Running {
  readonly incident: Incident;
  readonly actor: Actor<typeof incidentLifecycleMachine>;
  readonly queue: LifecycleEffect[];
  /** While above 0, effects stay queued: creation puts them in order itself. */
  hold: number;
  context: ChangeContext;
  /** The REST trigger entry's details, until it is written. */
  trigger: StartOptions["trigger"];
  /** Who created the incident: null for an event. */
  readonly creator: Agent;
  stopped: boolean;
  failure: unknown;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The webhook and journal name of a status change, or null when another entry names it. */
function statusEvent(p: StatusChangedParams): WebhookEventType | null {
  if (p.from === null) return "incident.triggered";
  if (p.reason === "reopened") return "incident.reopened";
  if (p.to === "acknowledged") return "incident.acknowledged";
  if (p.to === "resolved") return "incident.resolved";
  if (p.reason === "unacknowledged") return "incident.unacknowledged";
  // Back to triggered by an escalation, reassignment or delegation: that entry publishes it.
  return null;
}

export class IncidentRuntime {
  readonly refs: References;
  readonly #o: RuntimeOptions;
  readonly #running = new Map<string, Running>();
  readonly #delayed: DelayedNotifications;
  readonly #machine: typeof incidentLifecycleMachine;

  constructor(options: RuntimeOptions) {
    this.#o = options;
    this.refs = createReferences(options.store);
    this.#delayed = new DelayedNotifications(options.clock);
    const queue = (incidentId: string, effect: LifecycleEffect) => {
      const running = this.#running.get(incidentId);
      if (running && !running.stopped) running.queue.push(effect);
    };
    this.#machine = incidentLifecycleMachine.provide({
      actions: {
        notifyUser: (_, params: NotifyUserParams) =>
          queue(params.incidentId, { type: "notifyUser", params }),
        logEntry: (_, params: LogEntryParams) =>
          queue(params.incidentId, { type: "logEntry", params }),
        statusChanged: (_, params: StatusChangedParams) =>
          queue(params.incidentId, { type: "statusChanged", params }),
      },
    });
  }

  /** Starts an incident's actor; the incident is in the store already. */
  start(o: StartOptions): void {
    const { incident, service } = o;
    if (this.#running.has(incident.id)) {
      throw new Error(`pagerduty: incident ${incident.id} already has a lifecycle`);
    }
    const { clock } = this.#o;
    const actor = createActor(this.#machine, {
      clock: toXStateClock(clock, `incident ${incident.id}`),
      input: {
        incidentId: incident.id,
        urgency: incident.urgency,
        escalationPolicy: o.policy,
        acknowledgementTimeoutSec: service.acknowledgement_timeout,
        autoResolveTimeoutSec: service.auto_resolve_timeout,
        now: () => clock.now(),
        onCallUsers: this.#o.onCallUsers,
        triggerChannel: o.triggerChannel,
      },
    });
    const running: Running = {
      incident,
      actor,
      queue: [],
      hold: 1,
      context: o.correlation ? { correlation: o.correlation } : {},
      trigger: o.trigger,
      creator: o.by,
      stopped: false,
      failure: undefined,
    };
    incident.escalation_policy = { id: o.policy.id, type: "escalation_policy_reference" };
    this.#running.set(incident.id, running);
    actor.subscribe({
      next: (snapshot) => this.#settle(running, snapshot),
      error: (error) => {
        running.failure = error;
      },
    });
    actor.start();
    this.#rethrow(running);

    const startEffects = running.queue.splice(0);
    let effects = startEffects;
    if (o.assignees && o.assignees.length > 0) {
      // Created with assignments: the trigger entry, then the direct assignment and its
      // notifications instead of the policy's first level, then the status change.
      const by = o.by;
      actor.send({ type: "REASSIGN", assignees: o.assignees, by, channel: "website" });
      const acknowledging = by !== null && o.assignees.includes(by);
      // "When a user creates an incident assigned to themselves, the incident will be created
      // in the Acknowledged state and will not notify the user" (15-Incident-Creation-API.md).
      if (acknowledging) actor.send({ type: "ACKNOWLEDGE", by, channel: "website" });
      this.#rethrow(running);
      const later = running.queue.splice(0);
      const trigger = startEffects.filter(
        (e) => e.type === "logEntry" && e.params.type === "trigger_log_entry",
      );
      const triggered = startEffects.filter((e) => e.type === "statusChanged");
      const ackAt = later.findIndex(
        (e) => e.type === "logEntry" && e.params.type === "acknowledge_log_entry",
      );
      const assignment = (ackAt < 0 ? later : later.slice(0, ackAt)).filter(
        (e) =>
          !acknowledging ||
          !(
            (e.type === "notifyUser" && e.params.userId === by) ||
            (e.type === "logEntry" &&
              e.params.type === "notify_log_entry" &&
              e.params.userId === by)
          ),
      );
      effects = [...trigger, ...assignment, ...triggered, ...(ackAt < 0 ? [] : later.slice(ackAt))];
    }
    running.hold = 0;
    this.#carryOut(running, effects, { creating: true });
    this.#rethrow(running);
  }

  has(incidentId: string): boolean {
    return this.#running.has(incidentId);
  }

  snapshot(incidentId: string): IncidentLifecycleSnapshot | undefined {
    return this.#running.get(incidentId)?.actor.getSnapshot();
  }

  /** Whether the incident's lifecycle takes this event now. */
  can(incidentId: string, event: IncidentLifecycleEvent): boolean {
    return this.snapshot(incidentId)?.can(event) ?? false;
  }

  /**
   * A dry run: the index of the first of `events` the lifecycle would refuse, taken one after
   * another from its state now, or -1 when it takes them all. Nothing is carried out.
   */
  refusal(incidentId: string, events: readonly IncidentLifecycleEvent[]): number {
    let snapshot = this.snapshot(incidentId);
    if (!snapshot) return events.length > 0 ? 0 : -1;
    for (let i = 0; i < events.length; i++) {
      const event = events[i] as IncidentLifecycleEvent;
      if (!snapshot.can(event)) return i;
      [snapshot] = transition(this.#machine, snapshot, event);
    }
    return -1;
  }

  /** Sends an event the lifecycle takes (check `can` first); false when it does not. */
  send(incidentId: string, event: IncidentLifecycleEvent, context: ChangeContext = {}): boolean {
    const running = this.#running.get(incidentId);
    if (!running || running.stopped) return false;
    if (!running.actor.getSnapshot().can(event)) return false;
    running.context = context;
    try {
      running.actor.send(event);
    } finally {
      running.context = {};
    }
    this.#rethrow(running);
    return true;
  }

  /** Journal ids of an incident: number, id, dedup key and the trace id it opened with. */
  correlation(incident: Incident, extra: Record<string, string> = {}): Record<string, string> {
    const first = this.#o.store.logEntry(incident.first_trigger_log_entry.id);
    const traceId = first ? this.#o.traceIdOf(first.channel.details) : undefined;
    return {
      incidentNumber: String(incident.incident_number),
      incidentId: incident.id,
      dedupKey: incident.incident_key,
      ...(traceId === undefined ? {} : { traceId }),
      ...extra,
    };
  }

  /** What the journal says of an incident in its `pagerduty.incident.*` entries. */
  incidentData(incident: Incident): Record<string, unknown> {
    return {
      id: incident.id,
      incident_number: incident.incident_number,
      title: incident.title,
      status: incident.status,
      urgency: incident.urgency,
      service: incident.service.id,
      html_url: incident.html_url,
      assignees: incident.assignments.map((a) => a.assignee.id),
      escalation_level: incident.escalation_level ?? null,
      priority: incident.priority?.id ?? null,
    };
  }

  /** Journals a `pagerduty.incident.<what>` entry for a change made outside the lifecycle. */
  journalIncident(
    incident: Incident,
    what: string,
    data: Record<string, unknown>,
    context: ChangeContext = {},
  ): void {
    this.#o.journal.append(`pagerduty.incident.${what}`, {
      source: "pagerduty",
      correlation: this.correlation(incident, context.correlation),
      data: { ...this.incidentData(incident), ...data },
    });
  }

  /** Publishes a webhook about an incident (no-op without a webhooks module). */
  publish(
    incident: Incident,
    eventType: WebhookEventType,
    agent: Reference<"user_reference" | "service_reference"> | null,
    data?: Record<string, unknown>,
    context: ChangeContext = {},
  ): void {
    const webhooks = this.#o.webhooks;
    if (!webhooks) return;
    // Nothing is published (nor journaled as published) when no subscription takes the type.
    if (!webhooks.listSubscriptions().some((s) => s.active && s.events.includes(eventType))) {
      return;
    }
    const service = this.#o.store.service(incident.service.id);
    webhooks.publish({
      event_type: eventType,
      agent: agent ? this.refs.agent(agent) : null,
      client: agent?.type === "user_reference" ? { name: "PagerDuty" } : null,
      data: data ?? incidentWebhookData(this.#o.store, this.refs, incident),
      scope: {
        serviceId: incident.service.id,
        teamIds: (service?.teams ?? []).map((t) => t.id),
      },
      correlation: this.correlation(incident, context.correlation),
    });
  }

  /** Stops every actor and calls off every waiting notification. */
  reset(): void {
    for (const running of this.#running.values()) {
      running.stopped = true;
      running.actor.stop();
    }
    this.#running.clear();
    this.#delayed.cancelAll();
  }

  #rethrow(running: Running): void {
    if (running.failure !== undefined) {
      const failure = running.failure;
      running.failure = undefined;
      throw failure;
    }
  }

  /** A transition is over: the record follows the snapshot, then the effects are carried out. */
  #settle(running: Running, snapshot: IncidentLifecycleSnapshot): void {
    if (running.stopped) return;
    try {
      this.#sync(running, snapshot);
      if (running.hold === 0) this.#carryOut(running, running.queue.splice(0), {});
    } catch (error) {
      // An observer that throws would be reported on a wall-clock timer by xstate: keep it for
      // the caller of send() (or the next one, for a transition a timer made).
      running.failure = error;
    }
  }

  #sync(running: Running, snapshot: IncidentLifecycleSnapshot): void {
    const { incident } = running;
    const { store, clock } = this.#o;
    const at = iso(clock.now());
    const context = snapshot.context;
    const status = incidentStatus(snapshot);
    if (status !== incident.status) {
      const change = [...running.queue].reverse().find((e) => e.type === "statusChanged");
      const by = agentRef(incident, change?.type === "statusChanged" ? change.params.by : null);
      store.setIncidentStatus(incident, status, at, by);
    }
    const since = new Map(incident.assignments.map((a) => [a.assignee.id, a.at]));
    incident.assignments = context.assignees.map((id) => ({
      at: since.get(id) ?? at,
      assignee: { id, type: "user_reference" as const },
    }));
    const acknowledgedAt = new Map(
      incident.acknowledgements.map((a) => [`${a.acknowledger.type} ${a.acknowledger.id}`, a.at]),
    );
    incident.acknowledgements = context.acknowledgements.map((a) => {
      const acknowledger = agentRef(incident, a.by);
      return {
        at: acknowledgedAt.get(`${acknowledger.type} ${acknowledger.id}`) ?? iso(a.at),
        acknowledger,
      };
    });
    incident.assigned_via = context.assignedVia;
    incident.escalation_level = context.escalationLevel;
    incident.urgency = context.urgency;
    incident.escalation_policy = {
      id: context.escalationPolicy.id,
      type: "escalation_policy_reference",
    };
    incident.pending_actions = pendingActions(snapshot).map((p) => ({
      type: p.type,
      at: iso(p.at),
    }));
    if (running.queue.length > 0) incident.updated_at = at;
  }

  #carryOut(running: Running, effects: LifecycleEffect[], o: { creating?: boolean }): void {
    const { incident } = running;
    // The change first (its entries, journal and webhooks), then the notifications it sends, in
    // the machine's order: "triggered" is journaled before "notified".
    for (const effect of effects) {
      if (effect.type === "logEntry") this.#logEntry(running, effect.params, o);
      else if (effect.type === "statusChanged") this.#statusChanged(running, effect.params);
    }
    for (const effect of effects) {
      if (effect.type === "notifyUser") this.#notify(running, effect.params);
    }
    // Rules still waiting go on only for assignees of a triggered incident.
    this.#delayed.keepOnly(
      incident.id,
      incident.status === "triggered" ? incident.assignments.map((a) => a.assignee.id) : [],
    );
  }

  #webhookAgent(
    incident: Incident,
    by: Agent,
    channel: string,
  ): Reference<"user_reference" | "service_reference"> | null {
    if (by !== null) return { id: by, type: "user_reference" };
    // PagerDuty's own timers act for nobody; events act for their service.
    return channel === "timeout" || channel === "auto" ? null : agentRef(incident, null);
  }

  #logEntry(running: Running, params: LogEntryParams, o: { creating?: boolean }): void {
    const { incident, context } = running;
    const { store } = this.#o;
    if (params.type === "notify_log_entry") return; // written with its notification
    if (params.type === "trigger_log_entry") {
      // The Events API writes the trigger entry of an alert with the event's fields.
      if (store.logEntry(incident.first_trigger_log_entry.id)) return;
      store.addLogEntry(this.#restTriggerEntry(running, params));
      running.trigger = undefined;
      return;
    }
    const entry = logEntryOf(params, {
      store,
      incident,
      alert: context.alert,
      newId: this.#o.newId,
    });
    if (!entry) return;
    store.addLogEntry(entry);
    const agent = this.#webhookAgent(incident, params.by, params.channel);
    const journal = (what: string, data: Record<string, unknown>) =>
      this.journalIncident(incident, what, { channel: params.channel, ...data }, context);
    switch (params.type) {
      case "escalate_log_entry":
        journal("escalated", {
          from_level: params.fromLevel,
          level: params.level,
          loop: params.loop,
          by: params.by,
        });
        this.publish(incident, "incident.escalated", agent, undefined, context);
        break;
      case "assign_log_entry":
        if (params.assignedVia === "direct_assignment" && !o.creating && params.by !== null) {
          journal("reassigned", { by: params.by });
          this.publish(incident, "incident.reassigned", agent, undefined, context);
        }
        break;
      case "delegate_log_entry":
        journal("delegated", { escalation_policy: params.escalationPolicyId, by: params.by });
        this.publish(incident, "incident.delegated", agent, undefined, context);
        break;
      case "urgency_change_log_entry":
        journal("urgency_changed", { from: params.from, to: params.to, by: params.by });
        break;
      case "snooze_log_entry":
        journal("snoozed", {
          duration: params.durationSec,
          until: iso(params.until),
          by: params.by,
        });
        break;
      case "repeat_escalation_path_log_entry":
        journal("escalation_repeated", { loop: params.loop });
        break;
      case "exhaust_escalation_path_log_entry":
        journal("escalation_exhausted", { level: params.level, loop: params.loop });
        break;
      default:
        // Acknowledge, unacknowledge and resolve entries: their status change journals them.
        break;
    }
  }

  /** The trigger entry of an incident created through the REST API. */
  #restTriggerEntry(running: Running, params: LogEntryParams): LogEntry {
    const { incident } = running;
    const trigger = running.trigger;
    const at = iso(params.at);
    const web = params.channel === "web_trigger";
    return {
      id: incident.first_trigger_log_entry.id,
      type: "trigger_log_entry",
      summary: web ? "Triggered through the website" : "Triggered through the API",
      created_at: at,
      // The lifecycle triggers as nobody; the incident's creator is its agent.
      agent: agentRef(incident, params.by ?? running.creator),
      channel: {
        type: params.channel,
        summary: trigger?.summary ?? incident.title,
        subject: trigger?.summary ?? incident.title,
        ...(trigger?.details ? { details: trigger.details } : {}),
      },
      service: { id: incident.service.id, type: "service_reference" },
      incident: { id: incident.id, type: "incident_reference" },
      alert: null,
      contexts: [],
      event_details: { description: trigger?.summary ?? incident.title },
    };
  }

  #statusChanged(running: Running, params: StatusChangedParams): void {
    const { incident, context } = running;
    const eventType = statusEvent(params);
    if (eventType === null) return;
    const what = eventType.slice("incident.".length);
    // The lifecycle triggers as nobody; an incident created over REST was triggered by its creator.
    const by = params.from === null ? (params.by ?? running.creator) : params.by;
    this.journalIncident(
      incident,
      what,
      { from: params.from, reason: params.reason, by, channel: params.channel },
      context,
    );
    this.publish(
      incident,
      eventType,
      this.#webhookAgent(incident, by, params.channel),
      undefined,
      context,
    );
  }

  #notify(running: Running, params: NotifyUserParams): void {
    const { incident } = running;
    const { store, clock } = this.#o;
    this.#delayed.cancelUser(incident.id, params.userId);
    const user = store.user(params.userId);
    const correlation = this.correlation(incident, running.context.correlation);
    if (!user) {
      this.#o.journal.append("pagerduty.notification.skipped", {
        source: "pagerduty",
        correlation,
        data: { incident: incident.id, user: params.userId, reason: "no user has this id" },
      });
      return;
    }
    const plan = notificationPlan(user, params.urgency);
    if (plan.length === 0) {
      this.#o.journal.append("pagerduty.notification.skipped", {
        source: "pagerduty",
        correlation,
        data: {
          incident: incident.id,
          user: user.id,
          reason: `the user has no notification rule for ${params.urgency} urgency`,
        },
      });
      return;
    }
    for (const planned of plan) {
      if (planned.delayMs === 0) {
        this.#sendNotification(incident, user, planned.contactMethod, params, correlation);
        continue;
      }
      this.#delayed.schedule(incident.id, user.id, planned.delayMs, () => {
        const current = store.incident(incident.id);
        if (current?.status !== "triggered") return;
        this.#sendNotification(
          current,
          user,
          planned.contactMethod,
          { ...params, urgency: current.urgency as Urgency, at: clock.now() },
          this.correlation(current),
        );
      });
    }
  }

  #sendNotification(
    incident: Incident,
    user: User,
    method: User["contact_methods"][number],
    params: NotifyUserParams,
    correlation: Record<string, string>,
  ): void {
    const { store, journal } = this.#o;
    const at = iso(this.#o.clock.now());
    const { notification, word } = notificationOf(method, at);
    store.addLogEntry({
      id: this.#o.newId(),
      type: "notify_log_entry",
      summary: `Notified ${userName(store, user.id)} by ${word}`,
      created_at: at,
      agent: { id: incident.service.id, type: "service_reference" },
      channel: { type: "auto", notification },
      service: { id: incident.service.id, type: "service_reference" },
      incident: { id: incident.id, type: "incident_reference" },
      alert: null,
      contexts: [],
      event_details: null,
      user: { id: user.id, type: "user_reference" },
    });
    journal.append("responder.notified", {
      source: "pagerduty",
      correlation,
      data: {
        incident: incident.id,
        incident_number: incident.incident_number,
        user: user.id,
        user_name: user.name,
        contact_method: {
          id: method.id,
          type: method.type,
          label: method.label,
          address: notification.address,
        },
        notification_type: notification.type,
        urgency: params.urgency,
        reason: params.reason,
        level: params.level,
        loop: params.loop,
        at,
      },
    });
  }
}
