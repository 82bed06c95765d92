export {
  assertEscalationPolicy,
  copyPolicy,
  escalationDelayMs,
  findStaffedPosition,
  firstOnCallLevel,
  hasScheduleTargets,
  MAX_SNOOZE_SEC,
  MIN_SNOOZE_SEC,
  nextPosition,
  usersAtLevel,
} from "./escalation.js";
export { assertIncidentLifecycleInput, incidentLifecycleMachine } from "./machine.js";
export {
  acknowledgements,
  assignedVia,
  assignees,
  escalationLevel,
  escalationLoop,
  type IncidentLifecycleSnapshot,
  incidentStatus,
  isEscalationExhausted,
  pendingActions,
  urgency,
} from "./readers.js";
export type { LifecycleEffect } from "./steps.js";
export type * from "./types.js";
