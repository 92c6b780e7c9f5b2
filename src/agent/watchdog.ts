// The ghost collector: looks at the lock every `lock.gc_interval_ms`. A STALE lock (owner provably gone) is
// reclaimed when auto_reclaim is "always"; any other mismatch is reported — once per distinct state, not on
// every tick — and left to a technician. Each tick also nudges the desired push, which may now be able to land.

import type { Actor } from '../lock/actor.js';
import type { Locksmith } from '../lock/locksmith.js';
import { evidence, type Observation } from '../lock/observe.js';
import { CONSISTENT } from '../lock/types.js';

export interface WatchdogOptions {
  locksmith: Locksmith;
  actor: Actor;
  intervalMs: number;
  reclaim: boolean;
  onReclaimed(previous: Observation): Promise<void>;
  onMismatch(seen: Observation): Promise<void>;
  onTick(seen: Observation): void;
  /** A ghost it could not clear (EPERM, EROFS, EIO): told once per ghost and cause; it is then a mismatch. */
  onReclaimFailed?(err: unknown): void;
  /** A look that threw otherwise (logged by the caller); the next tick looks again. */
  onError?(err: unknown): void;
}

/** What makes two mismatches "the same one": verdict, owner incarnation and the set of kernel holders. */
function fingerprint(o: Observation): string {
  const owner = o.owner.state === 'ok' ? `${o.owner.record.pid}:${o.owner.record.token}` : o.owner.state;
  const holders = o.holders
    .map((h) => `${h.kind}:${h.pid}`)
    .sort()
    .join(',');
  return `${o.verdict}|${o.bit}|${owner}|${holders}`;
}

export class Watchdog {
  private timer: NodeJS.Timeout | null = null;
  private lastReported = '';
  private lastReclaimFailure = '';
  private ticking: Promise<void> | null = null;

  constructor(private readonly opts: WatchdogOptions) {}

  start(): void {
    this.timer = setInterval(
      () => void this.tick().catch((err) => this.opts.onError?.(err)),
      this.opts.intervalMs,
    );
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
  }

  /** One look (also the boot reclaim, and `aimlock reclaim` through the control socket). */
  tick(): Promise<void> {
    this.ticking ??= this.look().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async look(): Promise<void> {
    const { locksmith } = this.opts;
    let seen = await locksmith.observe();
    if (seen.verdict === 'STALE' && this.opts.reclaim && seen.visibility.complete) {
      let cleared: Awaited<ReturnType<Locksmith['reclaim']>> | null = null;
      try {
        cleared = await locksmith.reclaim(this.opts.actor, { reason: 'owner provably gone (agent)' });
      } catch (err) {
        // A ghost that cannot be cleared is said once, then reported below as the mismatch it now is, for a
        // technician — not thrown on every tick.
        const failure = `${fingerprint(seen)}|${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
        if (failure !== this.lastReclaimFailure) this.opts.onReclaimFailed?.(err);
        this.lastReclaimFailure = failure;
      }
      if (cleared) {
        this.lastReclaimFailure = '';
        if (cleared.reclaimed) await this.opts.onReclaimed(cleared.observation);
        seen = await locksmith.observe();
      }
    }
    if (CONSISTENT.has(seen.verdict)) {
      this.lastReported = '';
      this.lastReclaimFailure = '';
    } else if (fingerprint(seen) !== this.lastReported) {
      this.lastReported = fingerprint(seen);
      await this.opts.onMismatch(seen);
    }
    this.opts.onTick(seen);
  }
}

export { evidence };
