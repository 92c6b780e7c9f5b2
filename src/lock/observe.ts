// One look at the lock from the outside: lock bit, owner record, /proc/locks, facts about the owner's process,
// and the verdict on them. Reads only: it never opens the `.lock` file (see kernel.ts for why).
import { setTimeout as sleep } from 'node:timers/promises';
import type { LockFiles } from './files.js';
import { monoNow } from './mono.js';
import { bootId, processFacts, readKernelHolders, visibility } from './proc.js';
import {
  CONSISTENT,
  type IntentRecord,
  type KernelHolder,
  type LockObservation,
  type TransitionHolder,
  type VerdictResult,
  type Visibility,
} from './types.js';
import { decide, stampAgeMs } from './verdict.js';

export interface Observation extends LockObservation, VerdictResult {
  generation: number;
  /** Path of the `.lock` file the kernel locks are taken on. */
  lockFile: string;
}

export interface ObserveOptions {
  heartbeatTtlMs: number;
  now?: () => number;
  /** CLOCK_MONOTONIC ms (mono.ts); injectable for tests. */
  monoNow?: () => number;
  /** Leave out kernel locks held by this pid (ourselves, when deciding under our own kernel locks). */
  excludePid?: number;
  /** The kernel holders when they are known without /proc/locks (under our own exclusive locks: nobody else). */
  knownHolders?: KernelHolder[];
}

export async function observeOnce(
  lockFile: string,
  files: LockFiles,
  opts: ObserveOptions,
): Promise<Observation> {
  // Intents are read before and after the rest: a peer in transition when /proc/locks is read vouched for
  // itself from before that instant until after it, so one of the two reads finds it (see transitions()).
  // Only a kernel holder needs one: under our own exclusive locks, with nobody else holding (knownHolders),
  // there is nobody to vouch for, and a landing reads no intent.
  const nobodyElse = opts.knownHolders?.length === 0;
  const intentsBefore = nobodyElse ? new Map<number, IntentRecord>() : await readIntents(files);
  const [bit, owner, allHolders, generation] = await Promise.all([
    files.readBit(),
    files.readOwner(),
    opts.knownHolders ?? readKernelHolders(lockFile),
    files.readGeneration(),
  ]);
  // Under our own exclusive locks with nobody else holding, a bit that is down is FREE whatever this observer
  // can see: every landing on a free lock is spared reading how /proc is mounted (mountinfo, pid namespace).
  const vis = nobodyElse && bit !== 1 ? NOT_LOOKED : await visibility();
  const holders = opts.excludePid ? allHolders.filter((h) => h.pid !== opts.excludePid) : allHolders;
  const ownerProcess = owner.state === 'ok' ? await processFacts(owner.record.pid) : null;
  const now = (opts.now ?? Date.now)();
  const nowMono = (opts.monoNow ?? monoNow)();
  const obs: LockObservation = {
    bit,
    owner,
    holders,
    ownerProcess,
    bootId: bootId(),
    visibility: vis,
    now,
    nowMono,
    heartbeatTtlMs: opts.heartbeatTtlMs,
    inTransition: await transitions(files, holders, intentsBefore, { now, nowMono }, opts.heartbeatTtlMs),
  };
  return { ...obs, ...decide(obs), generation, lockFile };
}

/** Visibility not looked at; it counts as incomplete, so nothing could ever be reclaimed on its word. */
const NOT_LOOKED: Visibility = {
  complete: false,
  reason: 'not looked at (a free lock seen under our own kernel locks)',
  pidNs: null,
};

async function readIntents(files: LockFiles): Promise<Map<number, IntentRecord>> {
  const pids = await files.intentPids();
  const found = await Promise.all(pids.map((pid) => files.readIntent(pid)));
  return new Map(found.filter((i) => i !== null).map((i) => [i.pid, i]));
}

/**
 * Holders that vouch for themselves with a fresh intent naming their live process incarnation, in the intents
 * read before /proc/locks or in a second read after it. A peer finishing a release between the two reads, or
 * starting an acquisition, is still found by one of them.
 */
