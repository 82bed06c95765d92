/** The SLA/XLA report: built from a run's journal, rendered for the terminal, JSON and HTML. */
export { buildReport, type ReportContext } from "./build.js";
export {
  DEFAULT_SLA,
  PRIORITIES,
  type Priority,
  resolveSlaConfig,
  type SlaConfig,
  type SlaConfigInput,
  slaConfigSchema,
  TIERS,
  type Tier,
} from "./config.js";
export { EXPERIENCE_WEIGHTS } from "./experience.js";
export { renderReportHtml } from "./html.js";
export { renderReportText } from "./text.js";
export type * from "./types.js";
export { verdictHeadline } from "./verdict.js";
