import {
  clearHold,
  type Hold,
  parseDuration,
  placeHold as placeBoardHold,
  readHold,
} from '../../board/hold.js';
import { CliError, EXIT } from '../../errors.js';
import { auditDone, auditNote } from '../../store/audit.js';
import type { Command, Context } from '../command.js';
import { notifyAgent } from '../control.js';
import { runFanout } from '../remote/fanout.js';
import { FANOUT_OPTIONS, isRemote, refuseRemoteOnly, remote } from '../remote/options.js';

/** A remote hold must say how long (schemas/command.schema.json: `for` is required); this is the default. */
const REMOTE_HOLD_FOR = '30m';

/** A duration option in whole seconds (rounded up), for a command's args; within the schema's 1 s … 1 day. */
export function seconds(ctx: Context, option: string, fallback: string): number {
  const text = ctx.string(option) ?? fallback;
  const ms = parseDuration(text);
  if (ms === null || ms > 86_400_000)
    throw new CliError('usage', `--${option} ${text}: expected a duration from 1s to 1d, like 90s, 15m, 2h`);
  return Math.max(1, Math.ceil(ms / 1000));
}

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
): Promise<{ hold: Hold; auditFailed?: string }> {
  const board = ctx.board();
  const placed = await placeBoardHold(board, reason, until, origin);
  await notifyAgent(board.paths.socket, { cmd: 'hold_changed' });
  return placed;
}

export const hold: Command = {
  name: 'hold',
  summary: 'stop applying pushes on this board (they are deferred, not lost)',
  usage:
    'aimlock hold --reason TEXT [--for 30m] [--json] | aimlock hold --fleet F (--devices a,b | --all) --reason TEXT [--for 90s] [--timeout 30s] --key KEY [--broker URL] [--record FILE]',
  options: { reason: { type: 'string' }, for: { type: 'string' }, ...FANOUT_OPTIONS },
  help: `
On the board (no --devices/--all):
While a hold is on, the agent answers every push "deferred" (code hold) and keeps the newest one as the
desired state; it lands when the hold ends. The hold is a file in the state directory, so it survives agent
restarts. With --for it ends by itself; without, it lasts until aimlock resume. Audited.

Exit: 0.
Example: aimlock hold --reason "replacing gimbal motor" --for 45m

From the desk (a hold point over many drones, CONTRACT §9):
Signs one hold command per device with KEY (ed25519 PEM, as push takes it; the boards need its key id with
the "hold" capability in keys/ID.caps) and publishes it QoS 1 on aimlock/v1/{fleet}/{device}/command. A device
acknowledges only once the hold is in place: a drone in the middle of a landing first answers "accepted"
(landing) and "done" after it. On a terminal one line shows the count live
("312/500 held; drone-05 landing, held after it; 3 offline"); otherwise one line per answer. Every command and
answer is appended to the operator's record (--record, default ~/.aimlock/commands.jsonl).

  --devices a,b    these devices; --all: every device with a retained status in the fleet (offline ones too)
  --for DUR        how long each hold lasts on the device (default ${REMOTE_HOLD_FOR}; ends by itself)
  --timeout DUR    how long to wait for every answer (default 30s, at most 10m; the command expires a minute
                   after it)
  --key KEY        signing key; --key-id ID if the .pub on the boards is named otherwise than KEY's file
  --fleet/--broker as for aimlock push (or from --settings)

Exit: 0 every device acknowledged; 1 some refused (each named with its code); 5 some did not answer within
--timeout (named; offline ones marked); 2 usage.
Example: aimlock hold --fleet alpha --all --reason "storm cell over the range" --for 20m --key ops-2026.key`,
  async run(ctx) {
    const reason = ctx.need('reason', 'say why pushes are being held, for the audit log');
    if (isRemote(ctx)) {
      const forS = seconds(ctx, 'for', REMOTE_HOLD_FOR);
      return runFanout(ctx, remote(ctx, '30s'), {
        action: 'hold',
        args: { reason, for: forS },
        done: 'held',
      });
    }
    refuseRemoteOnly(ctx, 'aimlock hold --fleet F (--devices a,b | --all) --reason TEXT --key KEY');
    const placed = await placeHold(ctx, reason, holdUntil(ctx, 'for', null), 'hold');
    const h = placed.hold;
    ctx.emit(
      { hold: h, audit_failed: placed.auditFailed ?? null },
      `hold on${h.until ? ` until ${h.until}` : ' until aimlock resume'}: ${reason}${auditNote(placed)}`,
    );
    return EXIT.ok;
  },
};

export const resume: Command = {
  name: 'resume',
  summary: 'end a hold: pushes apply again, the newest deferred one first',
  usage:
    'aimlock resume [--reason TEXT] [--json] | aimlock resume --fleet F (--devices a,b | --all) --key KEY [--timeout 30s] [--broker URL]',
  options: { reason: { type: 'string' }, ...FANOUT_OPTIONS },
  help: `
Removes the hold placed by aimlock hold or aimlock release --force. The agent then applies the newest
deferred push, if any. Audited.

Exit: 0 (also when there was no hold).

From the desk: --fleet F (--devices a,b | --all) --key KEY sends a signed resume command to each device (the
key needs the "resume" capability), shows the answers as aimlock hold does, and exits the same way:
0 all acknowledged, 1 some refused, 5 some did not answer within --timeout (default 30s).
Example: aimlock resume --fleet alpha --all --key ops-2026.key`,
  async run(ctx) {
    if (isRemote(ctx)) {
      return runFanout(ctx, remote(ctx, '30s'), { action: 'resume', args: {}, done: 'resumed' });
    }
    refuseRemoteOnly(ctx, 'aimlock resume --fleet F (--devices a,b | --all) --key KEY');
    const board = ctx.board();
    const previous = await readHold(board.paths.hold, Date.now(), board.tree);
    const removed = await clearHold(board.paths.hold, board.tree);
    const done = removed
      ? await auditDone((e) => board.audit(e), {
          event: 'resume',
          reason: ctx.string('reason') ?? null,
          previous,
          actor: board.actor,
        })
      : {};
    if (removed) await notifyAgent(board.paths.socket, { cmd: 'hold_changed' });
    ctx.emit(
      { resumed: removed, previous, audit_failed: done.auditFailed ?? null },
      removed ? `hold ended: pushes apply again${auditNote(done)}` : 'there was no hold',
    );
    return EXIT.ok;
  },
};
