// The verdict on one observation of the lock (CONTRACT §3). The one place the rules live.
// Pure: no I/O, no clock; everything it knows is in the observation.
import {
  CONSISTENT,
  type KernelHolder,
  type LockObservation,
  type OwnerRecord,
  type Verdict,
  type VerdictResult,
} from './types.js';

/** FREE and HELD are consistent; every other verdict is a lock mismatch. */
export function isMismatch(v: Verdict): boolean {
  return !CONSISTENT.has(v);
}

/** How the owner is known to be gone, for a STALE reason. */
export type GoneProof =
  | { proof: 'no_record'; detail: string }
  | { proof: 'corrupt_record'; detail: string }
  | { proof: 'other_boot'; detail: string }
  | { proof: 'dead_pid'; detail: string }
  | { proof: 'pid_reused'; detail: string };

type OwnerState =
  | { state: 'gone'; gone: GoneProof }
  /** Alive, or not provably gone (`presumed` then says why it could not be proven). */
  | { state: 'alive'; presumed?: string };

/** A sentence embedded as a clause: without its final full stop. */
const clause = (s: string) => s.replace(/\.\s*$/, '');

const short = (id: string) => (id.length > 8 ? id.slice(0, 8) : id || '(unknown)');

function ownerName(r: OwnerRecord): string {
  return `pid ${r.pid} (${r.holder || 'unknown holder'}, start ${r.pid_start})`;
}

/** Alive or provably gone: the record against the process facts, within what this observer can see. */
function assessOwner(obs: LockObservation, r: OwnerRecord): OwnerState {
  if (r.boot_id && obs.bootId && r.boot_id !== obs.bootId) {
    // A reboot kills every process: provable whatever this observer can see.
    return {
      state: 'gone',
      gone: {
        proof: 'other_boot',
        detail: `it was written in boot ${short(r.boot_id)}, this is boot ${short(obs.bootId)}`,
      },
    };
  }
  const p = obs.ownerProcess;
  let candidate: GoneProof | null = null;
  if (p && !p.alive) {
    candidate = { proof: 'dead_pid', detail: `pid ${r.pid} is dead` };
  } else if (p?.alive && p.start !== null && p.start !== r.pid_start) {
    candidate = {
      proof: 'pid_reused',
      detail: `pid ${r.pid} was reused (start ${p.start} ≠ ${r.pid_start})`,
    };
  }
  if (!candidate) return { state: 'alive' };
  if (!obs.visibility.complete) {
    return {
      state: 'alive',
      presumed: `${candidate.detail} as far as this observer sees, but it cannot see every process (${clause(obs.visibility.reason ?? 'incomplete view')})`,
    };
  }
  if (r.pid_ns !== undefined && r.pid_ns !== obs.visibility.pidNs) {
    return {
      state: 'alive',
      presumed: `${candidate.detail} as far as this observer sees, but the record's pid belongs to ${r.pid_ns} and this observer is in ${obs.visibility.pidNs ?? 'an unknown pid namespace'}`,
    };
  }
  return { state: 'gone', gone: candidate };
}

/**
 * The owner of the lock bit is provably gone (the ghost test, STALE's condition apart from kernel holders):
 * no owner record, a corrupt one, another boot, or — only when this observer sees every process in the
 * record's pid namespace — a dead or reused pid. Null when the owner is alive or cannot be proven gone.
 */
export function isProvablyGone(obs: LockObservation): GoneProof | null {
  if (obs.owner.state === 'absent') return { proof: 'no_record', detail: 'the owner record is missing' };
  if (obs.owner.state === 'corrupt') {
    return { proof: 'corrupt_record', detail: `the owner record is corrupt (${obs.owner.error})` };
  }
  const s = assessOwner(obs, obs.owner.record);
  return s.state === 'gone' ? s.gone : null;
}

function v(verdict: Verdict, reason: string): VerdictResult {
  return { verdict, reason: reason.charAt(0).toUpperCase() + reason.slice(1) };
}

function holderName(h: KernelHolder): string {
  if (h.pid === 0) return 'a process outside this pid namespace (pid 0)';
  if (h.pid === -1) return 'an open file description (OFD lock, pid -1)';
  if (h.pid < 0) return `a remote locker (pid ${h.pid})`;
  return `pid ${h.pid}${h.command ? ` (${h.command})` : ''}`;
}

/** "pid 999 (flock) holds FLOCK WRITE and pid 0 … holds POSIX WRITE": holders grouped by pid. */
function describeHolders(hs: KernelHolder[]): string {
  const byPid = new Map<number, KernelHolder[]>();
  for (const h of hs) byPid.set(h.pid, [...(byPid.get(h.pid) ?? []), h]);
  return [...byPid.values()]
    .map((g) => `${holderName(g[0]!)} holds ${g.map((h) => `${h.kind} ${h.mode}`).join(' + ')}`)
    .join(' and ');
}

function heldKinds(hs: KernelHolder[]): string {
  return [...new Set(hs.map((h) => h.kind))].join('+');
}

/**
 * How old a record's stamp is: on CLOCK_MONOTONIC when it carries a monotonic stamp from this boot (a wall-clock
 * step must not age a live holder), else on the wall clock. NaN when the wall-clock stamp cannot be parsed.
 */
export function stampAgeMs(
  obs: Pick<LockObservation, 'now' | 'nowMono' | 'bootId'>,
  stamp: { bootId: string; wall: string; mono?: number },
): number {
  if (
    typeof stamp.mono === 'number' &&
    Number.isFinite(stamp.mono) &&
    obs.nowMono !== undefined &&
    stamp.bootId === obs.bootId &&
    obs.nowMono >= stamp.mono
  ) {
    return obs.nowMono - stamp.mono;
  }
  return obs.now - Date.parse(stamp.wall);
}

