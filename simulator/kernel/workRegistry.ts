import type { WorkDone } from "./clock.js";

/**
 * The set of work in flight, shared by both clocks. Waiters learn when the set changes, so the
 * virtual clock can tell "busy" from "stuck" without polling.
 */
export class WorkRegistry {
  private readonly open = new Map<number, string>();
  private nextId = 1;
  private waiters: Array<() => void> = [];

  begin(label: string): WorkDone {
    const id = this.nextId++;
    this.open.set(id, label);
    this.notify();
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.open.delete(id);
      this.notify();
    };
  }

  track<T>(label: string, promise: Promise<T>): Promise<T> {
    const done = this.begin(label);
    return promise.finally(done);
  }

  get size(): number {
    return this.open.size;
  }

  labels(): string[] {
    return [...this.open.values()];
  }

  /** Resolves on the next begin or end of any work. */
  nextChange(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}
