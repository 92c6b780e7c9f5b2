// Every push the agent refuses leaves a line in the board's audit log, whatever the code. Applies and rollbacks
// are audited under the lock by applyConfig (accept/), so `rolled_back` and `apply_incomplete` are not repeated
// here. A full or failing disk must not swallow the answer: the line is given up on, loudly, and the answer goes.
import type { Logger } from 'pino';
import type { Board } from '../board/open.js';
import type { ResultFields } from './messages.js';

export async function auditRejection(board: Board, f: ResultFields, log: Logger): Promise<void> {
  if (f.code === 'rolled_back' || f.code === 'apply_incomplete') return;
  await board
    .audit({
      event: 'rejected',
      id: f.id,
      version: f.version,
      ...(f.rollout ? { rollout: f.rollout } : {}),
      code: f.code,
      detail: f.detail,
      ...(f.errors?.length ? { errors: f.errors } : {}),
      actor: board.actor,
    })
    .catch((err: unknown) =>
      log.error({ err, id: f.id, code: f.code }, 'rejection not written to the audit log'),
    );
}
