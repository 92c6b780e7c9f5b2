// Landing one already-validated config, under the lock: render → atomic replace → apply hook → history →
// state record (fsync) → release. The same path serves pushes, a technician's `aimlock apply` and rollbacks.
//
// INVARIANTS
// - The live file is always the old config or the new one, whole (atomicWrite: temp, fsync, rename, fsync dir).
// - `applied` is only returned once the config and the state record are durable.
// - A failing hook restores the previous bytes exactly (or removes a file that did not exist before), and the
//   state record is left untouched: the board is as if the apply never happened (`rolled_back`).
import { unlink } from 'node:fs/promises';
import type { Board } from '../board/open.js';
import type { LockLease } from '../lock/locksmith.js';
import { evidence } from '../lock/observe.js';
import type { AimConfig } from '../schemas/index.js';
import { atomicWrite } from '../store/atomic.js';
import { configSha256, renderConf } from '../store/conf.js';
import { explainLink, readBytes } from '../store/owned.js';
import { readState, rememberSeen, writeState } from '../store/state.js';
import { runHook } from './hook.js';

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
   * Asked once the lock is held, before anything is written: a reason not to land after all (the agent's hold,
   * which a technician's `release --force` places just before it clears the lock; a push that expired while it
   * waited). Null: go ahead.
   */
  gate?: () => Promise<Refusal | null>;
}

/** Why a config does not land after all, found under the lock. */
export type Refusal =
  | { status: 'deferred'; code: 'hold'; detail: string }
  | { status: 'rejected'; code: 'expired' | 'stale_version'; detail: string };

export interface ApplyOutcome {
  status: 'applied' | 'rejected' | 'deferred';
  code: 'ok' | 'rolled_back' | 'apply_failed' | Refusal['code'];
  /** The version it landed as (or would have). */
  version: number;
  detail: string;
  generation: number;
  sha256: string;
  lock: ReturnType<typeof evidence>;
}

/** Never through a link: root restores these bytes into a file the agent's user can read. */
async function readOrNull(path: string, tree: Board['tree']): Promise<Buffer | null> {
  return readBytes(path, tree).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw explainLink(err, path);
  });
}

/** Throws LockError (lock_hot / lock_mismatch) when the lock cannot be taken; nothing is written then. */
export async function applyConfig(board: Board, req: ApplyRequest): Promise<ApplyOutcome> {
  const { locksmith, paths, settings } = board;
  return locksmith.withLock(
    { waitMs: req.waitMs, purpose: req.purpose, reclaimStale: req.reclaimStale, actor: board.actor },
    async (lease) => {
      // Read under the lock: whatever landed while this request waited for it counts.
      const state = await readState(paths.state, board.tree);
      const applied = state.applied?.version ?? 0;
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
      ): ApplyOutcome => ({
        status,
        code,
        version,
        detail,
        generation: lease.generation,
        sha256,
        lock: { ...evidence(lease.found), generation: lease.generation },
      });
      const stop =
        (await req.gate?.()) ??
        (version <= applied
          ? ({
              status: 'rejected',
              code: 'stale_version',
              detail: `version ${applied} was applied meanwhile; version ${version} is not newer`,
            } as const)
          : null);
      if (stop) return outcome(stop.status, stop.code, stop.detail);
      const previous = await readOrNull(paths.config, board.tree);
      try {
        await atomicWrite(paths.config, text, { tree: board.tree });
      } catch (err) {
        return outcome(
          'rejected',
          'apply_failed',
          `could not write ${paths.config}: ${(err as Error).message}`,
        );
      }
      const hook = await runHook(
        settings.apply_hook.command,
        settings.apply_hook.timeout_ms,
        hookEnv(req, version, lease, paths.config),
      );
      if (!hook.ok) {
        await restore(paths.config, previous, board.tree);
        await board.audit({
          event: 'rolled_back',
          id: req.id,
          version,
          generation: lease.generation,
          detail: hook.detail,
          actor: board.actor,
        });
        return outcome('rejected', 'rolled_back', `${hook.detail}; previous config restored`);
      }
      await board.history.record({
        version,
        id: req.id,
        sha256,
        applied_at: new Date().toISOString(),
        source: req.source,
        reason: req.reason,
        config: req.config,
      });
      state.applied = {
        id: req.id,
        version,
        sha256,
        at: new Date().toISOString(),
        source: req.source,
      };
      await writeState(paths.state, rememberSeen(state, req.id), board.tree);
      await board.audit({
        event: 'applied',
        id: req.id,
        version,
        source: req.source,
        reason: req.reason ?? null,
        generation: lease.generation,
        sha256,
        actor: board.actor,
      });
      return outcome('applied', 'ok', `version ${version} is live (generation ${lease.generation})`);
    },
  );
}

function hookEnv(
  req: ApplyRequest,
  version: number,
  lease: LockLease,
  configPath: string,
): Record<string, string> {
  return {
    AIMLOCK_GENERATION: String(lease.generation),
    AIMLOCK_CONFIG: configPath,
    AIMLOCK_VERSION: String(version),
    AIMLOCK_PUSH_ID: req.id,
  };
}

async function restore(path: string, previous: Buffer | null, tree: Board['tree']): Promise<void> {
  if (previous) await atomicWrite(path, previous, { tree });
  else await unlink(path).catch(() => {});
}
