// Ids of the commands this board has executed, `{state_dir}/commands.json`, so that a command delivered again
// (QoS 1 is at least once: a redelivery after a lost PUBACK, an agent restart, a replay) is answered
// `duplicate` and never run twice.
//
// INVARIANTS
// - Written ahead: an id is recorded (atomic, fsync) BEFORE its command is carried out. If the record cannot be
//   written, a command that changes the board is refused (`state_unwritable`): at most once beats at least once
//   for an operator's hold or force release — a `done` that was not done, or a bypass run twice, is worse than
//   a refusal the operator sees and can retry. A crash between the record and the action leaves the id
//   recorded and the action undone: the operator got no `done`, times out, and sends it again with a new id.
// - Bounded without forgetting anything that matters: a command whose expires_at has passed is refused
//   `expired` before its id is looked at, so an entry is only needed until then. Entries are kept
//   RETAIN_AFTER_EXPIRY_MS past expiry (a clock stepped back a little must not revive them), and never more than
//   MAX_ENTRIES (oldest dropped first; at the 10-minute maximum window that is more than 3 commands a second
//   for 10 minutes, far beyond any operator).
// - Read once at start, then kept in memory: this process is the only writer (the instance lock).

import { isRecord, readJsonFile, writeJsonFile } from '../store/json-file.js';
import type { OwnedTree } from '../store/owned.js';

export const MAX_ENTRIES = 2000;
export const RETAIN_AFTER_EXPIRY_MS = 60 * 60 * 1000;

export interface ExecutedEntry {
  id: string;
  action: string;
  expires_at: string;
  at: string;
}

export class ExecutedIds {
  private entries: ExecutedEntry[] = [];
  private ids = new Set<string>();

  constructor(
    private readonly path: string,
    private readonly tree?: OwnedTree,
  ) {}

  /**
   * Reads the record. A corrupt one is not silently taken as empty (that would let every recent command run
   * again): the error is thrown for the agent to log, and it starts with what it could read — nothing — only
   * after saying so. Returns the problem, or null.
   */
  async load(): Promise<string | null> {
    let doc: unknown;
    try {
      doc = await readJsonFile(this.path, this.tree);
    } catch (err) {
      return `${(err as Error).message}; commands executed before are not remembered (a redelivery could run again)`;
    }
    if (doc === null) return null;
    const list = isRecord(doc) && Array.isArray(doc.executed) ? doc.executed : null;
    if (!list) return `${this.path} has no "executed" list; commands executed before are not remembered`;
    this.entries = list.filter(
      (e): e is ExecutedEntry =>
        isRecord(e) &&
        typeof e.id === 'string' &&
        typeof e.expires_at === 'string' &&
        typeof e.at === 'string',
    );
    this.ids = new Set(this.entries.map((e) => e.id));
    return null;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  /**
   * Records `entry` durably (atomic replace + fsync). On failure nothing changes, in memory or on disk, and the
   * error is thrown: the caller decides (see the invariant above).
   */
  async record(entry: ExecutedEntry, now = Date.now()): Promise<void> {
    const kept = this.entries.filter(
      (e) => e.id !== entry.id && !(Date.parse(e.expires_at) + RETAIN_AFTER_EXPIRY_MS < now),
    );
    const next = [...kept, entry].slice(-MAX_ENTRIES);
    await writeJsonFile(this.path, { executed: next }, { tree: this.tree, mode: 0o640 });
    this.entries = next;
    this.ids = new Set(next.map((e) => e.id));
  }
}
