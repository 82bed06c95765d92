import type { InputOf } from "../schemas.js";
import { compilePattern } from "./filterLogEvents.js";

export interface MetricFilterMatchRecord {
  eventNumber: number;
  eventMessage: string;
  extractedValues: Record<string, string>;
}

/** Pure: no account state. Event numbers count from 1; extracted values are keyed `$name`. */
export function testMetricFilter(input: InputOf<"TestMetricFilter">): {
  matches: MetricFilterMatchRecord[];
} {
  const pattern = compilePattern(input.filterPattern);
  const matches: MetricFilterMatchRecord[] = [];
  for (const [index, message] of input.logEventMessages.entries()) {
    const result = pattern.match(message);
    if (!result.matched) continue;
    const extractedValues: Record<string, string> = {};
    for (const [name, value] of Object.entries(result.extractedValues)) {
      extractedValues[`$${name}`] = value;
    }
    matches.push({ eventNumber: index + 1, eventMessage: message, extractedValues });
  }
  return { matches };
}
