// Landing one already-validated config, under the lock: render → gate → config, history entry and state
// record written and synced as temporaries → config renamed → apply hook → entry and record renamed, directory
// fsync → audit → release. The same path serves pushes, a technician's `aimlock apply` and rollbacks.
//
// INVARIANTS
// - The live file is always the old config or the new one, whole (atomicWrite: temp, fsync, rename; the
//   directory fsync that makes the rename durable is shared with the state record's when both live in one
//   directory, as by default — src/store/DURABILITY.md has the whole sequence and every crash point).
// - `applied` is only returned once the config and the state record are durable: the state record's
//   directory fsync is the last sync before the answer, and it covers the config's rename too.
// - The gate (hold, update window, expiry) is asked under the lock, as the last thing before the write: what
//   was true when the push arrived or when the lock was asked for may have changed during the wait.
//
// POINTS OF NO RETURN, and the truth told at each
// 1. Before the rename of the new config into place nothing visible has changed: a failure writing or
//    syncing any of the three temporaries (config, history entry, state record: ENOSPC, EIO, EACCES, EROFS)
//    is `apply_failed` — the old config is still live, true, and the controller was never told otherwise.
// 2. The rename (PNR 1): from here the new bytes are what the controller reads. A later failure — the
//    directory fsync, the hook, placing the history entry or the state record — is undone for real (undo.ts):
//    restore the previous bytes, run the hook again if it had run, read back what is live. Then
//    `rolled_back` when the previous config is live again (the detail says whether the controller reloaded
//    it; a second hook failure is also `apply_hook_failed` telemetry), or `apply_incomplete` when the new
//    config is still live (or what is live cannot be read): the detail says so, and the state record may
//    not agree with the file until settleState() (live.ts) settles it — the next apply, or the agent's start.
//    The agent believes the live file meanwhile (live.ts unrecorded()), never the stale record.
// 3. The durable state record (PNR 2) commits the apply: `applied`. A failure after it (the audit line)
//    undoes nothing; the detail says the audit line is missing.
// Nothing here retries a failed write or fsync (after EIO the data may be gone and a retry may lie).
//
// The lease is capped at LEASE ceiling: two hook runs (apply and reload after a restore), their kill
// grace, and a margin for the disk. Past it the heartbeat stops, so observers see HUNG, not a healthy HELD.
import { dirname } from 'node:path';
import type { Board } from '../board/open.js';
import type { LockLease } from '../lock/locksmith.js';
import { evidence } from '../lock/observe.js';
import type { AimConfig } from '../schemas/index.js';
import { stageAll, stageWrite, wasRenamed } from '../store/atomic.js';
import { configSha256, renderConf } from '../store/conf.js';
import { readState, rememberSeen, stageState, writeState } from '../store/state.js';
import { KILL_GRACE_MS, runHook } from './hook.js';
import { readLive, unrecorded } from './live.js';
import { undoApply } from './undo.js';

export interface ApplyRequest {
  config: AimConfig;
  id: string;
  /** The push's version, or `next`: one above the applied version, read under the lock (a technician's apply). */
  version: number | 'next';
  source: 'push' | 'local' | 'rollback';
  /** Shown in the owner record while the lock is held (`apply push 7f3c… v42`). */
  purpose: string;
  reason?: string;
  waitMs: number;
  reclaimStale: boolean;
  /**
   * Asked once the lock is held, as the last thing before the write: a reason not to land after all (the
   * agent's hold, which a technician's `release --force` places just before it clears the lock; a push that
   * expired while it waited; a vehicle that took off while it waited). Null: go ahead.
   */
  gate?: () => Promise<Refusal | null>;
}

/** Why a config does not land after all, found under the lock. */
export type Refusal =
  | { status: 'deferred'; code: 'hold' | 'deferred_update_window'; detail: string }
  | { status: 'rejected'; code: 'expired' | 'stale_version' | 'duplicate'; detail: string };

export interface ApplyOutcome {
  status: 'applied' | 'rejected' | 'deferred';
  code: 'ok' | 'rolled_back' | 'apply_failed' | 'apply_incomplete' | Refusal['code'];
  /** The version it landed as (or would have). */
  version: number;
  detail: string;
  generation: number;
  sha256: string;
  lock: ReturnType<typeof evidence>;
  /** The apply hook failed (and, when it ran again after a restore, how that went): worth telemetry. */
  hookFailed?: string;
  /** What went wrong after the outcome was settled (a missing audit line, a lock left set), also in `detail`. */
  notes?: string[];
}

/** Margin of the lease ceiling for the disk work around the hook runs. */
const LEASE_MARGIN_MS = 30_000;

