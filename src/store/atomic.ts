// Atomic, durable replacement of a file: write a temporary file in the SAME directory (rename is only atomic
// within one filesystem), fsync it, rename it over the target, fsync the directory.
//
// INVARIANTS
// - After a crash or power cut at any instant, `path` holds the old content or the new content, whole: the
//   new bytes are on disk (fsync) before the rename makes them visible, and the rename is durable (directory
//   fsync) before the promise resolves.
// - A failed write leaves `path` untouched and removes its temporary file — unless it failed AFTER the rename
//   (the directory fsync): then the new content is already visible at `path`, and the error is a
//   RenamedNotDurable so the caller can tell the truth (the new content is live, its durability unknown).
//   Only a killed writer can leave a temporary behind; `sweepTempFiles` removes those of dead processes.
// - No fsync is ever retried. After EIO the kernel may already have dropped the dirty pages and cleared the
//   error: a second fsync can succeed without the data being on disk. A failed fsync fails the write, and
//   the caller decides (apply.ts fails or rolls back the apply). Nothing in src/store retries a write.
// - Temporary names start with a dot and carry the writer's pid (`.{base}.tmp-{pid}-{random}`), so directory
//   listings that read only their own names (history, outbox) never see them, and a sweeper can tell whose
//   they are.
//
// The replaced file is a new inode with mode `opts.mode` (default 0644): never take a kernel lock on a file
// replaced this way (CONTRACT §2: the `.lock` file exists for that). A symlink at `path` is replaced by the
// file, not followed. With `opts.tree` (the state directory, store/owned.ts) the directory is reached without
// following links, missing directories are made, and a file made by root belongs to the tree's owner (fchown
// on the temporary, before the rename makes it visible).

