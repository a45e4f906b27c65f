/**
 * Addresses that do something rather than hold a value (`/clock/tap`, `/clock/resync`, `/env/env1/trigger`).
 * Requests carry their arrival time and wait in a bounded queue until the frame boundary, so the frame
 * loop applies them in order at frame time and a flood cannot grow memory.
 */
export interface ActionInfo {
  path: string;
  description: string;
}

type Handler = (args: readonly unknown[], timeMs: number) => void;

const MAX_QUEUED = 1024;

export class ActionSpace {
  private readonly handlers = new Map<string, { info: ActionInfo; run: Handler }>();
  private readonly queue: { run: Handler; args: readonly unknown[]; timeMs: number }[] = [];
  private droppedCount = 0;

  register(path: string, description: string, run: Handler): void {
    this.handlers.set(path, { info: { path, description }, run });
  }

  has(path: string): boolean {
    return this.handlers.has(path);
  }

  list(): ActionInfo[] {
    return [...this.handlers.values()].map((h) => h.info);
  }

  /** Queues an action for the next frame; false if unknown or the queue is full (counted). */
  invoke(path: string, args: readonly unknown[], timeMs: number): boolean {
    const handler = this.handlers.get(path);
    if (!handler) return false;
    if (this.queue.length >= MAX_QUEUED) {
      this.droppedCount++;
      return false;
    }
    this.queue.push({ run: handler.run, args, timeMs });
    return true;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  applyPending(): void {
    for (const item of this.queue) item.run(item.args, item.timeMs);
    this.queue.length = 0;
  }
}
