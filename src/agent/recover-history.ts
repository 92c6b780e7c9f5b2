// History entries are synced but their directory is not (src/store/DURABILITY.md): the state record's sync
// commits an apply. A power cut can therefore lose the newest entries' renames — the live version's among
// them. At start, before any push, this puts history right: the entry of the version that is live — the one a
// rollback needs first — is rebuilt from the live config itself when missing (the file carries the whole
// config; its record in state.json carries when, from where and under which generation). Entries that do not
// parse (an older aimlock did not sync them) are removed.
//
// INVARIANTS
// - Only a live file that is provably ours and agrees with state.json is recorded (live.ts readLive): a file
//   edited by hand is never put into history as an applied version.
// - Entries above the applied version belong to landings that never committed (an undone one whose unlink a
//   power cut lost): they are removed under the lock, since a landing in progress (a technician's apply at
//   this very moment) writes its entry before its state record.
// - Otherwise runs without the lock: history entries are renamed into place whole, so a live writer's entry
//   never reads as torn, and the rebuilt entry is exactly what its landing wrote (a concurrent landing of a
//   newer version only makes this one older).
// - Nothing here can stop the start: the caller logs a failure and goes on.
import type { Logger } from 'pino';
import { readLive } from '../accept/live.js';
import type { Board } from '../board/open.js';
import { parseConf } from '../store/conf.js';
import { readBytes } from '../store/owned-read.js';
import { readState } from '../store/state.js';

export async function repairHistory(board: Board, log: Logger): Promise<void> {
  const dropped = await board.history.dropTorn();
  if (dropped.length)
    log.warn({ versions: dropped }, 'removed history entries torn by a power cut (written, never synced)');
  // A lock not ours to take now only leaves those entries until the next start (rollback never picks one:
  // it restores the newest entry older than what is applied).
  await dropUncommitted(board, log).catch((err: unknown) =>
    log.warn({ err: (err as Error).message }, 'history entries above the applied version not checked'),
  );
  const state = await readState(board.paths.state, board.tree);
  const live = await readLive(board.paths.config, board.tree);
  const applied = state.applied;
  if (!applied || !live?.ours || live.sha256 !== applied.sha256) return;
  if (await board.history.get(applied.version)) return;
  const { config } = parseConf((await readBytes(board.paths.config, board.tree)).toString('utf8'));
  await board.history.record({
    version: applied.version,
    id: applied.id,
    sha256: applied.sha256,
    applied_at: applied.at,
    source: applied.source,
    ...(applied.generation !== undefined ? { generation: applied.generation } : {}),
    config,
  });
  log.warn({ version: applied.version }, 'history entry of the live version rebuilt from the live config');
}

/** Entries of versions above the committed one: never applied (see the header). */
async function dropUncommitted(board: Board, log: Logger): Promise<void> {
  const above = async () => {
    const applied = (await readState(board.paths.state, board.tree)).applied?.version ?? 0;
    return (await board.history.list()).map((e) => e.version).filter((v) => v > applied);
  };
  if ((await above()).length === 0) return;
  const removed = await board.locksmith.withLock(
    { waitMs: 1000, purpose: 'drop uncommitted history at start', reclaimStale: false, actor: board.actor },
    async () => {
      const versions = await above();
      for (const v of versions) await board.history.forget(v);
      return versions;
    },
  );
  if (removed.length)
    log.warn({ versions: removed }, 'removed history entries of landings that never committed (power cut)');
}
