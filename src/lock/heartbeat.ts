// While a lease is held its owner record is refreshed every `heartbeat_ms`, so an observer can tell a holder
// that is working (HELD) from one that is alive but stuck (HUNG: heartbeat older than `heartbeat_ttl_ms`).
// The timer runs on the event loop on purpose: a holder whose loop is blocked must stop looking healthy.
import type { LockFiles } from './files.js';
import { monoNow } from './mono.js';
import type { OwnerRecord } from './types.js';

export class Heartbeat {
  private timer: NodeJS.Timeout | null = null;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly files: LockFiles,
    private readonly owner: OwnerRecord,
    private readonly intervalMs: number,
    private readonly now: () => number = Date.now,
    private readonly mono: () => number = monoNow,
  ) {}

  start(): void {
    this.timer = setInterval(() => this.beat(), this.intervalMs);
    // The lease's own work keeps the process alive; a forgotten lease must not.
    this.timer.unref();
  }

  private beat(): void {
    // One write at a time: a slow disk must not stack up overlapping renames of the same file.
    this.inFlight = this.inFlight.then(async () => {
      if (!this.timer) return;
      this.owner.heartbeat_at = new Date(this.now()).toISOString();
      this.owner.heartbeat_mono_ms = this.mono();
      await this.files.writeOwner(this.owner).catch(() => {
        // A failed refresh only ages the heartbeat; observers will call it HUNG, which is the truth.
      });
    });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.inFlight;
  }
}
