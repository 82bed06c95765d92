import type {
  Override,
  Rendering,
  Restriction,
  Schedule,
  ScheduleLayer,
} from "../../../../mocks/pagerduty/schedules/index.js";

/** A layer as the REST API carries it, users given by id. */
export function layer(
  id: string,
  fields: {
    start: string;
    end?: string | null;
    virtualStart?: string;
    turnSeconds: number;
    users: string[];
    restrictions?: Restriction[];
  },
): ScheduleLayer {
  return {
    id,
    name: id,
    start: fields.start,
    end: fields.end ?? null,
    rotation_virtual_start: fields.virtualStart ?? fields.start,
    rotation_turn_length_seconds: fields.turnSeconds,
    users: fields.users.map((userId) => ({ user: { id: userId, type: "user_reference" } })),
    restrictions: fields.restrictions ?? [],
  };
}

export function schedule(id: string, timeZone: string, layers: ScheduleLayer[]): Schedule {
  return { id, type: "schedule", name: id, time_zone: timeZone, schedule_layers: layers };
}

export function override(id: string, userId: string, start: string, end: string): Override {
  return { id, start, end, user: { id: userId, type: "user_reference" } };
}

/** Rendered entries as [user, start, end] rows, to compare with a hand-written table. */
export function rows(rendering: Rendering): [string, string, string][] {
  return rendering.rendered_schedule_entries.map((e) => [e.user.id, e.start, e.end]);
}

export function hoursBetween(start: string, end: string): number {
  return (Date.parse(end) - Date.parse(start)) / 3_600_000;
}

export const DAY = 86_400;
export const WEEK = 7 * DAY;
