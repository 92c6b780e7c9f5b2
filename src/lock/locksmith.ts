// The Locksmith: takes, holds and gives back the config lock, and resolves ghosts.
//
// INVARIANTS
// - Acquire order: flock → fcntl → (under both) re-check bit and owner → generation+1 → owner record → bit=1.
//   Release order: bit=0 → owner record removed → fcntl → flock. Any other order opens a window in which an
//   observer sees a ghost that isn't one.
// - Only a STALE lock (owner provably gone) is ever cleared without a technician, and only after re-reading
//   bit and owner under our own kernel locks: the outside look may be out of date by the time we act.
// - "taking lock" is logged before any wait, so a deadlock shows in the log.
import { auditDone } from '../store/audit.js';
import type { Actor } from './actor.js';
import { LockFiles } from './files.js';
import { Intents } from './intents.js';
import { KernelLock, KernelLockBusy } from './kernel.js';
import { takeOwnership } from './lease.js';
import {
  type AcquireOptions,
  type Cleared,
  LockError,
  type LockLease,
  type LocksmithOptions,
} from './locksmith-types.js';
import { clause, evidence, type Observation, observe, observeOnce } from './observe.js';
import type { Verdict } from './types.js';
import { freesOnFlock, untilFlockFree } from './wake.js';

export {
  type AcquireOptions,
  type AuditFn,
  type Cleared,
  LockError,
  type LockErrorCode,
  type LockLease,
  type LockLogger,
  type LocksmithOptions,
} from './locksmith-types.js';

const WAITABLE: ReadonlySet<Verdict> = new Set(['FREE', 'HELD', 'STALE']);

export class Locksmith {
  readonly files: LockFiles;
  /** Told about every ghost reclaimed on the way into an acquisition (the agent publishes `lock_reclaimed`). */
  onReclaim?: (previous: Observation) => void;
  private readonly intents: Intents;

  constructor(private readonly opts: LocksmithOptions) {
    this.files = new LockFiles(opts.lockDir, opts.tree);
    this.intents = new Intents(this.files, opts.holder, opts.heartbeatTtlMs);
  }

  /** Gives back what this process keeps here (its intent file): a stopping agent. */
  close(): Promise<void> {
    return this.intents.close();
  }

  /** A confirmed outside look (see observe.ts). */
  observe(): Promise<Observation> {
    return observe(this.opts.lockFile, this.files, this.observeOpts());
  }

  /**
   * Resolves true when the exclusive flock holder seen in `holders` lets go; at once false when there is none,
   * since no release would then end the wait (wake.ts). No deadline: see wake.ts for why.
   */
  async untilFree(holders: Observation['holders']): Promise<boolean> {
    if (!freesOnFlock(holders)) return false;
    return untilFlockFree(this.opts.lockFile, Number.POSITIVE_INFINITY, this.opts.tree);
  }

  /**
   * Runs `fn` under the lock, then gives the lock back. A release that fails (the bit or the owner record cannot
   * be cleared: EPERM, EIO, EROFS; the kernel locks are dropped whatever happens) never replaces what `fn`
   * returned or threw: by then a landing may have committed, and "apply failed, the old config is still live"
   * would be a lie. It is logged and handed to `releaseFailed`; a bit left up names an owner that holds no
   * kernel lock: a mismatch while that owner lives (the bypass clears it), a ghost once it has exited (reclaim).
   */
  async withLock<T>(
    opts: AcquireOptions,
    fn: (lease: LockLease) => Promise<T>,
    releaseFailed?: (err: Error) => void,
  ): Promise<T> {
    const lease = await this.acquire(opts);
    try {
      return await fn(lease);
    } finally {
      await lease.release().catch((err: Error) => {
        this.opts.log?.warn(
          { err, purpose: opts.purpose, generation: lease.generation },
          `could not give the lock on ${this.opts.fileName} back after "${opts.purpose}": ${err.message}; it may be left set (aimlock locks) — once the cause is fixed, aimlock reclaim clears it after its owner has exited, aimlock release --force while the owner runs`,
        );
        releaseFailed?.(err);
      });
    }
  }

