// The agent's first look at the lock, before it accepts any push: a ghost left by a process of an earlier boot
// (or one killed since) is reclaimed here when the policy allows it (`lock.auto_reclaim` `always` or `boot`) and
// every process is visible (a blind look proves no owner dead). Anything else is only reported.
//
// A reclaim that fails (the bit cannot be cleared: EPERM, EROFS, EIO) does not stop the start: an agent that
// exits here is restarted by systemd into the same failure, for ever, and answers nobody. It starts with the
// ghost in place — logged, and reported as a lock mismatch by the collector until a technician clears it.
import type { Logger } from 'pino';
import type { Board } from '../board/open.js';
import { evidence, type Observation } from '../lock/observe.js';

export async function bootLook(
  board: Board,
  policy: 'always' | 'boot' | 'never',
  log: Pick<Logger, 'error'>,
): Promise<{ verdict: string; reclaimed: Observation | null }> {
  const first = await board.locksmith.observe();
  if (first.verdict !== 'STALE' || policy === 'never' || !first.visibility.complete)
    return { verdict: first.verdict, reclaimed: null };
  try {
    const { reclaimed, observation } = await board.locksmith.reclaim(board.actor, {
      reason: 'boot reclaim: owner provably gone',
    });
    return reclaimed
      ? { verdict: 'FREE', reclaimed: observation }
      : { verdict: first.verdict, reclaimed: null };
  } catch (err) {
    log.error(
      { err: (err as Error).message, lock: evidence(first) },
      `could not reclaim the ghost lock on ${board.paths.fileName} at start: ${(err as Error).message}; pushes are refused until it is cleared (fix the cause, then aimlock reclaim)`,
    );
    return { verdict: first.verdict, reclaimed: null };
  }
}
