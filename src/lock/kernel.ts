// Kernel locks on `{config}.lock`: flock(LOCK_EX) then fcntl(F_SETLK, F_WRLCK), released in reverse.
//
// INVARIANTS
// - Both kinds are taken because on Linux they do not see each other: a foreign writer using flock(1) or
//   lockf/fcntl must be excluded either way (CONTRACT §3).
// - Exactly one fd of the lock file is open in this process while it holds the lock, and no other code in
//   this process opens the file: closing ANY fd of a file drops the process's POSIX locks on it. The
//   per-path queue below makes a second acquisition in the same process wait instead of opening a second fd.
// - If a later step fails, everything already taken is released before the error propagates.
// - Only fs-ext's asynchronous calls are used (see fs-ext.ts).
// - The file sits in the state directory, which the agent's user owns, and root takes these locks too: it is
//   opened through the tree (store/owned.ts) — never through a link, only as a regular file with one link —
//   and a lock file root creates belongs to the agent's user (else the agent's next open fails EACCES).
import { closeSync, constants as fsc } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { explainLink, type OwnedTree, openInPlace, openParent } from '../store/owned.js';
import { C, fcntlLock, flock, isBusy } from './fs-ext.js';

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
  /** First retry interval; doubles up to 100 ms. */
  retryMs?: number;
  /** The state directory the lock file is in (the board passes it). */
  tree?: OwnedTree;
}

function openLockFile(path: string, tree: OwnedTree | undefined): number {
  const dir = openParent(path, tree, tree !== undefined);
  try {
    return openInPlace(dir, basename(path), fsc.O_RDWR, 0o644);
  } catch (err) {
    throw explainLink(err, path);
  } finally {
    dir.close();
  }
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
          if (Date.now() + delay > deadline) throw new KernelLockBusy(path, step);
          if (opts.keepWaiting && !(await opts.keepWaiting(step))) throw new KernelLockBusy(path, step);
          await sleep(delay);
          delay = Math.min(delay * 2, 100);
        }
      }
    } catch (err) {
      if (fd >= 0) {
        // Closing the fd drops the flock too; unlock explicitly first so the order is the documented one.
        if (flocked) await flock(fd, C.LOCK_UN).catch(() => {});
        closeSync(fd);
      }
      leaveQueue();
      throw err;
    }
  }

  /** fcntl unlock, then flock unlock, then close. Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    try {
      await fcntlLock(this.fd, C.F_UNLCK).catch(() => {});
      await flock(this.fd, C.LOCK_UN).catch(() => {});
    } finally {
      closeSync(this.fd);
      this.leaveQueue();
    }
  }

  get held(): boolean {
    return !this.released;
  }
}
