// Telemetry a command could not hand to the agent because none was running (`aimlock release --force` or
// `aimlock reclaim` on a board whose agent is down): `{state_dir}/deferred-events/`, one file per event, which
// the agent publishes when it next starts, oldest first, and then removes.
//
// INVARIANTS
// - The agent's outbox has one owner (the agent); commands never write into it. This folder is the hand-over.
// - One file per event, written atomically (whole or absent), named by its time and a random suffix, so two
//   commands never collide and name order is the order they happened.
// - A file the agent cannot read is left where it is (and logged): nothing is lost by a bad neighbour.
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { isRecord, readJsonFile, writeJsonFile } from './json-file.js';

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

export async function leaveForAgent(
  dir: string,
  event: string,
  fields: Record<string, unknown>,
): Promise<void> {
  const now = new Date();
  await mkdir(dir, { recursive: true });
  const name = `${String(now.getTime()).padStart(13, '0')}-${randomBytes(4).toString('hex')}.json`;
  const doc: DeferredEvent = { event, fields, occurred_at: now.toISOString() };
  await writeJsonFile(join(dir, name), doc);
}

/**
 * Hands every waiting event to `publish` (oldest first) and removes it once `publish` resolved. Returns the
 * names it could not read.
 */
export async function drainDeferred(
  dir: string,
  publish: (e: DeferredEvent) => Promise<void>,
): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => NAME_RE.test(n)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const unreadable: string[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const doc = await readJsonFile(path).catch(() => null);
    if (!isRecord(doc) || typeof doc.event !== 'string' || !isRecord(doc.fields)) {
      unreadable.push(name);
      continue;
    }
    await publish({ event: doc.event, fields: doc.fields, occurred_at: String(doc.occurred_at) });
    await unlink(path);
  }
  return unreadable;
}
