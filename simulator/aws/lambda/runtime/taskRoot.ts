import { createHash } from "node:crypto";
import { mkdir, realpath, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import type { FunctionCode, FunctionErrorPayload } from "./types.js";

/** A failure of the environment itself, reported as the function's error. */
export class RuntimeFault extends Error {
  constructor(readonly payload: FunctionErrorPayload) {
    super(payload.errorMessage);
    this.name = payload.errorType;
  }
}

/** Refuses zip entries that would land outside the task root (zip-slip), as unloadable code. */
function entryPath(root: string, entry: string): string {
  const unsafe =
    entry === "" ||
    entry.includes("\0") ||
    entry.includes("\\") ||
    path.posix.isAbsolute(entry) ||
    /^[A-Za-z]:/.test(entry) ||
    entry.split("/").includes("..");
  const target = path.resolve(root, entry);
  const relative = path.relative(root, target);
  if (unsafe || relative.startsWith("..") || path.isAbsolute(relative)) {
    throw new RuntimeFault({
      errorType: "Runtime.ImportModuleError",
      errorMessage: `Error: Cannot unpack '${entry}': the path leaves the task root`,
      trace: [],
    });
  }
  return target;
}

export interface TaskRoot {
  /** The directory as written. */
  dir: string;
  /** The same directory with symbolic links resolved (what stack traces show). */
  realDir: string;
  /** The environment using it is gone; the last release of a retired root removes it. */
  release(): Promise<void>;
}

interface Entry {
  functionArn: string;
  ready: Promise<{ dir: string; realDir: string }>;
  dir: string;
  users: number;
  retired: boolean;
}

/**
 * The unpacked code of each (function, code version), shared by its environments and removed
 * once the function is retired and none of them runs any more.
 */
export class TaskRoots {
  /** The current root of each (function, code version); retired ones live on in `all`. */
  private readonly current = new Map<string, Entry>();
  private readonly all = new Set<Entry>();
  private generation = 0;

  constructor(private readonly base: () => Promise<string>) {}

  async acquire(functionArn: string, code: FunctionCode): Promise<TaskRoot> {
    const key = `${functionArn}\n${code.sha256}`;
    let entry = this.current.get(key);
    if (!entry) {
      const digest = createHash("sha256").update(key).digest("hex").slice(0, 16);
      const created: Entry = {
        functionArn,
        dir: "",
        users: 0,
        retired: false,
        ready: this.base().then((base) => {
          created.dir = path.join(base, `task-${digest}-${++this.generation}`);
          return write(created.dir, code);
        }),
      };
      entry = created;
      this.current.set(key, created);
      this.all.add(created);
      // A failed unpack is retried by the next invocation.
      created.ready.catch(() => {
        if (this.current.get(key) === created) this.current.delete(key);
        created.retired = true;
      });
    }
    const leased = entry;
    leased.users++;
    let root: { dir: string; realDir: string };
    try {
      root = await leased.ready;
    } catch (error) {
      await this.drop(leased);
      throw error;
    }
    let released = false;
    return {
      ...root,
      release: async () => {
        if (released) return;
        released = true;
        await this.drop(leased);
      },
    };
  }

  /** The function's code is no longer wanted: removed now if unused, else when last released. */
  async retire(functionArn: string): Promise<void> {
    const removals: Promise<void>[] = [];
    for (const [key, entry] of this.current) {
      if (entry.functionArn !== functionArn) continue;
      this.current.delete(key);
      entry.retired = true;
      if (entry.users <= 0) removals.push(this.remove(entry));
    }
    await Promise.all(removals);
  }

  private async drop(entry: Entry): Promise<void> {
    entry.users--;
    if (entry.retired && entry.users <= 0) await this.remove(entry);
  }

  private async remove(entry: Entry): Promise<void> {
    if (!this.all.delete(entry)) return;
    await entry.ready.catch(() => undefined);
    if (entry.dir !== "") await rm(entry.dir, { recursive: true, force: true });
  }
}

async function write(dir: string, code: FunctionCode) {
  await mkdir(dir, { recursive: true });
  // Check every entry before writing any, so a bad zip leaves nothing behind.
  const targets = [...code.files].map(([entry, bytes]) => ({
    entry,
    bytes,
    target: entryPath(dir, entry),
  }));
  for (const { entry, bytes, target } of targets) {
    if (entry.endsWith("/")) {
      await mkdir(target, { recursive: true });
      continue;
    }
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, bytes);
  }
  return { dir, realDir: await realpath(dir) };
}
