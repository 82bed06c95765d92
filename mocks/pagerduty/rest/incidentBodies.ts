/**
 * The bodies of `POST /incidents`, `PUT /incidents/{id}` and `PUT /incidents`, read with
 * PagerDuty's answers: every broken rule of a body is collected and refused at once with 400
 * Invalid Input Provided (2001) and the list in `errors`; a reference to something the account
 * does not have gets the error table's own code (REST-API/14-Errors.md): 1007 Assigned To User
 * Not Found, 1014 Escalation Policy Not Found, 1020 Invalid Priority, 5002 Service Not Found;
 * an unknown `status` is 1003 Invalid Status Provided.
 *
 * Texts follow the Rails validation messages PagerDuty's answers show ("<Field> can't be
 * blank", "<Field> is invalid"); the documents give few of them.
 */
import type { EscalationPolicy, PagerDutyStore, Priority, Service } from "../store.js";
import { invalidInput, RestError } from "./errors.js";

type Body = Record<string, unknown>;

const isObject = (v: unknown): v is Body =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const blank = (v: unknown) =>
  v === undefined || v === null || (typeof v === "string" && v.trim() === "");

export const INCIDENT_STATUSES = ["triggered", "acknowledged", "resolved"] as const;
export type IncidentStatusInput = (typeof INCIDENT_STATUSES)[number];
export const URGENCIES = ["high", "low"] as const;

export const serviceNotFound = (id: string) =>
  new RestError(400, 5002, "Service Not Found", [`No service has the id ${JSON.stringify(id)}`]);
export const assignedUserNotFound = (id: string) =>
  new RestError(400, 1007, "Assigned To User Not Found", [
    `No user has the id ${JSON.stringify(id)}`,
  ]);
export const escalationPolicyNotFound = (id: string) =>
  new RestError(400, 1014, "Escalation Policy Not Found", [
    `No escalation policy has the id ${JSON.stringify(id)}`,
  ]);
export const invalidPriority = (what: string) =>
  new RestError(400, 1020, "Invalid Priority", [`No priority has the ${what}`]);
export const invalidStatus = (value: unknown) =>
  new RestError(400, 1003, "Invalid Status Provided", [
    `Status must be one of triggered, acknowledged or resolved; got ${JSON.stringify(value)}`,
  ]);

/** Collects a body's errors; the first reference error found wins over input errors. */
class Reader {
  readonly errors: string[] = [];
  #lookup: RestError | undefined;

  constructor(
    readonly store: PagerDutyStore,
    readonly body: Body,
  ) {}

  add(message: string): void {
    if (!this.errors.includes(message)) this.errors.push(message);
  }

  lookupFailed(error: RestError): void {
    this.#lookup ??= error;
  }

  done(): void {
    if (this.errors.length > 0) throw invalidInput(this.errors);
    if (this.#lookup) throw this.#lookup;
  }

  type(...types: string[]): void {
    const value = this.body.type;
    if (value !== undefined && !types.includes(value as string)) {
      this.add(`Type is invalid (must be ${types.join(" or ")})`);
    }
  }

  string(field: string, label: string, o: { required?: boolean } = {}): string | undefined {
    const value = this.body[field];
    if (blank(value)) {
      if (o.required || (value !== undefined && value !== null))
        this.add(`${label} can't be blank`);
      return undefined;
    }
    if (typeof value !== "string") {
      this.add(`${label} must be a string`);
      return undefined;
    }
    return value;
  }

  /** `{id, type}`, with type one of `types` when given. */
  reference(field: string, label: string, types: readonly string[]): string | undefined {
    const value = this.body[field];
    if (value === undefined || value === null) return undefined;
    if (!isObject(value) || typeof value.id !== "string" || value.id === "") {
      this.add(`${label} must be a reference {"id": ..., "type": ...}`);
      return undefined;
    }
    if (value.type !== undefined && !types.includes(value.type as string)) {
      this.add(`${label} type is invalid (must be ${types.join(" or ")})`);
      return undefined;
    }
    return value.id;
  }

  urgency(): "high" | "low" | undefined {
    const value = this.body.urgency;
    if (value === undefined || value === null) return undefined;
    if (value !== "high" && value !== "low") {
      this.add("Urgency is invalid (must be high or low)");
      return undefined;
    }
    return value;
  }

  service(): Service | undefined {
    const id = this.reference("service", "Service", ["service_reference", "service"]);
    if (id === undefined) return undefined;
    const service = this.store.service(id);
    if (!service) this.lookupFailed(serviceNotFound(id));
    return service;
  }

  escalationPolicy(): EscalationPolicy | undefined {
    const id = this.reference("escalation_policy", "Escalation policy", [
      "escalation_policy_reference",
      "escalation_policy",
    ]);
    if (id === undefined) return undefined;
    const policy = this.store.escalationPolicy(id);
    if (!policy) this.lookupFailed(escalationPolicyNotFound(id));
    return policy;
  }

  /** `[{assignee: {id, type: "user_reference"}}]`, as user ids in order, each once. */
  assignments(): string[] | undefined {
    const value = this.body.assignments;
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value)) {
      this.add("Assignments must be an array");
      return undefined;
    }
    if (value.length === 0) {
      this.add("Assignments can't be blank");
      return undefined;
    }
    const ids: string[] = [];
    for (const item of value) {
      const assignee = isObject(item) ? item.assignee : undefined;
      if (!isObject(assignee) || typeof assignee.id !== "string" || assignee.id === "") {
        this.add('Assignments must be [{"assignee": {"id": ..., "type": "user_reference"}}]');
        continue;
      }
      if (
        assignee.type !== undefined &&
        assignee.type !== "user_reference" &&
        assignee.type !== "user"
      ) {
        this.add("Assignee type is invalid (must be user_reference)");
        continue;
      }
      if (!this.store.user(assignee.id)) {
        this.lookupFailed(assignedUserNotFound(assignee.id));
        continue;
      }
      if (!ids.includes(assignee.id)) ids.push(assignee.id);
    }
    return ids;
  }

  /**
   * A priority reference, or (updates only) "a string matching the name of a priority. If
   * provided, the highest priority with a matching name will be used"; null clears it.
   */
  priority(o: { byName: boolean }): Priority | null | undefined {
    const value = this.body.priority;
    if (value === undefined) return undefined;
    if (value === null) return null;
    if (typeof value === "string" && o.byName) {
      const found = [...this.store.priorities()]
        .filter((p) => p.name === value)
        .sort((a, b) => a.order - b.order)[0];
      if (!found) this.lookupFailed(invalidPriority(`name ${JSON.stringify(value)}`));
      return found;
    }
    const id = this.reference("priority", "Priority", ["priority_reference", "priority"]);
    if (id === undefined) return undefined;
    const priority = this.store.priority(id);
    if (!priority) this.lookupFailed(invalidPriority(`id ${JSON.stringify(id)}`));
    return priority;
  }
}