export function heartbeatAgeMs(
  obs: Pick<LockObservation, 'now' | 'nowMono' | 'bootId'>,
  r: OwnerRecord,
): number {
  return stampAgeMs(obs, { bootId: r.boot_id, wall: r.heartbeat_at, mono: r.heartbeat_mono_ms });
}

export function decide(obs: LockObservation): VerdictResult {
  const active = obs.holders.filter((h) => !h.blocked);
  const record = obs.owner.state === 'ok' ? obs.owner.record : null;
  const owner = record ? assessOwner(obs, record) : null;
  const ownerAlive = owner?.state === 'alive';
  const isOwner = (h: KernelHolder) => record !== null && ownerAlive && h.pid > 0 && h.pid === record.pid;
  const strangers = active.filter((h) => !isOwner(h));
  const ownerRef = record
    ? owner?.state === 'gone'
      ? `${ownerName(record)}, who is gone: ${owner.gone.detail}`
      : ownerName(record)
    : '';
  const presumed =
    owner?.state === 'alive' && owner.presumed ? `; ${owner.presumed}, so it is presumed alive` : '';

  // An aimlock process between its kernel locks and the lock bit (acquiring, reclaiming or releasing) is a
  // consistent holder for a moment, not a stranger nor a cleared owner: it vouched for itself with a fresh
  // intent record naming its live process incarnation.
  const moving = new Map((obs.inTransition ?? []).map((m) => [m.pid, m]));
  if (active.length > 0 && active.every((h) => moving.has(h.pid))) {
    const m = moving.get(active[0]!.pid)!;
    return v('HELD', `pid ${m.pid} (${m.holder}, "${m.purpose}") is taking or giving back the lock.`);
  }

  if (obs.bit !== 1) {
    const bitText = obs.bit === 0 ? 'the lock bit is 0' : 'there is no lock bit';
    if (active.length === 0) {
      const leftover = record ? ` (the leftover owner record of pid ${record.pid} is ignored)` : '';
      return v('FREE', `${bitText} and no process holds a kernel lock on the lock file${leftover}.`);
    }
    if (strangers.length === 0 && record) {
      return v(
        'CLEARED',
        `${bitText} but the owner record's ${ownerName(record)} is alive and still holds ${active.map((h) => `${h.kind} ${h.mode}`).join(' + ')}: the bit was cleared under a live writer${presumed}.`,
      );
    }
    return v(
      'UNOWNED',
      `${bitText} but ${describeHolders(strangers)}, ${record ? `not the owner record's ${ownerRef}` : 'and no owner record names it'}${presumed}.`,
    );
  }

  if (!record) {
    const gone = isProvablyGone(obs);
    const what = gone?.detail ?? 'the owner record is unreadable';
    if (active.length > 0) {
      return v(
        'UNOWNED',
        `the lock bit is 1 and ${what}, while ${describeHolders(active)}, a holder no record names.`,
      );
    }
    const blind = obs.visibility.complete
      ? ''
      : ` (this observer cannot see every process, but a hidden kernel-lock holder would still stop a reclaim: ${clause(obs.visibility.reason ?? 'incomplete view')})`;
    return v(
      'STALE',
      `the lock bit is 1 but ${what} and no process holds a kernel lock on the lock file${blind}.`,
    );
  }

  if (strangers.length > 0) {
    return v(
      'UNOWNED',
      `the lock bit is 1 but ${describeHolders(strangers)}, not the owner record's ${ownerRef}${presumed}.`,
    );
  }

  if (owner?.state === 'gone') {
    return v(
      'STALE',
      `the lock bit is 1 but its owner ${ownerName(record)} is provably gone: ${owner.gone.detail}; no process holds a kernel lock on the lock file.`,
    );
  }

  if (active.length === 0) {
    return v(
      'DETACHED',
      `the lock bit is 1 and its owner ${ownerName(record)} is alive but holds no kernel lock on the lock file${presumed}.`,
    );
  }

  const hasFlock = active.some((h) => h.kind === 'FLOCK');
  const hasPosix = active.some((h) => h.kind === 'POSIX');
  if (!hasFlock || !hasPosix) {
    const has = heldKinds(active);
    const missing = hasFlock ? 'POSIX' : hasPosix ? 'FLOCK' : 'FLOCK nor POSIX';
    const hint = hasFlock ? ' (did it close an fd of the lock file? that drops its POSIX lock)' : '';
    return v(
      'DETACHED',
      `the lock bit is 1 and its owner ${ownerName(record)} holds ${has} but not ${missing}${hint}${presumed}.`,
    );
  }

  const age = heartbeatAgeMs(obs, record);
  if (Number.isNaN(age)) {
    return v(
      'HUNG',
      `its owner ${ownerName(record)} holds FLOCK+POSIX but its heartbeat_at "${record.heartbeat_at}" is unparsable${presumed}.`,
    );
  }
  const ageS = (age / 1000).toFixed(1);
  const ttlS = (obs.heartbeatTtlMs / 1000).toFixed(1);
  if (age > obs.heartbeatTtlMs) {
    return v(
      'HUNG',
      `its owner ${ownerName(record)} holds FLOCK+POSIX but its last heartbeat is ${ageS}s old (ttl ${ttlS}s)${presumed}.`,
    );
  }
  return v(
    'HELD',
    `held by ${ownerName(record)} with FLOCK+POSIX, heartbeat ${ageS}s ago (ttl ${ttlS}s)${presumed}.`,
  );
}
