// Messages (results, telemetry, status) not yet acknowledged by the broker, `{state_dir}/outbox/`. They are
// sent in order on reconnect and removed when the broker acknowledges them (at least once: a crash between
// the broker's ack and ack() only sends a message twice).
//
// INVARIANTS
// - One append-only journal (outbox-journal.ts has the format): a message is one line, appended by one
//   write(2) and made durable by ONE fdatasync before enqueue() resolves — whole or absent after a power cut,
//   and order survives a restart. The message is in the queue (list() shows it, so it may be published) from
//   its write(2) on, while its fdatasync runs: a message sent before it is durable loses nothing a power cut
//   would not lose anyway — the set of messages that survive one is the same either way — and a result that
//   goes out sooner. Taking a message out (ack, drop, refuse) appends a `done` line that is not
//   synced: a power cut may lose it, and the message is then sent again (at least once, as before). Done
//   lines pile up until COMPACT_AT: then a queue that empties truncates the journal (not synced either: the
//   next append's fdatasync carries it), and one where messages still wait is compacted. Truncating at every
//   emptied queue cost 1.2 ms of a push's event loop here (ext4 frees the blocks and journals it), against
//   microseconds for a done line.
// - The journal exists before the first append: load() creates it durably (its directory fsync'd), and
//   rewrites it — compacted, temp + fsync + rename + directory fsync — when it finds a torn last line or
//   per-message files of the older layout (imported, then removed); a journal whose every message is done is
//   truncated instead, as at run time. Start-up and rare costs only.
// - The next sequence number is one past the highest in the journal, so it keeps increasing across restarts
//   while any message waits; an empty outbox may start again at 1 (order only matters among waiting messages).
// - Bounded: at maxItems the OLDEST non-retained message is dropped (a retained status is the desired state
//   of a topic and worth more than old telemetry); only when every message is retained does the oldest one go.
//   enqueue() returns how many were dropped, so the caller can say so.
// - A message the broker refuses for good (an MQTT 5 PUBACK reason code ≥ 0x80, e.g. 0x87 not authorized)
//   leaves the queue — retrying cannot help and would hold every newer message behind it — but is not
//   deleted: refuse() moves it aside as `.refused-{name}` (a hidden name the queue never reads), the newest
//   REFUSED_KEEP of them kept for a technician, so nothing is dropped silently.
// - One process owns an outbox (the agent). Within it, operations run one at a time (a promise queue), so a
//   burst of enqueues cannot overshoot the bound or reuse a sequence number, and journal lines never interleave.
//   Only the fdatasyncs run outside that queue, one at a time, shared by the lines written meanwhile (group
//   commit, group-sync.ts).
// - Nothing is retried after a failed write or fdatasync (after EIO a retry may lie): the operation fails, and
//   the journal is rewritten from memory before the next append that starts after the failure is known (a
//   failed write may have left half a line). A message whose write succeeded but whose fdatasync failed stays
//   queued (it is sent, maybe already was; that rewrite makes it durable): enqueue() then rejects with
//   NotDurableError, so the caller neither sends it a second time nor calls it safe across a power cut.
import { closeSync, fdatasync, constants as fsc, ftruncateSync, openSync, writeSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { atomicWrite, sweepTempFiles } from './atomic.js';
import { GroupSync } from './group-sync.js';
import { isRecord, readJsonFile, writeJsonFile } from './json-file.js';
import {
  doneLine,
  JOURNAL_NAME,
  type JournalItem,
  LEGACY_ITEM_RE,
  messageLine,
  parseJournal,
} from './outbox-journal.js';

const fdatasyncAsync = promisify(fdatasync);

export interface OutboxMessage {
  topic: string;
  payload: string;
  retain?: boolean;
}

export type OutboxItem = JournalItem;

const REFUSED_RE = /^\.refused-(\d+)\.json$/;
/** Refused messages kept for a technician to read; older ones are removed. */
export const REFUSED_KEEP = 100;
/** Lines that no longer describe a waiting message (a done message counts 2: its line and its done line) kept
 *  in the journal before it is emptied (no sync) or, while messages wait, compacted (2 syncs). */
const COMPACT_AT = 256;
const JOURNAL_MODE = 0o640;
// O_NONBLOCK: a FIFO planted where the journal belongs fails the open (ENXIO) instead of freezing the agent.
const APPEND_FLAGS = fsc.O_WRONLY | fsc.O_APPEND | fsc.O_NOFOLLOW | fsc.O_NONBLOCK;

export function outboxFileName(seq: number): string {
  return `${String(seq).padStart(12, '0')}.json`;
}

export class Outbox {
  readonly maxItems: number;
  /** Waiting messages in ascending seq order; null until loaded from disk. */
  private index: Map<number, OutboxItem> | null = null;
  private nextSeq = 1;
  /** Lines in the journal that no longer describe a waiting message. */
  private dead = 0;
  /** A write failed part-way: the journal may end in half a line, so it is rewritten before the next append. */
  private suspect = false;
  private queue: Promise<unknown> = Promise.resolve();
  /** The journal's fdatasyncs, one at a time, shared by the lines written meanwhile (group-sync.ts). */
  private readonly syncs = new GroupSync(fdatasyncAsync, () => {
    this.suspect = true; // rewritten before the next append
  });
  private readonly journal: string;

  constructor(
    readonly dir: string,
    opts: { maxItems?: number } = {},
  ) {
    const max = opts.maxItems ?? 1000;
    if (!Number.isSafeInteger(max) || max < 1)
      throw new RangeError(`outbox maxItems must be an integer ≥ 1, got ${max}`);
    this.maxItems = max;
    this.journal = join(dir, JOURNAL_NAME);
  }

  /**
   * Queues a message; resolves once it is durable. `queued` is called as soon as it is in the queue, before its
   * fdatasync (see the header): the moment to start sending it.
   */
  async enqueue(msg: OutboxMessage, queued?: () => void): Promise<{ seq: number; dropped: number }> {
    const { result, synced } = await this.serial(async (index) => {
      const victims: number[] = [];
      const left = new Map(index);
      while (left.size >= this.maxItems) {
        const victim = this.oldest(left, false) ?? this.oldest(left, true)!;
        left.delete(victim);
        victims.push(victim);
      }
      const seq = this.nextSeq++;
      const item: OutboxItem = { seq, topic: msg.topic, payload: msg.payload, retain: msg.retain ?? false };
      // The drops and the message in one write and one fdatasync: the crash point that needs it is a power
      // cut after the caller was told the message is queued (a result answered `applied` must still go out).
      const written = await this.append(victims.map(doneLine).join('') + messageLine(item), true);
      for (const v of victims) index.delete(v);
      this.dead += 2 * victims.length;
      index.set(seq, item);
      return { result: { seq, dropped: victims.length }, synced: written.synced };
    });
    queued?.();
    // Outside the serial queue: list() and the flusher's publish need not wait for the disk.
    await synced.catch((err: unknown) => {
      throw new NotDurableError(this.journal, err);
    });
    return result;
  }

  /** Every waiting message, oldest first. */
  list(): Promise<OutboxItem[]> {
    return this.serial(async (index) => [...index.values()].map((i) => ({ ...i })));
  }

  /** Removes a message the broker acknowledged; false when it was not (or no longer) waiting. */
  ack(seq: number): Promise<boolean> {
    return this.serial(async (index) => {
      if (!index.has(seq)) return false;
      await this.takeOut(index, seq);
      return true;
    });
  }

  /**
   * Takes a message the broker refused for good out of the queue, keeping it aside (`.refused-{name}`).
   * Returns the path it was kept at, or null when it was not waiting.
   */
  refuse(seq: number): Promise<string | null> {
    return this.serial(async (index) => {
      const item = index.get(seq);
      if (!item) return null;
      const kept = join(this.dir, `.refused-${outboxFileName(seq)}`);
      // Not synced: if a power cut loses it, it loses the done line too, and the message is refused again.
      await writeJsonFile(kept, item, { durable: false });
      await this.takeOut(index, seq);
      const refused = (await readdir(this.dir))
        .map((n) => REFUSED_RE.exec(n))
        .filter((m): m is RegExpExecArray => m !== null)
        .map((m) => Number(m[1]))
        .sort((a, b) => b - a);
      for (const old of refused.slice(REFUSED_KEEP))
        await unlink(join(this.dir, `.refused-${outboxFileName(old)}`)).catch(() => {});
      return kept;
    });
  }

  size(): Promise<number> {
    return this.serial(async (index) => index.size);
  }

  private serial<T>(op: (index: Map<number, OutboxItem>) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => op(await this.load()));
    this.queue = run.catch(() => {});
    return run;
  }

  private oldest(index: Map<number, OutboxItem>, retained: boolean): number | undefined {
    for (const [seq, item] of index) if (item.retain === retained) return seq;
    return undefined;
  }

  /** A message leaves the queue: a done line (not synced); once done lines pile up, an emptied journal or a
   *  compaction. */
  private async takeOut(index: Map<number, OutboxItem>, seq: number): Promise<void> {
    const rest = new Map(index);
    rest.delete(seq);
    const piled = this.dead + 2 >= COMPACT_AT;
    if (piled && rest.size === 0) await this.truncate();
    else if (piled && this.dead + 2 > 2 * rest.size) await this.rewrite(rest);
    else {
      await this.append(doneLine(seq), false);
      this.dead += 2;
    }
    index.delete(seq);
  }

  /**
   * One write(2) of whole lines at the end of the journal; when `sync`, the promise of the fdatasync that
   * covers it (`synced`: group-sync.ts). Only the fdatasync leaves the event loop: open, write and close of a
   * local file take microseconds.
   */
  private async append(lines: string, sync: boolean): Promise<{ synced: Promise<void> }> {
    if (this.suspect) await this.rewrite(this.index ?? new Map());
    const buf = Buffer.from(lines, 'utf8');
    const fd = openSync(this.journal, APPEND_FLAGS);
    try {
      const bytesWritten = writeSync(fd, buf, 0, buf.length);
      if (bytesWritten !== buf.length)
        throw new Error(`short write to ${this.journal} (${bytesWritten} of ${buf.length} bytes)`);
    } catch (err) {
      this.suspect = true;
      closeSync(fd);
      throw err;
    }
    if (!sync) {
      closeSync(fd);
      return { synced: Promise.resolve() };
    }
    const synced = this.syncs.sync(fd);
    synced.catch(() => {}); // its caller awaits it, a few microtasks later
    return { synced };
  }

  /** Empties the journal (every message is out). Not synced: at worst a power cut sends them again. */
  private async truncate(): Promise<void> {
    const fd = openSync(this.journal, fsc.O_WRONLY | fsc.O_NOFOLLOW | fsc.O_NONBLOCK);
    try {
      ftruncateSync(fd, 0);
    } finally {
      closeSync(fd);
    }
    this.dead = 0;
    this.suspect = false;
  }

  /** Replaces the journal by exactly the waiting messages, durably (temp, fsync, rename, directory fsync). */
  private async rewrite(items: Map<number, OutboxItem>): Promise<void> {
    await atomicWrite(this.journal, [...items.values()].map(messageLine).join(''), { mode: JOURNAL_MODE });
    this.dead = 0;
    this.suspect = false;
  }

  private async load(): Promise<Map<number, OutboxItem>> {
    if (this.index) return this.index;
    await mkdir(this.dir, { recursive: true });
    await sweepTempFiles(this.dir);
    const text = await readFile(this.journal, {
      encoding: 'utf8',
      flag: fsc.O_RDONLY | fsc.O_NOFOLLOW,
    }).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return null;
      throw err;
    });
    const read = parseJournal(text ?? '');
    const index = read.items;
    let maxSeq = read.maxSeq;
    // Per-message files of the older layout: imported into the journal, then removed (after it is durable).
    const legacy: string[] = [];
    for (const name of (await readdir(this.dir)).sort()) {
      const m = LEGACY_ITEM_RE.exec(name);
      if (!m) continue;
      const seq = Number(m[1]);
      const path = join(this.dir, name);
      maxSeq = Math.max(maxSeq, seq);
      const item = await readLegacyItem(path).catch(() => null);
      // Unreadable items cannot be sent; they are moved aside (hidden) rather than blocking the queue forever.
      if (!item) {
        await rename(path, join(this.dir, `.corrupt-${name}`)).catch(() => {});
        continue;
      }
      legacy.push(path);
      // A file the journal already knows is a leftover of an import that crashed before removing it.
      if (seq > read.maxSeq) index.set(seq, { ...item, seq });
    }
    const sorted = new Map([...index].sort(([a], [b]) => a - b));
    if (text === null || read.torn || legacy.length > 0) await this.rewrite(sorted);
    else if (sorted.size === 0 && read.dead > 0) await this.truncate();
    else this.dead = read.dead;
    for (const path of legacy) await unlink(path).catch(() => {});
    this.nextSeq = maxSeq + 1;
    this.index = sorted;
    return sorted;
  }
}

/** The message is queued (and will be sent) but its fdatasync failed: a power cut may lose it. */
export class NotDurableError extends Error {
  constructor(journal: string, cause: unknown) {
    super(`${journal}: message queued but not durable (${(cause as Error).message})`, { cause });
    this.name = 'NotDurableError';
  }
}

async function readLegacyItem(path: string): Promise<Omit<OutboxItem, 'seq'> | null> {
  const value = await readJsonFile(path);
  if (!isRecord(value) || typeof value.topic !== 'string' || typeof value.payload !== 'string') return null;
  return { topic: value.topic, payload: value.payload, retain: value.retain === true };
}
