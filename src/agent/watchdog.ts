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
  /** A look that threw (a disk that fails the reclaim's audit line): logged, the next tick looks again. */
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
      try {
        const { reclaimed, observation } = await locksmith.reclaim(this.opts.actor, {
          reason: 'owner provably gone (agent)',
        });
        if (reclaimed) await this.opts.onReclaimed(observation);
        seen = await locksmith.observe();
      } catch (err) {
        // A ghost that cannot be cleared (EPERM, EROFS, EIO) is said once, then reported below as the
        // mismatch it now is, for a technician — not thrown on every tick.
        const failure = `${fingerprint(seen)}|${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
        if (failure !== this.lastReclaimFailure) this.opts.onError?.(err);
        this.lastReclaimFailure = failure;
      }
    }
    if (CONSISTENT.has(seen.verdict)) {
      this.lastReported = '';
    } else if (fingerprint(seen) !== this.lastReported) {
      this.lastReported = fingerprint(seen);
      await this.opts.onMismatch(seen);
    }
    this.opts.onTick(seen);
  }
}

export { evidence };
