import { EXIT } from '../../errors.js';
import { readState } from '../../store/state.js';
import type { Command } from '../command.js';
import { table } from '../lock-view.js';

export const history: Command = {
  name: 'history',
  summary: 'list the applied versions kept for rollback (newest first)',
  usage: 'aimlock history [--json]',
  help: `
The last applied configs (settings history_size, default 5), newest first, with where each came from (push,
local apply, rollback) and when. The live one is marked with *. Any of them can be restored with
aimlock rollback VERSION.

Exit: 0.`,
  async run(ctx) {
    const board = ctx.board();
    const [entries, state] = await Promise.all([
      board.history.list(),
      readState(board.paths.state, board.tree),
    ]);
    const live = state.applied?.version;
    const rows = entries.map((e) => [
      e.version === live ? `*${e.version}` : ` ${e.version}`,
      e.applied_at,
      e.source,
      e.sha256.slice(0, 12),
      e.reason ?? e.id,
    ]);
    ctx.emit(
      { applied: state.applied, history: entries },
      entries.length
        ? table([[' VERSION', 'APPLIED AT', 'SOURCE', 'SHA256', 'ID / REASON'], ...rows])
        : 'no applied config yet',
    );
    return EXIT.ok;
  },
};
