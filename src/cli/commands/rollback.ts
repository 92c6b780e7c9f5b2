import { CliError } from '../../errors.js';
import { readState } from '../../store/state.js';
import type { Command } from '../command.js';
import { land } from '../land.js';

export const rollback: Command = {
  name: 'rollback',
  summary: 'put an earlier applied config back, through the lock (as a new version)',
  usage: 'aimlock rollback [VERSION] [--reason TEXT] [--json]',
  options: { reason: { type: 'string' } },
  positionals: [0, 1],
  help: `
Restores the config of history entry VERSION (default: the one before the live one) through the same
lock-aware path as aimlock apply. It lands as a NEW version (applied + 1), so history only moves forward and an
operator's stale push cannot overwrite it. See aimlock history for the versions kept.

Exit: 0 applied; 1 no such version or rolled back; 3 the lock could not be taken.`,
  async run(ctx) {
    const board = ctx.board();
    const wanted = ctx.positionals[0];
    if (wanted !== undefined && !/^\d+$/.test(wanted))
      throw new CliError('usage', `VERSION ${wanted}: expected a version number (see aimlock history)`);
    const state = await readState(board.paths.state, board.tree);
    const entry = wanted
      ? await board.history.get(Number(wanted))
      : state.applied
        ? await board.history.previous(state.applied.version)
        : null;
    if (!entry) {
      throw new CliError(
        'not_found',
        wanted
          ? `version ${wanted} is not in the history (see aimlock history)`
          : 'there is no earlier version to roll back to',
      );
    }
    return land(
      ctx,
      entry.config,
      'rollback',
      ctx.string('reason') ?? `rollback to version ${entry.version}`,
    );
  },
};
