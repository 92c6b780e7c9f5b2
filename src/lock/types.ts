// The vocabulary of the lock (CONTRACT.md §3–4), shared by the observer, the verdict and the locksmith.

/** Who owns the lock bit: written by the holder while it holds both kernel locks. */
export interface OwnerRecord {
  pid: number;
  /** Field 22 of /proc/PID/stat (clock ticks since boot): with pid and boot_id it names one process incarnation. */
  pid_start: number;
  boot_id: string;
  holder: string;
  device: string;
  purpose: string;
  generation: number;
  acquired_at: string;
  heartbeat_at: string;
  /**
   * CLOCK_MONOTONIC milliseconds of the last heartbeat (see mono.ts), beside the RFC 3339 heartbeat_at: within
   * the record's boot, ages are measured on it, so a wall-clock step does not make a live holder HUNG.
   */
  heartbeat_mono_ms?: number;
  token: string;
  /** Inode of the holder's pid namespace (`/proc/self/ns/pid`); a pid means nothing in another namespace. */
  pid_ns?: string;
}

/** The owner record as read from disk: absent, unreadable/garbage, or a record. */
export type OwnerRead =
  | { state: 'absent' }
  | { state: 'corrupt'; error: string }
  | { state: 'ok'; record: OwnerRecord };

/** One line of /proc/locks that concerns the `.lock` file. */
export interface KernelHolder {
  /** FLOCK (flock(2)), POSIX (fcntl/lockf, per process) or OFDLCK (open file description locks). */
  kind: 'FLOCK' | 'POSIX' | 'OFDLCK' | 'LEASE' | 'DELEG' | 'ACCESS';
  mode: 'READ' | 'WRITE';
  /**
   * The holder's pid as the reader's pid namespace sees it. 0: a holder outside this namespace (never assumed
   * dead). -1: an OFD lock, which belongs to an open file description, not a process.
   */
  pid: number;
  /** `comm` of the holder when /proc shows it (for the lslocks-style table). */
  command?: string;
  /** True when the line is a waiter (`->` in /proc/locks), not a holder. */
  blocked: boolean;
}

/** Facts about the process an owner record names, read from /proc at observation time. */
export interface ProcessFacts {
  /**
   * /proc/PID/stat exists and the task is not a zombie (a zombie has dropped its locks and never heartbeats).
   * When /proc/PID/stat exists but cannot be read, alive is true and start null: "cannot tell" never proves death.
   */
  alive: boolean;
  /** Field 22 of /proc/PID/stat, when alive and readable. */
  start: number | null;
}

/** Whether this observer can see every process (hidepid, foreign pid namespace, ProtectProc=invisible). */
export interface Visibility {
  complete: boolean;
  /** Why not, in a sentence a technician can act on. */
  reason?: string;
  /** This observer's pid namespace (`pid:[4026531836]`). */
  pidNs: string | null;
}

export type LockBit = 0 | 1 | null;

/** One observation of the lock: the three sources plus the context the verdict needs. */
export interface LockObservation {
  bit: LockBit;
  owner: OwnerRead;
  holders: KernelHolder[];
  /** Facts about owner.record.pid (null when there is no readable record). */
  ownerProcess: ProcessFacts | null;
  bootId: string;
  visibility: Visibility;
  /** Milliseconds since the epoch at observation time. */
  now: number;
  /** CLOCK_MONOTONIC milliseconds at observation time (mono.ts); optional for observations built by hand. */
  nowMono?: number;
  heartbeatTtlMs: number;
  /**
   * Kernel-lock holders that announced themselves as aimlock processes taking or giving back the lock
   * (a fresh intent record naming their live pid). Optional: absent means none.
   */
  inTransition?: TransitionHolder[];
}

/**
 * Written by an aimlock process just before it takes the kernel locks and just before it gives them back,
 * removed when it is done: between kernel locks and lock bit, a compliant holder would otherwise look
 * exactly like a foreign one (UNOWNED) to an observer.
 */
export interface IntentRecord {
  pid: number;
  pid_start: number;
  boot_id: string;
  holder: string;
  purpose: string;
  /** RFC 3339; an intent older than heartbeat_ttl_ms no longer vouches for its holder. */
  at: string;
  /** CLOCK_MONOTONIC milliseconds of `at` (mono.ts): the age used within one boot. */
  at_mono_ms?: number;
}

export interface TransitionHolder {
  pid: number;
  holder: string;
  purpose: string;
}

export const VERDICTS = ['FREE', 'HELD', 'HUNG', 'STALE', 'DETACHED', 'UNOWNED', 'CLEARED'] as const;
export type Verdict = (typeof VERDICTS)[number];

/** FREE and HELD are consistent; every other verdict is a lock mismatch. */
export const CONSISTENT: ReadonlySet<Verdict> = new Set(['FREE', 'HELD']);

export interface VerdictResult {
  verdict: Verdict;
  /** One sentence: why this verdict (what a technician reads first). */
  reason: string;
}
