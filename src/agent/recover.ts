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
// - Nothing here can stop the start: a failure is logged, and the agent runs on.
import { dirname } from 'node:path';
import type { Logger } from 'pino';
import { settleState, settlingNeeded } from '../accept/live.js';
import type { Board } from '../board/open.js';
import { sweepTempFiles } from '../store/atomic.js';

const SETTLE_WAIT_MS = 1000;

export async function recoverAtStart(board: Board, log: Logger): Promise<void> {
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
  try {
    // Most starts find nothing to settle: no lock taken for them (each acquisition is a new generation).
    if (!(await settlingNeeded(board))) return;
    const settled = await board.locksmith.withLock(
      {
        waitMs: SETTLE_WAIT_MS,
        purpose: 'settle state record at start',
        reclaimStale: false,
        actor: board.actor,
      },
      () => settleState(board),
    );
    switch (settled.kind) {
      case 'agree':
        return;
      case 'foreign':
        log.warn(
          { config: paths.config, sha256: settled.sha256 },
          'the live config was not written by aimlock (edited by hand?); the next apply replaces it',
        );
        return;
      case 'unsettled':
        log.error(
          { live: settled.now, err: settled.error },
          'the live config differs from state.json and the record could not be corrected; the live one counts',
        );
        return;
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
    }
  } catch (err) {
    log.warn({ err: (err as Error).message }, 'state record not checked against the live config at start');
  }
}
