export * from "./clock.js";
export { createRealClock } from "./realClock.js";
export { createVirtualClock, type VirtualClockOptions } from "./virtualClock.js";
export { toXStateClock, type XStateClock } from "./xstateClock.js";
