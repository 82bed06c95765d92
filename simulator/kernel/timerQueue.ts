/** A timer waiting in the virtual clock's queue. */
export interface QueuedTimer {
  readonly id: number;
  due: number;
  /** Scheduling order: breaks ties between timers due at the same instant. */
  order: number;
  readonly label: string;
  readonly callback: () => void;
  readonly intervalMs?: number;
  cancelled: boolean;
  /** In the heap and not yet fired: cancelling a fired timer must not touch the live count. */
  queued?: boolean;
}

function before(a: QueuedTimer, b: QueuedTimer): boolean {
  return a.due < b.due || (a.due === b.due && a.order < b.order);
}

/**
 * Binary min-heap ordered by (due time, scheduling order): the deterministic firing order.
 * Cancelled timers stay in the heap until they reach the top, so cancel is O(1).
 */
export class TimerQueue {
  private readonly heap: QueuedTimer[] = [];
  private live = 0;

  get size(): number {
    return this.live;
  }

  push(timer: QueuedTimer): void {
    this.heap.push(timer);
    timer.queued = true;
    this.live++;
    this.siftUp(this.heap.length - 1);
  }

  cancel(timer: QueuedTimer): void {
    if (timer.cancelled || !timer.queued) return;
    timer.cancelled = true;
    timer.queued = false;
    this.live--;
  }

  /** The next live timer, without removing it. */
  peek(): QueuedTimer | undefined {
    this.dropCancelled();
    return this.heap[0];
  }

  pop(): QueuedTimer | undefined {
    this.dropCancelled();
    const top = this.heap[0];
    if (!top) return undefined;
    this.removeTop();
    top.queued = false;
    this.live--;
    return top;
  }

  clear(): void {
    for (const t of this.heap) t.cancelled = true;
    this.heap.length = 0;
    this.live = 0;
  }

  private dropCancelled(): void {
    while (this.heap[0]?.cancelled) this.removeTop();
  }

  private removeTop(): void {
    const last = this.heap.pop();
    if (last && this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
  }

  private siftUp(index: number): void {
    const heap = this.heap;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const node = heap[i] as QueuedTimer;
      const up = heap[parent] as QueuedTimer;
      if (!before(node, up)) break;
      heap[i] = up;
      heap[parent] = node;
      i = parent;
    }
  }

  private siftDown(index: number): void {
    const heap = this.heap;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && before(heap[left] as QueuedTimer, heap[smallest] as QueuedTimer))
        smallest = left;
      if (right < heap.length && before(heap[right] as QueuedTimer, heap[smallest] as QueuedTimer))
        smallest = right;
      if (smallest === i) return;
      const tmp = heap[i] as QueuedTimer;
      heap[i] = heap[smallest] as QueuedTimer;
      heap[smallest] = tmp;
      i = smallest;
    }
  }
}
