import type { Clock } from "../../simulator/kernel/clock.js";
import type { Journal } from "../../simulator/kernel/journal.js";

export interface SupportReport {
  id: string;
  customer: string;
  service: string;
  message?: string;
  /** ISO on the simulator clock. */
  reportedAt: string;
}

/** Where customers report outages: the experience side of the report reads these facts. */
export class SupportDesk {
  readonly #clock: Clock;
  readonly #journal: Journal;
  readonly #reports: SupportReport[] = [];

  constructor(clock: Clock, journal: Journal) {
    this.#clock = clock;
    this.#journal = journal;
  }

  report(input: { customer: string; service: string; message?: string }): SupportReport {
    const report: SupportReport = {
      id: `report-${this.#reports.length + 1}`,
      customer: input.customer,
      service: input.service,
      ...(input.message === undefined ? {} : { message: input.message }),
      reportedAt: this.#clock.date().toISOString(),
    };
    this.#reports.push(report);
    this.#journal.append("app.support.reported", {
      source: "app",
      correlation: { service: report.service, report: report.id },
      data: { reportId: report.id, customer: report.customer, service: report.service },
    });
    return report;
  }

  list(): SupportReport[] {
    return this.#reports.map((r) => ({ ...r }));
  }
}
