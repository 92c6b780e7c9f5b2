// The agent's first look at the lock, before it accepts any push: a ghost left by a process of an earlier boot
// (or one killed since) is reclaimed here when the policy allows it (`lock.auto_reclaim` `always` or `boot`) and
// every process is visible (a blind look proves no owner dead). Anything else is only reported.
import type { Board } from '../board/open.js';
import type { Observation } from '../lock/observe.js';

export async function bootLook(
  board: Board,
  policy: 'always' | 'boot' | 'never',
): Promise<{ verdict: string; reclaimed: Observation | null }> {
  const first = await board.locksmith.observe();
  if (first.verdict !== 'STALE' || policy === 'never' || !first.visibility.complete)
    return { verdict: first.verdict, reclaimed: null };
  const { reclaimed, observation } = await board.locksmith.reclaim(board.actor, {
    reason: 'boot reclaim: owner provably gone',
  });
  return reclaimed
    ? { verdict: 'FREE', reclaimed: observation }
    : { verdict: first.verdict, reclaimed: null };
}
