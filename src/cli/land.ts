// A technician's apply or rollback: the agent's own lock-aware apply path, with CLI exit statuses.
import { randomUUID } from 'node:crypto';
import { type ApplyOutcome, applyConfig } from '../accept/apply.js';
import { CliError, EXIT } from '../errors.js';
import { LockError } from '../lock/locksmith.js';
import { evidence } from '../lock/observe.js';
import type { AimConfig } from '../schemas/index.js';
import type { Context } from './command.js';
import { reportToAgent } from './control.js';
import { NEXT_STEP } from './lock-view.js';

export async function land(
  ctx: Context,
  config: AimConfig,
  source: 'local' | 'rollback',
  reason: string,
): Promise<number> {
  const board = ctx.board();
  const id = `${source}-${randomUUID()}`;
  ctx.note(`taking the lock on ${board.paths.fileName} (waits up to ${board.settings.lock.wait_ms} ms)…`);
  let outcome: ApplyOutcome;
  try {
    outcome = await applyConfig(board, {
      config,
      id,
      version: 'next',
      source,
      purpose: `${source} by ${board.actor.sudo_user ?? board.actor.user}: ${reason}`,
      reason,
      waitMs: board.settings.lock.wait_ms,
      reclaimStale: board.settings.lock.auto_reclaim === 'always',
    });
  } catch (err) {
    if (!(err instanceof LockError)) throw err;
    const o = err.observation;
    await board.audit({
      event: 'rejected',
      id,
      source,
      code: err.code,
      detail: err.message,
      reason,
      actor: board.actor,
    });
    throw new CliError(err.code, `${err.message}. Nothing was written. Next: ${NEXT_STEP[o.verdict]}`, {
      lock: evidence(o),
    });
  }
  // It found a ghost and reclaimed it on its way in: a running agent publishes that (lock_reclaimed).
  if (outcome.lock.verdict === 'STALE')
    await reportToAgent(board, 'reclaimed', {
      reason: `reclaimed by aimlock ${source === 'local' ? 'apply' : 'rollback'}: ${reason}`,
      previous: outcome.lock,
      actor: board.actor,
    });
  if (outcome.status !== 'applied') {
    throw new CliError('apply_failed', `${outcome.code}: ${outcome.detail}`, { result: outcome });
  }
  ctx.emit(
    { id, ...outcome },
    `applied version ${outcome.version} (${source}), generation ${outcome.generation}, sha256 ${outcome.sha256.slice(0, 12)}…`,
  );
  for (const note of outcome.notes ?? []) ctx.note(`warning: ${note}`);
  return EXIT.ok;
}
