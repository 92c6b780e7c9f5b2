import { CliError, EXIT } from '../../errors.js';
import { clause, evidence } from '../../lock/observe.js';
import { auditNote } from '../../store/audit.js';
import type { Command } from '../command.js';
import { reportToAgent } from '../control.js';
import { NEXT_STEP } from '../lock-view.js';
import { refuseRemoteOnly, remote, SINGLE_OPTIONS } from '../remote/options.js';
import { remoteReclaim } from '../remote/single.js';

export const reclaim: Command = {
  name: 'reclaim',
  summary: 'clear a ghost lock (STALE: its owner is provably gone), audited',
  usage:
    'aimlock reclaim [--dry-run] [--reason TEXT] [--json] | aimlock reclaim --device D --fleet F --key KEY [--broker URL] [--timeout 30s]',
  options: { 'dry-run': { type: 'boolean' }, reason: { type: 'string' }, ...SINGLE_OPTIONS },
  help: `
Reclaims the lock only when it is STALE: the lock bit is set but its owner is provably gone (process dead,
pid reused, another boot, or no readable owner record) and no process holds a kernel lock. It takes the kernel
locks first, re-reads bit and owner under them, clears them, and writes the audit log. Any other verdict is
left alone: a live process may still be writing (see aimlock release --force for the bypass). A running agent
is told and publishes lock_reclaimed; an agent that is down publishes it when it next starts.

  --dry-run      say whether it would reclaim, change nothing
  --reason TEXT  recorded in the audit log (default "technician reclaim")

Exit: 0 reclaimed (or would be, with --dry-run); 3 not stale (the verdict is printed).

From the desk: --device D --fleet F --key KEY sends drone D a signed "reclaim" command (the key needs the
"reclaim" capability there); the device reclaims only a STALE lock, exactly as above. Exit 0 reclaimed; 3 the
device refused because of the lock (its verdict and next step printed); 1 refused for another reason
(capability, signature …); 5 no answer within --timeout (default 30s).
Example: aimlock reclaim --device drone-02 --fleet alpha --key ops-2026.key`,
  async run(ctx) {
    if (ctx.values.device !== undefined) return remoteReclaim(ctx, remote(ctx, '30s'));
    refuseRemoteOnly(ctx, 'aimlock reclaim --device D --fleet F --key KEY');
    const board = ctx.board();
    const dryRun = ctx.values['dry-run'] === true;
    const reason = ctx.string('reason') ?? 'technician reclaim';
    const cleared = await board.locksmith.reclaim(board.actor, { dryRun, reason });
    const { reclaimed, observation: o } = cleared;
    if (o.verdict !== 'STALE' || (!dryRun && !reclaimed)) {
      throw new CliError(
        'not_stale',
        `the lock is ${o.verdict}, not STALE: ${clause(o.reason)}. Next: ${NEXT_STEP[o.verdict]}`,
        {
          lock: evidence(o),
        },
      );
    }
    // A running agent publishes it (lock_reclaimed) now; a stopped one when it next starts.
    const told =
      !dryRun &&
      (await reportToAgent(board, 'reclaimed', { reason, previous: evidence(o), actor: board.actor }));
    const what = dryRun ? 'would reclaim' : 'reclaimed';
    ctx.emit(
      {
        reclaimed,
        dry_run: dryRun,
        lock: evidence(o),
        agent_told: told,
        audit_failed: cleared.auditFailed ?? null,
      },
      `${what} ghost lock on ${board.paths.fileName}: ${o.reason}${dryRun ? '' : told ? ' (the agent published lock_reclaimed)' : ' (the agent publishes lock_reclaimed when it next starts)'}${auditNote(cleared)}`,
    );
    return EXIT.ok;
  },
};