  async acquire(opts: AcquireOptions): Promise<LockLease> {
    const deadline = Date.now() + opts.waitMs;
    // The full look reads /proc/locks, which makes the kernel wait for an RCU grace period after a quiet spell
    // (13 ms here: proc.ts). With the bit down it is skipped: a holder without the bit (a lock mismatch) or a
    // peer mid-acquire makes the non-blocking flock or fcntl fail, and takeKernel looks then, refusing or
    // waiting exactly as this look would have; under our own locks settleInside decides on bit and owner.
    const bit = await this.files.readBit();
    const seen = bit === 1 ? await this.observe() : null;
    this.opts.log?.info(
      { purpose: opts.purpose, verdict: seen?.verdict ?? `bit ${bit ?? 'absent'}`, wait_ms: opts.waitMs },
      'taking lock',
    );
    // Wait only for what will end by itself: a consistent holder. A mismatch needs a technician, now. The wait
    // is takeKernel's: it wakes when the holder's flock goes (wake.ts), not on a poll.
    if (seen) this.refuseUnlessTakeable(seen, opts);
    return this.intents.during(opts.purpose, async (refreshIntent) => {
      const kernel = await this.takeKernel(deadline, opts, refreshIntent);
      return this.settleInside(kernel, opts);
    });
  }

  /** Both kernel locks, waiting while the holder stays one we may wait for; lock_hot at the deadline. */
  private async takeKernel(
    deadline: number,
    opts: AcquireOptions,
    refreshIntent: () => Promise<void>,
  ): Promise<KernelLock> {
    for (;;) {
      try {
        return await KernelLock.acquire(this.opts.lockFile, {
          tree: this.opts.tree,
          waitMs: Math.max(0, deadline - Date.now()),
          keepWaiting: async (step) => {
            await refreshIntent();
            const seen = await this.observe();
            // Only a flock of our own can block us, and only while we wait for our flock: waiting for fcntl we
            // legitimately hold our flock, and a POSIX lock of our own process never blocks us (it is per
            // process). Flagging our own flock then turned a foreign lockf holder into `apply_failed`.
            const ownFlock = seen.holders.some(
              (h) => h.pid === process.pid && !h.blocked && h.kind === 'FLOCK',
            );
            if (step === 'flock' && ownFlock) {
              // Waiting for ourselves would last until the deadline: a lock fd of this process leaked.
              throw new Error(
                `pid ${process.pid} already holds a kernel lock on ${this.opts.lockFile} while acquiring it again`,
              );
            }
            return WAITABLE.has(seen.verdict);
          },
        });
      } catch (err) {
        if (!(err instanceof KernelLockBusy)) throw err;
        const seen = await this.observe();
        this.refuseUnlessTakeable(seen, opts);
        if (Date.now() >= deadline) {
          throw new LockError(
            'lock_hot',
            seen,
            `${this.opts.fileName} is held (${clause(seen.reason)}) and did not free within ${opts.waitMs} ms`,
          );
        }
        // The wait stopped on a look that this later one does not bear out: peers were moving. Wait on.
      }
    }
  }

  /** Under both kernel locks: decide on everybody else's evidence, reclaim a ghost if allowed, take over. */
  private async settleInside(kernel: KernelLock, opts: AcquireOptions): Promise<LockLease> {
    try {
      const inside = await this.lookFromInside(kernel);
      // Blind to some processes (hidepid, another pid namespace), we could be "proving" a live owner dead.
      if (inside.verdict === 'STALE' && opts.reclaimStale && inside.visibility.complete) {
        await this.clearUnderKernel(inside, 'lock_reclaimed', opts.actor, {
          reason: 'owner provably gone',
          purpose: opts.purpose,
        });
        this.onReclaim?.(inside);
      } else if (inside.verdict !== 'FREE') {
        this.refuseUnlessTakeable(inside, { ...opts, reclaimStale: false });
      }
      await this.intents.prune();
      return await takeOwnership(
        { files: this.files, intents: this.intents, opts: this.opts },
        kernel,
        opts.purpose,
        inside,
        opts.maxHoldMs,
      );
    } catch (err) {
      await kernel.release();
      throw err;
    }
  }

  /** Reclaims a STALE lock (a technician's `aimlock reclaim`, boot reclaim, the GC). */
  async reclaim(actor: Actor, opts: { dryRun?: boolean; reason: string }): Promise<Cleared<'reclaimed'>> {
    const seen = await this.observe();
    if (seen.verdict !== 'STALE' || opts.dryRun) return { reclaimed: false, observation: seen };
    return this.intents.during(`reclaim: ${opts.reason}`, () => this.reclaimInside(actor, opts.reason));
  }

  private async reclaimInside(actor: Actor, reason: string): Promise<Cleared<'reclaimed'>> {
    let kernel: KernelLock;
    try {
      kernel = await KernelLock.acquire(this.opts.lockFile, { waitMs: 0, tree: this.opts.tree });
    } catch (err) {
      if (err instanceof KernelLockBusy) return { reclaimed: false, observation: await this.observe() };
      throw err;
    }
    try {
      const inside = await this.lookFromInside();
      if (inside.verdict !== 'STALE') return { reclaimed: false, observation: inside };
      const auditFailed = await this.clearUnderKernel(inside, 'lock_reclaimed', actor, { reason });
      return { reclaimed: true, observation: inside, ...auditFailed };
    } finally {
      await kernel.release();
    }
  }