export interface CreateIncidentBody {
  title: string;
  service: Service;
  urgency?: "high" | "low";
  body?: { type: "incident_body"; details: string };
  incidentKey?: string;
  escalationPolicy?: EscalationPolicy;
  assignees?: string[];
  priority?: Priority | null;
}

/** `POST /incidents`'s `incident`. */
export function readCreateBody(store: PagerDutyStore, body: Body): CreateIncidentBody {
  const r = new Reader(store, body);
  r.type("incident");
  const title = r.string("title", "Title", { required: true });
  if (body.service === undefined || body.service === null) r.add("Service can't be blank");
  const service = r.service();
  const urgency = r.urgency();
  let details: string | undefined;
  if (body.body !== undefined && body.body !== null) {
    const b = body.body;
    if (!isObject(b)) r.add('Body must be {"type": "incident_body", "details": "..."}');
    else {
      if (b.type !== undefined && b.type !== "incident_body") {
        r.add("Body type is invalid (must be incident_body)");
      }
      // "The Incident Creation API currently only supports string Incident bodies."
      if (b.details !== undefined && typeof b.details !== "string") {
        r.add("Body details must be a string");
      } else details = (b.details as string | undefined) ?? "";
    }
  }
  const incidentKey = r.string("incident_key", "Incident key");
  const escalationPolicy = r.escalationPolicy();
  const assignees = r.assignments();
  if (body.escalation_policy && body.assignments) {
    r.add("Assignments cannot be specified if an escalation policy is given");
  }
  // "Only one assignee is supported at this time" (15-Incident-Creation-API.md).
  if (assignees && assignees.length > 1) r.add("Assignments can name only one assignee");
  const priority = r.priority({ byName: false });
  r.done();
  return {
    title: title as string,
    service: service as Service,
    ...(urgency ? { urgency } : {}),
    ...(details !== undefined ? { body: { type: "incident_body" as const, details } } : {}),
    ...(incidentKey !== undefined ? { incidentKey } : {}),
    ...(escalationPolicy ? { escalationPolicy } : {}),
    ...(assignees ? { assignees } : {}),
    ...(priority !== undefined ? { priority } : {}),
  };
}

export interface UpdateIncidentBody {
  status?: IncidentStatusInput;
  resolution?: string;
  title?: string;
  priority?: Priority | null;
  escalationLevel?: number;
  assignees?: string[];
  escalationPolicy?: EscalationPolicy;
  urgency?: "high" | "low";
}

/** `PUT /incidents/{id}`'s `incident`, or one item of `PUT /incidents`. */
export function readUpdateBody(store: PagerDutyStore, body: Body): UpdateIncidentBody {
  const r = new Reader(store, body);
  r.type("incident", "incident_reference");
  let status: IncidentStatusInput | undefined;
  if (body.status !== undefined) {
    if (!INCIDENT_STATUSES.includes(body.status as IncidentStatusInput)) {
      throw invalidStatus(body.status);
    }
    status = body.status as IncidentStatusInput;
  }
  let resolution: string | undefined;
  if (body.resolution !== undefined && body.resolution !== null) {
    if (typeof body.resolution !== "string") r.add("Resolution must be a string");
    else resolution = body.resolution;
  }
  const title = r.string("title", "Title");
  const priority = r.priority({ byName: true });
  let escalationLevel: number | undefined;
  if (body.escalation_level !== undefined && body.escalation_level !== null) {
    const level = body.escalation_level;
    if (typeof level !== "number" || !Number.isInteger(level) || level < 1) {
      r.add("Escalation level must be a whole number of at least 1");
    } else escalationLevel = level;
  }
  const assignees = r.assignments();
  const escalationPolicy = r.escalationPolicy();
  const urgency = r.urgency();
  if (body.service !== undefined) {
    r.add("Service cannot be changed here: moving an incident to another service is not supported");
  }
  r.done();
  return {
    ...(status ? { status } : {}),
    ...(resolution !== undefined ? { resolution } : {}),
    ...(title !== undefined ? { title } : {}),
    ...(priority !== undefined ? { priority } : {}),
    ...(escalationLevel !== undefined ? { escalationLevel } : {}),
    ...(assignees ? { assignees } : {}),
    ...(escalationPolicy ? { escalationPolicy } : {}),
    ...(urgency ? { urgency } : {}),
  };
}
