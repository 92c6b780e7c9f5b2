// A hold stops the agent applying pushes (they are answered `deferred` / `hold` and kept as desired).
// It is a file, not agent memory, so it survives an agent restart and works while the agent is down; a hold
// with an end time ends by itself — a forgotten bypass must not freeze a drone's config forever.
// The file lives in the state directory, which the agent's user owns; a root technician writes it, so every
// access goes through the tree (store/owned.ts): no link followed, a file root makes belongs to the agent.
import { fsync } from 'node:fs';
import { unlink } from 'node:fs/promises';
import type { Actor } from '../lock/actor.js';
import { atomicWrite } from '../store/atomic.js';
import { auditDone } from '../store/audit.js';
import { readTextIfPresent } from '../store/json-file.js';
import { explainLink, inParent, type OwnedTree, UnsafePathError } from '../store/owned.js';
import type { Board } from './open.js';

export interface Hold {
  reason: string;
  since: string;
  /** RFC 3339; null = until `aimlock resume`. */
  until: string | null;
  by: Actor;
  /** What put it there: `hold` or `release --force`. */
  origin: string;
  /** Set (never written) when the file was not a well-formed hold; see readHold. */
  problem?: string;
}

/**
 * The hold in force, or null. Fail safe: a hold file that exists but cannot be read, is not JSON, is not a hold
 * (`null`, an array, no reason) is still a technician's intent to hold — honoured until `aimlock resume`
 * removes the file. A readable hold whose `until` is no date is held until resume too (an end we cannot read
 * must not become "never started", nor a timer that fires at once for ever). Both carry `problem`, which the
 * agent logs and the reason repeats. A link where the file belongs is not read through (it could point
 * anywhere) and counts as unreadable.
 */
export async function readHold(path: string, now = Date.now(), tree?: OwnedTree): Promise<Hold | null> {
  let raw: unknown;
  try {
    const text = await readTextIfPresent(path, tree);
    if (text === null) return null;
    raw = JSON.parse(text);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    const why = explainLink(err, path);
    return unreadable(
      path,
      now,
      why instanceof UnsafePathError ? why.message : ((err as NodeJS.ErrnoException).code ?? 'not JSON'),
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return unreadable(
      path,
      now,
      `it holds ${raw === null ? 'null' : Array.isArray(raw) ? 'an array' : typeof raw}`,
    );
  }
  const hold = raw as Partial<Hold>;
  if (typeof hold.reason !== 'string') return unreadable(path, now, 'it has no reason');
  const complete: Hold = {
    reason: hold.reason,
    since: typeof hold.since === 'string' ? hold.since : new Date(now).toISOString(),
    until: hold.until ?? null,
    by: typeof hold.by === 'object' && hold.by !== null ? hold.by : unknownActor,
    origin: typeof hold.origin === 'string' ? hold.origin : 'file',
  };
  if (complete.until === null) return complete;
  const end = typeof complete.until === 'string' ? Date.parse(complete.until) : Number.NaN;
  if (Number.isNaN(end)) {
    const problem = `its end ${JSON.stringify(complete.until)} is no date; held until aimlock resume`;
    return { ...complete, until: null, reason: `${complete.reason} (${problem})`, problem };
  }
  return end <= now ? null : complete;
}

function unreadable(path: string, now: number, why: string): Hold {
  const problem = `hold file ${path} cannot be read (${why}); held until aimlock resume removes it`;
  return {
    reason: `unreadable hold file ${path} (${why})`,
    since: new Date(now).toISOString(),
    until: null,
    by: unknownActor,
    origin: 'file',
    problem,
  };
}

export async function writeHold(path: string, hold: Hold, tree?: OwnedTree): Promise<void> {
  await atomicWrite(path, `${JSON.stringify(hold, null, 2)}\n`, { tree });
}

/**
 * Puts the board on hold and audits it: the one way a hold is placed, by the technician's `aimlock hold` /
 * `release --force` and by an operator's command alike. Telling a running agent is the caller's part.
 */
export async function placeHold(
  board: Pick<Board, 'paths' | 'tree' | 'actor' | 'audit'>,
  reason: string,
  until: string | null,
  origin: string,
  extra: Record<string, unknown> = {},
): Promise<{ hold: Hold; auditFailed?: string }> {
  const hold: Hold = { reason, since: new Date().toISOString(), until, by: board.actor, origin };
  await writeHold(board.paths.hold, hold, board.tree);
  // In force from here: a missing audit line is said (auditNote), not reported as "no hold".
  const done = await auditDone((e) => board.audit(e), {
    event: 'hold',
    reason,
    until,
    origin,
    actor: board.actor,
    ...extra,
  });
  return { hold, ...done };
}

export async function clearHold(path: string, tree?: OwnedTree): Promise<boolean> {
  try {
    // unlink(2) removes a link itself, never its target; the directory is reached without links. Then the
    // directory fsync: the resume must survive a power cut as the hold did (writeHold is atomic and durable),
    // or the board comes back on hold.
    await inParent(path, tree, false, async (dir, name) => {
      await unlink(dir.at(name));
      await new Promise<void>((resolve, reject) => fsync(dir.fd, (e) => (e ? reject(e) : resolve())));
    });
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
