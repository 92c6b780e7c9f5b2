import { CliError, EXIT } from '../../errors.js';
import { clause, evidence } from '../../lock/observe.js';
import { auditNote } from '../../store/audit.js';
import type { Command } from '../command.js';
import { reportToAgent } from '../control.js';
import { refuseRemoteOnly, remote, SINGLE_OPTIONS } from '../remote/options.js';
import { remoteRelease } from '../remote/single.js';
import { holdUntil, placeHold, seconds } from './hold.js';

export const release: Command = {
  name: 'release',
  summary: 'the safe bypass: hold the agent, clear the lock bit and owner, audited',
  usage:
    'aimlock release --force --reason TEXT [--hold-for 15m] [--json] | aimlock release --force --reason TEXT [--hold-for 15m] --device D --fleet F --key KEY [--broker URL] [--timeout 30s]',
  options: {
    force: { type: 'boolean' },
    reason: { type: 'string' },
    'hold-for': { type: 'string' },
    ...SINGLE_OPTIONS,
  },
  help: `
For a lock the agent will not touch by itself (HUNG, DETACHED, CLEARED, UNOWNED, or a STALE one with
auto_reclaim off). In order, it:
  1. puts the agent on hold (default 15 min, then it resumes by itself), so nothing is applied meanwhile;
  2. takes the kernel locks (flock + fcntl) on the config's .lock file — if a live process still holds one,
     it stops there, reports the holder, and exits 3: stop that process first;
  3. clears the lock bit and the owner record under those locks;
  4. writes who (uid, user, SUDO_USER, tty), when, why and the previous owner to the audit log; the agent
     publishes lock_force_released.
This replaces "echo 0 > conf_locked": same effect, but safe against a live writer and on the record.

  --force          required: this overrides the lock's owner
  --reason TEXT    required: why, for the audit log
  --hold-for DUR   how long the agent stays on hold (default 15m; aimlock resume ends it sooner)

Exit: 0 released; 3 a kernel lock is still held by a live process.
Example: sudo aimlock release --force --reason "aimlockd hung during update, ticket 4411"

From the desk: --device D --fleet F --key KEY sends drone D a signed "release_force" command (reason and
hold_for; the key needs the "release_force" capability there) and the device does exactly the above. Exit 0
released; 3 the device refused because of the lock (a live process still holds a kernel lock: named);
1 refused for another reason; 5 no answer within --timeout (default 30s).
Example: aimlock release --force --reason "hung holder on drone-05, ticket 4411" --device drone-05 --fleet alpha --key ops-2026.key`,
  async run(ctx) {
    if (ctx.values.force !== true) {
      throw new CliError(
        'usage',
        'release bypasses the lock owner and needs --force (and --reason); to clear a ghost use aimlock reclaim',
      );
    }
    const reason = ctx.need('reason', 'a force release is audited: say why');
    if (ctx.values.device !== undefined) {
      return remoteRelease(ctx, remote(ctx, '30s'), reason, seconds(ctx, 'hold-for', '15m'));
    }
    refuseRemoteOnly(ctx, 'aimlock release --force --reason TEXT --device D --fleet F --key KEY');
    const board = ctx.board();
    const { hold, ...holdAudit } = await placeHold(
      ctx,
      `release --force: ${reason}`,
      holdUntil(ctx, 'hold-for', '15m'),
      'release --force',
    );
    const cleared = await board.locksmith.forceRelease(board.actor, reason);
    const { released, observation: o } = cleared;
    if (!released) {
      const holders = o.holders
        .filter((h) => !h.blocked)
        .map((h) => `${h.kind} pid ${h.pid} (${h.command ?? '?'})`);
      throw new CliError(
        'kernel_lock_held',
        `a live process still holds a kernel lock on ${o.lockFile}: ${holders.join(', ') || 'unknown holder'}. ` +
          `Nothing was cleared; the agent stays on hold until ${hold.until}. Stop that process, then run this again.`,
        { lock: evidence(o), hold },
      );
    }
    await reportToAgent(board, 'force_released', { reason, previous: evidence(o), actor: board.actor });
    ctx.emit(
      { released: true, previous: evidence(o), hold, audit_failed: cleared.auditFailed ?? null },
      `lock on ${board.paths.fileName} force-released (was ${o.verdict}: ${clause(o.reason)})${auditNote(cleared)}${auditNote(holdAudit, "the hold's")}.\n` +
        `The agent is on hold until ${hold.until}; aimlock resume ends the hold now.`,
    );
    return EXIT.ok;
  },
};
