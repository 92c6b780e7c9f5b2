// Waiting for the config lock to free without polling: a blocking flock(LOCK_SH) on an open file description of
// its own, run on libuv's threadpool, returns the moment the exclusive holder lets go. Every consistent holder
// (aimlockd, aimlock, a peer in transition) holds flock LOCK_EX for as long as it holds anything (kernel.ts:
// flock is taken first and dropped last), so "flock is free" is "the lock may be free now": the caller looks
// again and tries; it never treats the wake itself as having the lock.
//
// INVARIANTS
// - The probe asks for a SHARED lock. Granted, it shows in /proc/locks as FLOCK READ of our pid, which kernel.ts
//   never takes: the "our own flock leaked" check (locksmith.ts) looks at LOCK_EX only.
// - The probe's fd is closed as soon as its flock is granted, without unlocking first. Closing any fd of the file
//   drops this process's POSIX locks on it, which is harmless exactly then: the granted shared flock excludes our
//   own LOCK_EX, and we hold the POSIX lock only while holding LOCK_EX (kernel.ts), so there is none to drop.
// - One probe per lock file at a time, shared by every waiter: a blocked flock cannot be cancelled, so a waiter
//   whose deadline passes leaves it running and the next waiter joins it. While a holder keeps the lock, at most
//   one threadpool thread per lock file is parked here.
// - Only an exclusive flock holder is waited for: a shared one (flock -s) grants the probe at once, so the
//   callers decide from the evidence whether there is anything to wait for (see freesOnFlock).
import { closeSync } from 'node:fs';
import type { OwnedTree } from '../store/owned.js';
import { C, flock } from './fs-ext.js';
import { openLockFile } from './lock-file.js';
import type { KernelHolder } from './types.js';

const probes = new Map<string, Promise<void>>();

/** Wakes counted per lock file, for tests that prove a wait ended because the holder let go. */
export const wakes = new Map<string, number>();

function probe(path: string, tree: OwnedTree | undefined): Promise<void> {
  let running = probes.get(path);
  if (running) return running;
  running = (async () => {
    const fd = openLockFile(path, tree);
    try {
      await flock(fd, C.LOCK_SH);
    } finally {
      // Granted or failed, the fd goes now (see the second invariant), and the next waiter starts a new probe.
      closeSync(fd);
      probes.delete(path);
    }
    wakes.set(path, (wakes.get(path) ?? 0) + 1);
  })();
  probes.set(path, running);
  return running;
}

/**
 * Resolves true when no process holds an exclusive flock on `path` any more (it may be taken again by the time
 * the caller looks), false when `deadline` (Date.now() ms; Infinity for none) comes first. Rejects when the lock
 * file cannot be opened or locked (the caller's own attempt would fail the same way).
 */
export function untilFlockFree(
  path: string,
  deadline: number,
  tree: OwnedTree | undefined,
): Promise<boolean> {
  const left = deadline - Date.now();
  if (left <= 0) return Promise.resolve(false);
  const freed = probe(path, tree).then(() => true);
  if (!Number.isFinite(left)) return freed;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), left);
  });
  return Promise.race([freed, timeout]).finally(() => clearTimeout(timer));
}

/** A probe is parked or just granted: a FLOCK READ of this pid on `path` is the probe's, not a leak. */
export const probing = (path: string) => probes.has(path);

/** The evidence shows an exclusive flock holder, so a wait on untilFlockFree ends when it lets go. */
export const freesOnFlock = (holders: ReadonlyArray<Pick<KernelHolder, 'kind' | 'mode' | 'blocked'>>) =>
  holders.some((h) => !h.blocked && h.kind === 'FLOCK' && h.mode === 'WRITE');
