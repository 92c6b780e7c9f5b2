// The outbox on disk, `{state_dir}/outbox/journal.jsonl`: one append-only journal, so that queueing a
// message costs one fdatasync of a file that already exists — not a temporary file, its fsync, a rename and a
// directory fsync per message (src/store/DURABILITY.md).
//
// FORMAT (one JSON object per line, each line written by one write(2))
// - `{"seq":N,"topic":…,"payload":…,"retain":bool}`: message N was queued. Durable (fdatasync) before
//   enqueue() resolves.
// - `{"done":N}`: message N left the queue (acknowledged, dropped at the bound, or refused and set aside).
//   Not synced: a power cut that loses it only sends the message again (the outbox is at least once anyway).
// - A last line without its newline was torn by a crash mid-write: it was never synced, so nobody was told it
//   was queued; it is ignored, like any line that is not one of the two records above.
//
// This module only reads and formats; outbox.ts owns the writing and its order.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const JOURNAL_NAME = 'journal.jsonl';
/** Per-message files of the layout before the journal (`000000000042.json`): imported at load. */
export const LEGACY_ITEM_RE = /^(\d+)\.json$/;

export interface JournalItem {
  seq: number;
  topic: string;
  payload: string;
  retain: boolean;
}

export interface JournalRead {
  /** Waiting messages, ascending seq. */
  items: Map<number, JournalItem>;
  /** The highest seq recorded (queued or done): the next one is above it. */
  maxSeq: number;
  /** Lines that no longer describe a waiting message (done records, messages done, torn or foreign lines). */
  dead: number;
  /** The file does not end in a newline (torn by a crash): it must be rewritten before the next append. */
  torn: boolean;
}

export function messageLine(item: JournalItem): string {
  return `${JSON.stringify({ seq: item.seq, topic: item.topic, payload: item.payload, retain: item.retain })}\n`;
}

export function doneLine(seq: number): string {
  return `${JSON.stringify({ done: seq })}\n`;
}

/** Replays a journal's text into the messages still waiting. */
export function parseJournal(text: string): JournalRead {
  const items = new Map<number, JournalItem>();
  let maxSeq = 0;
  let dead = 0;
  const lines = text.split('\n');
  const torn = lines.at(-1) !== '';
  if (torn) dead++;
  for (const line of lines.slice(0, -1)) {
    const rec = parseLine(line);
    if (!rec) {
      dead++;
    } else if ('done' in rec) {
      maxSeq = Math.max(maxSeq, rec.done);
      if (items.delete(rec.done)) dead++;
      dead++;
    } else {
      maxSeq = Math.max(maxSeq, rec.seq);
      if (items.has(rec.seq)) dead++;
      items.set(rec.seq, rec);
    }
  }
  const sorted = new Map([...items].sort(([a], [b]) => a - b));
  return { items: sorted, maxSeq, dead, torn };
}

function parseLine(line: string): JournalItem | { done: number } | null {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof v !== 'object' || v === null) return null;
  const r = v as Record<string, unknown>;
  if (Number.isSafeInteger(r.done)) return { done: r.done as number };
  if (!Number.isSafeInteger(r.seq) || typeof r.topic !== 'string' || typeof r.payload !== 'string')
    return null;
  return { seq: r.seq as number, topic: r.topic, payload: r.payload, retain: r.retain === true };
}

/**
 * The sequence numbers waiting in the outbox at `dir`, read straight from disk (journal and any per-message
 * files of the older layout): for tests and tools that look from outside the agent.
 */
export function waitingOnDisk(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const seqs = names.map((n) => LEGACY_ITEM_RE.exec(n)).flatMap((m) => (m ? [Number(m[1])] : []));
  if (names.includes(JOURNAL_NAME))
    seqs.push(...parseJournal(readFileSync(join(dir, JOURNAL_NAME), 'utf8')).items.keys());
  return seqs.sort((a, b) => a - b);
}
