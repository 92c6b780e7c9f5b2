// Messages (results, telemetry, status) not yet acknowledged by the broker, `{state_dir}/outbox/`. They are
// sent in order on reconnect and removed when the broker acknowledges them (at least once: a crash between
// the broker's ack and ack() only sends a message twice).
//
// INVARIANTS
// - One file per message, named by a zero-padded sequence number (`000000000042.json`), written atomically
//   and durably before enqueue() resolves: a message is whole or absent, and order survives a restart.
// - The next sequence number is one past the highest on disk, so it keeps increasing across restarts while
//   any message waits; an empty outbox may start again at 1 (order only matters among waiting messages).
// - Bounded: at maxItems the OLDEST non-retained message is dropped (a retained status is the desired state
//   of a topic and worth more than old telemetry); only when every message is retained does the oldest one go.
//   enqueue() returns how many were dropped, so the caller can say so.
// - A message the broker refuses for good (an MQTT 5 PUBACK reason code ≥ 0x80, e.g. 0x87 not authorized)
//   leaves the queue — retrying cannot help and would hold every newer message behind it — but is not
//   deleted: refuse() moves it aside as `.refused-{name}` (a hidden name the queue never reads), the newest
//   REFUSED_KEEP of them kept for a technician, so nothing is dropped silently.
// - One process owns an outbox (the agent). Within it, operations run one at a time (a promise queue), so a
//   burst of enqueues cannot overshoot the bound or reuse a sequence number.
import { mkdir, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { sweepTempFiles } from './atomic.js';
import { isRecord, readJsonFile, writeJsonFile } from './json-file.js';

export interface OutboxMessage {
  topic: string;
  payload: string;
  retain?: boolean;
}

export interface OutboxItem {
  seq: number;
  topic: string;
  payload: string;
  retain: boolean;
}

const ITEM_RE = /^(\d+)\.json$/;
const REFUSED_RE = /^\.refused-(\d+)\.json$/;
/** Refused messages kept for a technician to read; older ones are removed. */
export const REFUSED_KEEP = 100;

export function outboxFileName(seq: number): string {
  return `${String(seq).padStart(12, '0')}.json`;
}

export class Outbox {
  readonly maxItems: number;
  /** seq → retain, in ascending seq order; null until loaded from disk. */
  private index: Map<number, boolean> | null = null;
  private nextSeq = 1;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly dir: string,
    opts: { maxItems?: number } = {},
  ) {
    const max = opts.maxItems ?? 1000;
    if (!Number.isSafeInteger(max) || max < 1)
      throw new RangeError(`outbox maxItems must be an integer ≥ 1, got ${max}`);
    this.maxItems = max;
  }

  enqueue(msg: OutboxMessage): Promise<{ seq: number; dropped: number }> {
    return this.serial(async (index) => {
      let dropped = 0;
      while (index.size >= this.maxItems) {
        const victim = this.oldest(index, false) ?? this.oldest(index, true)!;
        await this.remove(index, victim);
        dropped++;
      }
      const seq = this.nextSeq++;
      const item: OutboxItem = { seq, topic: msg.topic, payload: msg.payload, retain: msg.retain ?? false };
      await writeJsonFile(join(this.dir, outboxFileName(seq)), item);
      index.set(seq, item.retain);
      return { seq, dropped };
    });
  }

  /** Every waiting message, oldest first. */
  list(): Promise<OutboxItem[]> {
    return this.serial(async (index) => {
      const items: OutboxItem[] = [];
      for (const seq of index.keys()) {
        const item = await readItem(join(this.dir, outboxFileName(seq)));
        if (item) items.push({ ...item, seq });
      }
      return items;
    });
  }

  /** Removes a message the broker acknowledged; false when it was not (or no longer) waiting. */
  ack(seq: number): Promise<boolean> {
    return this.serial(async (index) => {
      if (!index.has(seq)) return false;
      await this.remove(index, seq);
      return true;
    });
  }

  /**
   * Takes a message the broker refused for good out of the queue, keeping it aside (`.refused-{name}`).
   * Returns the path it was kept at, or null when it was not waiting.
   */
  refuse(seq: number): Promise<string | null> {
    return this.serial(async (index) => {
      if (!index.has(seq)) return null;
      const kept = join(this.dir, `.refused-${outboxFileName(seq)}`);
      await rename(join(this.dir, outboxFileName(seq)), kept);
      index.delete(seq);
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

  private serial<T>(op: (index: Map<number, boolean>) => Promise<T>): Promise<T> {
    const run = this.queue.then(async () => op(await this.load()));
    this.queue = run.catch(() => {});
    return run;
  }

  private oldest(index: Map<number, boolean>, retained: boolean): number | undefined {
    for (const [seq, retain] of index) if (retain === retained) return seq;
    return undefined;
  }

  private async remove(index: Map<number, boolean>, seq: number): Promise<void> {
    // A removal lost to a crash only re-sends a message; no directory fsync needed.
    await unlink(join(this.dir, outboxFileName(seq))).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
    index.delete(seq);
  }

  private async load(): Promise<Map<number, boolean>> {
    if (this.index) return this.index;
    await mkdir(this.dir, { recursive: true });
    await sweepTempFiles(this.dir);
    const seqs: number[] = [];
    for (const name of await readdir(this.dir)) {
      const m = ITEM_RE.exec(name);
      if (m) seqs.push(Number(m[1]));
    }
    seqs.sort((a, b) => a - b);
    const index = new Map<number, boolean>();
    for (const seq of seqs) {
      const path = join(this.dir, outboxFileName(seq));
      const item = await readItem(path).catch(() => null);
      // Unreadable items cannot be sent; they are moved aside (hidden) rather than blocking the queue forever.
      if (item) index.set(seq, item.retain);
      else await rename(path, join(this.dir, `.corrupt-${outboxFileName(seq)}`)).catch(() => {});
    }
    this.nextSeq = (seqs.at(-1) ?? 0) + 1;
    this.index = index;
    return index;
  }
}

async function readItem(path: string): Promise<Omit<OutboxItem, 'seq'> | null> {
  const value = await readJsonFile(path);
  if (!isRecord(value) || typeof value.topic !== 'string' || typeof value.payload !== 'string') return null;
  return { topic: value.topic, payload: value.payload, retain: value.retain === true };
}
