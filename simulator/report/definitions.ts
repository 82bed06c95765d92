/** What each figure of the report means, printed with it (terminal and HTML). */
import type { Definition } from "./types.js";

export const DEFINITIONS: readonly Definition[] = [
  {
    term: "impact start",
    meaning:
      "The first failed request of the service in the fault that caused the incident (the " +
      "simulator knows the true fault); without a fault, the first failed request of the run of " +
      "bad request counts before the incident opened.",
  },
  {
    term: "time to detect (TTD)",
    meaning: "Incident opened (pagerduty.incident.triggered) − impact start.",
  },
  {
    term: "time to acknowledge (TTA)",
    meaning:
      "First acknowledgement − incident opened. Checked against the acknowledge target on the " +
      "tier's coverage clock (a business-hours clock pauses outside its hours). An incident " +
      "resolved without an acknowledgement answered at its resolution.",
  },
  {
    term: "time to resolve (TTR)",
    meaning: "Resolution − incident opened, checked against the resolve target the same way.",
  },
  {
    term: "time to recover",
    meaning:
      "When the service's bad requests stopped (its last failed request) − impact start: the " +
      "customer's view, independent of when the incident was closed.",
  },
  {
    term: "MTTA",
    meaning:
      "Mean time to acknowledge, from incident opened, over the tier's acknowledged incidents " +
      "(wall clock); unacknowledged incidents are counted apart.",
  },
  {
    term: "MTTR",
    meaning:
      "Mean time to RESOLVE, from incident opened, over the tier's resolved incidents (wall " +
      "clock). Not repair, not recovery: time to recover is reported per incident.",
  },
  {
    term: "breach",
    meaning:
      "An incident whose acknowledge (or resolve) time on the coverage clock exceeds the target " +
      "of its tier and priority; one still open is a breach once it is past the target.",
  },
  {
    term: "compliance",
    meaning:
      "Incidents within both targets / incidents of the tier, against the tier's compliance target.",
  },
  {
    term: "priority",
    meaning:
      "The incident's own priority; when the journal has none, derived as PagerDuty's event rule " +
      "would set it from the first alert's severity (critical P1, error P2, warning P3, info P4), " +
      "or from urgency (high P2, low P4). The report says which.",
  },
  {
    term: "error budget",
    meaning:
      "(1 − SLO) × requests in the window: the bad requests the SLO allows. With a window longer " +
      "than the run, the run's request rate fills it. Consumed = bad requests / budget.",
  },
  {
    term: "burn rate",
    meaning:
      "Bad fraction / (1 − SLO): 1 spends the budget exactly over the window; peak 1h and 5m are " +
      "the highest over any such window of the run (a page fires at 14.4 on both).",
  },
  {
    term: "time to first communication",
    meaning:
      "First status update (POST /incidents/{id}/status_updates) or first status-page change " +
      "(a PagerDuty webhook the status page received), whichever came first − impact start.",
  },
  {
    term: "proactive",
    meaning:
      "Every customer report for the incident came after our first communication (the " +
      "customer's informedBeforeReport); true when nobody had to report it.",
  },
  {
    term: "update cadence",
    meaning:
      "The longest silence while the incident was open: between opening, each status update, " +
      "and the resolution, against the target of an update every N minutes. Status-page state " +
      "changes count as communication (first communication, proactive, resolution) but not as " +
      "updates: they tell customers nothing new.",
  },
  {
    term: "impact minutes",
    meaning:
      "Σ over the app's request counts with bad requests of minutes × bad / all: 45 minutes at " +
      "half the requests failing are 22.5 impact minutes.",
  },
  {
    term: "SLA green",
    meaning:
      "Every incident met its tier's acknowledge and resolve targets (or is still within them).",
  },
  {
    term: "verdict",
    meaning:
      "green/green; red/red; watermelon (SLA green, experience red: green outside, red inside); " +
      "red/green (SLA red, experience green).",
  },
];