/** How long one apply may hold the lock before its heartbeat stops (see the header). */
export function leaseCeilingMs(hookTimeoutMs: number): number {
  return 2 * (hookTimeoutMs + KILL_GRACE_MS) + LEASE_MARGIN_MS;
}

const why = (err: unknown) => (err as Error).message;

/**
 * Throws LockError (lock_hot / lock_mismatch) when the lock cannot be taken; nothing is written then. A lock
 * that cannot be given back afterwards changes nothing about what landed: the outcome stands, and its detail
 * says the lock was left set.
 */
export async function applyConfig(board: Board, req: ApplyRequest): Promise<ApplyOutcome> {
  let releaseFailed: Error | undefined;
  const out = await landUnderLock(board, req, (err) => {
    releaseFailed = err;
  });
  if (releaseFailed === undefined) return out;
  // Who clears it depends on who owned it: a landing of the agent (alive: the bypass) or of a technician's
  // command (gone once it exits: a ghost to reclaim).
  const note = `the lock could not be released afterwards (${releaseFailed.message}): aimlock locks shows what was left; once the cause is fixed, aimlock reclaim clears it after its owner has exited, aimlock release --force while the owner runs`;
  return { ...out, detail: `${out.detail}; but ${note}`, notes: [...(out.notes ?? []), note] };
}

