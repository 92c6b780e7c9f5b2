// While a lease is held its owner record is refreshed every `heartbeat_ms`, so an observer can tell a holder
// that is working (HELD) from one that is alive but stuck (HUNG: heartbeat older than `heartbeat_ttl_ms`).
// The timer runs on the event loop on purpose: a holder whose loop is blocked must stop looking healthy.
// Each refresh first checks that the record on disk is still ours (its token): after a force release, or a
// technician's `echo 0 >` and another owner, refreshing would overwrite someone else's record. A lost lease
// stops the heartbeat and is reported once (onLost).
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
    private readonly onLost: (why: string) => void = () => {},
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
      // A check-then-write, not atomic: it narrows the window to one refresh; the kernel locks stay the guard.
      if (!(await this.files.ownsRecord(this.owner.token).catch(() => true))) {
        if (this.timer) clearInterval(this.timer);
        this.timer = null;
        this.onLost('the owner record on disk is no longer ours (another token, or none)');
        return;
      }
      this.owner.heartbeat_at = new Date(this.now()).toISOString();
      this.owner.heartbeat_mono_ms = monoNow();
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