async function transitions(
  files: LockFiles,
  holders: KernelHolder[],
  before: Map<number, IntentRecord>,
  clock: { now: number; nowMono: number },
  ttlMs: number,
): Promise<TransitionHolder[]> {
  const pids = [...new Set(holders.filter((h) => h.pid > 0 && !h.blocked).map((h) => h.pid))];
  const boot = bootId();
  const fresh = (i: IntentRecord) =>
    stampAgeMs({ ...clock, bootId: boot }, { bootId: i.boot_id, wall: i.at, mono: i.at_mono_ms }) <= ttlMs;
  const vouches = (intent: IntentRecord | null | undefined, pid: number) =>
    !!intent && intent.pid === pid && intent.boot_id === boot && fresh(intent);
  const found = await Promise.all(
    pids.map(async (pid) => {
      const after = await files.readIntent(pid);
      const intent = [after, before.get(pid)].find((i) => vouches(i, pid));
      if (!intent) return null;
      const facts = await processFacts(pid);
      return facts.alive && facts.start === intent.pid_start
        ? { pid, holder: intent.holder, purpose: intent.purpose }
        : null;
    }),
  );
  return found.filter((f) => f !== null);
}

/** Pause between looks; long enough for a holder to finish acquiring or releasing. */
export const CONFIRM_PAUSE_MS = 60;

/** At most this many looks (× CONFIRM_PAUSE_MS ≈ 1.5 s) before an unsettled mismatch is reported as seen. */
const MAX_LOOKS = 25;

/** What two looks must share for a mismatch to be one state rather than snapshots of peers on the move. */
function fingerprint(o: Observation): string {
  const owner = o.owner.state === 'ok' ? o.owner.record.token : o.owner.state;
  const held = o.holders.filter((h) => !h.blocked).map((h) => `${h.pid}:${h.kind}:${h.mode}`);
  return JSON.stringify([o.verdict, o.bit, o.generation, owner, held.sort()]);
}

async function holdsWhileDead(o: Observation): Promise<boolean> {
  const pids = [...new Set(o.holders.filter((h) => h.pid > 0 && !h.blocked).map((h) => h.pid))];
  const facts = await Promise.all(pids.map((pid) => processFacts(pid)));
  return facts.some((f) => !f.alive);
}

/**
 * Bit, record and /proc/locks are read at different instants, so a peer in the middle of acquiring or
 * releasing can look like a mismatch for a moment. A mismatch is only reported once two looks in a row show
 * the same one (the later look is returned); while the evidence keeps changing, somebody is at work, so we
 * look again. A killed process's kernel locks can also outlive it for a moment (the kernel drops them at the
 * file's final release, which asynchronous I/O may defer past the reaping), so a dead holder is waited out.
 */
export async function observe(
  lockFile: string,
  files: LockFiles,
  opts: ObserveOptions,
): Promise<Observation> {
  let seen = await observeOnce(lockFile, files, opts);
  for (let looks = 1; looks < MAX_LOOKS && !CONSISTENT.has(seen.verdict); looks++) {
    await sleep(CONFIRM_PAUSE_MS);
    const next = await observeOnce(lockFile, files, opts);
    const settled = fingerprint(next) === fingerprint(seen);
    seen = next;
    if (settled && !(await holdsWhileDead(seen))) break;
  }
  return seen;
}

/** A verdict's reason without its full stop, for use inside a longer sentence. */
export const clause = (reason: string) => reason.replace(/\.+$/, '');

/**
 * The live kernel holders (not those merely waiting) as `FLOCK pid 123 (sh)`, for a refusal that must name
 * who to stop: the device's release_force and the simulator's say it the same way.
 */
export function liveHolders(o: Observation): string {
  const live = o.holders.filter((h) => !h.blocked).map((h) => `${h.kind} pid ${h.pid} (${h.command ?? '?'})`);
  return live.join(', ') || 'unknown holder';
}

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
      // lslocks' own words (TYPE FLOCK/POSIX/OFDLCK, MODE WRITE/READ), as CONTRACT §7 names the columns.
      .map((h) => ({ pid: h.pid, type: h.kind, mode: h.mode, command: h.command ?? null })),
  };
}