function landUnderLock(
  board: Board,
  req: ApplyRequest,
  releaseFailed: (err: Error) => void,
): Promise<ApplyOutcome> {
  const { locksmith, paths, settings } = board;
  return locksmith.withLock(
    {
      waitMs: req.waitMs,
      purpose: req.purpose,
      reclaimStale: req.reclaimStale,
      actor: board.actor,
      maxHoldMs: leaseCeilingMs(settings.apply_hook.timeout_ms),
    },
    async (lease) => {
      // Read under the lock: whatever landed while this request waited for it counts — and what is live
      // counts over the record, when an earlier apply could neither finish nor roll back.
      const state = await readState(paths.state, board.tree);
      // Never through a link (readBytes): root restores these very bytes if it must undo.
      const live = await readLive(paths.config, board.tree);
      const liveUnrecorded = unrecorded(state, live);
      const current = liveUnrecorded ?? state.applied;
      const applied = current?.version ?? 0;
      const version = req.version === 'next' ? applied + 1 : req.version;
      const text = renderConf(req.config, {
        device: settings.device,
        at: new Date().toISOString(),
        id: req.id,
        version,
      });
      const sha256 = configSha256(text);
      const outcome = (
        status: ApplyOutcome['status'],
        code: ApplyOutcome['code'],
        detail: string,
        hookFailed?: string,
      ): ApplyOutcome => ({
        status,
        code,
        version,
        detail,
        generation: lease.generation,
        sha256,
        lock: { ...evidence(lease.found), generation: lease.generation },
        ...(hookFailed ? { hookFailed } : {}),
      });
      // A push screened on arrival is not screened again before it lands (agent/trust.ts): the record read here
      // is what settles that its id did not land meanwhile (the push that was landing when it arrived, say).
      if (req.source === 'push' && (state.seen_ids.includes(req.id) || liveUnrecorded?.id === req.id))
        return outcome('rejected', 'duplicate', `push ${req.id} was already applied`);
      if (version <= applied)
        return outcome(
          'rejected',
          'stale_version',
          `version ${applied} was applied meanwhile; version ${version} is not newer`,
        );
      const previous = live?.bytes ?? null;
      const stop = await req.gate?.();
      if (stop) return outcome(stop.status, stop.code, stop.detail);

      const hookCommand = settings.apply_hook.command;
      const hookTimeout = settings.apply_hook.timeout_ms;
      let hookRan = false;
      // After PNR 1: undo for real, then say what is live.
      const undo = async (failure: string, hookFailed?: string): Promise<ApplyOutcome> => {
        const undone = await undoApply({
          configPath: paths.config,
          tree: board.tree,
          previous,
          newSha: sha256,
          hookRan,
          hook: {
            command: hookCommand,
            timeoutMs: hookTimeout,
            env: {
              ...hookEnv(lease, paths.config, current?.version ?? 0, current?.id ?? ''),
              AIMLOCK_RESTORED: '1',
            },
          },
        });
        // What cannot be tidied after the undo is said in the answer, never swallowed: the outcome stands.
        const notes: string[] = [];
        await board.history.forget(version).catch((err: unknown) => {
          notes.push(
            `its history entry of version ${version} could not be removed (${why(err)}): aimlock history lists a version that is not live`,
          );
        });
        const detail = `${failure}; ${undone.detail}`;
        const telemetry = [hookFailed, undone.reloadFailed && `reload after restore: ${undone.reloadFailed}`]
          .filter(Boolean)
          .join('; ');
        await board
          .audit({
            event: undone.live === 'previous' ? 'rolled_back' : 'apply_incomplete',
            id: req.id,
            version,
            generation: lease.generation,
            detail,
            actor: board.actor,
          })
          .catch((err: unknown) => {
            notes.push(`its audit line could not be written (${why(err)})`);
          });
        const said = [detail, ...notes].join('; ');
        const code = undone.live === 'previous' ? 'rolled_back' : 'apply_incomplete';
        const undoneOutcome = outcome('rejected', code, said, telemetry || undefined);
        return notes.length ? { ...undoneOutcome, notes } : undoneOutcome;
      };

      // Everything new is written and synced before anything is renamed: the config, its history entry and
      // the state record, three fsyncs in flight at once (the file system commits them together). A failure
      // here (a full or read-only folder, EIO) changes nothing visible: apply_failed, and no hook runs twice.
      // One directory fsync covers both renames when config and state record share a directory (the
      // default): the state record's. Elsewhere the config's directory is synced at its rename.
      const sharedDir = dirname(paths.config) === dirname(paths.state);
      const at = new Date().toISOString();
      const base = liveUnrecorded ? rememberSeen(state, liveUnrecorded.id) : state;
      const next = rememberSeen(
        {
          ...base,
          applied: { id: req.id, version, sha256, at, source: req.source, generation: lease.generation },
        },
        req.id,
      );
      const staged = await stageAll([
        named(paths.config, stageWrite(paths.config, text, { tree: board.tree, syncDir: !sharedDir })),
        named(
          board.history.dir,
          board.history.stage({
            version,
            id: req.id,
            sha256,
            applied_at: at,
            source: req.source,
            reason: req.reason,
            generation: lease.generation,
            config: req.config,
          }),
        ),
        named(paths.state, stageState(paths.state, next, board.tree)),
      ]);
      if (!staged.ok)
        return outcome(
          'rejected',
          'apply_failed',
          `could not write version ${version} (${why(staged.error)}); the old config is still live`,
        );
      const [newConfig, entry, record] = staged.writes;
      // Whatever happens below, no staged temporary outlives the landing (abandon() after place() does nothing).
      try {
        try {
          await newConfig.place();
        } catch (err) {
          if (wasRenamed(err)) return undo(`version ${version} was renamed into place but ${why(err)}`);
          return outcome(
            'rejected',
            'apply_failed',
            `could not write ${paths.config}: ${why(err)}; the old config is still live`,
          );
        }
        hookRan = hookCommand.length > 0;
        const hook = await runHook(hookCommand, hookTimeout, {
          ...hookEnv(lease, paths.config, version, req.id),
        });
        if (!hook.ok) return undo(hook.detail, hook.detail);
        try {
          // The record is renamed only once the entry is in place: a failed entry leaves state.json as it was.
          await entry.place();
          await record.place();
        } catch (err) {
          // A state record renamed into place but not durable already says `version`: the undo below puts
          // the previous config back and the previous record with it (one attempt; if that fails too, the
          // record is settled from the live file by the next apply or start, and the live file counts).
          if (wasRenamed(err)) await writeState(paths.state, state, board.tree).catch(() => {});
          return undo(`version ${version} could not be recorded (${why(err)})`);
        }
      } finally {
        for (const write of staged.writes) write.abandon();
      }
      // PNR 2 passed: committed.
      let auditFailed = '';
      // Not synced: state.json and the history entry are durable and say the same; start-up writes the line
      // again if a power cut lost it (agent/recover-audit.ts).
      await board
        .audit(
          {
            event: 'applied',
            id: req.id,
            version,
            source: req.source,
            reason: req.reason ?? null,
            generation: lease.generation,
            sha256,
            actor: board.actor,
          },
          { sync: false },
        )
        .catch((err: unknown) => {
          auditFailed = `its audit line could not be written (${why(err)})`;
        });
      const landed = outcome(
        'applied',
        'ok',
        `version ${version} is live (generation ${lease.generation})${auditFailed && `; ${auditFailed}`}`,
      );
      return auditFailed ? { ...landed, notes: [auditFailed] } : landed;
    },
    releaseFailed,
  );
}

function hookEnv(lease: LockLease, configPath: string, version: number, id: string): Record<string, string> {
  return {
    AIMLOCK_GENERATION: String(lease.generation),
    AIMLOCK_CONFIG: configPath,
    AIMLOCK_VERSION: String(version),
    AIMLOCK_PUSH_ID: id,
  };
}

/** A failure of `write` says where (a write(2) error names no file). */
function named<T>(where: string, write: Promise<T>): Promise<T> {
  return write.catch((err: unknown) => {
    throw new Error(`${where}: ${why(err)}`, { cause: err });
  });
}
