// Waiting for the config lock to free without polling: a child `flock --shared FILE true` (util-linux, in every
// Debian base system) blocks in the kernel until the exclusive holder lets go, then exits. Every consistent
// holder (aimlockd, aimlock, a peer in transition) holds flock LOCK_EX for as long as it holds anything (kernel.ts:
// flock is taken first and dropped last), so "flock is free" is "the lock may be free now": the caller looks
// again and tries; it never treats the wake itself as having the lock.
//
// INVARIANTS
// - The wait is a child process, not a blocking call on this process's threadpool: a blocked libuv thread
//   cannot be cancelled, keeps the process alive and makes exit() hang joining it. A child is killed at the
//   waiter's deadline, unref'd, and killed when this process exits.
// - This process never opens a second fd of the lock file for it (closing one would drop our POSIX locks,
//   kernel.ts): the child opens the file by path. It asks for a SHARED lock, held for an instant by another pid,
//   which an observer may glimpse as a foreign FLOCK READ; observe.ts looks twice before it reports a mismatch.
// - Only an exclusive flock holder is waited for: a shared one (flock -s) lets the child through at once, so the
//   callers decide from the evidence whether there is anything to wait for (freesOnFlock).
import { type ChildProcess, spawn } from 'node:child_process';
import type { KernelHolder } from './types.js';

/** Wakes counted per lock file, for tests that prove a wait ended because the holder let go. */
export const wakes = new Map<string, number>();

const live = new Set<ChildProcess>();
let exitHook = false;

/** When the child cannot tell (flock(1) missing, the file unreadable): look again after this long. */
const FALLBACK_MS = 50;

/**
 * Resolves true when no process holds an exclusive flock on `path` any more (it may be taken again by the time
 * the caller looks), false when `deadline` (Date.now() ms; Infinity for none) comes first.
 */
export function untilFlockFree(path: string, deadline: number): Promise<boolean> {
  const left = deadline - Date.now();
  if (left <= 0) return Promise.resolve(false);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
  return new Promise<boolean>((resolve) => {
    const child = spawn('flock', ['--shared', path, 'true'], { stdio: 'ignore' });
    live.add(child);
    child.unref();
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (freed: boolean, after = 0) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      live.delete(child);
      if (freed && after === 0) wakes.set(path, (wakes.get(path) ?? 0) + 1);
      if (after > 0) setTimeout(() => resolve(freed), Math.min(after, Math.max(0, deadline - Date.now())));
      else resolve(freed);
    };
    if (Number.isFinite(left)) {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish(false);
      }, left);
    }
    child.once('error', () => finish(true, FALLBACK_MS));
    child.once('exit', (code) => (code === 0 ? finish(true) : finish(true, FALLBACK_MS)));
  });
}

/** The evidence shows an exclusive flock holder, so a wait on untilFlockFree ends when it lets go. */
export const freesOnFlock = (holders: ReadonlyArray<Pick<KernelHolder, 'kind' | 'mode' | 'blocked'>>) =>
  holders.some((h) => !h.blocked && h.kind === 'FLOCK' && h.mode === 'WRITE');
