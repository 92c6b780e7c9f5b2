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
// The replaced file is a new inode owned by the writer with mode `opts.mode` (default 0644): never take a
// kernel lock on a file replaced this way (CONTRACT §2: the `.lock` file exists for that). A symlink at
// `path` is replaced by the file, not followed.

import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, fsyncSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** Exact mode of the new file (applied with fchmod, so the umask does not change it). Default 0644 less the umask. */
  mode?: number;
}

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

/** The temporary sibling of `path` this process writes before renaming. */
export function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.tmp-${process.pid}-${randomBytes(6).toString('hex')}`);
}

function toBuffer(data: string | Buffer): Buffer {
  return typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
}

export async function atomicWrite(
  path: string,
  data: string | Buffer,
  opts: AtomicWriteOptions = {},
): Promise<void> {
  const tmp = tempPathFor(path);
  const fh = await open(tmp, 'wx', opts.mode ?? DEFAULT_MODE);
  let renamed = false;
  try {
    try {
      if (opts.mode !== undefined) await fh.chmod(opts.mode);
      await fh.writeFile(toBuffer(data));
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
    renamed = true;
    await fsyncDir(dirname(path));
  } catch (err) {
    if (renamed) throw new RenamedNotDurable(path, err);
    await unlink(tmp).catch(() => {});
    throw err;
  }
}

export function atomicWriteSync(path: string, data: string | Buffer, opts: AtomicWriteOptions = {}): void {
  const tmp = tempPathFor(path);
  const fd = openSync(tmp, 'wx', opts.mode ?? DEFAULT_MODE);
  let renamed = false;
  try {
    try {
      if (opts.mode !== undefined) fchmodSync(fd, opts.mode);
      writeAllSync(fd, toBuffer(data));
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
    renamed = true;
    fsyncDirSync(dirname(path));
  } catch (err) {
    if (!renamed) {
      try {
        unlinkSync(tmp);
      } catch {}
    }
    throw err;
  }
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