  /**
   * The technician's bypass: clears bit and owner record whatever the verdict, but only under the kernel locks,
   * so a live process that still holds one is never overridden: it is reported instead (`released: false`).
   */
  async forceRelease(actor: Actor, reason: string, waitMs = 1000): Promise<Cleared<'released'>> {
    return this.intents.during(`force release: ${reason}`, () =>
      this.forceReleaseInside(actor, reason, waitMs),
    );
  }

  private async forceReleaseInside(
    actor: Actor,
    reason: string,
    waitMs: number,
  ): Promise<Cleared<'released'>> {
    let kernel: KernelLock;
    try {
      kernel = await KernelLock.acquire(this.opts.lockFile, { waitMs, tree: this.opts.tree });
    } catch (err) {
      if (!(err instanceof KernelLockBusy)) throw err;
      const seen = await this.observe();
      await this.opts.audit({
        event: 'lock_force_release_refused',
        file: this.opts.fileName,
        reason,
        actor,
        lock: evidence(seen),
      });
      return { released: false, observation: seen };
    }
    try {
      const inside = await this.lookFromInside();
      const auditFailed = await this.clearUnderKernel(inside, 'lock_force_released', actor, { reason });
      return { released: true, observation: inside, ...auditFailed };
    } finally {
      await kernel.release();
    }
  }

  private observeOpts() {
    return { heartbeatTtlMs: this.opts.heartbeatTtlMs, now: this.opts.now };
  }

  /**
   * Under our own kernel locks: the verdict as if we held nothing, i.e. on everybody else's evidence. Given the
   * locks (a landing's look, the per-push path), /proc/locks is skipped while the path still names the file they
   * are on: nobody else can hold a lock on it then (kernel.ts stillAtPath), so the bit and the owner record are
   * the evidence. Reclaim and the bypass, rare and audited, read it whole.
   */
  private lookFromInside(kernel?: KernelLock): Promise<Observation> {
    const alone = kernel?.stillAtPath() === true;
    return observeOnce(this.opts.lockFile, this.files, {
      ...this.observeOpts(),
      excludePid: process.pid,
      ...(alone ? { knownHolders: [] } : {}),
    });
  }

  private refuseUnlessTakeable(seen: Observation, opts: Pick<AcquireOptions, 'reclaimStale'>): void {
    if (seen.verdict === 'FREE' || seen.verdict === 'HELD') return;
    if (seen.verdict === 'STALE' && opts.reclaimStale && seen.visibility.complete) return;
    this.opts.log?.warn(
      { verdict: seen.verdict, lock: evidence(seen) },
      `lock mismatch: ${this.opts.fileName} HOT`,
    );
    const blind = seen.visibility.complete ? '' : ` (not reclaimed automatically: ${seen.visibility.reason})`;
    throw new LockError(
      'lock_mismatch',
      seen,
      `lock mismatch: ${this.opts.fileName} HOT — ${seen.verdict}: ${clause(seen.reason)}${blind}`,
    );
  }

  private async clearUnderKernel(
    seen: Observation,
    event: string,
    actor: Actor,
    extra: Record<string, unknown>,
  ): Promise<{ auditFailed?: string }> {
    await this.files.writeBit(0);
    await this.files.removeOwner();
    // The ghost's leftovers go with its records. Not a reason to fail the reclaim: the agent sweeps at start.
    const swept = await this.files.sweepDeadTemporaries().catch((err: Error) => {
      this.opts.log?.warn({ err }, 'could not sweep dead writers’ temporaries from the lock directory');
      return [];
    });
    const entry = {
      event,
      file: this.opts.fileName,
      ...extra,
      actor,
      previous: evidence(seen),
      generation: seen.generation,
      ...(swept.length > 0 ? { swept } : {}),
    };
    this.opts.log?.info(entry, event === 'lock_reclaimed' ? 'ghost lock reclaimed' : 'lock force-released');
    // Cleared is cleared: a failed audit line is said (callers add auditNote), never a reason to report that
    // the reclaim or the bypass did not happen — nor to fail the landing that reclaimed on its way in.
    const done = await auditDone(this.opts.audit, entry);
    if (done.auditFailed)
      this.opts.log?.warn({ event }, `the ${event} audit line could not be written: ${done.auditFailed}`);
    return done;
  }
}
