// Waiting for the config lock to free without polling: a child `flock --shared 3` (util-linux, in every Debian
// base system; fd 3 is a descriptor of the lock file that we open and hand it) blocks in the kernel until the
// exclusive holder lets go, takes a shared flock on that open file description and exits at once; we then
// close the descriptor, which drops the shared lock. Every consistent holder (aimlockd, aimlock, a peer in
// transition) holds flock LOCK_EX for as long as it holds anything (kernel.ts: flock first, dropped last), so
// "flock is free" means "the lock may be free now": the caller looks again and tries.
//
// INVARIANTS
// - The wait is a child process, not a blocking call on our threadpool: a blocked libuv thread cannot be
//   cancelled, keeps the process alive and makes exit() hang joining it. The child is killed at the deadline.
// - Closing our descriptor drops this process's POSIX locks on the file (kernel.ts). It is closed either while
//   the shared flock is on it — which excludes our own LOCK_EX, without which we hold no POSIX lock — or, after a
//   wait cut short at its deadline, by a waiter inside kernel.ts's per-path queue, i.e. while no other
//   acquisition of this process holds anything. A wait outside that queue must not have a deadline.
// - Between the grant and our close the shared flock is credited to the child, already dead: observers wait a
//   dead holder out (observe.ts) instead of reporting it, and it lasts one turn of our event loop.
// - Only an exclusive flock holder is waited for: a shared one (flock -s) lets the child through at once, so
//   callers decide from the evidence whether there is anything to wait for (freesOnFlock).
import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import type { OwnedTree } from '../store/owned.js';
import { openLockFile } from './lock-file.js';
import type { KernelHolder } from './types.js';

/** Wakes counted per lock file, for tests that prove a wait ended because the holder let go. */
export const wakes = new Map<string, number>();

/** Children still waiting, killed when this process exits (an agent stopping with a wake armed). */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of live) c.kill('SIGKILL');
});

/** When the child cannot tell (flock(1) missing, an error): look again after this long. */
const FALLBACK_MS = 50;

/**
 * Resolves true when no process holds an exclusive flock on `path` any more (it may be taken again by the time
 * the caller looks), false when `deadline` (Date.now() ms; Infinity for none) comes first. Throws when the lock
 * file cannot be opened (the caller's own attempt would fail the same way).
 */
export function untilFlockFree(
  path: string,
  deadline: number,
  tree: OwnedTree | undefined,
): Promise<boolean> {
  const left = deadline - Date.now();
  if (left <= 0) return Promise.resolve(false);
  const fd = openLockFile(path, tree);
  return new Promise<boolean>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (freed: boolean, after = 0) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      closeSync(fd);
      if (freed && after === 0) wakes.set(path, (wakes.get(path) ?? 0) + 1);
      if (after > 0) setTimeout(() => resolve(freed), Math.min(after, Math.max(0, deadline - Date.now())));
      else resolve(freed);
    };
    // Not unref'd: the waiter's promise is all that may keep a command alive until the kill at its deadline.
    let child: ChildProcess;
    try {
      child = spawn('flock', ['--shared', '3'], { stdio: ['ignore', 'ignore', 'ignore', fd] });
    } catch {
      // Thrown, not emitted (ENOMEM, E2BIG): as when the child cannot tell, look again shortly.
      finish(true, FALLBACK_MS);
      return;
    }
    live.add(child);
    child.once('exit', () => live.delete(child));
    if (Number.isFinite(left)) {
      // Closed only once the child is gone: a grant racing the kill then still falls under the first case.
      timer = setTimeout(() => child.kill('SIGKILL'), left);
    }
    child.once('error', () => {
      live.delete(child); // a child that never started emits no exit
      finish(true, FALLBACK_MS);
    });
    child.once('exit', (code, signal) => {
      if (signal === 'SIGKILL' && Date.now() >= deadline) finish(false);
      else if (code === 0) finish(true);
      else finish(true, FALLBACK_MS);
    });
  });
}

/** The evidence shows an exclusive flock holder, so a wait on untilFlockFree ends when it lets go. */
export const freesOnFlock = (holders: ReadonlyArray<Pick<KernelHolder, 'kind' | 'mode' | 'blocked'>>) =>
  holders.some((h) => !h.blocked && h.kind === 'FLOCK' && h.mode === 'WRITE');
