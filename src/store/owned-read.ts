// Reading a record under the state directory: never through a link at its name or (inside the tree) in its
// directories, never a FIFO, in as few system calls as a whole read allows (owned.ts says who owns what there).
import { closeSync, constants as fsc, fstatSync, lstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { basename } from 'node:path';
import { type OwnedTree, openParent, READ_NOFOLLOW, UnsafePathError } from './owned.js';

/**
 * The bytes of `path`, read without following a link at its name or (inside `tree`) in its directories: what
 * root reads there may end up in a file the agent's user can read (a restored config, an audit line).
 */
export async function readBytes(path: string, tree?: OwnedTree): Promise<Buffer> {
  return readBytesSync(path, tree);
}

/**
 * readBytes, synchronously: the records are a few hundred bytes on the board's own disk, and each asynchronous
 * open, fstat, read and close was a thread-pool round trip — a push reads a dozen of them.
 */
export function readBytesSync(path: string, tree?: OwnedTree): Buffer {
  return readIn(path, tree, false)!;
}

/**
 * readBytes, or null when nothing is at `path`. Some records are absent on most pushes (no hold, no owner record
 * on a free lock): one lstat(2) says so, where an open(2) would throw — and an exception with its stack costs
 * ~8 lstats here.
 */
export async function readBytesIfPresent(path: string, tree?: OwnedTree): Promise<Buffer | null> {
  return readIn(path, tree, true);
}

function readIn(path: string, tree: OwnedTree | undefined, absentIsNull: boolean): Buffer | null {
  const dir = openParent(path, tree, false);
  try {
    const at = dir.at(basename(path));
    if (absentIsNull && lstatSync(at, { throwIfNoEntry: false }) === undefined) return null;
    // O_NONBLOCK: a FIFO planted where a record belongs must not hang a root command in open(2).
    const fd = openSync(at, READ_NOFOLLOW | fsc.O_NONBLOCK);
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) throw new UnsafePathError(path, 'it is not a regular file');
      return readWhole(fd, st.size);
    } finally {
      closeSync(fd);
    }
  } catch (err) {
    // Removed between the lstat and the open: absent all the same.
    if (absentIsNull && (err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw dir.named(err);
  } finally {
    dir.close();
  }
}

/**
 * The rest of an open file whose fstat said `size`: one read of size + 1 bytes answers both "what is in it" and
 * "is that all" for a record that did not grow meanwhile (readFileSync(fd) would fstat again and read once more
 * to see the end). A read of a regular file on a local disk is short only at its end; a file that grew is read
 * on to its end. One past what a single read(2) returns is left to readFileSync, which refuses what no Buffer
 * holds instead of allocating for it.
 */
function readWhole(fd: number, size: number): Buffer {
  if (size >= MAX_ONE_READ) return readFileSync(fd);
  const buf = Buffer.allocUnsafe(size + 1);
  const n = readSync(fd, buf, 0, buf.length, null);
  if (n < buf.length) return buf.subarray(0, n);
  return Buffer.concat([buf, readFileSync(fd)]);
}

/** Linux returns at most 0x7ffff000 bytes from one read(2). */
const MAX_ONE_READ = 0x7ffff000;
