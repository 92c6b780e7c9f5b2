// Turns to land, shared by every board of one simulator process: at most `size` land at once, the others wait
// in arrival order.
//
// A real drone lands on a machine of its own. A simulator lands a thousand boards on one machine, and every
// landing looked at its lock twice through /proc/locks (a free lock no longer needs it; a busy one, and the
// collector, still do) — one list for the whole machine, two lines for each landing board, generated whole by
// the kernel on every read. With every board of a wave landing at once the
// list grew to 7,500 lines (~40 ms of kernel time a read), each landing's looks cost more as more boards
// landed, heartbeats went stale on a starved event loop, and 3,750 drones had not answered after minutes.
// Landing a few at a time keeps the list short and the process's CPU on landings that finish; the thread pool
// (fsyncs) stays busy with a handful. Only pushes take turns: a technician's apply or a rollback through the
// control socket, rare in a simulation, lands at once. A push waiting for a busy lock (a `--hot` drone) waits
// in its turn, up to lock.wait_ms.

/** Landings at once in one simulator: enough to keep its thread pool's fsyncs overlapping. */
export const LANDINGS_AT_ONCE = 16;

export class Turns {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`turns: size ${size} is not a count`);
  }

  /** Resolves when it is the caller's turn, with the function that ends it (calling it twice is harmless). */
  async take(): Promise<() => void> {
    if (this.running < this.size) this.running++;
    else await new Promise<void>((resolve) => this.waiting.push(resolve));
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const next = this.waiting.shift();
      // The turn passes straight to the next in line; `running` counts it still.
      if (next) next();
      else this.running--;
    };
  }

  /** Landings waiting for a turn. */
  get queued(): number {
    return this.waiting.length;
  }
}
