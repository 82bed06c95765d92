import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { bundledScenarioFile, loadScenario } from "../../../flows/scenarios/load.js";
import type { Scenario } from "../../../flows/scenarios/schema.js";
import {
  type Chain,
  type ChainOptions,
  type ChainResult,
  startChain,
} from "../../../flows/wiring/chain.js";

/** A bundled scenario, parsed; tests change a copy to break its lesson. */
export function bundled(name: string): Scenario {
  const file = bundledScenarioFile(name);
  if (!file) throw new Error(`no bundled scenario ${name}`);
  return loadScenario(file);
}

/** Starts a chain in a throwaway home (its own CA), for one test. */
export async function withChain<T>(
  scenario: Scenario,
  body: (chain: Chain) => Promise<T>,
  options: Omit<ChainOptions, "scenario" | "home"> = {},
): Promise<T> {
  const home = mkdtempSync(path.join(os.tmpdir(), "watermelon-chain-test-"));
  const chain = await startChain({ scenario, home, ...options });
  try {
    return await body(chain);
  } finally {
    await chain.dispose();
    rmSync(home, { recursive: true, force: true });
  }
}

export function runChain(
  scenario: Scenario,
  options: Omit<ChainOptions, "scenario" | "home"> = {},
): Promise<ChainResult> {
  return withChain(scenario, (chain) => chain.run(), options);
}

export function failedChecks(result: ChainResult): string[] {
  return result.verdict.checks.filter((c) => !c.ok).map((c) => c.name);
}
