// The Locksmith's vocabulary: its options, what an acquisition asks for and gets (a lease), and how it refuses.
import type { OwnedTree } from '../store/owned.js';
import type { Actor } from './actor.js';
import type { Observation } from './observe.js';
import type { OwnerRecord } from './types.js';

export interface LockLogger {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export type AuditFn = (entry: Record<string, unknown>) => Promise<void>;

export interface LocksmithOptions {
  /** The state directory (store/owned.ts): lock files are reached without links, root's files are the agent's. */
  tree?: OwnedTree;
  /** `{config}.lock`: the file the kernel locks are taken on. */
  lockFile: string;
  /** `{state_dir}/locks/{config name}`: lock bit, owner record, generation. */
  lockDir: string;
  /** Name of the managed file, as mismatch messages say it (`aim_lock_config.conf`). */
  fileName: string;
  device: string;
  /** Program name recorded as `holder` (aimlockd, aimlock). */
  holder: string;
  heartbeatMs: number;
  heartbeatTtlMs: number;
  audit: AuditFn;
  log?: LockLogger;
  now?: () => number;
}

export type LockErrorCode = 'lock_hot' | 'lock_mismatch';

/** The lock could not be taken: `lock_hot` (a consistent holder kept it past the wait) or `lock_mismatch`. */
export class LockError extends Error {
  constructor(
    readonly code: LockErrorCode,
    readonly observation: Observation,
    message: string,
  ) {
    super(message);
  }
}

export interface AcquireOptions {
  waitMs: number;
  purpose: string;
  /** Reclaim a STALE lock on the way in (auto_reclaim policy); otherwise STALE is a mismatch. */
  reclaimStale: boolean;
  actor: Actor;
  /**
   * The lease's ceiling: past it the heartbeat stops, so observers see HUNG (a technician's case) instead of
   * a healthy HELD that would make every other writer wait for ever. Unset: no ceiling.
   */
  maxHoldMs?: number;
}

/** A held lock. `generation` is the fencing token of this acquisition. */
export interface LockLease {
  readonly generation: number;
  readonly owner: OwnerRecord;
  /** What the lock looked like on the way in (FREE, or STALE when a ghost was reclaimed to get here). */
  readonly found: Observation;
  release(): Promise<void>;
}

/** What a reclaim (`reclaimed`) or a force release (`released`) did, with the look it decided on. */
export type Cleared<K extends 'reclaimed' | 'released'> = { [k in K]: boolean } & {
  observation: Observation;
  /** Cleared, but its audit line could not be written (the error's message). */
  auditFailed?: string;
};
