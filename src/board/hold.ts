// A hold stops the agent applying pushes (they are answered `deferred` / `hold` and kept as desired).
// It is a file, not agent memory, so it survives an agent restart and works while the agent is down; a hold
// with an end time ends by itself — a forgotten bypass must not freeze a drone's config forever.
// The file lives in the state directory, which the agent's user owns; a root technician writes it, so every
// access goes through the tree (store/owned.ts): no link followed, a file root makes belongs to the agent.
import { unlink } from 'node:fs/promises';
import type { Actor } from '../lock/actor.js';
import { atomicWrite } from '../store/atomic.js';
import { readText } from '../store/json-file.js';
import { explainLink, inParent, type OwnedTree, UnsafePathError } from '../store/owned.js';

export interface Hold {
  reason: string;
  since: string;
  /** RFC 3339; null = until `aimlock resume`. */
  until: string | null;
  by: Actor;
  /** What put it there: `hold` or `release --force`. */
  origin: string;
}

export async function readHold(path: string, now = Date.now(), tree?: OwnedTree): Promise<Hold | null> {
  let hold: Hold;
  try {
    hold = JSON.parse(await readText(path, tree)) as Hold;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    // An unreadable hold file is still a technician's intent to hold: honour it until they resume. A link
    // where the file belongs is not read through (it could point anywhere) and counts as unreadable.
    const why = explainLink(err, path);
    return {
      reason: why instanceof UnsafePathError ? why.message : `unreadable hold file ${path}`,
      since: new Date(now).toISOString(),
      until: null,
      by: unknownActor,
      origin: 'file',
    };
  }
  if (hold.until && Date.parse(hold.until) <= now) return null;
  return hold;
}

export async function writeHold(path: string, hold: Hold, tree?: OwnedTree): Promise<void> {
  await atomicWrite(path, `${JSON.stringify(hold, null, 2)}\n`, { tree });
}

export async function clearHold(path: string, tree?: OwnedTree): Promise<boolean> {
  try {
    // unlink(2) removes a link itself, never its target; the directory is reached without links.
    await inParent(path, tree, false, (dir, name) => unlink(dir.at(name)));
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

const unknownActor: Actor = {
  uid: -1,
  user: 'unknown',
  sudo_user: null,
  tty: null,
  pid: 0,
  host: '',
  program: 'unknown',
};

/**
 * `500ms`, `30s`, `15m`, `2h`, `1d` → milliseconds; a bare number is seconds (`--timeout 60` is a minute, as
 * an operator means it, never 60 ms). Null when it is none of these.
 */
export function parseDuration(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return null;
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 's'];
  const ms = Number(m[1]) * unit;
  return Number.isFinite(ms) && ms > 0 ? ms : null;
}
