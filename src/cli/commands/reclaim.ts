import { CliError, EXIT } from '../../errors.js';
import { clause, evidence } from '../../lock/observe.js';
import type { Command } from '../command.js';
import { reportToAgent } from '../control.js';
import { NEXT_STEP } from '../lock-view.js';

export const reclaim: Command = {
  name: 'reclaim',
  summary: 'clear a ghost lock (STALE: its owner is provably gone), audited',
  usage: 'aimlock reclaim [--dry-run] [--reason TEXT] [--json]',
  options: { 'dry-run': { type: 'boolean' }, reason: { type: 'string' } },
  help: `
Reclaims the lock only when it is STALE: the lock bit is set but its owner is provably gone (process dead,
pid reused, another boot, or no readable owner record) and no process holds a kernel lock. It takes the kernel
locks first, re-reads bit and owner under them, clears them, and writes the audit log. Any other verdict is
left alone: a live process may still be writing (see aimlock release --force for the bypass). A running agent
is told and publishes lock_reclaimed; an agent that is down publishes it when it next starts.

  --dry-run      say whether it would reclaim, change nothing
  --reason TEXT  recorded in the audit log (default "technician reclaim")

Exit: 0 reclaimed (or would be, with --dry-run); 3 not stale (the verdict is printed).`,
  async run(ctx) {
    const board = ctx.board();
    const dryRun = ctx.values['dry-run'] === true;
    const reason = ctx.string('reason') ?? 'technician reclaim';
    const { reclaimed, observation: o } = await board.locksmith.reclaim(board.actor, { dryRun, reason });
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
      { reclaimed, dry_run: dryRun, lock: evidence(o), agent_told: told },
      `${what} ghost lock on ${board.paths.fileName}: ${o.reason}${dryRun ? '' : told ? ' (the agent published lock_reclaimed)' : ' (the agent publishes lock_reclaimed when it next starts)'}`,
    );
    return EXIT.ok;
  },
};
