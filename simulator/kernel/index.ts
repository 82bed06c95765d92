export * from "./clock.js";
export { createIdFactory, type IdFactory } from "./ids.js";
export * from "./journal.js";
export { createRealClock } from "./realClock.js";
export { createRng, type Rng } from "./rng.js";
export { createVirtualClock, type VirtualClockOptions } from "./virtualClock.js";
export { toXStateClock, type XStateClock } from "./xstateClock.js";
