/**
 * How PagerDuty reaches a user it notifies: the user's assignment notification rules for the
 * incident's urgency, each naming a contact method and a delay from the moment the user is
 * notified (support.pagerduty.com "Notification rules"; REST `NotificationRule`). Rules due at
 * once are carried out then; later ones wait on the simulator clock and are called off when the
 * incident is acknowledged or resolved, or the user is no longer among its assignees.
 */
import type { Clock, TimerHandle } from "../../../simulator/kernel/clock.js";
import type { ContactMethod, LogEntryNotification, Urgency, User } from "../store.js";

export interface PlannedNotification {
  contactMethod: ContactMethod;
  delayMs: number;
  ruleId: string;
}

/** The user's rules for this urgency, soonest first (rules of equal delay in their order). */
export function notificationPlan(user: User, urgency: Urgency): PlannedNotification[] {
  const planned: PlannedNotification[] = [];
  for (const rule of user.notification_rules) {
    if (rule.urgency !== urgency) continue;
    const method = user.contact_methods.find((m) => m.id === rule.contact_method.id);
    if (!method) continue;
    planned.push({
      contactMethod: method,
      delayMs: rule.start_delay_in_minutes * 60_000,
      ruleId: rule.id,
    });
  }
  return planned
    .map((p, index) => ({ p, index }))
    .sort((a, b) => a.p.delayMs - b.p.delayMs || a.index - b.index)
    .map(({ p }) => p);
}

const NOTIFICATION_TYPES: Record<ContactMethod["type"], LogEntryNotification["type"]> = {
  email_contact_method: "email_notification",
  sms_contact_method: "sms_notification",
  phone_contact_method: "phone_notification",
};

/** What a notify log entry says of the method: REST `Notification.type` and the word used. */
export function notificationOf(
  method: ContactMethod,
  at: string,
): { notification: LogEntryNotification; word: string } {
  const type = NOTIFICATION_TYPES[method.type] ?? "push_notification";
  const address =
    method.type === "phone_contact_method" || method.type === "sms_contact_method"
      ? `+${method.country_code ?? 1} ${method.address}`
      : method.address;
  return {
    notification: { type, address, started_at: at, status: "success" },
    word: type.replace(/_notification$/, ""),
  };
}

/** Delayed notification rules waiting on the clock, per incident and user. */
export class DelayedNotifications {
  readonly #clock: Clock;
  readonly #timers = new Map<string, Map<string, TimerHandle[]>>();

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Arms one rule for a user of an incident. */
  schedule(incidentId: string, userId: string, delayMs: number, run: () => void): void {
    let byUser = this.#timers.get(incidentId);
    if (!byUser) {
      byUser = new Map();
      this.#timers.set(incidentId, byUser);
    }
    const list = byUser.get(userId) ?? [];
    byUser.set(userId, list);
    const handle = this.#clock.setTimeout(
      () => {
        const left = byUser.get(userId)?.filter((h) => h !== handle) ?? [];
        if (left.length > 0) byUser.set(userId, left);
        else byUser.delete(userId);
        run();
      },
      delayMs,
      `pagerduty notification rule ${incidentId}`,
    );
    list.push(handle);
  }

  /** Calls off a user's rules still waiting (the user is notified afresh, or not any more). */
  cancelUser(incidentId: string, userId: string): void {
    const byUser = this.#timers.get(incidentId);
    for (const handle of byUser?.get(userId) ?? []) handle.cancel();
    byUser?.delete(userId);
  }

  /** Keeps only the waiting rules of `userIds` (none when the incident needs nobody paged). */
  keepOnly(incidentId: string, userIds: readonly string[]): void {
    const byUser = this.#timers.get(incidentId);
    if (!byUser) return;
    for (const userId of [...byUser.keys()]) {
      if (!userIds.includes(userId)) this.cancelUser(incidentId, userId);
    }
    if (byUser.size === 0) this.#timers.delete(incidentId);
  }

  cancelAll(): void {
    for (const byUser of this.#timers.values()) {
      for (const list of byUser.values()) for (const handle of list) handle.cancel();
    }
    this.#timers.clear();
  }
}
