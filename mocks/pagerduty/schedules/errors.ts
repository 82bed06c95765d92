/**
 * A schedule, override, escalation policy or query the computation cannot use: names the field
 * (`schedule_layers[1].restrictions[0].start_time_of_day`) and what was expected, so the REST
 * layer can answer 400 with it in `errors[]`.
 */
export class ScheduleInputError extends Error {
  override readonly name = "ScheduleInputError";
  constructor(
    readonly field: string,
    readonly detail: string,
  ) {
    super(`${field}: ${detail}`);
  }
}
