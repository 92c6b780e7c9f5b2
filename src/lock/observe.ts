// One look at the lock from the outside: lock bit, owner record, /proc/locks, facts about the owner's process,
// and the verdict on them. Reads only: it never opens the `.lock` file (see kernel.ts for why).
import { setTimeout as sleep } from 'node:timers/promises';
import type { LockFiles } from './files.js';
import { bootId, processFacts, readKernelHolders, visibility } from './proc.js';
import {
  CONSISTENT,
  type KernelHolder,
  type LockObservation,
  type TransitionHolder,
  type VerdictResult,
} from './types.js';
import { decide } from './verdict.js';

export interface Observation extends LockObservation, VerdictResult {
  generation: number;
  /** Path of the `.lock` file the kernel locks are taken on. */
  lockFile: string;
}

export interface ObserveOptions {
  heartbeatTtlMs: number;
  now?: () => number;
  /** Leave out kernel locks held by this pid (ourselves, when deciding under our own kernel locks). */
  excludePid?: number;
}

export async function observeOnce(
  lockFile: string,
  files: LockFiles,
  opts: ObserveOptions,
): Promise<Observation> {
  const [bit, owner, allHolders, generation, vis] = await Promise.all([
    files.readBit(),
    files.readOwner(),
    readKernelHolders(lockFile),
    files.readGeneration(),
    visibility(),
  ]);
  const holders = opts.excludePid ? allHolders.filter((h) => h.pid !== opts.excludePid) : allHolders;
  const ownerProcess = owner.state === 'ok' ? await processFacts(owner.record.pid) : null;
  const now = (opts.now ?? Date.now)();
  const obs: LockObservation = {
    bit,
    owner,
    holders,
    ownerProcess,
    bootId: bootId(),
    visibility: vis,
    now,
    heartbeatTtlMs: opts.heartbeatTtlMs,
    inTransition: await transitions(files, holders, now, opts.heartbeatTtlMs),
  };
  return { ...obs, ...decide(obs), generation, lockFile };
}

/** Holders that vouch for themselves with a fresh intent naming their live process incarnation. */
async function transitions(
  files: LockFiles,
  holders: KernelHolder[],
  now: number,
  ttlMs: number,
): Promise<TransitionHolder[]> {
  const pids = [...new Set(holders.filter((h) => h.pid > 0 && !h.blocked).map((h) => h.pid))];
  const found = await Promise.all(
    pids.map(async (pid) => {
      const intent = await files.readIntent(pid);
      if (!intent || intent.pid !== pid || intent.boot_id !== bootId() || now - Date.parse(intent.at) > ttlMs)
        return null;
      const facts = await processFacts(pid);
      return facts.alive && facts.start === intent.pid_start
        ? { pid, holder: intent.holder, purpose: intent.purpose }
        : null;
    }),
  );
  return found.filter((f) => f !== null);
}

/** How many more looks a holder that is already dead gets to let go of its kernel locks (× CONFIRM_PAUSE_MS). */
const DEAD_HOLDER_RETRIES = 25;

async function holdsWhileDead(o: Observation): Promise<boolean> {
  const pids = [...new Set(o.holders.filter((h) => h.pid > 0 && !h.blocked).map((h) => h.pid))];
  const facts = await Promise.all(pids.map((pid) => processFacts(pid)));
  return facts.some((f) => !f.alive);
}

/** Pause before a second look; long enough for a holder to finish acquiring or releasing. */
export const CONFIRM_PAUSE_MS = 60;

/**
 * Bit, record and /proc/locks are read at three instants, so a holder in the middle of acquiring or releasing
 * can look like a mismatch for a moment. A mismatch is only reported when a second look, a moment later,
 * still shows one; the second look is the one returned.
 */
export async function observe(
  lockFile: string,
  files: LockFiles,
  opts: ObserveOptions,
): Promise<Observation> {
  let seen = await observeOnce(lockFile, files, opts);
  if (CONSISTENT.has(seen.verdict)) return seen;
  await sleep(CONFIRM_PAUSE_MS);
  seen = await observeOnce(lockFile, files, opts);
  // A killed process's kernel locks can outlive it for a moment (the kernel drops them at the file's final
  // release, which asynchronous I/O may defer past the reaping): wait for a dead holder's locks to go.
  for (
    let i = 0;
    i < DEAD_HOLDER_RETRIES && !CONSISTENT.has(seen.verdict) && (await holdsWhileDead(seen));
    i++
  ) {
    await sleep(CONFIRM_PAUSE_MS);
    seen = await observeOnce(lockFile, files, opts);
  }
  return seen;
}

/** A verdict's reason without its full stop, for use inside a longer sentence. */
export const clause = (reason: string) => reason.replace(/\.+$/, '');

/** The evidence a log line, a result or a telemetry event carries about the lock. */
export function evidence(o: Observation) {
  return {
    verdict: o.verdict,
    reason: o.reason,
    generation: o.generation,
    lock_bit: o.bit,
    owner:
      o.owner.state === 'ok'
        ? o.owner.record
        : o.owner.state === 'corrupt'
          ? { corrupt: o.owner.error }
          : null,
    owner_alive: o.ownerProcess?.alive ?? null,
    kernel_holders: o.holders
      .filter((h) => !h.blocked)
      .map((h) => ({ pid: h.pid, kind: h.kind, mode: h.mode, command: h.command ?? null })),
  };
}
