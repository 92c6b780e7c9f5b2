import {
  clearHold,
  type Hold,
  parseDuration,
  placeHold as placeBoardHold,
  readHold,
} from '../../board/hold.js';
import { CliError, EXIT } from '../../errors.js';
import type { Command, Context } from '../command.js';
import { notifyAgent } from '../control.js';

/** `--for 30m` → an end time; absent → null (until resume). */
export function holdUntil(ctx: Context, option: string, fallback: string | null): string | null {
  const text = ctx.string(option) ?? fallback;
  if (text === null) return null;
  const ms = parseDuration(text);
  if (ms === null) throw new CliError('usage', `--${option} ${text}: expected a duration like 30s, 15m, 2h`);
  return new Date(Date.now() + ms).toISOString();
}

export async function placeHold(
  ctx: Context,
  reason: string,
  until: string | null,
  origin: string,
): Promise<Hold> {
  const board = ctx.board();
  const hold = await placeBoardHold(board, reason, until, origin);
  await notifyAgent(board.paths.socket, { cmd: 'hold_changed' });
  return hold;
}

export const hold: Command = {
  name: 'hold',
  summary: 'stop applying pushes on this board (they are deferred, not lost)',
  usage: 'aimlock hold --reason TEXT [--for 30m] [--json]',
  options: { reason: { type: 'string' }, for: { type: 'string' } },
  help: `
While a hold is on, the agent answers every push "deferred" (code hold) and keeps the newest one as the
desired state; it lands when the hold ends. The hold is a file in the state directory, so it survives agent
restarts. With --for it ends by itself; without, it lasts until aimlock resume. Audited.

Exit: 0.
Example: aimlock hold --reason "replacing gimbal motor" --for 45m`,
  async run(ctx) {
    const reason = ctx.need('reason', 'say why pushes are being held, for the audit log');
    const h = await placeHold(ctx, reason, holdUntil(ctx, 'for', null), 'hold');
    ctx.emit({ hold: h }, `hold on${h.until ? ` until ${h.until}` : ' until aimlock resume'}: ${reason}`);
    return EXIT.ok;
  },
};

export const resume: Command = {
  name: 'resume',
  summary: 'end a hold: pushes apply again, the newest deferred one first',
  usage: 'aimlock resume [--reason TEXT] [--json]',
  options: { reason: { type: 'string' } },
  help: `
Removes the hold placed by aimlock hold or aimlock release --force. The agent then applies the newest
deferred push, if any. Audited.

Exit: 0 (also when there was no hold).`,
  async run(ctx) {
    const board = ctx.board();
    const previous = await readHold(board.paths.hold, Date.now(), board.tree);
    const removed = await clearHold(board.paths.hold, board.tree);
    if (removed) {
      await board.audit({
        event: 'resume',
        reason: ctx.string('reason') ?? null,
        previous,
        actor: board.actor,
      });
      await notifyAgent(board.paths.socket, { cmd: 'hold_changed' });
    }
    ctx.emit(
      { resumed: removed, previous },
      removed ? 'hold ended: pushes apply again' : 'there was no hold',
    );
    return EXIT.ok;
  },
};
