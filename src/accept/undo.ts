// Undoing an apply that failed after its point of no return (the rename of the new config into place):
// restore the previous bytes, tell the controller (run the hook again), and find out what is really live.
//
// INVARIANTS
// - The answer is decided by what is on disk afterwards, read back, not by which step threw: a restore
//   whose rename happened but whose directory fsync failed has still put the previous bytes in place.
// - The hook runs again only when it ran for the new config (the controller may have loaded it) and the
//   previous file is back; its failure is reported (`reloadFailed`), never hidden.
// - Nothing here retries a failed write: one restore attempt, then the truth.
import { unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { atomicWrite, fsyncDir, RenamedNotDurable, wasRenamed } from '../store/atomic.js';
import { configSha256 } from '../store/conf.js';
import type { OwnedTree } from '../store/owned.js';
import { runHook } from './hook.js';
import { readLive } from './live.js';

export interface UndoInput {
  configPath: string;
  /** The state directory (owned.ts): the restore follows no link, and root's file goes to its owner. */
  tree?: OwnedTree;
  /** The previous bytes (null: there was no config). */
  previous: Buffer | null;
  /** sha256 of the new config that was renamed into place. */
  newSha: string;
  /** The hook ran for the new config: run it again once the previous file is back. */
  hookRan: boolean;
  hook: { command: readonly string[]; timeoutMs: number; env: Record<string, string> };
}

export interface UndoOutcome {
  /** What is live now: the previous config (or none, as before), the new one, or unknown (unreadable). */
  live: 'previous' | 'new' | 'unknown';
  /** A sentence for the result's detail. */
  detail: string;
  /** The second hook run failed: the controller may still run the new config. */
  reloadFailed: string | null;
}

async function restore(path: string, previous: Buffer | null, tree?: OwnedTree): Promise<string | null> {
  try {
    if (previous) await atomicWrite(path, previous, { tree });
    else {
      await unlink(path).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      // The file is gone for every reader now; only its durability is in doubt when this fails.
      await fsyncDir(dirname(path)).catch((err: unknown) => {
        throw new RenamedNotDurable(path, err);
      });
    }
    return null;
  } catch (err) {
    return wasRenamed(err)
      ? `the previous config is back but not confirmed durable (${(err as Error).message})`
      : `the previous config could not be restored (${(err as Error).message})`;
  }
}

async function whatIsLive(input: UndoInput): Promise<UndoOutcome['live']> {
  try {
    const live = await readLive(input.configPath, input.tree);
    if (live === null) return input.previous === null ? 'previous' : 'unknown';
    if (input.previous !== null && live.sha256 === configSha256(input.previous)) return 'previous';
    return live.sha256 === input.newSha ? 'new' : 'unknown';
  } catch {
    return 'unknown';
  }
}

export async function undoApply(input: UndoInput): Promise<UndoOutcome> {
  const problem = await restore(input.configPath, input.previous, input.tree);
  const live = await whatIsLive(input);
  const before = input.previous ? 'the previous config' : 'no config (as before)';
  if (live === 'new')
    return {
      live,
      detail: `${problem ?? 'the restore failed'}: the new config is still live`,
      reloadFailed: null,
    };
  if (live === 'unknown')
    return {
      live,
      detail: `${problem ?? 'the restore could not be checked'}: what is live could not be read back`,
      reloadFailed: null,
    };
  const durability = problem ? ` (${problem})` : '';
  if (!input.hookRan) return { live, detail: `${before} was restored${durability}`, reloadFailed: null };
  const again = await runHook(input.hook.command, input.hook.timeoutMs, input.hook.env);
  if (again.ok)
    return {
      live,
      detail: `${before} was restored and the controller reloaded${durability}`,
      reloadFailed: null,
    };
  return {
    live,
    detail: `${before} was restored${durability}, but running the hook again failed too (${again.detail}): the controller may still run the new config`,
    reloadFailed: again.detail,
  };
}
