/**
 * The chain as a library, for users' own test suites: load a scenario, start it in-process,
 * drive the app and time, query the journal and every service, assert.
 */

export {
  BUNDLED_DIR,
  bundledScenarioFile,
  bundledScenarioNames,
  formatProblem,
  loadScenario,
  parseScenario,
  ScenarioError,
  type ScenarioProblem,
} from "./scenarios/load.js";
export { type Scenario, type ScenarioInput, scenarioSchema } from "./scenarios/schema.js";
export type { Accounting, Difference, Stage } from "./wiring/accounting.js";
export {
  type Chain,
  type ChainOptions,
  type ChainResult,
  DEFAULT_APP_PORT,
  startChain,
} from "./wiring/chain.js";
export type { Check, Verdict } from "./wiring/expectations.js";
export { narrate } from "./wiring/narrate.js";
export { renderSummary } from "./wiring/summary.js";
