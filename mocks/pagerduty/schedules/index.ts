/**
 * PagerDuty on-call schedules, computed: layers with rotations and restrictions, overrides, the
 * final schedule, who is on call at an instant, and GET /oncalls. Pure functions over the REST
 * API's shapes; every instant they need is passed in. The account's schedules are kept in
 * ./store.ts (ScheduleStore, reached as PagerDutyStore.schedules), their bodies read by ./body.ts
 * and their configuration by ./config.ts.
 */
export {
  readOverrideBody,
  readScheduleBody,
  ScheduleBodyError,
} from "./body.js";
export {
  configuredSchedule,
  type PagerDutyScheduleConfig,
  pagerDutyScheduleConfig,
  ScheduleConfigError,
} from "./config.js";
export { ScheduleInputError } from "./errors.js";
export {
  compileSchedule,
  nextOnCallForUser,
  onCallAt,
  renderFinalSchedule,
  renderSchedule,
  scheduleUsers,
} from "./final.js";
export { MAX_TURNS_PER_RENDERING, renderLayer } from "./layer.js";
export { ONCALLS_MAX_FUTURE_DAYS, oncalls } from "./oncalls.js";
export {
  DEFAULT_HORIZON_SECONDS,
  DEFAULT_RENDER_SPAN_SECONDS,
  defaultRenderRange,
  type RenderRange,
} from "./render.js";
export {
  type ScheduleRecord,
  ScheduleStore,
  type StoredOverride,
  type StoredSchedule,
  type StoredScheduleLayer,
} from "./store.js";
export { formatInstant, isTimeZone, parseInstant } from "./time.js";
export type * from "./types.js";
