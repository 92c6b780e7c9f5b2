// What the agent puts right at start, before it accepts a push: temporaries of writers killed mid-write, and a
// state record that does not describe the live config (an apply that crashed or failed between the rename
// of the config and its durable record; see the points of no return in accept/apply.ts).
//
// INVARIANTS
// - Only temporaries of dead writers are removed (sweepTempFiles checks the pid), in every directory the
//   agent and the CLI write by atomicWrite: state dir, config dir, history, lock dir, deferred events.
//   The outbox sweeps its own when it is first loaded.
// - The state record is settled under the lock, like every state write, and only from a live file that is
//   provably ours (live.ts); a lock that is not ours to take now is no reason to wait: the next apply settles
//   it under its own lease, and the agent believes the live file meanwhile.
// - A settled landing is completed as the landing would have: the hook runs (AIMLOCK_RECOVERED=1) so the
//   controller runs what is on disk, and the push — redelivered when retained — is answered `applied` once
//   (agent.ts), since nobody was told before.
// - History entries torn by a power cut are removed and the live version's rebuilt (recover-history.ts);
//   `applied` audit lines a power cut lost are written again (recover-audit.ts).
// - Nothing here can stop the start: a failure is logged, and the agent runs on.
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { runHook } from '../accept/hook.js';
import { settleState, settlingNeeded } from '../accept/live.js';
import type { Board } from '../board/open.js';
import { sweepTempFiles } from '../store/atomic.js';
import type { ResultFields } from './messages.js';
import { repairAudit } from './recover-audit.js';
import { repairHistory } from './recover-history.js';

const SETTLE_WAIT_MS = 1000;

/** A landing completed at start: its push, if redelivered (retained), is answered `applied` once. */
export interface Completed {
  id: string;
  version: number;
  sha256: string;
  /** The hook's failure when it was run again for the live config. */
  hookFailed: string | null;
}

export async function recoverAtStart(board: Board, log: Logger): Promise<Completed | null> {
  await sweepDeadWriters(board, log);
  const completed = await settleAtStart(board, log);
  // After the settlement, so that state.json says what is live: the live version's entry is rebuilt from it.
  await repairHistory(board, log).catch((err: unknown) =>
    log.warn({ err: (err as Error).message }, 'history not checked for entries torn by a power cut'),
  );
  await repairAudit(board, log).catch((err: unknown) =>
    log.warn({ err: (err as Error).message }, 'audit not checked for applied lines lost to a power cut'),
  );
  return completed;
}

/**
 * Removes the temporaries of writers killed mid-write. At start, and after a ghost lock is reclaimed: a landing
 * stages its history entry and state record before its apply hook runs, so a technician's `aimlock apply`
 * killed in a slow hook leaves them behind while the agent runs on.
 */
export async function sweepDeadWriters(board: Board, log: Logger): Promise<void> {
  const { paths } = board;
  const dirs = new Set([
    paths.stateDir,
    dirname(paths.config),
    paths.history,
    paths.lockDir,
    paths.deferredEvents,
  ]);
  for (const dir of dirs) {
    try {
      const removed = await sweepTempFiles(dir);
      if (removed.length) log.info({ dir, removed }, 'removed temporary files of writers killed mid-write');
    } catch (err) {
      log.warn({ err, dir }, 'could not sweep temporary files');
    }
  }
}

async function settleAtStart(board: Board, log: Logger): Promise<Completed | null> {
  const { paths } = board;
  try {
    // Most starts find nothing to settle: no lock taken for them (each acquisition is a new generation).
    if (!(await settlingNeeded(board))) return null;
    const { settings } = board;
    const { settled, hook } = await board.locksmith.withLock(
      {
        waitMs: SETTLE_WAIT_MS,
        purpose: 'settle state record at start',
        reclaimStale: false,
        actor: board.actor,
      },
      async (lease) => {
        const settled = await settleState(board);
        if (settled.kind !== 'settled') return { settled, hook: null };
        // The landing stopped between its rename and its record, maybe before or inside its hook: the
        // controller may not run what is on disk. Tell it, as the landing would have.
        const hook = await runHook(settings.apply_hook.command, settings.apply_hook.timeout_ms, {
          AIMLOCK_GENERATION: String(lease.generation),
          AIMLOCK_CONFIG: paths.config,
          AIMLOCK_VERSION: String(settled.now.version),
          AIMLOCK_PUSH_ID: settled.now.id,
          AIMLOCK_RECOVERED: '1',
        });
        return { settled, hook };
      },
    );
    switch (settled.kind) {
      case 'agree':
        return null;
      case 'foreign':
        log.warn(
          { config: paths.config, sha256: settled.sha256 },
          'the live config was not written by aimlock (edited by hand?); the next apply replaces it',
        );
        return null;
      case 'unsettled':
        log.error(
          { live: settled.now, err: settled.error },
          'the live config differs from state.json and the record could not be corrected; the live one counts',
        );
        return null;
      case 'settled':
        log.warn(
          { previous: settled.previous, live: settled.now },
          'the live config differed from state.json (an apply ended after its rename); state.json now says what is live',
        );
        await board
          .audit({
            event: 'state_settled',
            previous: settled.previous,
            applied: settled.now,
            actor: board.actor,
          })
          .catch((err: unknown) => log.error({ err }, 'audit line for the settled state record not written'));
        if (hook && !hook.ok)
          log.error({ detail: hook.detail }, 'apply hook failed for the live config settled at start');
        return { ...settled.now, hookFailed: hook && !hook.ok ? hook.detail : null };
    }
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'state record not checked against the live config at start');
  }
  return null;
}

export const echoOf = (c: Completed) => ({ id: c.id, version: c.version });

/** The answer owed to the push of a landing completed at start (it went live before the crash), or null. */
export function completedAnswer(done: Completed | null, r: ResultFields): ResultFields | null {
  if (!done || r.code !== 'duplicate' || r.id !== done.id) return null;
  const hook = done.hookFailed ? `, but the apply hook failed: ${done.hookFailed}` : '';
  return {
    ...r,
    code: 'ok',
    detail: `version ${done.version} went live before the agent stopped (between its rename and its record); recorded at start${hook}`,
    config_sha256: done.sha256,
  };
}
