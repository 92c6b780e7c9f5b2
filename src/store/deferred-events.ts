// Telemetry a command could not hand to the agent because none was running (`aimlock release --force` or
// `aimlock reclaim` on a board whose agent is down): `{state_dir}/deferred-events/`, one file per event, which
// the agent publishes when it next starts, oldest first, and then removes.
//
// INVARIANTS
// - The agent's outbox has one owner (the agent); commands never write into it. This folder is the hand-over.
// - One file per event, written atomically (whole or absent), named by its time and a random suffix, so two
//   commands never collide and name order is the order they happened.
// - A file the agent cannot read is left where it is (and logged): nothing is lost by a bad neighbour.
// - The commands that leave events run as root; the folder is the agent's (owned.ts): what root makes there
//   belongs to the agent's user, and no link there is followed.
// - An event is claimed (renamed to a dot name) before it is published and removed after: one the agent
//   cannot claim (not its own to move) is left and logged, never published — publishing it again on every
//   start would be a duplicate each time. A claimed one left by a crash is published at the next start
//   (at least once).
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isRecord, readJsonFile, writeJsonFile } from './json-file.js';
import { type Dir, inDirectory, type OwnedTree } from './owned.js';

/** What a technician's command reports to the agent, and the telemetry event the agent publishes for it. */
export const TECHNICIAN_EVENTS = {
  force_released: 'lock_force_released',
  reclaimed: 'lock_reclaimed',
} as const;
export type TechnicianReport = keyof typeof TECHNICIAN_EVENTS;

export interface DeferredEvent {
  event: string;
  fields: Record<string, unknown>;
  /** When it happened (RFC 3339); the telemetry's own `ts` is when it is published. */
  occurred_at: string;
}

const NAME_RE = /^\d{13}-[0-9a-f]{8}\.json$/;

const CLAIMED_PREFIX = '.claimed-';

/** `tree`: the state directory (the board passes it); atomicWrite makes the folder through it, the agent's. */
export async function leaveForAgent(
  dir: string,
  event: string,
  fields: Record<string, unknown>,
  tree?: OwnedTree,
): Promise<void> {
  const now = new Date();
  if (!tree) await mkdir(dir, { recursive: true });
  const name = `${String(now.getTime()).padStart(13, '0')}-${randomBytes(4).toString('hex')}.json`;
  const doc: DeferredEvent = { event, fields, occurred_at: now.toISOString() };
  await writeJsonFile(join(dir, name), doc, { tree });
}

export interface DrainReport {
  /** Names that are not events (left in place). */
  unreadable: string[];
  /** Names the agent could not claim (rename failed: e.g. a file of root's in a folder of root's). */
  stuck: Array<{ name: string; error: string }>;
}

/**
 * Hands every waiting event to `publish` (oldest first) and removes it once `publish` resolved. An event
 * that cannot be claimed is reported, not published, and does not stop the others.
 */
export async function drainDeferred(
  dir: string,
  publish: (e: DeferredEvent) => Promise<void>,
  tree?: OwnedTree,
): Promise<DrainReport> {
  const report: DrainReport = { unreadable: [], stuck: [] };
  try {
    await inDirectory(dir, tree, false, async (d) => {
      const all = await readdir(d.at(''));
      // Claimed by a start that crashed before removing them: they go first, they are the oldest.
      const claimed = all.filter(
        (n) => n.startsWith(CLAIMED_PREFIX) && NAME_RE.test(n.slice(CLAIMED_PREFIX.length)),
      );
      const waiting = all.filter((n) => NAME_RE.test(n));
      for (const name of [...claimed.sort(), ...waiting.sort()]) await drainOne(d, name, publish, report);
    });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return report;
    throw err;
  }
  return report;
}

async function drainOne(
  d: Dir,
  name: string,
  publish: (e: DeferredEvent) => Promise<void>,
  report: DrainReport,
): Promise<void> {
  const doc = await readJsonFile(d.at(name)).catch(() => null);
  if (!isRecord(doc) || typeof doc.event !== 'string' || !isRecord(doc.fields)) {
    report.unreadable.push(name);
    return;
  }
  let claimed = name;
  if (!name.startsWith(CLAIMED_PREFIX)) {
    claimed = `${CLAIMED_PREFIX}${name}`;
    try {
      await rename(d.at(name), d.at(claimed));
    } catch (err) {
      report.stuck.push({ name, error: (d.named(err) as Error).message });
      return;
    }
  }
  await publish({ event: doc.event, fields: doc.fields, occurred_at: String(doc.occurred_at) });
  await unlink(d.at(claimed));
}
