// Kernel locks on `{config}.lock`: flock(LOCK_EX) then fcntl(F_SETLK, F_WRLCK), released in reverse (by close).
//
// INVARIANTS
// - Both kinds are taken because on Linux they do not see each other: a foreign writer using flock(1) or
//   lockf/fcntl must be excluded either way (CONTRACT §3).
// - Exactly one fd of the lock file is open in this process while it holds the lock, and no other code in
//   this process opens the file (but wake.ts, which closes its own only when that cannot drop a lock of ours):
//   closing ANY fd of a file drops the process's POSIX locks on it. The per-path queue below makes a second
//   acquisition in the same process wait instead of opening a second fd.
// - A wait for flock wakes when the holder lets go (wake.ts), not on a timer: a push waiting for a technician's
//   apply lands the moment it ends. A wait for fcntl alone (our flock held, somebody's POSIX lock in the way)
//   retries on a short backoff: no consistent holder holds POSIX without flock, so keepWaiting ends it at once
//   unless that holder is a dead process whose lock the kernel has not dropped yet (observe.ts).
// - If a later step fails, everything already taken is released before the error propagates.
// - Only fs-ext's asynchronous calls are used (see fs-ext.ts).
// - The file is opened through the state directory's tree, never through a link (lock-file.ts).
import { closeSync, fstatSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OwnedTree } from '../store/owned.js';
import { C, fcntlLock, flock, isBusy } from './fs-ext.js';
import { openLockFile } from './lock-file.js';
import { untilFlockFree } from './wake.js';

export class KernelLockBusy extends Error {
  constructor(
    readonly path: string,
    readonly step: 'flock' | 'fcntl',
  ) {
    super(`${path}: ${step} is held by another process`);
  }
}

/** Per-path FIFO of in-process acquirers: see the second invariant. */
const queues = new Map<string, Promise<void>>();

async function enterQueue(path: string): Promise<() => void> {
  const before = queues.get(path) ?? Promise.resolve();
  let leave!: () => void;
  const mine = new Promise<void>((resolve) => {
    leave = resolve;
  });
  const tail = before.then(() => mine);
  queues.set(path, tail);
  await before;
  return () => {
    if (queues.get(path) === tail) queues.delete(path);
    leave();
  };
}

export interface KernelAcquireOptions {
  /** How long to keep retrying while another process holds a lock; 0 = one try. */
  waitMs: number;
  /**
   * Called between retries with the step being waited for (`fcntl`: our flock is already held); return false
   * to stop waiting early (e.g. the holder turned out to be foreign).
   */
  keepWaiting?: (step: 'flock' | 'fcntl') => Promise<boolean> | boolean;
  /** First retry interval of the fcntl wait and of a flock wait that keeps waking at once; doubles up to 100 ms. */
  retryMs?: number;
  /** The state directory the lock file is in (the board passes it). */
  tree?: OwnedTree;
}

/** Both kernel locks on one file, held through one fd until release(). */
export class KernelLock {
  private released = false;

  private constructor(
    readonly path: string,
    readonly fd: number,
    private readonly leaveQueue: () => void,
  ) {}

  static async acquire(path: string, opts: KernelAcquireOptions): Promise<KernelLock> {
    const deadline = Date.now() + opts.waitMs;
    const leaveQueue = await enterQueue(path);
    let fd = -1;
    let flocked = false;
    try {
      // Never truncate: the file's content is irrelevant and other holders may have it open.
      fd = openLockFile(path, opts.tree);
      let delay = opts.retryMs ?? 10;
      let quickWakes = 0;
      for (;;) {
        try {
          if (!flocked) {
            await flock(fd, C.LOCK_EX | C.LOCK_NB);
            flocked = true;
          }
          await fcntlLock(fd, C.F_WRLCK);
          return new KernelLock(path, fd, leaveQueue);
        } catch (err) {
          if (!isBusy(err)) throw err;
          // The step that failed, decided after the try: a flock that just succeeded makes it fcntl.
          const step = flocked ? 'fcntl' : 'flock';
          if (Date.now() >= deadline) throw new KernelLockBusy(path, step);
          if (opts.keepWaiting && !(await opts.keepWaiting(step))) throw new KernelLockBusy(path, step);
          // A flock wake that did not wait (a shared holder, another waiter's probe granted for an instant)
          // is no reason to spin: after a few in a row, the backoff paces the retries.
          if (step === 'flock' && quickWakes < 3) {
            const t0 = performance.now();
            await untilFlockFree(path, deadline, opts.tree);
            quickWakes = performance.now() - t0 < 20 ? quickWakes + 1 : 0;
          } else {
            await sleep(Math.min(delay, Math.max(0, deadline - Date.now())));
            delay = Math.min(delay * 2, 100);
            quickWakes = 0;
          }
        }
      }
    } catch (err) {
      // Closing the fd gives back whatever was taken, in the documented order (release()).
      if (fd >= 0) closeSync(fd);
      leaveQueue();
      throw err;
    }
  }

  /**
   * Does the lock file's path still name the file these locks are on (same device and inode)? While it does, no
   * other process holds a lock on that file: our flock is exclusive and our POSIX write lock covers the whole
   * file. False when the file was replaced or removed, or cannot be looked at.
   */
  stillAtPath(): boolean {
    try {
      const held = fstatSync(this.fd, { bigint: true });
      const named = statSync(this.path, { bigint: true });
      return held.dev === named.dev && held.ino === named.ino;
    } catch {
      return false;
    }
  }

  /** Both locks given back by closing their fd (see inside). Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    try {
      // close(2) gives both back, in the reverse of the order they were taken: the POSIX lock as the fd closes
      // (the kernel drops a process's POSIX locks on a file in filp_close), the flock as the open file
      // description goes with it (this fd is its only one: opened here, never duplicated, and close-on-exec as
      // every fd Node opens, so no hook or other child inherits it).
      // An explicit F_UNLCK first was a thread-pool round trip on every landing (fs-ext.ts), and its failure
      // was ignored: close cannot fail to drop a lock.
      closeSync(this.fd);
    } finally {
      this.leaveQueue();
    }
  }

  get held(): boolean {
    return !this.released;
  }
}