import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  constants as fsc,
  fsync,
  fsyncSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { open, readdir, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { type Dir, type OwnedTree, openParent } from './owned.js';

const fsyncAsync = promisify(fsync);

export interface AtomicWriteOptions {
  /** Exact mode of the new file (applied with fchmod, so the umask does not change it). Default 0644 less the umask. */
  mode?: number;
  /** The state directory `path` lies in: no links followed, root's files handed to its owner (owned.ts). */
  tree?: OwnedTree;
  /**
   * false: skip both fsyncs — for records that mean nothing after a reboot (intents: they vouch for a live
   * process). Still atomic against readers. Default true.
   */
  durable?: boolean;
  /**
   * false: fsync the new content but not the directory — for a caller that makes the rename durable itself,
   * with one later directory fsync shared by several renames (apply.ts: config and state record). Until then
   * a power cut may undo the rename (the old content, whole). Default: `durable`.
   */
  syncDir?: boolean;
}

// O_EXCL never follows a link at the final component, and O_NOFOLLOW says so twice.
const TEMP_FLAGS = fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL | fsc.O_NOFOLLOW;

const DEFAULT_MODE = 0o644;

/** The rename happened (the new content is what readers see) but the directory fsync failed. */
export class RenamedNotDurable extends Error {
  readonly renamed = true;
  constructor(
    readonly path: string,
    cause: unknown,
  ) {
    super(`${path} was replaced but the replacement could not be made durable: ${(cause as Error).message}`, {
      cause,
    });
    this.name = 'RenamedNotDurable';
  }
}

/** True when a failed atomicWrite had already made its new content visible. */
export function wasRenamed(err: unknown): boolean {
  return err instanceof RenamedNotDurable;
}
const TEMP_RE = /^\..+\.tmp-(\d+)-[0-9a-f]+$/;

/** The temporary sibling of `path` this process writes before renaming: unique per call, not just per pid. */
export function tempPathFor(path: string): string {
  return join(dirname(path), tempNameFor(basename(path)));
}

// Unique per call: a count within this process, after a random word drawn once per process, so a name a dead
// writer with a reused pid left behind is never drawn again. (randomBytes per name cost a getpid(2) each:
// OpenSSL's check for a fork.)
const PROCESS_WORD = randomBytes(4).toString('hex');
let tempCount = 0;

function tempNameFor(name: string): string {
  tempCount += 1;
  return `.${name}.tmp-${process.pid}-${PROCESS_WORD}${tempCount.toString(16).padStart(6, '0')}`;
}

function toBuffer(data: string | Buffer): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

/**
 * Everything but the fsyncs runs synchronously: open, write, close and rename of a small file on the board's
 * own disk take microseconds, while each was a thread-pool round trip. The fsyncs wait on the disk for
 * milliseconds and stay off the event loop, so MQTT keeps flowing while a write becomes durable.
 */
export async function atomicWrite(
  path: string,
  data: string | Buffer,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  await (await stageWrite(path, data, opts)).place();
}

/** An atomicWrite half done: the temporary is written (and synced, when durable) but not yet visible at `path`. */
export interface StagedWrite {
  /** Renames the temporary over `path`, then fsyncs the directory if asked (RenamedNotDurable if only that failed). */
  place(): Promise<void>;
  /** Removes the temporary instead: `path` keeps its old content. Harmless after place(). */
  abandon(): void;
}

/**
 * The first half of atomicWrite, for a caller that syncs two files at once and renames one only once the other
 * has landed (apply.ts: the state record waits for the history entry). The directory stays open by fd until
 * place() or abandon(): temp, rename and fsync all happen in the same one.
 */
export async function stageWrite(
  path: string,
  data: string | Buffer,
  opts: AtomicWriteOptions = {},
): Promise<StagedWrite> {
  const durable = opts.durable ?? true;
  const syncDir = opts.syncDir ?? durable;
  const dir = openParent(path, opts.tree, opts.tree !== undefined);
  const tmp = dir.at(tempNameFor(basename(path)));
  try {
    const fd = writeTemp(dir, tmp, data, opts);
    try {
      if (durable) await fsyncAsync(fd);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    removeQuietly(tmp);
    const named = dir.named(err); // the real path, not /proc/self/fd/N
    dir.close();
    throw named;
  }
  let settled = false;
  return {
    async place() {
      if (settled) throw new Error(`${path}: staged write already placed or abandoned`);
      settled = true;
      let renamed = false;
      try {
        renameSync(tmp, dir.at(basename(path)));
        renamed = true;
        if (syncDir) await fsyncAsync(dir.fd);
      } catch (err) {
        if (!renamed) removeQuietly(tmp);
        const named = dir.named(err);
        // Past the rename the new content is what readers see: say so (apply.ts decides what that means).
        if (renamed) throw new RenamedNotDurable(path, named);
        throw named;
      } finally {
        dir.close();
      }
    },
    abandon() {
      if (settled) return;
      settled = true;
      removeQuietly(tmp);
      dir.close();
    },
  };
}

/**
 * Stages several writes at once (their fsyncs in flight together). All or nothing: when one fails, the others
 * are abandoned (their temporaries removed) and the first failure is returned.
 */
export async function stageAll<T extends StagedWrite[]>(
  pending: { [K in keyof T]: Promise<T[K]> },
): Promise<{ ok: true; writes: T } | { ok: false; error: unknown }> {
  const settled = await Promise.allSettled(pending);
  const failed = settled.find((r) => r.status === 'rejected');
  if (!failed)
    return { ok: true, writes: settled.map((r) => (r as PromiseFulfilledResult<StagedWrite>).value) as T };
  for (const r of settled) if (r.status === 'fulfilled') r.value.abandon();
  return { ok: false, error: failed.reason };
}

export function atomicWriteSync(path: string, data: string | Buffer, opts: AtomicWriteOptions = {}): void {
  const durable = opts.durable ?? true;
  const syncDir = opts.syncDir ?? durable;
  const dir = openParent(path, opts.tree, opts.tree !== undefined);
  const tmp = dir.at(tempNameFor(basename(path)));
  let renamed = false;
  try {
    try {
      const fd = writeTemp(dir, tmp, data, opts);
      try {
        if (durable) fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      renameSync(tmp, dir.at(basename(path)));
      renamed = true;
      if (syncDir) fsyncSync(dir.fd);
    } catch (err) {
      if (!renamed) removeQuietly(tmp);
      throw err;
    }
  } catch (err) {
    throw dir.named(err); // the real path, not /proc/self/fd/N
  } finally {
    dir.close();
  }
}

/** The temporary, created and written whole (owned by the tree's owner when root made it); returns its fd. */
function writeTemp(dir: Dir, tmp: string, data: string | Buffer, opts: AtomicWriteOptions): number {
  const fd = openSync(tmp, TEMP_FLAGS, opts.mode ?? DEFAULT_MODE);
  try {
    dir.adopt(fd);
    if (opts.mode !== undefined) fchmodSync(fd, opts.mode);
    writeAllSync(fd, toBuffer(data));
    return fd;
  } catch (err) {
    closeSync(fd);
    throw err;
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {} // already gone, or the directory is unwritable: a sweeper removes it later
}

/** Makes a rename or unlink in `dir` durable: without it the directory entry may be lost on power cut. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

export function fsyncDirSync(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Removes temporary files in `dir` left by writers that were killed mid-write (their pid no longer exists).
 * A live writer's temporary is never touched: removing it would make its rename fail. Returns the names removed.
 */
export async function sweepTempFiles(dir: string): Promise<string[]> {
  const names = await readdir(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [] as string[];
    throw err;
  });
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_RE.exec(name);
    if (!m || isAlive(Number(m[1]))) continue;
    await unlink(join(dir, name)).then(
      () => removed.push(name),
      () => {},
    );
  }
  return removed;
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else — alive.
    // A writer in another pid namespace looks dead here; sweeping its temporary only makes its rename fail,
    // which leaves the target at its old content — safe.
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

function writeAllSync(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) off += writeSync(fd, buf, off, buf.length - off);
}
