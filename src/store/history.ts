// The last N applied configs, `{state_dir}/history/`, for `aimlock history` and rollback.
//
// INVARIANTS
// - One file per applied version, named by the zero-padded version (`000000042.json`), written atomically:
//   an entry is whole or absent, also after a power cut (its bytes are synced before the rename; the rename
//   itself is not, so a cut may lose the newest entries: start-up rebuilds the live one). Names are compared as numbers, so a version beyond the padding still sorts.
// - Versions only move forward (a rollback lands as a new version), so "newest" is "highest version", and
//   pruning to N after each record keeps exactly the newest N (just after the record, on the event loop's
//   next turn: see stage()).
// - Only names of the form `<digits>.json` are entries; temporaries of atomicWrite start with a dot.
import { readdirSync, unlinkSync } from 'node:fs';
import { mkdir, readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { StagedWrite } from './atomic.js';
import type { AimConfig } from './conf.js';
import { CorruptFileError, isRecord, readJsonFile, stageJsonFile } from './json-file.js';
import { inDirectory, type OwnedTree } from './owned.js';
import type { ApplySource } from './state.js';

export interface HistoryEntry {
  version: number;
  id: string;
  sha256: string;
  applied_at: string;
  source: ApplySource;
  reason?: string;
  /** The lease's fencing token (absent in entries written before it was recorded). */
  generation?: number;
  config: AimConfig;
}

export const DEFAULT_HISTORY_SIZE = 5;
const ENTRY_RE = /^(\d+)\.json$/;

export function historyFileName(version: number): string {
  return `${String(version).padStart(9, '0')}.json`;
}

/** The versions of the entries among `names`, newest first. */
function entryVersions(names: string[]): number[] {
  const versions: number[] = [];
  for (const name of names) {
    const m = ENTRY_RE.exec(name);
    if (m) versions.push(Number(m[1]));
  }
  return versions.sort((a, b) => b - a);
}

export class History {
  readonly keep: number;
  /** The prune after the last place() (see stage()); every listing waits for it. */
  private pruning: Promise<void> = Promise.resolve();

  constructor(
    readonly dir: string,
    keep: number = DEFAULT_HISTORY_SIZE,
    /** The state directory (store/owned.ts): root (`aimlock apply`, rollback) follows no link there. */
    private readonly tree?: OwnedTree,
  ) {
    if (!Number.isSafeInteger(keep) || keep < 1)
      throw new RangeError(`history size must be an integer ≥ 1, got ${keep}`);
    this.keep = keep;
  }

  /** Stores `entry` (replacing an entry of the same version), then prunes to the newest `keep`. */
  async record(entry: HistoryEntry): Promise<void> {
    await (await this.stage(entry)).place();
    await this.pruning;
  }

  /** Keeps the newest `keep` entries. Never throws: losing an unlink only leaves an entry too many for now. */
  private async prune(): Promise<void> {
    await this.inDir((at) => {
      for (const v of entryVersions(readdirSync(at(''))).slice(this.keep)) {
        try {
          unlinkSync(at(historyFileName(v)));
        } catch {} // gone already, or the folder refuses: pruned by the next record
      }
    }).catch(() => {});
  }

  /**
   * record() in two halves: the entry written and synced now, under a temporary name; place() renames it to
   * its name and prunes, abandon() removes it. An apply stages its entry together with the config and the
   * state record, so that a full or broken history folder stops it before anything visible changed.
   */
  async stage(entry: HistoryEntry): Promise<StagedWrite> {
    if (!Number.isSafeInteger(entry.version) || entry.version < 0) {
      throw new RangeError(`history version must be a non-negative integer, got ${entry.version}`);
    }
    // Through the tree when there is one: it makes the folder (owned by the agent's user) when missing.
    if (!this.tree) await mkdir(this.dir, { recursive: true });
    // The entry's bytes are fsync'd before its rename, its directory is not: after a power cut the entry is
    // whole or absent (never empty), at one sync. Start-up rebuilds the live version's entry when its rename
    // was lost (agent/recover-history.ts).
    const staged = await stageJsonFile(join(this.dir, historyFileName(entry.version)), entry, {
      tree: this.tree,
      syncDir: false,
    });
    return {
      place: async () => {
        await staged.place();
        // Pruned on the event loop's next turn, not before place() returns: a landing goes on to rename its state
        // record and wait for the directory fsync, and the unlink (ext4 frees the synced entry's blocks, ~0.1 ms
        // here) runs while it waits. Listings in this process wait for it (`pruning`; get() of one entry need
        // not); another process may list one entry too many for that instant, as after a crash between the
        // rename and the unlink. A prune that fails is not reported: the landing is committed, and the next
        // record prunes again.
        this.pruning = new Promise((resolve) => setImmediate(() => void this.prune().finally(resolve)));
      },
      abandon: () => staged.abandon(),
    };
  }

  /** Removes the entry of `version` (an apply that was rolled back after its entry was written). */
  async forget(version: number): Promise<void> {
    await unlink(join(this.dir, historyFileName(version))).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
    });
  }

  /**
   * Removes entries that do not parse (left by an older aimlock that did not sync them, or by hand). Returns
   * the versions removed. Start-up recovery only: a live writer's entry is whole.
   */
  async dropTorn(): Promise<number[]> {
    const dropped: number[] = [];
    for (const v of await this.versions()) {
      const torn = await this.get(v).then(
        () => false,
        (err: unknown) => err instanceof CorruptFileError,
      );
      if (!torn) continue;
      await this.forget(v);
      dropped.push(v);
    }
    return dropped;
  }

  /** Every kept entry, newest first. */
  async list(): Promise<HistoryEntry[]> {
    const entries: HistoryEntry[] = [];
    for (const v of await this.versions()) {
      const entry = await this.get(v);
      if (entry) entries.push(entry);
    }
    return entries;
  }

  async get(version: number): Promise<HistoryEntry | null> {
    if (!Number.isSafeInteger(version) || version < 0) return null;
    const path = join(this.dir, historyFileName(version));
    const value = await readJsonFile(path, this.tree);
    if (value === null) return null;
    if (
      !isRecord(value) ||
      value.version !== version ||
      !isRecord(value.config) ||
      typeof value.sha256 !== 'string'
    ) {
      throw new CorruptFileError(path, `not a history entry for version ${version}`);
    }
    return value as unknown as HistoryEntry;
  }

  /** The newest entry older than `version`: what a rollback from `version` restores. */
  async previous(version: number): Promise<HistoryEntry | null> {
    const older = (await this.versions()).find((v) => v < version);
    return older === undefined ? null : this.get(older);
  }

  /** Versions on disk, newest first. */
  private async versions(): Promise<number[]> {
    await this.pruning;
    let names: string[];
    try {
      names = await this.inDir((at) => readdir(at('')));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return entryVersions(names);
  }

  /** Runs `fn` with names resolved inside the history folder, opened without following links in the tree. */
  private inDir<T>(fn: (at: (name: string) => string) => Promise<T> | T): Promise<T> {
    return inDirectory(this.dir, this.tree, false, (dir) => fn((name) => dir.at(name)));
  }
}
