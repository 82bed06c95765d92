/**
 * The account's on-call schedules and the overrides created on them, as plain data: what the
 * REST API's schedule routes edit and what the incident lifecycle asks who is on call.
 *
 * Instants are stored as UTC ISO 8601 strings ("2026-01-05T14:00:00Z"); the REST layer writes
 * them in the zone a request asks for. `schedule_layers` keep the order of the create or update
 * body: index 0 is "Layer 1", the lowest, and a later layer takes precedence (types.ts). Overrides
 * keep their creation order, which decides between overlapping ones.
 */
import { type CompiledSchedule, compileSchedule, finalShifts } from "./final.js";
import type { Restriction, Schedule, ScheduleLayer, ScheduleWithOverrides } from "./types.js";

export interface StoredScheduleLayer extends ScheduleLayer {
  id: string;
  name: string;
  start: string;
  end: string | null;
  rotation_virtual_start: string;
  rotation_turn_length_seconds: number;
  users: { user: { id: string; type: "user_reference" } }[];
  restrictions: Restriction[];
}

export interface StoredSchedule extends Schedule {
  id: string;
  type: "schedule";
  name: string;
  description: string | null;
  time_zone: string;
  schedule_layers: StoredScheduleLayer[];
  teams: { id: string; type: "team_reference" }[];
}

export interface StoredOverride {
  id: string;
  start: string;
  end: string;
  user: { id: string; type: "user_reference" };
}

/** A schedule with its overrides in creation order: the unit of snapshots and configuration. */
export interface ScheduleRecord {
  schedule: StoredSchedule;
  overrides: StoredOverride[];
}

export class ScheduleStore {
  readonly #configured: ScheduleRecord[];
  /** By id, in creation order. */
  readonly #records = new Map<string, ScheduleRecord>();
  /** Compiled schedules for on-call look-ups, dropped whenever their record changes. */
  readonly #compiled = new Map<string, CompiledSchedule>();

  constructor(configured: readonly ScheduleRecord[] = []) {
    this.#configured = structuredClone([...configured]);
    this.reset();
  }

  all(): StoredSchedule[] {
    return [...this.#records.values()].map((r) => r.schedule);
  }

  get(id: string): StoredSchedule | undefined {
    return this.#records.get(id)?.schedule;
  }

  add(schedule: StoredSchedule, overrides: StoredOverride[] = []): void {
    if (this.#records.has(schedule.id)) {
      throw new Error(`pagerduty: schedule id ${schedule.id} is used twice`);
    }
    this.#records.set(schedule.id, { schedule, overrides });
  }

  /** Replaces a schedule's definition; its overrides stay. */
  update(schedule: StoredSchedule): void {
    const record = this.#record(schedule.id);
    record.schedule = schedule;
    this.#compiled.delete(schedule.id);
  }

  /** Removes a schedule and its overrides. */
  remove(id: string): StoredSchedule | undefined {
    const record = this.#records.get(id);
    if (!record) return undefined;
    this.#records.delete(id);
    this.#compiled.delete(id);
    return record.schedule;
  }

  /** A schedule's overrides in creation order (empty for an unknown schedule). */
  overrides(scheduleId: string): readonly StoredOverride[] {
    return this.#records.get(scheduleId)?.overrides ?? [];
  }

  addOverride(scheduleId: string, override: StoredOverride): void {
    this.#record(scheduleId).overrides.push(override);
    this.#compiled.delete(scheduleId);
  }

  /** Removes an override, or ends it at `end` when one is given (a truncated override). */
  removeOverride(scheduleId: string, overrideId: string, end?: string): StoredOverride | undefined {
    const record = this.#record(scheduleId);
    const override = record.overrides.find((o) => o.id === overrideId);
    if (!override) return undefined;
    if (end === undefined) record.overrides = record.overrides.filter((o) => o !== override);
    else override.end = end;
    this.#compiled.delete(scheduleId);
    return override;
  }

  /** Every schedule with its overrides, as GET /oncalls computes from them. */
  withOverrides(): ScheduleWithOverrides[] {
    return [...this.#records.values()].map((r) => ({
      schedule: r.schedule,
      overrides: r.overrides,
    }));
  }

  /**
   * The users on call in a schedule's final schedule (layers and overrides) at `atMs`, epoch
   * milliseconds: one user, or none in a gap or for an unknown schedule.
   */
  onCallUsers(scheduleId: string, atMs: number): string[] {
    const record = this.#records.get(scheduleId);
    if (!record) return [];
    let compiled = this.#compiled.get(scheduleId);
    if (!compiled) {
      compiled = compileSchedule(record.schedule, record.overrides);
      this.#compiled.set(scheduleId, compiled);
    }
    return [...new Set(finalShifts(compiled, atMs, atMs + 1).map((s) => s.userId))];
  }

  /** Back to the configured schedules: REST-made ones go, edits and overrides are undone. */
  reset(): void {
    this.restore(this.#configured);
  }

  snapshot(): ScheduleRecord[] {
    return structuredClone([...this.#records.values()]);
  }

  restore(records: readonly ScheduleRecord[]): void {
    this.#records.clear();
    this.#compiled.clear();
    for (const r of structuredClone([...records])) this.add(r.schedule, r.overrides);
  }

  #record(id: string): ScheduleRecord {
    const record = this.#records.get(id);
    if (!record) throw new Error(`pagerduty: no schedule ${id}`);
    return record;
  }
}
