// Opening `{config}.lock`, for the kernel locks (kernel.ts) and the wait for them to free (wake.ts).
// The file sits in the state directory, which the agent's user owns, and root takes these locks too: it is
// opened through the tree (store/owned.ts) — never through a link, only as a regular file with one link — and
// a lock file root creates belongs to the agent's user (else the agent's next open fails EACCES).
import { constants as fsc } from 'node:fs';
import { basename } from 'node:path';
import { explainLink, type OwnedTree, openInPlace, openParent } from '../store/owned.js';

/** Never truncates: the file's content is irrelevant and other holders may have it open. */
export function openLockFile(path: string, tree: OwnedTree | undefined): number {
  const dir = openParent(path, tree, tree !== undefined);
  try {
    return openInPlace(dir, basename(path), fsc.O_RDWR, 0o644);
  } catch (err) {
    throw explainLink(err, path);
  } finally {
    dir.close();
  }
}
