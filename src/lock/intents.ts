// Intent records (see IntentRecord in types.ts): between taking the kernel locks and setting the lock bit — and
// again while giving them back — a compliant holder looks exactly like a foreign one. The intent says "this
// live process is aimlock, in transition", so observers wait instead of crying mismatch (test/lock-intents).
// This process's own record is overwritten in place (intent-file.ts).
import { UnsafePathError } from '../store/owned.js';
import type { LockFiles } from './files.js';
import { IntentFile } from './intent-file.js';
import { monoNow } from './mono.js';
import { bootId, processFacts, selfStart } from './proc.js';

/** How often leftover intents are looked for (the GC's default interval). */
const PRUNE_EVERY_MS = 30_000;

export class Intents {
  /** Overlapping transitions of this process (the file is per process): the last one out removes it. */
  private users = 0;
  /** When prune() last looked (monotonic ms), null before the first time. */
  private prunedAt: number | null = null;
  private readonly own: IntentFile;
  /** close() was called: the last transition removes the file instead of clearing it. */
  private closing = false;

  constructor(
    private readonly files: LockFiles,
    private readonly holder: string,
    private readonly ttlMs: number,
  ) {
    // Kept between transitions by a long-lived process: the one whose tree keeps its folders open (the agent).
    this.own = new IntentFile(files, files.tree?.keepsOpen ?? false);
  }

  /** Runs `fn` with the intent in place; `refresh` keeps it fresh while waiting longer than the TTL. */
  async during<T>(purpose: string, fn: (refresh: () => Promise<void>) => Promise<T>): Promise<T> {
    let writtenAt = 0;
    // An intent that cannot be written (a full, read-only or failing disk, an immutable folder) costs only a
    // moment in which observers may see a mismatch; failing the transition instead would strand a release
    // half-way (kernel locks kept, bit set) — so the transition goes on without it.
    const write = async () => {
      writtenAt = monoNow();
      await this.own
        .mark({
          pid: process.pid,
          pid_start: selfStart(),
          boot_id: bootId(),
          holder: this.holder,
          purpose,
          at: new Date().toISOString(),
          at_mono_ms: writtenAt,
        })
        .catch((err: NodeJS.ErrnoException) => {
          // A link planted where the intents belong (unsafe_path) still stops the transition.
          if (err instanceof UnsafePathError) throw err;
        });
    };
    this.users++;
    try {
      await write();
      return await fn(async () => {
        if (monoNow() - writtenAt > this.ttlMs / 2) await write();
      });
    } finally {
      if (--this.users === 0) await (this.closing ? this.own.close() : this.own.clear()).catch(() => {});
    }
  }

  /** Removes this process's intent file (a stopping agent); a transition still under way removes it as it ends. */
  async close(): Promise<void> {
    this.closing = true;
    if (this.users === 0) await this.own.close();
  }

  /**
   * Intents of processes killed mid-transition: harmless (they vouch only for a live pid) but clutter. Looked
   * for at most once per PRUNE_EVERY_MS: a listing of the folder on every landing bought nothing.
   */
  async prune(): Promise<void> {
    if (this.prunedAt !== null && monoNow() - this.prunedAt < PRUNE_EVERY_MS) return;
    this.prunedAt = monoNow();
    for (const pid of await this.files.intentPids()) {
      if (pid !== process.pid && !(await processFacts(pid)).alive) await this.files.removeIntent(pid);
    }
  }
}
