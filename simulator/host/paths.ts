import os from "node:os";
import path from "node:path";

/**
 * The per-user directory that outlives runs: the local CA (trusted once by clients) and the
 * locator of a running `watermelon up`. WATERMELON_HOME overrides it, then XDG_STATE_HOME.
 */
export function userStateDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.WATERMELON_HOME) return path.resolve(env.WATERMELON_HOME);
  const base = env.XDG_STATE_HOME || path.join(os.homedir(), ".local", "state");
  return path.join(base, "watermelon");
}

/** Where `watermelon up` says how to reach it, for `watermelon env` in another shell. */
export function locatorPath(dir: string): string {
  return path.join(dir, "up.json");
}
